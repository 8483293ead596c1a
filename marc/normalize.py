"""Validate and normalise one acquisition row into a ``Book``, or reject it with reasons.

Reasons and warnings are Vietnamese and name the column and the value. Warnings never
reject; a row may carry several. Parsing of repeated cell values (ISBN, authors,
publisher, price) is cached, so large lists cost little more than a plain loop.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from marc.isbn import parse_isbn
from marc.language import guess_language
from marc.model import AcquisitionRow, Book, SourceRef
from marc.names import clean, fold, parse_authors
from marc.price import format_price, parse_price
from marc.publishers import place_form, publisher_form
from marc.retail import split_retail_noise
from marc.settings import AcquisitionsConfig, Category

LOW_PRICE = 1000  # đồng; below this a price is probably mistyped

_QUANTITY = re.compile(r"(\d+)(?:[.,]0+)?(?:\s*(?:cuốn|quyển|bản|c|q)\.?)?", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_PAGES = re.compile(r"\[?(\d+)\]?(?:[.,]0+)?\s*(?:tr|trang|p|pp|pages?)?\.?", re.IGNORECASE)
_PAGES_IN_TEXT = re.compile(r"(\d+)\s*(?:tr\b|trang)", re.IGNORECASE)
_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)(?:\s*[x×*]\s*(\d+(?:[.,]\d+)?))?\s*(?:cm)?\.?", re.I)
_VOLUME = re.compile(r"(?:t(?:ập|ap)?\.?\s*)?(\d+[A-Za-z]?)(?:\.0)?", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_EXCEL_ZERO = re.compile(r"(\d)\.0$")

# Folded language names and codes → MARC language code.
_LANGUAGES: dict[str, str] = {
    **dict.fromkeys(("vie", "vi", "viet", "tieng viet", "viet nam"), "vie"),
    **dict.fromkeys(("eng", "en", "anh", "tieng anh", "english"), "eng"),
    **dict.fromkeys(("fra", "fre", "fr", "phap", "tieng phap", "french"), "fre"),
    **dict.fromkeys(("rus", "ru", "nga", "tieng nga"), "rus"),
    **dict.fromkeys(("chi", "zho", "zh", "trung", "hoa", "tieng trung", "tieng hoa"), "chi"),
    **dict.fromkeys(("jpn", "ja", "nhat", "tieng nhat"), "jpn"),
    **dict.fromkeys(("kor", "ko", "han", "tieng han", "tieng han quoc"), "kor"),
    **dict.fromkeys(("ger", "deu", "de", "duc", "tieng duc", "german"), "ger"),
    **dict.fromkeys(("spa", "es", "tay ban nha", "tieng tay ban nha", "spanish"), "spa"),
    **dict.fromkeys(("ita", "it", "y", "tieng y", "italian"), "ita"),
}
# Folded GDPT 2018 textbook series names: a title naming one is inferred to be SGK.
_TEXTBOOK_SERIES = ("ket noi tri thuc", "chan troi sang tao", "canh dieu")
_TEACHER_BOOK = ("sach giao vien", "sgv ")
_WORKBOOK = ("bai tap", "sach bai tap", "vo bai tap")


@dataclass(frozen=True)
class Rejection:
    """A row that cannot become a book, with every reason found."""

    source: SourceRef
    reasons: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    title: str = ""


def normalize_row(
    row: AcquisitionRow,
    config: AcquisitionsConfig,
    categories: Sequence[Category],
    *,
    has_quantity_column: bool = True,
    this_year: int | None = None,
) -> Book | Rejection:
    """Turn one row into a ``Book``, or a ``Rejection`` listing all its problems."""
    cells = _cells(row.values)
    reasons: list[str] = []
    warnings: list[str] = []

    title = cells["title"]
    if not title:
        reasons.append("thiếu tên sách")
    retail = split_retail_noise(title)
    title = retail.title
    warnings.extend(retail.report())
    quantity = _quantity(cells["quantity"], has_quantity_column, reasons)
    price = _price(cells["price"], reasons, warnings)
    _check_total(cells["total"], price, quantity, warnings)
    year = _year(cells["year"], this_year or date.today().year, reasons, warnings)

    code = parse_isbn(cells["isbn"])
    if code.warning:
        warnings.append(code.warning)
    authors: tuple[str, ...] = ()
    author_text = cells["author"]
    if author_text:
        authors, author_warnings = parse_authors(author_text)
        warnings.extend(author_warnings)
    publisher_text = cells["publisher"]
    publisher, known = publisher_form(publisher_text) if publisher_text else (None, None)
    series = cells["series"] or None

    if reasons:
        return Rejection(row.source, tuple(reasons), tuple(warnings), title)
    category = _category(row, cells["category"], title, series, config, categories, warnings)
    pages = _pages(cells["pages"], warnings)
    size = _size(cells["size"], warnings)
    grade = _grade(cells["grade"], warnings)
    language = _language(cells["language"], config.language, warnings) if cells["language"] else (
        guess_language(" ".join(filter(None, (title, cells["subtitle"])))) or config.language
    )
    edition = cells["edition"] or None
    notes = list(retail.notes)
    if retail.edition and edition:
        notes.append(retail.edition)
    if retail.qualifier and not code.isbn:
        notes.append(retail.qualifier.capitalize())
    if cells["note"]:
        notes.insert(0, cells["note"])
    return Book(
        source=row.source,
        title=title,
        category=category,
        quantity=quantity,
        subtitle=cells["subtitle"] or None,
        authors=authors,
        publisher=publisher,
        place=place_form(cells["place"], known, expand=config.expand_places),
        year=year,
        isbn=code.isbn,
        isbn_qualifier=retail.qualifier if code.isbn else None,
        invalid_isbn=code.invalid,
        ean=code.ean,
        price=price,
        pages=pages,
        size=size,
        volume=_volume(cells["volume"]),
        series=series,
        edition=edition or retail.edition,
        subject=cells["subject"] or None,
        grade=grade,
        class_number=cells["class_number"] or None,
        language=language,
        supplier=cells["supplier"] or config.supplier or None,
        note=". ".join(notes) if notes else None,
        warnings=tuple(warnings),
        notes=row.notes,
    )


def _cells(values: Mapping[str, str]) -> defaultdict[str, str]:
    """Every cell's clean text; "" for an absent or empty cell."""
    return defaultdict(str, {key: clean(text) for key, text in values.items() if text})


