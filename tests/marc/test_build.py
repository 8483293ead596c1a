"""marc.build: one MARC21 biblio per title, one 952 per copy."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from pymarc import Field, Indicators, Record, Subfield

from koha_bridge.config import AcquisitionsConfig, ClassificationConfig, Config, SchoolConfig
from marc.build import (
    UNKNOWN_PLACE,
    UNKNOWN_PUBLISHER,
    UNKNOWN_YEAR,
    ItemOrigin,
    build_record,
    item_field,
    normalize_record,
    record_id,
    set_item_subfield,
)
from marc.itemnote import DeliveryNote, parse_delivery_note
from marc.model import Book, ClassNumber, Copy, SourceRef, Title

TODAY = date(2025, 9, 5)
NOW = datetime(2025, 9, 5, 14, 30, 7)
SRC = SourceRef("Danh sách 2025.xlsx", "Tham khảo", 12)
RDA = Config(school=SchoolConfig(library_id="THCSLL", level="THCS"))
AACR2 = dataclasses.replace(RDA, acquisitions=AcquisitionsConfig(publication_field="260"))
DELIVERED = date(2025, 9, 1)
ORIGIN = ItemOrigin(DELIVERED, None, DeliveryNote("131/PGH", DELIVERED, 12))


def title_of(copies: int = 1, **book: Any) -> Title:
    values: dict[str, Any] = {"title": "Toán 6", "category": "SGK", "quantity": copies}
    values.update(book)
    b = Book(source=SRC, **values)
    return Title(
        key=f"{b.title}|{b.isbn}",
        book=b,
        copies=[Copy(SRC, b.category, n, b.price) for n in range(1, copies + 1)],
    )


def build(title: Title, config: Config = RDA) -> Record:
    return build_record(title, config, today=TODAY, now=NOW, origin=ORIGIN)


def f008(record: Record) -> str:
    data = record["008"].data
    assert data is not None
    return data


def sub(record: Record, tag: str) -> list[tuple[str, str]]:
    return [(s.code, s.value) for s in record[tag].subfields]


def test_record_id_is_kb_plus_sha1_of_the_key() -> None:
    title = title_of()
    assert record_id(title) == "KB" + hashlib.sha1(title.key.encode()).hexdigest()[:12]
    assert record_id(title) == record_id(title_of())
    assert record_id(title) != record_id(title_of(isbn="9786040000001"))


def test_leader_and_control_fields() -> None:
    record = build(title_of(year=2023))
    assert str(record.leader) == "00000nam a22000007i 4500"
    assert str(build(title_of(), AACR2).leader)[18] == "a"
    assert record["001"].data == record_id(title_of(year=2023))
    assert record["003"].data == "THCSLL"
    assert record["005"].data == "20250905143007.0"
    data = f008(record)
    assert len(data) == 40
    assert data[0:6] == "250905"
    assert data[6:15] == "s2023    "
    assert data[15:18] == "vm "
    assert data[22] == "c"  # SGK in a THCS school, no grade given
    assert data[33] == "0"
    assert data[35:38] == "vie"
    assert data[39] == "d"


def test_005_defaults_to_now() -> None:
    record = build_record(title_of(), RDA, today=TODAY)
    assert record["005"].value()[:8] == f"{datetime.now():%Y%m%d}"
    assert record["005"].value().endswith(".0")


def test_008_unknown_year_uses_n_and_u() -> None:
    data = f008(build(title_of()))
    assert data[6:15] == "nuuuuuuuu"
    assert len(data) == 40


@pytest.mark.parametrize(
    ("grade", "category", "code"),
    [
        ("Mầm non", "TN", "a"),
        ("3", "SGK", "b"),
        ("Lớp 6", "SGK", "c"),
        ("7", "SGK", "c"),
        ("9", "SGK", "d"),
        ("Lớp 11", "SGK", "d"),
        (None, "TN", "c"),  # from the school level (THCS)
        (None, "NV", " "),  # teachers' books: audience unknown
        ("cả trường", "TK", " "),
    ],
)
def test_008_audience(grade: str | None, category: str, code: str) -> None:
    assert f008(build(title_of(grade=grade, category=category)))[22] == code


@pytest.mark.parametrize(
    ("book", "code"),
    [
        ({"category": "TN", "title": "Kính vạn hoa", "subject": "Tiểu thuyết"}, "f"),
        ({"category": "TN", "title": "Truyện ngắn chọn lọc"}, "j"),
        ({"category": "TN", "title": "Truyện cổ tích Việt Nam"}, "1"),
        ({"category": "TN", "title": "Khám phá vũ trụ"}, "0"),
        ({"category": "TK", "title": "Tuyển tập", "class_number": "895.9221"}, "p"),
        ({"category": "TK", "title": "Tuyển tập", "class_number": "813.54"}, "1"),
        ({"category": "TK", "title": "Tuyển tập", "class_number": "808.81"}, "p"),
        # writing about literature is not a literary work, whatever its title says
        ({"category": "TK", "title": "Cảm thụ thơ", "class_number": "807.1"}, "0"),
        ({"category": "TK", "title": "Truyện Kiều: khảo luận", "class_number": "809"}, "0"),
        ({"category": "SGK", "title": "Ngữ văn 6 - Truyện và thơ"}, "0"),
    ],
)
def test_008_literary_form_is_conservative(book: dict[str, Any], code: str) -> None:
    assert f008(build(title_of(**book)))[33] == code


def test_008_language_of_a_foreign_book() -> None:
    record = build(title_of(language="eng", title="The Hobbit", place="London"))
    assert f008(record)[35:38] == "eng"
    assert f008(record)[15:18] == "xx "
    assert f008(build(title_of(language="eng", place="H.")))[15:18] == "vm "
    assert f008(build(title_of(language="eng", place="Đà Nẵng")))[15:18] == "vm "
    assert f008(build(title_of(language="fre")))[15:18] == "xx "
    assert f008(build(title_of(language="ger", place="München")))[15:18] == "xx "
    assert sub(record, "041") == [("a", "eng")]
    assert record["245"].indicators == Indicators("0", "4")
    assert "041" not in build(title_of())


def test_isbn_price_invalid_isbn_and_ean() -> None:
    record = build(title_of(isbn="9786040123456", price=45000))
    assert sub(record, "020") == [("a", "9786040123456"), ("c", "45.000đ")]
    record = build(title_of(invalid_isbn="978-604-0-12345-0", ean="8935036601234"))
    assert sub(record, "020") == [("z", "978-604-0-12345-0")]
    assert sub(record, "024") == [("a", "8935036601234")]
    assert record["024"].indicators == Indicators("3", " ")
    assert "020" not in build(title_of())


def test_040_names_the_library_and_rda_only_with_264() -> None:
    assert sub(build(title_of()), "040") == [
        ("a", "THCSLL"), ("b", "vie"), ("c", "THCSLL"), ("e", "rda"),
    ]
    assert sub(build(title_of(), AACR2), "040") == [("a", "THCSLL"), ("b", "vie"), ("c", "THCSLL")]


def test_ddc_goes_to_082_and_942() -> None:
    record = build(title_of(class_number="510.712"))
    assert record["082"].indicators == Indicators("0", "4")
    assert sub(record, "082") == [("a", "510.712"), ("2", "23")]
    assert sub(record, "942") == [("c", "SGK"), ("2", "ddc")]
    abridged = dataclasses.replace(
        RDA, classification=ClassificationConfig(ddc_indicator="1", ddc_edition="15")
    )
    record = build_record(title_of(class_number="510"), abridged, today=TODAY)
    assert record["082"].indicators == Indicators("1", "4")
    assert sub(record, "082") == [("a", "510"), ("2", "15")]


@pytest.mark.parametrize("number", ["53(075)", "3K", "V23", "8(V)"])
def test_legacy_19_class_numbers_go_to_084(number: str) -> None:
    record = build(title_of(class_number=number))
    assert "082" not in record
    assert sub(record, "084") == [("a", number), ("2", "bbk19")]
    assert sub(record, "942") == [("c", "SGK"), ("2", "z")]


def test_title_class_number_wins_over_the_list() -> None:
    title = title_of(class_number="3K")
    title.class_number = ClassNumber("895.9223", "ddc", "rule:vn-fiction", "high")
    record = build(title)
    assert sub(record, "082")[0] == ("a", "895.9223")
    assert "084" not in record


def test_classification_s_number_gives_the_literary_form() -> None:
    title = title_of(category="TK", title="Mắt biếc")
    assert f008(build(title))[33] == "0"  # the list gives no number
    title.class_number = ClassNumber("895.9223", "ddc", "author", "medium")
    assert f008(build(title))[33] == "1"


def test_942h_holds_classification_s_number_not_the_list_s() -> None:
    title = title_of(class_number="510")
    assert sub(build(title), "942") == [("c", "SGK"), ("2", "ddc")]
    title.class_number = ClassNumber("510.76", "ddc", "rule:toan", "low")
    assert sub(build(title), "942") == [("c", "SGK"), ("2", "ddc"), ("h", "510.76")]


def test_title_call_number_goes_to_every_copy_without_its_own() -> None:
    title = title_of(copies=3, class_number="895.9223")
    title.call_number = "895.9223 NG-A"
    title.copies[2].call_number = "895.9223 NG-A T.2"
    items = build(title).get_fields("952")
    assert [(f.get("o"), f.get("2")) for f in items] == [
        ("895.9223 NG-A", "ddc"), ("895.9223 NG-A", "ddc"), ("895.9223 NG-A T.2", "ddc")]
    assert [s.code for s in items[0].subfields][-3:] == ["o", "2", "x"]  # Koha's order


@pytest.mark.parametrize("rda", [True, False])
def test_core_record_is_the_full_record_s_core_fields(rda: bool) -> None:
    from marc.build import CORE_TAGS, core_record

    config = RDA if rda else replace(
        RDA, acquisitions=replace(RDA.acquisitions, publication_field="260"))
    books = [
        {"authors": ("Nguyễn Nhật Ánh", "Đỗ Hoàng Tường (minh họa)"), "title": "Mắt biếc",
         "category": "TK", "series": "Tủ sách tuổi hoa", "subject": "Văn học", "grade": "8",
         "class_number": "895.9223", "year": 2020, "volume": "Tập 1", "isbn": "9786041234567"},
        {"authors": ("Nhà xuất bản Giáo dục Việt Nam",), "title": "Toán 6", "grade": "Lớp 6",
         "class_number": "3K", "edition": "Tái bản lần thứ 2", "note": "Bìa mềm"},
        {"title": "The Hobbit", "language": "eng", "place": "London", "subtitle": "or there"},
        {},
    ]
    for values in books:
        title = title_of(copies=3, **values)
        title.class_number = ClassNumber("895.9223", "ddc", "author", "medium") \
            if values.get("class_number") == "3K" else None
        full = build_record(title, config, today=TODAY, now=NOW)
        core = core_record(title, config, today=TODAY)
        wanted = [str(f) for f in full.fields if f.tag in CORE_TAGS or f.tag[0] == "1"]
        assert [str(f) for f in core.fields] == wanted
        assert str(core.leader) == str(full.leader)


def test_no_class_number_no_082_and_no_942_source() -> None:
    record = build(title_of())
    assert "082" not in record and "084" not in record
    assert sub(record, "942") == [("c", "SGK")]


def test_authors_main_and_added_entries() -> None:
    record = build(
        title_of(
            authors=(
                "Hà Huy Khoái|tổng chủ biên",
                "Rowling, J. K.",
                "Bộ Giáo dục và Đào tạo",
                "Lý Lan|dịch",
            )
        )
    )
    assert record["100"].indicators == Indicators("0", " ")
    assert sub(record, "100") == [("a", "Hà Huy Khoái"), ("e", "tổng chủ biên")]
    added = [(f.tag, f.indicators, f.subfields) for f in record.get_fields("700", "710")]
    assert added == [
        ("700", Indicators("1", " "), [Subfield("a", "Rowling, J. K.")]),
        ("700", Indicators("0", " "), [Subfield("a", "Lý Lan"), Subfield("e", "dịch")]),
        ("710", Indicators("2", " "), [Subfield("a", "Bộ Giáo dục và Đào tạo")]),
    ]
    assert record["245"].indicators == Indicators("1", "0")
    assert record["245"]["c"] == (  # initials closed up in 245 $c only (700 $a above)
        "Hà Huy Khoái (tổng chủ biên), Rowling, J.K., Bộ Giáo dục và Đào tạo, Lý Lan (dịch)."
    )


def test_corporate_main_entry() -> None:
    record = build(title_of(authors=("Bộ Giáo dục và Đào tạo",)))
    assert "100" not in record
    assert record["110"].indicators == Indicators("2", " ")
    assert sub(record, "110") == [("a", "Bộ Giáo dục và Đào tạo")]


def test_title_without_author() -> None:
    record = build(title_of(title="Từ điển Anh - Việt"))
    assert not record.get_fields("100", "110", "700", "710")
    assert record["245"].indicators == Indicators("0", "0")
    assert sub(record, "245") == [("a", "Từ điển Anh - Việt.")]


def test_245_isbd_punctuation() -> None:
    record = build(
        title_of(
            title="Toán 6",
            volume="Tập 1",
            subtitle="Sách giáo khoa",
            authors=("Hà Huy Khoái|tổng chủ biên",),
        )
    )
    assert sub(record, "245") == [
        ("a", "Toán 6."),
        ("n", "Tập 1 :"),
        ("b", "Sách giáo khoa /"),
        ("c", "Hà Huy Khoái (tổng chủ biên)."),
    ]
    assert sub(build(title_of(title="Dế Mèn.", subtitle="Truyện")), "245") == [
        ("a", "Dế Mèn. :"), ("b", "Truyện."),
    ]
    assert sub(build(title_of(title="Dế Mèn phiêu lưu ký.")), "245") == [
        ("a", "Dế Mèn phiêu lưu ký."),
    ]


def test_publication_264_and_260() -> None:
    book: dict[str, Any] = {"place": "H.", "publisher": "Kim Đồng", "year": 2023}
    record = build(title_of(**book))
    assert "260" not in record
    assert record["264"].indicators == Indicators(" ", "1")
    assert sub(record, "264") == [("a", "H. :"), ("b", "Kim Đồng,"), ("c", "2023.")]
    record = build(title_of(**book), AACR2)
    assert "264" not in record and "336" not in record
    assert record["260"].indicators == Indicators(" ", " ")
    assert sub(record, "260") == [("a", "H. :"), ("b", "Kim Đồng,"), ("c", "2023.")]


def test_unknown_publication_is_stated_not_empty() -> None:
    assert sub(build(title_of()), "264") == [
        ("a", UNKNOWN_PLACE + " :"), ("b", UNKNOWN_PUBLISHER + ","), ("c", UNKNOWN_YEAR + "."),
    ]


def test_physical_description_and_rda_types() -> None:
    record = build(title_of(pages=120, size="24 cm"))
    assert sub(record, "300") == [("a", "120 tr. ;"), ("c", "24 cm")]
    assert sub(build(title_of(pages=96)), "300") == [("a", "96 tr.")]
    assert sub(build(title_of()), "300") == [("a", "1 tập")]
    assert sub(record, "336") == [("a", "text"), ("b", "txt"), ("2", "rdacontent")]
    assert sub(record, "337") == [("a", "unmediated"), ("b", "n"), ("2", "rdamedia")]
    assert sub(record, "338") == [("a", "volume"), ("b", "nc"), ("2", "rdacarrier")]


def test_notes_series_audience_subject_edition() -> None:
    record = build(
        title_of(
            series="Kết nối tri thức với cuộc sống",
            note="Liên kết xuất bản với Công ty Đông A",
            grade="6",
            subject="Toán học",
            edition="Tái bản lần thứ 3",
        )
    )
    assert record["490"].indicators == Indicators("0", " ")
    assert sub(record, "490") == [("a", "Kết nối tri thức với cuộc sống")]
    assert sub(record, "500") == [("a", "Liên kết xuất bản với Công ty Đông A")]
    assert sub(record, "521") == [("a", "Lớp 6")]
    assert sub(record, "653") == [("a", "Toán học")]
    assert sub(record, "250") == [("a", "Tái bản lần thứ 3.")]
    assert sub(build(title_of(grade="Lớp 10")), "521") == [("a", "Lớp 10")]
    bare = build(title_of())
    for tag in ("250", "490", "500", "521", "653"):
        assert tag not in bare


def test_fields_are_in_tag_order() -> None:
    record = build(
        title_of(authors=("A", "B"), subject="Toán", class_number="510", isbn="9786040123456")
    )
    tags = [f.tag for f in record.fields]
    assert tags == sorted(tags)


def test_one_952_per_copy_with_koha_subfields() -> None:
    title = title_of(copies=2, price=45000, category="TN")
    title.copies[1].accession = "TN.00002"
    title.copies[1].barcode = "TN00002"
    title.copies[1].call_number = "895.9223 NG-A"
    title.book = dataclasses.replace(title.book, class_number="895.9223")
    items = build(title).get_fields("952")
    assert len(items) == 2
    assert [(s.code, s.value) for s in items[0].subfields] == [
        ("a", "THCSLL"),
        ("b", "THCSLL"),
        ("d", "2025-09-01"),  # the delivery's date, not the day of conversion
        ("e", "mua"),
        ("g", "45000"),
        ("v", "45000"),
        ("y", "STN"),
        ("8", "TN"),
        ("t", "1"),
        ("x", "koha-bridge: chứng từ 131/PGH ngày 01/09/2025; số vào sổ TQ 12"),
    ]
    second = {s.code: s.value for s in items[1].subfields}
    assert second["i"] == "TN.00002"
    assert second["p"] == "TN00002"
    assert second["o"] == "895.9223 NG-A"
    assert second["2"] == "ddc"
    assert second["t"] == "2"


def test_952_location_supplier_copy_price_and_category() -> None:
    from koha_bridge.config import Category

    config = dataclasses.replace(
        RDA, categories=(*RDA.categories[:2], Category("TK", "Tham khảo", "STK", "TK", "TK", "KTK"))
    )
    title = title_of(copies=1, category="TK", supplier="Nhà sách Fahasa", price=30000)
    title.copies.append(Copy(SRC, "SGK", 2, 32000))
    record = build_record(title, config, today=TODAY)
    first, second = (dict((s.code, s.value) for s in f.subfields) for f in record.get_fields("952"))
    assert first["c"] == "KTK"
    assert first["e"] == "Nhà sách Fahasa"
    assert first["g"] == "30000"
    assert "c" not in second
    assert second["y"] == "SGK" and second["8"] == "SGK"
    assert second["g"] == second["v"] == "32000"


def test_952_never_carries_koha_maintained_subfields() -> None:
    title = title_of(copies=3, price=1000)
    for copy in title.copies:
        copy.accession = copy.barcode = copy.call_number = f"X{copy.copy_number}"
    for item in build(title).get_fields("952"):
        assert not {s.code for s in item.subfields} & set("9lmnqrs6")
    with pytest.raises(ValueError):
        set_item_subfield(build(title)["952"], "9", "1")


def test_item_field_matches_the_record_items() -> None:
    title = title_of(copies=2, price=45000, class_number="510")
    title.copies[0].call_number = "510 HAK"
    record = build(title)
    fields = [item_field(c, title, RDA, today=TODAY, origin=ORIGIN) for c in title.copies]
    assert [str(f) for f in fields] == [str(f) for f in record.get_fields("952")]


def test_set_item_subfield_replaces_adds_in_order_and_removes() -> None:
    field = item_field(title_of().copies[0], title_of(), RDA, today=TODAY, origin=ORIGIN)
    set_item_subfield(field, "p", "SGK.00001")
    set_item_subfield(field, "i", "SGK.00001")
    set_item_subfield(field, "o", "510 HAK")
    codes = [s.code for s in field.subfields]
    assert codes == ["a", "b", "d", "e", "y", "8", "t", "i", "p", "o", "x"]
    set_item_subfield(field, "p", "SGK.00009 ")
    assert field.get_subfields("p") == ["SGK.00009"]
    set_item_subfield(field, "o", "")
    assert "o" not in [s.code for s in field.subfields]


def test_items_carry_their_delivery() -> None:
    title = title_of(copies=2, supplier="Nhà sách Fahasa")
    items = build(title).get_fields("952")
    notes = [parse_delivery_note(item["x"]) for item in items]
    assert notes == [DeliveryNote("131/PGH", DELIVERED, 12)] * 2
    assert [item["e"] for item in items] == ["Nhà sách Fahasa"] * 2  # the row's supplier
    # the delivery's supplier wins over the row's
    origin = dataclasses.replace(ORIGIN, supplier="Công ty Sách Hà Nội")
    record = build_record(title, RDA, today=TODAY, origin=origin)
    assert {item["e"] for item in record.get_fields("952")} == {"Công ty Sách Hà Nội"}
    # no delivery: dated today, no note
    bare = build_record(title, RDA, today=TODAY)
    assert [(i["d"], i.get("x")) for i in bare.get_fields("952")] == [("2025-09-05", None)] * 2


def test_text_is_nfc_trimmed_and_free_of_control_characters() -> None:
    nfd = unicodedata.normalize("NFD", "Tiếng Việt lớp 2 ")
    record = build(
        title_of(
            title=nfd,
            subtitle="dòng một\ndòng hai\t",
            authors=(unicodedata.normalize("NFD", "Nguyễn Thị Ngọc Ánh"),),
            publisher=unicodedata.normalize("NFD", "Giáo dục Việt Nam"),
            note=" ",
        )
    )
    assert "500" not in record  # blank note: no empty field
    for field in record.fields:
        values = [field.data] if field.control_field else [s.value for s in field.subfields]
        for value in values:
            assert value, f"empty value in {field}"
            assert value == value.strip(), f"untrimmed value in {field}"
            assert unicodedata.is_normalized("NFC", value), f"NFD in {field}"
            assert value.isprintable(), f"control character in {field}"
    assert record["245"]["a"] == "Tiếng Việt lớp 2 :"
    assert record["245"]["b"] == "dòng một dòng hai /"


def test_set_item_subfield_on_a_field_built_elsewhere() -> None:
    field = Field("952", Indicators(" ", " "), [Subfield("a", "X")])
    set_item_subfield(field, "y", "SGK")
    assert field.subfields == [Subfield("a", "X"), Subfield("y", "SGK")]


def test_normalize_record_brings_foreign_values_to_nfc() -> None:
    record = Record(leader="00000nam a2200000 a 4500")
    record.add_field(Field("001", data=unicodedata.normalize("NFD", "Mã ồ")))
    record.add_field(
        Field(
            "245",
            Indicators("0", "0"),
            [Subfield("a", "ASCII"), Subfield("b", unicodedata.normalize("NFD", "Việt"))],
        )
    )
    assert normalize_record(record) is record
    assert record["001"].data == "Mã ồ"
    assert record["245"].subfields == [Subfield("a", "ASCII"), Subfield("b", "Việt")]
    clean = build(title_of(title="Tiếng Việt"))
    before = [list(f.subfields) for f in clean.fields if not f.control_field]
    normalize_record(clean)
    assert [f.subfields for f in clean.fields if not f.control_field] == before
