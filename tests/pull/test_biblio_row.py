"""MARC21 → the register columns of koha_biblios, and when a high-water mark is closed."""

from __future__ import annotations

import pymarc
from pymarc import Field, Indicators, Record, Subfield

from koha_bridge.pull.biblio_row import biblio_row, parse_collection
from koha_bridge.pull.state import is_closed

_B = Indicators(" ", " ")


def _record(*fields: Field, fixed: str = "250101s2024    vm            000 0 vie d") -> Record:
    record = Record()
    record.add_field(Field(tag="008", data=fixed), *fields)
    return record


def test_rda_264_and_local_class_number_and_language_from_041() -> None:
    record = _record(
        Field(tag="041", indicators=Indicators("0", " "), subfields=[Subfield("a", "fre")]),
        Field(tag="084", indicators=_B, subfields=[Subfield("a", "8(V)"),
                                                    Subfield("2", "bbk19")]),
        Field(tag="110", indicators=Indicators("2", " "),
              subfields=[Subfield("a", "Bộ Giáo dục và Đào tạo.")]),
        Field(tag="245", indicators=Indicators("1", "0"), subfields=[
            Subfield("a", "Tiếng Việt 1."), Subfield("n", "Tập 2 :"),
            Subfield("b", "sách giáo khoa /"), Subfield("c", "Bùi Mạnh Hùng (ch.b.)")]),
        Field(tag="264", indicators=Indicators(" ", "4"), subfields=[Subfield("c", "©2019")]),
        Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
            Subfield("a", "Tp. Hồ Chí Minh :"), Subfield("b", "Giáo dục Việt Nam,"),
            Subfield("c", "[2020]")]),
        Field(tag="999", indicators=Indicators("f", "f"), subfields=[Subfield("c", "42")]),
        fixed="250101s2020    vm            000 0 ||| d",
    )
    row = biblio_row(record)
    assert row is not None
    assert row["biblio_id"] == 42
    assert row["title"] == "Tiếng Việt 1. Tập 2 : sách giáo khoa"
    assert row["responsibility"] == "Bùi Mạnh Hùng (ch.b.)"
    assert row["author"] == "Bộ Giáo dục và Đào tạo"
    assert (row["place"], row["publisher"], row["year"]) == (
        "Tp. Hồ Chí Minh", "Giáo dục Việt Nam", "2020")
    assert row["class_number"] == "8(V)"
    assert row["language"] == "fre"
    assert row["isbn"] is None and row["grade"] is None


def test_year_from_008_and_a_grade_note_that_is_not_a_number() -> None:
    record = _record(
        Field(tag="245", indicators=Indicators("0", "0"), subfields=[Subfield("a", "Sách")]),
        Field(tag="521", indicators=_B, subfields=[Subfield("a", "Dành cho học sinh THCS")]),
        Field(tag="999", indicators=Indicators("f", "f"), subfields=[Subfield("c", "7")]),
    )
    row = biblio_row(record)
    assert row is not None
    assert row["year"] == "2024" and row["language"] == "vie"
    assert row["grade"] == "Dành cho học sinh THCS"


def test_a_record_without_koha_id_is_not_a_row_and_collections_parse() -> None:
    record = _record(Field(tag="245", indicators=Indicators("0", "0"),
                           subfields=[Subfield("a", "Không số")]))
    assert biblio_row(record) is None
    body = pymarc.record_to_xml(record, namespace=True)
    wrapped = (b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
               + body.split(b"?>", 1)[-1] + b"</collection>")
    assert [r["245"]["a"] for r in parse_collection(wrapped)] == ["Không số"]
    assert parse_collection(b"") == []


def test_a_mark_is_closed_only_when_older_than_kohas_clock_by_the_margin() -> None:
    date = "Thu, 03 Dec 2026 10:00:00 GMT"
    assert is_closed("2026-12-03T09:58:00+00:00", date)
    assert is_closed("2026-12-03T16:58:00+07:00", date)
    assert not is_closed("2026-12-03T09:59:30+00:00", date)
    assert not is_closed("2026-12-03 09:00:00", date)  # no offset: cannot tell
    assert not is_closed("2026-12-03T09:00:00+00:00", None)
    assert not is_closed(None, date)