def _quantity(text: str, has_column: bool, reasons: list[str]) -> int:
    if not has_column:
        return 1
    if not text:
        reasons.append("thiếu số lượng")
        return 0
    match = _QUANTITY.fullmatch(text)
    if match is None or int(match.group(1)) <= 0:
        reasons.append(f'Số lượng "{text}" không phải là số nguyên dương')
        return 0
    return int(match.group(1))


def _price(text: str, reasons: list[str], warnings: list[str]) -> int | None:
    if not text:
        warnings.append("Giá trống: chưa có giá (952 $g để trống)")
        return None
    price = parse_price(text)
    if price is None:
        reasons.append(f'Giá "{text}" không đọc được')
    elif price < LOW_PRICE:
        warnings.append(f'Giá "{text}" thấp bất thường (dưới {format_price(LOW_PRICE)})')
    return price


def _check_total(text: str, price: int | None, quantity: int, warnings: list[str]) -> None:
    if not text or price is None or quantity <= 0:
        return
    total = parse_price(text)
    if total is None:
        warnings.append(f'Thành tiền "{text}" không đọc được')
    elif total != price * quantity:
        warnings.append(
            f'Thành tiền "{text}" khác giá × số lượng '
            f"({format_price(price)} × {quantity} = {format_price(price * quantity)})"
        )


def _year(text: str, this_year: int, reasons: list[str], warnings: list[str]) -> int | None:
    if not text:
        return None
    found = _YEAR.findall(text)
    year = int(found[0]) if found else 0
    if not 1900 <= year <= this_year + 1:
        reasons.append(f'Năm xuất bản "{text}" không hợp lý')
        return None
    if len(set(found)) > 1:
        warnings.append(f'Năm xuất bản "{text}" có nhiều năm; lấy {year}')
    return year


def _pages(text: str, warnings: list[str]) -> int | None:
    if not text:
        return None
    match = _PAGES.fullmatch(text) or _PAGES_IN_TEXT.search(text)
    if match is None or int(match.group(1)) == 0:
        warnings.append(f'Số trang "{text}" không đọc được; bỏ qua')
        return None
    return int(match.group(1))


