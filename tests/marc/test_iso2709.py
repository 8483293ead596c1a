"""MARC files from elsewhere: every record read is returned or reported, MARC-8 converted.

The files are built by ``tests/fixtures/make_marc_fixtures.py`` (see there for each defect).
"""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pytest
from lxml import etree
from pymarc import Record

from marc.errors import FatalInputError
from marc.io import MarcReadReport, read_records, write_marcxml, write_mrc
from tests.conftest import FIXTURES, require_tool
from tests.fixtures.make_marc_fixtures import MARC8_TITLES, broken_records, good, iso2709

MARC = FIXTURES / "marc"
SLIM = "{http://www.loc.gov/MARC21/slim}"


def test_broken_file_every_record_accounted() -> None:
    report = MarcReadReport()
    ids = [r["001"].data for r in read_records(MARC / "broken.mrc", report=report)]
    assert ids == ["GOOD-1", "GOOD-8", "GOOD-13"]
    assert report.read == 14 == report.returned + len(report.skipped)
    assert [s.number for s in report.skipped] == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14]
    starts = [0]
    for record in broken_records()[:-1]:
        starts.append(starts[-1] + len(record))
    assert [s.offset for s in report.skipped] == [starts[n - 1] for n in
                                                  (2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14)]
    reasons = {s.number: s.reason for s in report.skipped}
    assert "BaseAddressInvalid" in reasons[2] and "BaseAddressNotFound" in reasons[3]
    assert "RecordDirectoryInvalid" in reasons[4] and "UnicodeDecodeError" in reasons[5]
    assert "không phải số" in reasons[6] and "không có trường nào" in reasons[7]
    assert "0x1" in reasons[9] and "không khớp" in reasons[10]
    assert "trường 245: chỉ thị" in reasons[11] and "'#4'" in reasons[12]
    assert "cắt cụt" in reasons[14]
    lines = report.lines()
    assert lines[0] == "Tệp broken.mrc: đọc 14 bản ghi, xử lý 3, bỏ qua 11 bản ghi hỏng:"
    assert len(lines) == 12 and lines[1].startswith("  bản ghi số 2 (byte 103): ")


def test_strict_refuses_the_file_at_its_first_bad_record() -> None:
    reader = read_records(MARC / "broken.mrc", strict=True)
    assert next(reader)["001"].data == "GOOD-1"
    with pytest.raises(FatalInputError, match=r"broken\.mrc: bản ghi số 2 \(byte 103\)") as exc:
        next(reader)
    assert exc.value.exit_code == 3


def test_a_length_that_swallows_the_next_record_is_not_trusted(tmp_path: Path) -> None:
    first, second = good(1), good(2)
    long = f"{len(first) + len(second):05d}".encode() + first[5:]
    path = tmp_path / "long.mrc"
    path.write_bytes(long + second + good(3))
    report = MarcReadReport()
    ids = [r["001"].data for r in read_records(path, report=report)]
    assert ids == ["GOOD-2", "GOOD-3"]  # record 2 is not lost inside record 1
    assert [(s.number, s.offset) for s in report.skipped] == [(1, 0)]


def test_marc8_records_are_converted_to_nfc_unicode() -> None:
    report = MarcReadReport()
    records = list(read_records(MARC / "marc8.mrc", report=report))
    assert report.marc8 == 4 and report.skipped == []
    assert "4 bản ghi mã MARC-8" in report.lines()[0]
    for record, (ident, author, title, responsibility) in zip(records, MARC8_TITLES, strict=True):
        assert record["001"].data == ident
        assert record.leader[9] == "a"
        assert record["100"]["a"] == author
        assert record["245"]["a"] == f"{title} /" and record["245"]["c"] == responsibility
        assert all(unicodedata.is_normalized("NFC", s.value) for s in record["245"].subfields)


def test_marc8_conversion_agrees_with_yaz(tmp_path: Path) -> None:
    """YAZ's own MARC-8 tables read the same file to the same text."""
    yaz = require_tool("yaz-marcdump")
    xml = subprocess.run(
        [yaz, "-i", "marc", "-o", "marcxml", "-f", "marc8", "-t", "utf-8",
         str(MARC / "marc8.mrc")], check=True, capture_output=True,
    ).stdout
    theirs = [unicodedata.normalize("NFC", s.text or "")
              for s in etree.fromstring(xml).iter(f"{SLIM}subfield")]
    ours = [v for r in read_records(MARC / "marc8.mrc")
            for f in r.get_fields("100", "245") for v in (s.value for s in f.subfields)]
    assert ours == theirs and len(ours) == 12


def test_converted_marc8_is_written_as_valid_utf8(tmp_path: Path) -> None:
    out = tmp_path / "out.mrc"
    write_mrc(read_records(MARC / "marc8.mrc"), out)
    write_marcxml(read_records(out), tmp_path / "out.xml")
    yaz = require_tool("yaz-marcdump")
    done = subprocess.run([yaz, "-i", "marc", "-o", "line", "-f", "utf-8", "-t", "utf-8",
                           str(out)], check=True, capture_output=True)
    assert "Đất rừng phương Nam" in done.stdout.decode("utf-8")
    assert done.stderr == b""
    assert all(chunk[9:10] == b"a" for chunk in out.read_bytes().split(b"\x1d")[:-1])


