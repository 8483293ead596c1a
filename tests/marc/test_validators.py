"""Realistic records proved by independent validators: pymarc round trip, yaz-marcdump,
MARC::Lint and the MARC21 slim XSD (see tests/support/validators.py for the accepted
MARC::Lint warning classes)."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from pymarc import Field, Indicators, Record, Subfield

from koha_bridge.config import AcquisitionsConfig, Config, SchoolConfig
from marc.build import build_record
from marc.io import read_records, write_marcxml, write_mrc
from marc.model import Book, Copy, SourceRef, Title
from tests.conftest import MARC_XSD
from tests.support.validators import (
    ACCEPTED_LINT_WARNINGS,
    marc_lint,
    unaccepted,
    xsd_errors,
    yaz_marcdump,
)

RDA = Config(school=SchoolConfig(library_id="THCSLL", level="THCS"))
AACR2 = dataclasses.replace(RDA, acquisitions=AcquisitionsConfig(publication_field="260"))
CONFIGS = {"264": RDA, "260": AACR2}
TODAY = date(2025, 9, 5)
NOW = datetime(2025, 9, 5, 8, 0, 0)


def _title(row: int, copies: int, **values: object) -> Title:
    source = SourceRef("Danh sách bổ sung 2025.xlsx", "Đợt 1", row)
    book = Book(source=source, quantity=copies, **values)  # type: ignore[arg-type]
    return Title(
        key=f"{book.title}|{book.volume}|{book.isbn}",
        book=book,
        copies=[Copy(source, book.category, n, book.price) for n in range(1, copies + 1)],
        sources=[source],
    )


def sample_titles() -> list[Title]:
    """One title per case the builder must get right."""
    textbook = _title(
        2, 5, title="Toán 6", volume="Tập 1", category="SGK",
        series="Kết nối tri thức với cuộc sống",
        authors=("Hà Huy Khoái|tổng chủ biên", "Nguyễn Huy Đoan|chủ biên", "Cung Thế Anh"),
        publisher="Giáo dục Việt Nam", place="H.", year=2023, isbn="9786040000019",
        price=19000, pages=128, size="27 cm", grade="6", subject="Toán",
        class_number="510.712", edition="Tái bản lần thứ 2",
    )
    textbook.copies[0].accession = "SGK.00001"
    textbook.copies[0].barcode = "SGK.00001"
    textbook.copies[0].call_number = "510.712 TOA"
    novel = _title(
        3, 2, title="Kính vạn hoa", subtitle="Truyện dài", volume="Tập 3", category="TN",
        authors=("Nguyễn Nhật Ánh", "Đỗ Hoàng Tường|minh hoạ"), publisher="Kim Đồng",
        place="H.", year=2022, isbn="9786042123457", price=95000, pages=312, size="20 cm",
        subject="Tiểu thuyết", class_number="895.9223", supplier="Nhà sách Fahasa",
    )
    translated = _title(
        4, 1, title="Harry Potter và hòn đá phù thủy", category="TN",
        authors=("Rowling, J. K.", "Lý Lan|dịch"), publisher="Trẻ", place="Tp. Hồ Chí Minh",
        year=2021, isbn="9786042777773", price=155000, pages=366, size="20 cm",
        note="Dịch từ nguyên bản tiếng Anh: Harry Potter and the philosopher's stone",
    )
    english = _title(
        5, 1, title="The Hobbit", subtitle="or there and back again", category="TK",
        authors=("Tolkien, J.R.R.",), publisher="HarperCollins", place="London", year=2012,
        language="eng", class_number="823.912",
    )
    dictionary = _title(
        6, 3, title="Từ điển tiếng Việt", category="TK", publisher="Đà Nẵng",
        place="Đà Nẵng", year=2020, isbn="9786041043213", pages=1500, size="24 cm",
    )
    invalid_isbn = _title(
        7, 1, title="Bài tập Ngữ văn 7", volume="Tập 2", category="SGK",
        authors=("Bộ Giáo dục và Đào tạo",), invalid_isbn="978-604-0-12345-9",
        publisher="Giáo dục Việt Nam", year=2019, grade="Lớp 7",
    )
    ean = _title(
        8, 2, title="Vở bài tập Tiếng Việt 2", category="SGK", ean="8935036601230",
        price=12000, grade="2", note="Sách liên kết với Công ty Đông A",
    )
    legacy = _title(
        9, 1, title="Giáo dục công dân 9", category="NV", class_number="3K",
        authors=("Phạm Văn Hùng",), publisher="Giáo dục", year=2008, pages=80,
    )
    unknown = _title(10, 1, title="Sổ tay thư viện trường học", category="NV")
    return [textbook, novel, translated, english, dictionary, invalid_isbn, ean, legacy, unknown]


def comparable(record: Record) -> str:
    """MARCMaker text without the leader's record length and base address."""
    leader = str(record.leader)
    return leader[5:12] + leader[17:] + "\n" + str(record).split("\n", 1)[1]


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = CONFIGS[request.param]
    records = [build_record(t, config, today=TODAY, now=NOW) for t in sample_titles()]
    folder = tmp_path_factory.mktemp(f"marc{request.param}")
    mrc, xml = folder / "out.mrc", folder / "out.xml"
    assert write_mrc(records, mrc) == len(records)
    assert write_marcxml(records, xml) == len(records)
    return {"records": records, "mrc": mrc, "xml": xml, "field": request.param}


