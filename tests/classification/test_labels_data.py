"""Label data from MARC records: call-number parts, fallbacks, ordering, grouping."""

from __future__ import annotations

from collections.abc import Sequence

from pymarc import Field, Indicators, Record, Subfield

from classification.labels.data import (
    group_per_title,
    items_from_records,
    main_class,
    sort_items,
    split_call_number,
)

Copy = tuple[str, str, str, str]  # collection, call number, accession, barcode ("" = none)


def make_record(
    record_id: str,
    title: str,
    copies: Sequence[Copy],
    *,
    ddc: str = "",
    legacy: str = "",
    year: str = "2020",
    volume: str = "",
    source: str = "",
) -> Record:
    """A biblio with one 952 per copy, shaped like marc.build's output."""
    record = Record()
    record.add_field(Field(tag="001", data=record_id))
    subfields = [Subfield("a", title)]
    if volume:
        subfields.append(Subfield("n", volume))
    record.add_field(Field(tag="245", indicators=Indicators("0", "0"), subfields=subfields))
    if ddc:
        record.add_field(
            Field(tag="082", indicators=Indicators("0", "4"),
                  subfields=[Subfield("a", ddc), Subfield("2", "23")])
        )
    if legacy:
        record.add_field(
            Field(tag="084", indicators=Indicators(" ", " "),
                  subfields=[Subfield("a", legacy), Subfield("2", "bbk19")])
        )
    record.add_field(
        Field(tag="264", indicators=Indicators(" ", "1"), subfields=[Subfield("c", f"{year}.")])
    )
    for collection, call_number, accession, barcode in copies:
        item = [Subfield("8", collection)]
        if call_number:
            item.append(Subfield("o", call_number))
        if source:
            item.append(Subfield("2", source))
        if accession:
            item.append(Subfield("i", accession))
        if barcode:
            item.append(Subfield("p", barcode))
        record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=item))
    return record


def test_split_call_number_parts() -> None:
    assert split_call_number("372.7 BOG 2023 T.1") == ("372.7", "BOG", "2023", "T.1")
    assert split_call_number("895.9223 NGU") == ("895.9223", "NGU", "", "")
    assert split_call_number("53(075) VAT T.2") == ("53(075)", "VAT", "", "T.2")
    assert split_call_number("") == ("", "", "", "")


def test_main_class_only_for_ddc() -> None:
    assert main_class("895.9223") == "800"
    assert main_class("004") == "000"
    assert main_class("3K") is None
    assert main_class("530", source="z") is None


def test_one_item_per_copy_with_fields_from_952() -> None:
    record = make_record(
        "42", "Tiếng Việt 1.", [
            ("SGK", "372.6 BOG 2023 T.1", "SGK.00010", ""),
            ("SGK", "372.6 BOG 2023 T.1", "SGK.00011", "00000011"),
        ],
        ddc="372.6", year="2023", volume="Tập 1",
    )
    data = items_from_records([record])
    assert data.warnings == []
    first, second = data.items
    assert first.title == "Tiếng Việt 1 - Tập 1"
    assert (first.classification, first.author_mark, first.year, first.volume) == (
        "372.6", "BOG", "2023", "T.1",
    )
    assert first.collection == "SGK"
    assert first.main_class == "300"
    assert first.barcode == "SGK.00010"  # default: the accession number
    assert second.barcode == "00000011"


def test_missing_call_number_falls_back_to_082_with_warning() -> None:
    record = make_record("7", "Dế Mèn phiêu lưu ký", [("TN", "", "TN.00001", "")], ddc="895.9223")
    data = items_from_records([record])
    item = data.items[0]
    assert item.classification == "895.9223"
    assert item.author_mark == ""
    assert item.year == "2020"  # from 264 $c
    assert item.main_class == "800"
    assert len(data.warnings) == 1
    assert "952 $o" in data.warnings[0] and "082" in data.warnings[0]


def test_legacy_084_fallback_has_no_ddc_colour() -> None:
    record = make_record("8", "Vật lý 6", [("SGK", "", "SGK.00001", "")], legacy="53(075)")
    data = items_from_records([record])
    assert data.items[0].classification == "53(075)"
    assert data.items[0].main_class is None
    assert "084" in data.warnings[0]


def test_record_without_copies_is_reported() -> None:
    data = items_from_records([make_record("9", "Không có bản", [], ddc="800")])
    assert data.items == []
    assert "952" in data.warnings[0]


def test_text_is_nfc() -> None:
    decomposed = "Dế Mèn phiêu lưu ký".replace("ế", "e\u0302\u0301")
    record = make_record("1", decomposed, [("TN", "895.9223 TOH", "TN.1", "")])
    assert items_from_records([record]).items[0].title == "Dế Mèn phiêu lưu ký"


def test_sort_by_shelf_and_by_accession() -> None:
    records = [
        make_record("1", "B", [("TK", "895.9223 NGU", "TK.10", "")]),
        make_record("2", "A", [("TK", "372.7 BOG", "TK.9", "")]),
        make_record("3", "C", [("TK", "895.9223 NGU 2019", "TK.100", "")]),
        make_record("4", "D", [("NV", "895.9223 ANH", "NV.2", "")]),
    ]
    items = items_from_records(records).items
    shelf = [i.accession for i in sort_items(items, "shelf")]
    assert shelf == ["TK.9", "NV.2", "TK.100", "TK.10"]
    accession = [i.accession for i in sort_items(items, "accession")]
    assert accession == ["NV.2", "TK.9", "TK.10", "TK.100"]


def test_group_per_title_counts_copies() -> None:
    copies = [("TK", "895.9223 TOH", f"TK.{n}", "") for n in range(1, 6)]
    records = [
        make_record("1", "Dế Mèn phiêu lưu ký", copies),
        make_record("2", "Tin học", [("TK", "004 TIN", "TK.9", "")]),
    ]
    grouped = group_per_title(items_from_records(records).items)
    assert [(g.record_id, g.count) for g in grouped] == [("1", 5), ("2", 1)]