def test_blank_leader09_with_utf8_bytes_is_read_as_utf8() -> None:
    report = MarcReadReport()
    titles = [r["245"]["a"] for r in read_records(MARC / "utf8-unflagged.mrc", report=report)]
    assert titles == [t for _, _, t, _ in MARC8_TITLES]
    assert report.utf8_unflagged == 4 and report.marc8 == 0


def test_marcxml_records_that_are_not_marc_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    write_marcxml([Record(good(n)) for n in (1, 2, 3, 4, 5)], path)
    lines = path.read_text(encoding="utf-8").splitlines()  # one <record> a line, from line 3
    lines[3] = lines[3].replace("<leader>", "<leader>x", 1)  # record 2: leader of 25
    lines[4] = lines[4].replace('ind1="1"', 'ind1="#"', 1)  # record 3: "#" indicator
    lines[5] = lines[5].replace('<subfield code="a">', '<subfield code="ab">', 1)  # record 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = MarcReadReport()
    ids = [r["001"].data for r in read_records(path, report=report)]
    assert ids == ["GOOD-1", "GOOD-5"]
    assert report.read == 5 and [(s.number, s.line) for s in report.skipped] == [
        (2, 4), (3, 5), (4, 6)]
    reasons = [s.reason for s in report.skipped]
    assert "leader" in reasons[0] and "'#0'" in reasons[1] and "'ab'" in reasons[2]
    assert report.lines()[1] == f"  bản ghi số 2 (dòng 4): {reasons[0]}"
    with pytest.raises(FatalInputError, match=r"bản ghi số 2 \(dòng 4\)"):
        list(read_records(path, strict=True))



def test_a_broken_first_record_does_not_hide_the_file(tmp_path: Path) -> None:
    path = tmp_path / "first.mrc"
    path.write_bytes(b"0x" + good(1)[2:] + good(2))
    report = MarcReadReport()
    assert [r["001"].data for r in read_records(path, report=report)] == ["GOOD-2"]
    assert [(s.number, s.offset) for s in report.skipped] == [(1, 0)]
    junk = tmp_path / "junk.mrc"
    junk.write_bytes(b"hello, not MARC at all\n")
    with pytest.raises(FatalInputError, match="không phải tệp MARC"):
        list(read_records(junk))


def test_marc8_bytes_no_table_maps_are_reported_not_blanked(capfd: pytest.CaptureFixture[str]
                                                            ) -> None:
    report = MarcReadReport()
    records = list(read_records(MARC / "marc8-bad-byte.mrc", report=report))
    assert [r["001"].data for r in records] == ["M8-1"]  # the byte order mark is no record
    [skipped] = report.skipped
    assert (skipped.number, skipped.offset) == (1, 3)
    assert "MARC-8 không chuyển được" in skipped.reason and "0xff" in skipped.reason
    assert report.marc8 == 1
    assert capfd.readouterr().err == ""  # pymarc's complaint is in the report, not on stderr


PYMARC = Path(__file__).resolve().parents[1] / "data" / "pymarc"


def test_pymarc_test_files_are_read_or_reported(tmp_path: Path) -> None:
    report = MarcReadReport()
    [record] = read_records(PYMARC / "utf8.xml", report=report)
    assert record["505"]["t"] == "Préludes" and record.leader[9] == "a"
    assert report.read == 1 and report.skipped == []
    report = MarcReadReport()
    assert list(read_records(PYMARC / "bad_tag.xml", report=report)) == []
    [skipped] = report.skipped
    assert (skipped.number, skipped.line) == (1, 2) and "leader" in skipped.reason
    with pytest.raises(FatalInputError, match=r"bad_tag\.xml: bản ghi số 1 \(dòng 2\)"):
        list(read_records(PYMARC / "bad_tag.xml", strict=True))
    mended = tmp_path / "tag42.xml"  # with a whole leader: pymarc reads the tag "42" as 042
    mended.write_text((PYMARC / "bad_tag.xml").read_text(encoding="utf-8").replace(
        "      Z   22 4500", "00000nam a2200000 a 4500"), encoding="utf-8")
    [record] = read_records(mended)
    assert record["042"]["a"] == "dc" and record["245"]["a"] == "The Untamed"
    lettered = tmp_path / "tag4x.xml"  # a tag that is no tag at all is refused
    lettered.write_text(mended.read_text(encoding="utf-8").replace('tag="42"', 'tag="4 2"'),
                        encoding="utf-8")
    report = MarcReadReport()
    assert list(read_records(lettered, report=report)) == []
    assert report.skipped[0].reason == "nhãn trường không hợp lệ: '4 2'"


def test_non_ascii_subfield_code_is_reported_and_pymarc_stays_quiet(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, recwarn: pytest.WarningsRecorder
) -> None:
    path = tmp_path / "code.mrc"
    path.write_bytes(iso2709("00000nam a2200000 a 4500", [
        ("001", b"BAD-CODE"), ("245", b"10\x1f\xc3\xa9T\xc3\xaan s\xc3\xa1ch")]) + good(2))
    report = MarcReadReport()
    assert [r["001"].data for r in read_records(path, report=report)] == ["GOOD-2"]
    assert report.skipped[0].reason == "mã trường con không phải ký tự ASCII"
    list(read_records(MARC / "broken.mrc"))
    assert not [r for r in caplog.records if r.name.startswith("pymarc")]
    assert len(recwarn) == 0  # nothing repaired silently behind the report
