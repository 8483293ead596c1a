"""marc.io: streaming ISO 2709 / MARCXML writers and a reader that never drops a record."""

from __future__ import annotations

import tracemalloc
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree
from pymarc import Field, Indicators, Record, Subfield

from koha_bridge.config import Config
from koha_bridge.exceptions import FatalInputError
from marc.build import build_record
from marc.io import MarcReadReport, read_records, write_marcxml, write_mrc
from marc.model import Book, Copy, SourceRef, Title

CONFIG = Config()
SRC = SourceRef("ds.xlsx", "SGK", 2)
NFD_TITLE = unicodedata.normalize("NFD", "Tiếng Việt 2")


def make(n: int, copies: int = 2) -> Record:
    book = Book(SRC, f"Tiếng Việt {n}", "SGK", copies, authors=("Bùi Mạnh Hùng|chủ biên",))
    title = Title(f"k{n}", book, [Copy(SRC, "SGK", i + 1, 25000) for i in range(copies)])
    return build_record(title, CONFIG, today=date(2025, 9, 5), now=datetime(2025, 9, 5))


def records(n: int) -> Iterator[Record]:
    return (make(i) for i in range(n))


def comparable(record: Record) -> str:
    """MARCMaker text without the leader's record length and base address (derived values)."""
    leader = str(record.leader)
    return leader[5:12] + leader[17:] + "\n" + str(record).split("\n", 1)[1]


def test_write_and_read_back_iso2709(tmp_path: Path) -> None:
    path = tmp_path / "out.mrc"
    assert write_mrc(records(3), path) == 3
    back = list(read_records(path))
    assert [comparable(r) for r in back] == [comparable(make(i)) for i in range(3)]
    assert all(r.leader[9] == "a" for r in back)


