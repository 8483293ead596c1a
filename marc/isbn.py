"""ISBN cells: valid ISBN-13, publisher EAN (893…), or kept as written for 020 $z.

Any valid ISBN is accepted (Vietnamese ones start 978-604 or, newer, 978-632; neither is
hard-coded). A cell that holds something else is never split or repaired into a guess:
it is kept as written with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import isbnlib

from marc.names import clean

_PREFIX = re.compile(r"^isbn(?:-1[03])?\s*:?\s*", re.IGNORECASE)
_JOINERS = re.compile(r"[\s\-‐‑–]+")
_ISBN13 = re.compile(r"\d{13}")
_ISBN10 = re.compile(r"\d{9}[\dX]")
_EXPONENT = re.compile(r"\d(?:[.,]\d+)?E\+?\d+", re.IGNORECASE)
_CODE_RUN = re.compile(r"\d{13}|\d{9}[\dXx]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class IsbnParse:
    """What an ISBN cell holds; at most one of ``isbn``/``ean``/``invalid`` is set."""

    isbn: str | None = None  # ISBN-13 digits
    ean: str | None = None  # publisher EAN-13 starting 893
    invalid: str | None = None  # the cell as written, for 020 $z
    warning: str | None = None


_EMPTY = IsbnParse()


@lru_cache(maxsize=65536)
def parse_isbn(text: str) -> IsbnParse:
    """Classify one ISBN cell (cached: isbnlib runs once per distinct value)."""
    raw = clean(text)
    if not _DIGIT.search(raw):
        return _EMPTY  # "", "-", "không có": no code was attempted
    code = _JOINERS.sub("", _PREFIX.sub("", raw))
    if code.endswith(".0"):
        code = code[:-2]  # an Excel number
    code = code.upper()
    if _ISBN13.fullmatch(code):
        return _thirteen(raw, code)
    if _ISBN10.fullmatch(code):
        if isbnlib.is_isbn10(code):
            return IsbnParse(isbn=isbnlib.to_isbn13(code))
        return _invalid(raw, "sai chữ số kiểm tra (ISBN-10)")
    if _EXPONENT.fullmatch(code):
        return _invalid(raw, "đã bị Excel đổi thành số dạng mũ, các chữ số cuối đã mất")
    if len(_CODE_RUN.findall(_JOINERS.sub("", raw))) >= 2:
        return _invalid(raw, "chứa nhiều mã (có thể là nhiều sách ghép lại); không tách")
    return _invalid(raw, "có phần thừa hoặc sai độ dài")


def _thirteen(raw: str, code: str) -> IsbnParse:
    if code[:3] in ("978", "979"):
        if isbnlib.is_isbn13(code):
            return IsbnParse(isbn=code)
        return _invalid(raw, "sai chữ số kiểm tra")
    if code.startswith("893"):
        if isbnlib.check_digit13(code[:12]) == code[12]:
            return IsbnParse(ean=code)
        return _invalid(raw, "giống mã vạch EAN 893… nhưng sai chữ số kiểm tra")
    return _invalid(raw, "không bắt đầu bằng 978/979")


def _invalid(raw: str, why: str) -> IsbnParse:
    return IsbnParse(
        invalid=raw,
        warning=f'ISBN "{raw}" {why}; giữ nguyên như đã ghi (020 $z), cần kiểm tra',
    )