def test_the_sample_covers_every_case(written: dict) -> None:
    records: list[Record] = written["records"]
    tags = [f.tag for r in records for f in r.fields]
    for tag in ("020", "024", "041", "082", "084", "100", "110", "250", "490", "500", "521",
                "653", "700", "942", "952", written["field"]):
        assert tag in tags, tag
    assert any(r["020"].get("z") for r in records if "020" in r)
    assert any("245" in r and not r.get_fields("100", "110") for r in records)
    assert sum(len(r.get_fields("952")) for r in records) == 17


def test_pymarc_reads_back_identical_records(written: dict) -> None:
    originals = [comparable(r) for r in written["records"]]
    assert [comparable(r) for r in read_records(written["mrc"])] == originals
    assert [comparable(r) for r in read_records(written["xml"])] == originals
    assert [r.as_json() for r in read_records(written["xml"])] == [
        r.as_json() for r in written["records"]
    ]


def test_yaz_marcdump_parses_iso2709(written: dict) -> None:
    run = yaz_marcdump(written["mrc"])
    assert run.problems == []
    assert run.records == len(written["records"])
    assert "Hà Huy Khoái" in run.output


def test_yaz_marcdump_parses_marcxml(written: dict) -> None:
    run = yaz_marcdump(written["xml"], marcxml=True)
    assert run.problems == []
    assert run.records == len(written["records"])
    assert "Kính vạn hoa" in run.output


def test_marc_lint_gives_no_warning(written: dict) -> None:
    count, warnings = marc_lint(written["mrc"])
    assert count == len(written["records"])
    assert unaccepted(warnings) == warnings == []
    assert ACCEPTED_LINT_WARNINGS == {}
    # "Rowling, J. K." (spaced initials, which MARC::Lint flags) is closed up in 245 $c only.
    translated = written["records"][2]
    assert translated["245"]["c"].startswith("Rowling, J.K., ")
    assert translated["100"]["a"] == "Rowling, J. K."


def test_marcxml_is_valid_against_the_slim_schema(written: dict) -> None:
    assert xsd_errors(written["xml"], MARC_XSD) == []


def test_nfd_input_never_reaches_the_output(tmp_path: Path) -> None:
    def nfd(value: str) -> str:
        return unicodedata.normalize("NFD", value)

    title = _title(
        11, 2, title=nfd("Tiếng Việt 1"), subtitle=nfd("Sách giáo khoa"), category="SGK",
        authors=(nfd("Bùi Mạnh Hùng|tổng chủ biên"), nfd("Nguyễn Thị Ly Kha")),
        publisher=nfd("Giáo dục Việt Nam"), place=nfd("Hà Nội"), series=nfd("Cánh Diều"),
        subject=nfd("Tiếng Việt"), note=nfd("Sách được cấp phát"), grade="1",
    )
    title.copies[0].call_number = nfd("495.922 BUI")
    title.copies[0].source = SourceRef(nfd("Danh sách đợt 2.xlsx"), nfd("Sách giáo khoa"), 4)
    record = build_record(title, RDA, today=TODAY)
    mrc, xml = tmp_path / "nfd.mrc", tmp_path / "nfd.xml"
    write_mrc([record], mrc)
    write_marcxml([record], xml)
    for path in (mrc, xml):
        content = path.read_bytes().decode("utf-8")
        assert unicodedata.is_normalized("NFC", content), path.name
        assert "Tiếng Việt 1" in content and "Nguyễn Thị Ly Kha" in content
        assert unicodedata.normalize("NFD", "Tiếng") not in content
    assert yaz_marcdump(mrc).problems == []
    assert xsd_errors(xml, MARC_XSD) == []


# The validators themselves must be able to fail.


def _broken_record() -> Record:
    record = Record(leader="00000nam a22000007i 4500")
    record.add_field(Field("001", data="BAD1"))
    record.add_field(Field("100", Indicators("0", " "), [Subfield("a", "Tô Hoài")]))
    record.add_field(Field("110", Indicators("2", " "), [Subfield("a", "Hội Nhà văn")]))
    record.add_field(
        Field("245", Indicators("1", "0"), [Subfield("a", "Dế Mèn"), Subfield("c", "Tô Hoài")])
    )
    return record


def test_marc_lint_catches_bad_records(tmp_path: Path) -> None:
    path = tmp_path / "bad.mrc"
    write_mrc([_broken_record()], path)
    count, warnings = marc_lint(path)
    assert count == 1
    messages = [w.message for w in unaccepted(warnings)]
    assert any(m.startswith("1XX: Only one 1XX tag is allowed") for m in messages)
    assert "245: Must end with . (period)." in messages
    assert "245: Subfield _c must be preceded by /" in messages


def test_yaz_marcdump_catches_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "damaged.mrc"
    write_mrc([_broken_record(), _broken_record()], path)
    data = path.read_bytes()
    path.write_bytes(data[:30] + b"X" + data[31:-10])
    assert yaz_marcdump(path).problems != []


def test_xsd_catches_an_invalid_document(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    write_marcxml([_broken_record()], path)
    text = path.read_text(encoding="utf-8").replace('tag="245"', 'tag="24"')
    path.write_text(text, encoding="utf-8")
    assert xsd_errors(path, MARC_XSD) != []