def test_write_and_read_back_marcxml(tmp_path: Path) -> None:
    path = tmp_path / "out.xml"
    assert write_marcxml(records(3), path) == 3
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{http://www.loc.gov/MARC21/slim}collection"
    assert len(root) == 3
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    back = list(read_records(path))
    assert [str(r) for r in back] == [str(make(i)) for i in range(3)]


def test_empty_input_writes_valid_empty_files(tmp_path: Path) -> None:
    assert write_mrc([], tmp_path / "e.mrc") == 0
    assert write_marcxml([], tmp_path / "e.xml") == 0
    assert list(read_records(tmp_path / "e.mrc")) == []
    assert list(read_records(tmp_path / "e.xml")) == []


def test_format_is_sniffed_from_content(tmp_path: Path) -> None:
    xml_named_mrc = tmp_path / "really-xml.mrc"
    iso_named_xml = tmp_path / "really-iso.xml"
    write_marcxml(records(2), xml_named_mrc)
    write_mrc(records(2), iso_named_xml)
    assert len(list(read_records(xml_named_mrc))) == 2
    assert len(list(read_records(iso_named_xml))) == 2
    junk = tmp_path / "junk.mrc"
    junk.write_text("STT,Tên sách\n1,Toán 6\n", encoding="utf-8")
    with pytest.raises(FatalInputError, match=r"junk\.mrc"):
        list(read_records(junk))


def test_missing_file_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(FatalInputError, match=r"nothing\.mrc"):
        list(read_records(tmp_path / "nothing.mrc"))


def test_broken_iso2709_record_is_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.mrc"
    write_mrc(records(3), path)
    data = bytearray(path.read_bytes())
    second = int(data[:5])  # start of record 2
    data[second + 12 : second + 17] = b"x0x0x"  # garble its base address
    path.write_bytes(bytes(data))
    report = MarcReadReport()
    ids = [r["001"].data for r in read_records(path, report=report)]
    assert len(ids) == 2 and report.read == 3 and report.returned == 2
    [skipped] = report.skipped
    assert (skipped.number, skipped.offset) == (2, second)
    assert "không phải số" in skipped.reason
    assert "bản ghi số 2 (byte" in report.lines()[1]
    reader = read_records(path, strict=True)
    assert next(reader)["001"] is not None  # record 1 comes out before the failure
    with pytest.raises(FatalInputError, match=r"broken\.mrc: bản ghi số 2"):
        next(reader)


def test_truncated_iso2709_is_reported_not_silent(tmp_path: Path) -> None:
    path = tmp_path / "cut.mrc"
    write_mrc(records(2), path)
    path.write_bytes(path.read_bytes()[:-40])
    report = MarcReadReport()
    assert len(list(read_records(path, report=report))) == 1
    assert report.skipped[0].number == 2 and "cắt cụt" in report.skipped[0].reason
    with pytest.raises(FatalInputError, match="bản ghi số 2"):
        list(read_records(path, strict=True))


def test_invalid_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.mrc"
    write_mrc(records(1), path)
    data = path.read_bytes()
    at = data.index("Bùi".encode())
    path.write_bytes(data[:at] + b"B\xf9\xf9i" + data[at + len("Bùi".encode()) :])  # same length
    report = MarcReadReport()
    assert list(read_records(path, report=report)) == []
    assert report.skipped[0].number == 1 and "UTF-8" in report.skipped[0].reason
    with pytest.raises(FatalInputError, match="bản ghi số 1"):
        list(read_records(path, strict=True))


def test_broken_marcxml_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    write_marcxml(records(2), path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</record>", "</recor>", 2)[: len(text) - 30], encoding="utf-8")
    reader = read_records(path)
    with pytest.raises(FatalInputError, match=r"broken\.xml"):
        list(reader)
    bad_leader = tmp_path / "leader.xml"
    bad_leader.write_text(
        '<collection xmlns="http://www.loc.gov/MARC21/slim">'
        "<record><leader>short</leader></record></collection>",
        encoding="utf-8",
    )
    report = MarcReadReport()
    assert list(read_records(bad_leader, report=report)) == []
    assert report.read == 1 and "24" in report.skipped[0].reason
    with pytest.raises(FatalInputError, match=r"bản ghi số 1 \(dòng 1\)"):
        list(read_records(bad_leader, strict=True))


def nfd_record() -> Record:
    record = Record(leader="00000nam a2200000 a 4500")
    record.add_field(Field("001", data="X1"))
    record.add_field(Field("245", Indicators("0", "0"), [Subfield("a", NFD_TITLE)]))
    return record


def test_nfd_never_reaches_the_files_and_is_normalised_on_read(tmp_path: Path) -> None:
    for name, write in (("n.mrc", write_mrc), ("n.xml", write_marcxml)):
        path = tmp_path / name
        write([nfd_record()], path)
        raw = path.read_bytes().decode("utf-8")
        assert NFD_TITLE not in raw
        assert "Tiếng Việt 2" in raw
        assert next(read_records(path))["245"]["a"] == "Tiếng Việt 2"
    nfd_file = tmp_path / "nfd.mrc"
    nfd_file.write_bytes(nfd_record().as_marc())  # as another catalogue might send it
    assert NFD_TITLE.encode() in nfd_file.read_bytes()
    assert next(read_records(nfd_file))["245"]["a"] == "Tiếng Việt 2"


def _peak(write: object, n: int, path: Path) -> int:
    tracemalloc.start()
    write(records(n), path)  # type: ignore[operator]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("write", [write_mrc, write_marcxml])
def test_writers_stream(write: object, tmp_path: Path) -> None:
    small = _peak(write, 20, tmp_path / "small")
    large = _peak(write, 400, tmp_path / "large")
    assert large < small * 3, (small, large)  # holding 20x the records would show


def test_reader_streams(tmp_path: Path) -> None:
    for name, write in (("s.mrc", write_mrc), ("s.xml", write_marcxml)):
        path = tmp_path / name
        write(records(400), path)
        tracemalloc.start()
        count = sum(1 for _ in read_records(path))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == 400
        assert peak < path.stat().st_size, (name, peak, path.stat().st_size)


def test_marcxml_escapes_markup_characters(tmp_path: Path) -> None:
    record = Record(leader="00000nam a2200000 a 4500")
    record.add_field(Field("001", data="A&B<1>"))
    record.add_field(
        Field("245", Indicators("0", "0"), [Subfield("a", 'Tom & Jerry <tập "1"> :')])
    )
    record.add_field(Field("590", Indicators(" ", " "), [Subfield("&", "x>y")]))
    path = tmp_path / "escaped.xml"
    write_marcxml([record], path)
    etree.parse(str(path))  # well-formed
    back = next(read_records(path))
    assert str(back) == str(record)
