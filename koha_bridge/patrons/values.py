"""Cell values of a roster: dates of birth, gender, class names and grades."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from marc.readers.header import fold

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CLASS_GRADE = re.compile(r"^(1[0-2]|[1-9])(?!\d)")
_PRESCHOOL = ("la", "choi", "mam", "nha tre")
GENDERS = {"nam": "M", "nu": "F", "m": "M", "f": "F", "male": "M", "female": "F"}


class ValueProblem(ValueError):
    """A cell that cannot be used; the message is the Vietnamese reason."""


def parse_date(value: object, today: dt.date | None = None) -> str:
    """A date of birth as ISO text, from ``dd/mm/yyyy``, ``d/m/yy``, an Excel serial
    number, ISO text or a spreadsheet date; raises ``ValueProblem`` if impossible."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _plausible(value, today, str(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value), today, str(value))
    text = str(value).strip()
    if _SERIAL.match(text):
        return _serial(float(text), today, text)
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year <= today.year % 100 else 1900
        return _plausible(_date(year, month, day, text), today, text)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _plausible(_date(year, month, day, text), today, text)
    raise ValueProblem(f"ngày sinh không đọc được: {text!r} (cần dd/mm/yyyy)")


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"ngày sinh không có thật: {text!r}") from exc


def _serial(number: float, today: dt.date, text: str) -> str:
    if not number.is_integer() or not 1 <= number <= 2958465:
        raise ValueProblem(f"ngày sinh không đọc được: {text!r}")
    day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
    return _plausible(day, today, text)


def _plausible(day: dt.date, today: dt.date, text: str) -> str:
    if not dt.date(1900, 1, 1) <= day <= today:
        raise ValueProblem(f"ngày sinh không hợp lý: {text!r}")
    return day.isoformat()


def parse_gender(value: str) -> str:
    """``Nam``/``Nữ`` (or M/F) → Koha's ``M``/``F``; raises ``ValueProblem`` otherwise."""
    code = GENDERS.get(fold(value))
    if code is None:
        raise ValueProblem(f"giới tính không rõ: {value!r} (cần Nam hoặc Nữ)")
    return code


def class_name(value: str) -> str:
    """A class as given, tidied: NFC, single spaces, ``Lớp 6a1`` → ``6A1``."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    text = re.sub(r"(?i)^lớp\s+", "", text)
    if _CLASS_GRADE.match(text):
        return text.upper()
    return text


def grade_of(class_text: str | None, grade_text: str | None) -> int | None:
    """The grade: the leading 1–2 digits of the class if 1–12, else ``Khối`` (``Khối 12``);
    None for a preschool group (Lá 1, Chồi 2, Mầm 3, Nhà trẻ)."""
    if class_text:
        match = _CLASS_GRADE.match(class_text)
        if match:
            return int(match.group(1))
        if fold(class_text).startswith(_PRESCHOOL):
            return None
    if grade_text:
        digits = re.search(r"\d{1,2}", grade_text)
        if digits and 1 <= int(digits.group()) <= 12:
            return int(digits.group())
    return None
