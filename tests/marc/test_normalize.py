"""Row validation and normalisation: AcquisitionRow → Book or Rejection."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from koha_bridge.config import DEFAULT_CATEGORIES, AcquisitionsConfig
from marc.model import AcquisitionRow, Book, SourceRef
from marc.normalize import Rejection, normalize_row


def check13(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


ISBN_604 = check13("978604000123")
ISBN_632 = check13("978632987654")
EAN_893 = check13("893523522627")
CONFIG = AcquisitionsConfig()
BASE = {
    "title": "Toán 6 - Tập 1",
    "author": "Hà Huy Khoái (Tổng chủ biên), Cung Thế Anh",
    "publisher": "NXB Giáo dục Việt Nam",
    "year": "2023",
    "isbn": ISBN_604,
    "price": "22.000",
    "quantity": "40",
}


def row(values: dict[str, str] | None = None, *, reader_category: str | None = None,
        **changes: str) -> AcquisitionRow:
    """A row of a supplier list; ``reader_category`` is what the reader set on it."""
    cells = dict(BASE if values is None else values)
    cells.update(changes)
    return AcquisitionRow(
        SourceRef("ds-sgk-2025.xlsx", "Lớp 6", 2), cells, category=reader_category
    )


def book(values: dict[str, str] | None = None, *, config: AcquisitionsConfig = CONFIG,
         reader_category: str | None = None, **changes: str) -> Book:
    result = normalize_row(row(values, reader_category=reader_category, **changes), config,
                           DEFAULT_CATEGORIES, this_year=2025)
    assert isinstance(result, Book), result
    return result


def rejection(**changes: str) -> Rejection:
    result = normalize_row(row(None, **changes), CONFIG, DEFAULT_CATEGORIES, this_year=2025)
    assert isinstance(result, Rejection), result
    return result


def test_full_realistic_row() -> None:
    b = book(
        volume="T.1", total="880.000", pages="132 tr.", size="19 x 26,5 cm", grade="Lớp 6",
        series="Kết nối tri thức với cuộc sống", subject="Toán", edition="Tái bản lần thứ 3",
        language="Tiếng Việt", supplier="Công ty Sách - Thiết bị Hà Nội", note="Cấp bù",
        class_number="510.76",
    )
    assert b.title == "Toán 6 - Tập 1"
    assert b.volume == "Tập 1"
    assert b.quantity == 40 and b.price == 22000
    assert b.authors == ("Hà Huy Khoái|tổng chủ biên", "Cung Thế Anh")
    assert (b.publisher, b.place, b.year) == ("Giáo dục Việt Nam", "H.", 2023)
    assert b.isbn == ISBN_604 and b.invalid_isbn is None and b.ean is None
    assert (b.pages, b.size, b.grade) == (132, "27 cm", "6")
    assert b.series == "Kết nối tri thức với cuộc sống"
    assert (b.subject, b.edition, b.class_number) == ("Toán", "Tái bản lần thứ 3", "510.76")
    assert b.language == "vie"
    assert (b.supplier, b.note) == ("Công ty Sách - Thiết bị Hà Nội", "Cấp bù")
    assert b.source == SourceRef("ds-sgk-2025.xlsx", "Lớp 6", 2)


def test_text_is_nfc_with_collapsed_spaces() -> None:
    nfd = unicodedata.normalize("NFD", "Tiếng  Việt   6 ")
    b = book(title=nfd, subject=unicodedata.normalize("NFD", " Ngữ  văn "))
    assert b.title == "Tiếng Việt 6"
    assert b.subject == "Ngữ văn"
    assert unicodedata.is_normalized("NFC", b.title)


def test_missing_title_is_rejected() -> None:
    r = rejection(title="   ")
    assert r.reasons == ("thiếu tên sách",)
    assert r.source.row == 2


def test_rejection_lists_every_reason_and_keeps_title() -> None:
    r = rejection(quantity="2,5", price="bốn lăm nghìn", year="1850")
    assert r.title == "Toán 6 - Tập 1"
    assert r.reasons == (
        'Số lượng "2,5" không phải là số nguyên dương',
        'Giá "bốn lăm nghìn" không đọc được',
        'Năm xuất bản "1850" không hợp lý',
    )


@pytest.mark.parametrize("title", ["Toán 6 - Tập 1", "Toán 6 (Tập 1)", "Ngữ văn 7. Tập hai"])
def test_title_with_volume_keeps_its_text(title: str) -> None:
    b = book(title=title)
    assert b.title == title
    assert b.volume is None


@pytest.mark.parametrize(
    ("written", "volume"),
    [("1", "Tập 1"), ("T.1", "Tập 1"), ("T1", "Tập 1"), ("Tập 2", "Tập 2"), ("tập 2", "Tập 2"),
     ("2.0", "Tập 2"), ("Quyển 3", "Quyển 3")],
)
def test_volume_column(written: str, volume: str) -> None:
    assert book(title="Toán 6", volume=written).volume == volume


@pytest.mark.parametrize(("written", "quantity"), [("3", 3), ("3.0", 3), ("12 cuốn", 12), ("1", 1)])
def test_quantity(written: str, quantity: int) -> None:
    assert book(quantity=written).quantity == quantity


@pytest.mark.parametrize("written", ["0", "-2", "2,5", "ba", "1/2"])
def test_bad_quantity_is_rejected(written: str) -> None:
    assert rejection(quantity=written).reasons == (
        f'Số lượng "{written}" không phải là số nguyên dương',
    )


def test_empty_quantity_cell_is_rejected() -> None:
    assert rejection(quantity="").reasons == ("thiếu số lượng",)


def test_no_quantity_column_means_one_copy_per_row() -> None:
    values = {k: v for k, v in BASE.items() if k != "quantity"}
    result = normalize_row(row(values), CONFIG, DEFAULT_CATEGORIES, has_quantity_column=False)
    assert isinstance(result, Book) and result.quantity == 1


@pytest.mark.parametrize(
    "written",
    ["45.000", "45.000đ", "45,000 VNĐ", "45 000", "45000", "45000.0", "45.000 đồng"],
)
def test_price_forms(written: str) -> None:
    b = book(price=written)
    assert b.price == 45000
    assert b.warnings == ()


def test_unreadable_price_is_rejected() -> None:
    assert rejection(price="45.5").reasons == ('Giá "45.5" không đọc được',)


def test_empty_price_is_kept_with_warning() -> None:
    b = book(price="")
    assert b.price is None
    assert len(b.warnings) == 1 and "Giá" in b.warnings[0]


def test_low_price_warns() -> None:
    b = book(price="45")
    assert b.price == 45
    assert len(b.warnings) == 1 and '"45"' in b.warnings[0] and "thấp" in b.warnings[0]


def test_total_matching_price_times_quantity_is_silent() -> None:
    assert book(price="22.000", quantity="40", total="880.000").warnings == ()


def test_total_mismatch_warns() -> None:
    b = book(price="22.000", quantity="40", total="800.000")
    assert len(b.warnings) == 1
    assert '"800.000"' in b.warnings[0] and "880.000" in b.warnings[0]


@pytest.mark.parametrize(
    ("written", "year"),
    [("2023", 2023), ("2023.0", 2023), ("Năm 2023", 2023), ("2023 (tái bản)", 2023),
     ("[2024]", 2024), ("1900", 1900), ("2026", 2026)],
)
def test_year(written: str, year: int) -> None:
    assert book(year=written).year == year


@pytest.mark.parametrize("written", ["1899", "2027", "23", "năm ngoái", "20234"])
def test_unreasonable_year_is_rejected(written: str) -> None:
    assert rejection(year=written).reasons == (f'Năm xuất bản "{written}" không hợp lý',)


def test_several_years_take_the_first_with_a_warning() -> None:
    b = book(year="2022, 2023")
    assert b.year == 2022
    assert len(b.warnings) == 1 and '"2022, 2023"' in b.warnings[0]


def test_empty_year_is_none() -> None:
    assert book(year="").year is None


def test_isbn_variants_reach_the_book() -> None:
    assert book(isbn=f"978-632-98765-4-{ISBN_632[-1]}").isbn == ISBN_632
    assert book(isbn="0-7475-3269-9").isbn == "9780747532699"
    ean = book(isbn=EAN_893)
    assert (ean.ean, ean.isbn, ean.invalid_isbn, ean.warnings) == (EAN_893, None, None, ())


def test_suffixed_isbn_is_kept_with_a_warning_and_no_guess() -> None:
    b = book(isbn="9786044017266-qt")
    assert b.isbn is None and b.invalid_isbn == "9786044017266-qt"
    assert len(b.warnings) == 1 and "9786044017266-qt" in b.warnings[0]


def test_joined_isbns_are_kept_as_written() -> None:
    written = f"{ISBN_604}; {ISBN_632}"
    b = book(isbn=written)
    assert b.isbn is None and b.invalid_isbn == written
    assert any("nhiều mã" in w for w in b.warnings)


def test_collective_author_gives_no_author() -> None:
    assert book(author="Nhiều tác giả").authors == ()
    assert book(author="Rowling, J. K.").authors == ("Rowling, J. K.",)


@pytest.mark.parametrize(
    ("written", "form", "place"),
    [
        ("NXB Giáo dục", "Giáo dục Việt Nam", "H."),
        ("Nxb. Kim Đồng", "Kim Đồng", "H."),
        ("Nhà xuất bản Trẻ", "Trẻ", "Tp. Hồ Chí Minh"),
        ("NXB Hà Nội", "Nxb. Hà Nội", "H."),
        ("NXB Hải Phòng", "Nxb. Hải Phòng", None),
        ("Nhà xuất bản Tổng hợp Đồng Nai", "Tổng hợp Đồng Nai", None),
        ("Công ty Sách Alpha", "Công ty Sách Alpha", None),
    ],
)
def test_publisher_and_default_place(written: str, form: str, place: str | None) -> None:
    b = book(publisher=written)
    assert (b.publisher, b.place) == (form, place)


def test_place_as_written_wins_over_default() -> None:
    assert book(publisher="NXB Kim Đồng", place="Tp. Hồ Chí Minh").place == "Tp. Hồ Chí Minh"


@pytest.mark.parametrize(
    ("place", "expanded"),
    [("H.", "Hà Nội"), ("Tp. HCM", "Thành phố Hồ Chí Minh"), ("TP.HCM", "Thành phố Hồ Chí Minh"),
     ("Tp. Hồ Chí Minh", "Thành phố Hồ Chí Minh"), ("Huế", "Huế")],
)
def test_expand_places(place: str, expanded: str) -> None:
    config = replace(CONFIG, expand_places=True)
    assert book(place=place, config=config).place == expanded
    assert book(place=place).place == place


def test_expand_default_place() -> None:
    config = replace(CONFIG, expand_places=True)
    assert book(publisher="NXB Kim Đồng", config=config).place == "Hà Nội"


@pytest.mark.parametrize(("written", "pages"), [("120", 120), ("120 tr.", 120), ("120tr", 120),
                                                ("120.0", 120), ("[8] tr.", 8)])
def test_pages(written: str, pages: int) -> None:
    assert book(pages=written).pages == pages


@pytest.mark.parametrize(
    ("written", "size"),
    [("17x24", "24 cm"), ("17 x 24 cm", "24 cm"), ("24cm", "24 cm"), ("24", "24 cm"),
     ("14,5 x 20,5", "21 cm"), ("17×24cm.", "24 cm")],
)
def test_size_is_the_height(written: str, size: str) -> None:
    assert book(size=written).size == size


def test_unreadable_pages_and_size_warn_but_keep_the_row() -> None:
    b = book(pages="nhiều", size="khổ lớn")
    assert (b.pages, b.size) == (None, None)
    assert len(b.warnings) == 2
    assert '"nhiều"' in b.warnings[0] and '"khổ lớn"' in b.warnings[1]


@pytest.mark.parametrize(
    ("written", "grade"),
    [("Lớp 6", "6"), ("6", "6"), ("Khối 6", "6"), ("lớp 10", "10"), ("6.0", "6")],
)
def test_grade(written: str, grade: str) -> None:
    assert book(grade=written).grade == grade


def test_unclear_grade_warns() -> None:
    b = book(grade="6-9")
    assert b.grade is None and len(b.warnings) == 1 and '"6-9"' in b.warnings[0]


@pytest.mark.parametrize(
    ("written", "code"),
    [("Tiếng Anh", "eng"), ("Anh", "eng"), ("eng", "eng"), ("Tiếng Pháp", "fre"),
     ("tiếng Nga", "rus"), ("Tiếng Trung", "chi"), ("Nhật", "jpn"), ("Tiếng Hàn", "kor"),
     ("Đức", "ger"), ("Tiếng Việt", "vie")],
)
def test_language(written: str, code: str) -> None:
    assert book(language=written).language == code


def test_language_default_and_unknown() -> None:
    assert book().language == "vie"
    # The configured default applies when the title shows no language of its own.
    assert book(title="Doraemon", config=replace(CONFIG, language="eng")).language == "eng"
    assert book(config=replace(CONFIG, language="eng")).language == "vie"  # "Tập": Vietnamese
    b = book(language="Quốc ngữ cổ")
    assert b.language == "vie" and len(b.warnings) == 1 and "Quốc ngữ cổ" in b.warnings[0]


def test_category_from_reader_wins() -> None:
    assert book(reader_category="NV", category="Sách tham khảo").category == "NV"


@pytest.mark.parametrize(
    ("written", "code"),
    [("SGK", "SGK"), ("sgk", "SGK"), ("Sách giáo khoa", "SGK"), ("sach giao khoa", "SGK"),
     ("Giáo khoa", "SGK"), ("Sách tham khảo", "TK"), ("STK", "TK"), ("THIẾU NHI", "TN"),
     ("Sách nghiệp vụ", "NV"), ("sách giáo viên", "NV")],
)
def test_category_column_matches_code_name_or_alias(written: str, code: str) -> None:
    assert book(title="Truyện Kiều", series="", category=written).category == code


def test_unknown_category_warns_and_uses_default() -> None:
    b = book(title="Truyện Kiều", category="Sách quý")
    assert b.category == "TK"
    assert len(b.warnings) == 1 and '"Sách quý"' in b.warnings[0]


def test_unknown_reader_category_warns() -> None:
    b = book(title="Truyện Kiều", reader_category="XYZ")
    assert b.category == "TK" and len(b.warnings) == 1 and "XYZ" in b.warnings[0]


def test_configured_category_aliases() -> None:
    config = replace(CONFIG, category_aliases={"TN": ("truyện tranh",)})
    b = book(title="Dế Mèn phiêu lưu ký", config=config, category="Truyện tranh")
    assert b.category == "TN"


def test_default_category_when_nothing_says() -> None:
    assert book(title="Dế Mèn phiêu lưu ký").category == "TK"
    config = replace(CONFIG, default_category="TN")
    assert book(title="Dế Mèn phiêu lưu ký", config=config).category == "TN"


def test_textbook_series_is_inferred_with_a_warning() -> None:
    b = book(title="Toán 6", series="Kết nối tri thức với cuộc sống")
    assert b.category == "SGK"
    assert len(b.warnings) == 1 and "suy ra" in b.warnings[0]
    teacher = book(title="Sách giáo viên Ngữ văn 6 (Cánh Diều)")
    assert teacher.category == "NV"
    workbook = book(title="Bài tập Toán 6 - Chân trời sáng tạo")
    assert workbook.category == "TK" and workbook.warnings == ()


def test_supplier_falls_back_to_config() -> None:
    assert book().supplier is None
    config = replace(CONFIG, supplier="Fahasa")
    assert book(config=config).supplier == "Fahasa"
    assert book(config=config, supplier="Cty Sách Hà Nội").supplier == "Cty Sách Hà Nội"


def test_several_warnings_never_reject() -> None:
    b = book(price="500", total="9.999", isbn="9786044017266-qt", language="Klingon",
             grade="mẫu giáo", pages="?")
    assert isinstance(b, Book)
    assert len(b.warnings) == 6


def test_reader_notes_are_carried() -> None:
    r = AcquisitionRow(SourceRef("cu.xls", "Sheet1", 5), dict(BASE),
                       notes=("Đã chuyển mã TCVN3 → Unicode ở cột Tên sách",))
    result = normalize_row(r, CONFIG, DEFAULT_CATEGORIES)
    assert isinstance(result, Book)
    assert result.notes == ("Đã chuyển mã TCVN3 → Unicode ở cột Tên sách",)