def _size(text: str, warnings: list[str]) -> str | None:
    """``"17x24"``, ``"17 x 24 cm"``, ``"24cm"`` → ``"24 cm"`` (the height, rounded up)."""
    if not text:
        return None
    match = _SIZE.fullmatch(text)
    if match is None:
        warnings.append(f'Khổ "{text}" không đọc được; bỏ qua')
        return None
    numbers = [float(n.replace(",", ".")) for n in match.groups() if n]
    height = math.ceil(max(numbers))
    if not 5 <= height <= 100:
        warnings.append(f'Khổ "{text}" không hợp lý; bỏ qua')
        return None
    return f"{height} cm"


def _volume(text: str) -> str | None:
    """``"1"``, ``"T.1"``, ``"tập 2"`` → ``"Tập 1"``/``"Tập 2"``; other text kept as written."""
    if not text:
        return None
    match = _VOLUME.fullmatch(text)
    return f"Tập {match.group(1).upper()}" if match else text


def _grade(text: str, warnings: list[str]) -> str | None:
    """``"Lớp 6"``, ``"Khối 6"``, ``"6"`` → ``"6"``."""
    if not text:
        return None
    numbers = _NUMBER.findall(_EXCEL_ZERO.sub(r"\1", text))
    if len(numbers) == 1 and 1 <= int(numbers[0]) <= 12:
        return str(int(numbers[0]))
    warnings.append(f'Lớp "{text}" không đọc được (cần một lớp từ 1 đến 12); bỏ qua')
    return None


def _language(text: str, default: str, warnings: list[str]) -> str:
    if not text:
        return default
    code = _LANGUAGES.get(fold(text))
    if code is None:
        warnings.append(f'Ngôn ngữ "{text}" không nhận ra; dùng "{default}"')
        return default
    return code


def _category(
    row: AcquisitionRow,
    text: str,
    title: str,
    series: str | None,
    config: AcquisitionsConfig,
    categories: Sequence[Category],
    warnings: list[str],
) -> str:
    default = config.default_category
    if row.category:
        if any(c.code == row.category for c in categories):
            return row.category
        warnings.append(f'Loại sách "{row.category}" không có trong cấu hình; dùng {default}')
        return default
    if text:
        extra = tuple((k, tuple(v)) for k, v in config.category_aliases.items())
        code = _category_index(tuple(categories), extra).get(_category_key(text))
        if code:
            return code
        warnings.append(f'Loại sách "{text}" không khớp loại nào đã khai báo; dùng {default}')
        return default
    inferred = _infer_textbook(title, series, {c.code for c in categories})
    if inferred and inferred != default:
        warnings.append(
            f'Không có loại sách; suy ra "{inferred}" vì tên sách/bộ sách thuộc bộ SGK '
            f'("{series or title}")'
        )
        return inferred
    return default


def _category_key(text: str) -> str:
    key = fold(text)
    return key[5:] if key.startswith("sach ") and len(key) > 5 else key


@lru_cache(maxsize=64)
def _category_index(
    categories: tuple[Category, ...], extra: tuple[tuple[str, tuple[str, ...]], ...]
) -> dict[str, str]:
    """Folded code, name and aliases (with and without a leading "sách") → code."""
    index: dict[str, str] = {}
    for category in categories:
        for word in (category.code, category.name, *category.aliases):
            index.setdefault(fold(word), category.code)
            index.setdefault(_category_key(word), category.code)
    for code, aliases in extra:
        for word in aliases:
            index.setdefault(fold(word), code)
            index.setdefault(_category_key(word), code)
    return index


def _infer_textbook(title: str, series: str | None, codes: set[str]) -> str | None:
    """SGK for a title of a GDPT 2018 textbook series; NV for its teacher's book."""
    folded = fold(f"{title} {series or ''}")
    if not any(name in folded for name in _TEXTBOOK_SERIES):
        return None
    if folded.startswith(_TEACHER_BOOK):
        return "NV" if "NV" in codes else None
    if folded.startswith(_WORKBOOK):
        return None
    return "SGK" if "SGK" in codes else None
