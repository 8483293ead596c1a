"""008, the fixed-length data elements of a book record: dates, country, audience, form."""

from __future__ import annotations

import re
from datetime import date

from marc.model import Book
from marc.settings import Settings

_DDC = re.compile(r"\d{3}(?:\.\d+)?")
_DIGITS = re.compile(r"\d+")
# Keywords (lower case NFC) for 008/33 of children's books and literature, longest first.
_LITERARY_FORMS = (("tiểu thuyết", "f"), ("truyện ngắn", "j"), ("truyện", "1"), ("thơ", "p"))
# DDC literature: 8x1 poetry, 8x2 drama, 8x3 fiction, 8x4 essays (e.g. 895.9223).
_DDC_FORMS = {"1": "p", "2": "d", "3": "1", "4": "e"}
_VN_PLACES = frozenset({"H.", "Hanoi", "Ha Noi", "Hue", "Da Nang", "Ho Chi Minh City"})
_LEVEL_AUDIENCE = {"MN": "a", "TH": "b", "THCS": "c", "THPT": "d"}


def is_ddc(number: str) -> bool:
    """True for a DDC number (three digits, optional decimals); else a legacy local number."""
    return _DDC.fullmatch(number) is not None


def _audience(book: Book, config: Settings) -> str:
    grade = book.grade
    if grade:
        lowered = grade.strip().lower()
        if "mầm non" in lowered or "mẫu giáo" in lowered or "nhà trẻ" in lowered:
            return "a"
        match = _DIGITS.search(lowered)
        if match:
            n = int(match.group())
            if 1 <= n <= 5:
                return "b"
            if n in (6, 7):
                return "c"
            if 8 <= n <= 12:
                return "d"
        return " "
    if book.category in ("SGK", "TN"):
        return _LEVEL_AUDIENCE.get(config.school.level, " ")
    return " "


def _ddc_form(number: str) -> str:
    """Form digit of a DDC literature number: 813 → 3, 895.9223 → 3, 808.81 → 1 (else
    empty)."""
    if number.startswith("895.922"):
        return number[7:8]
    if number.startswith("808.8"):
        return number[5:6]
    if "81" <= number[:2] <= "88":
        return number[2]
    return ""


def _literary_form(book: Book, number: str | None) -> str:
    """008/33, conservatively: only children's books and DDC literature get a form.

    Literature is 810–899 and the collections of 808.8; 800–809 else is writing about
    literature (study, criticism, rhetoric), not a literary work.
    """
    literature = number is not None and is_ddc(number) and (
        "81" <= number[:2] <= "89" or number.startswith("808.8")
    )
    if book.category != "TN" and not literature:
        return "0"
    words = " ".join(filter(None, (book.title, book.subtitle, book.subject))).lower()
    for keyword, code in _LITERARY_FORMS:
        if keyword in words:
            return code
    if literature and number is not None:
        return _DDC_FORMS.get(_ddc_form(number), "0")
    return "0"


def _country(book: Book) -> str:
    """008/15-17: ``vm `` (Vietnam) unless a foreign-language book names a foreign place."""
    if book.language == "vie":
        return "vm "
    place = book.place or ""
    vietnamese = place in _VN_PLACES or any(
        c in "đơưă" or "\u1ea0" <= c <= "\u1ef9" for c in place.lower()
    )
    return "vm " if vietnamese else "xx "


def fixed_field_008(book: Book, number: str | None, config: Settings, today: date) -> str:
    """The 40 characters of 008 for a printed book (see vietnamese-cataloguing.md §3)."""
    dates = f"s{book.year:04d}    " if book.year else "nuuuuuuuu"
    language = (book.language or "vie")[:3].ljust(3)
    return (
        f"{today:%y%m%d}{dates}{_country(book)}    {_audience(book, config)}"
        f"      000 {_literary_form(book, number)} {language} d"
    )
