"""The delivery note's own facts, read from the block of rows above the header.

A supplier's note (phiếu giao hàng, hoá đơn, biên bản giao nhận) opens with the
supplier's company line, the document number (``Số chứng từ: 131/PGH``, ``Số phiếu``,
``Số:`` but not ``Mẫu số:``, ``Mã số:``, ``Hợp đồng số:``, ``Tài khoản số:``, ``Hóa đơn
số``) and the date (``Ngày 02/10/2025``, ``Ngày 15 tháng 9 năm
2025``); a label and its value may share a cell or sit in neighbouring cells. The
signature block below the table often repeats the date (``Hà Nội, ngày … tháng … năm
…``): it is read when the header block gives none. A blank form (``Ngày … tháng …``)
gives nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from marc.legacy import detect_and_convert

FOOTER_SCAN_ROWS = 15

_DOCUMENT = re.compile(
    r"(?i)(?:số\s+chứng\s+từ|số\s+phiếu|số\s+hoá\s+đơn|số\s+hóa\s+đơn|hoá\s+đơn\s+số"
    r"|hóa\s+đơn\s+số|phiếu\s+(?:giao\s+hàng|xuất\s+kho|giao\s+sách|nhập\s+kho|xuất)\s+số"
    r"|(?:^|(?<=\s))(?<!mẫu\s)(?<!mã\s)(?<!khoản\s)(?<!đồng\s)(?<!định\s)(?<!thoại\s)"
    r"số(?=\s*(?::|no\.)))"
    r"\s*(?::|\.|no\.?)?\s*(?P<value>[A-Za-z0-9][\w./\\-]*)?(?P<after>.*)"
)
_DATES = (
    re.compile(r"(?i)ngày(?P<label>\s+[^\W\d]+(?:\s+[^\W\d]+)?)?\s*:?\s*(?P<d>\d{1,2})\s*[/.-]"
               r"\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"),
    re.compile(r"(?i)ngày(?P<label>\s+[^\W\d]+(?:\s+[^\W\d]+)?)?\s*:?\s*(?P<d>\d{1,2})\s*tháng"
               r"\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})"),
)
#: A date labelled as the note's own (``Ngày giao: 05/09/2025``) beats a plain one; the
#: date of a contract (``Hợp đồng số 125/2025 ngày 15/07/2025``) is not the note's.
_OWN_DATE = re.compile(r"(?i)^\s*(?:giao|lập|xuất|nhập|chứng\s+từ|hoá\s+đơn|hóa\s+đơn|phiếu)")
_PLAIN_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_CONTRACT = re.compile(r"(?i)hợp\s+đồng[^.;]*$")
_DATE_LABEL = re.compile(
    r"(?i)^\s*ngày(?:\s+(?:lập|giao|chứng\s+từ|hoá\s+đơn|hóa\s+đơn))?\s*:?\s*$"
)
_SUPPLIER_LABEL = re.compile(
    r"(?i)^\s*(?:nhà\s+cung\s+cấp|đơn\s+vị\s+(?:cung\s+cấp|bán(?:\s+hàng)?|giao(?:\s+hàng)?)"
    r"|bên\s+(?:giao|bán)(?:\s*\(\s*bên\s+a\s*\))?|người\s+bán)\s*:\s*(?P<value>.*)$"
)
_COMPANY = re.compile(
    r"(?i)^\s*(?:công\s+ty|cty\b|doanh\s+nghiệp|nhà\s+sách|hiệu\s+sách|cửa\s+hàng\s+sách"
    r"|trung\s+tâm\s+sách|hộ\s+kinh\s+doanh)"
)
_NOT_DOCUMENT_AFTER = re.compile(r"(?i)^\s*(?:lượng|tt|thứ\s+tự|trang|tiền|bản)\b")


@dataclass(frozen=True)
class DeliveryHeader:
    """What a note's header block says about the delivery (None where it says nothing)."""

    document: str | None = None
    date: dt.date | None = None
    supplier: str | None = None
    found: tuple[str, ...] = ()  # Vietnamese: what was read, and where

    def merged(self, other: DeliveryHeader) -> DeliveryHeader:
        """This header, completed by ``other`` where it says nothing."""
        found = self.found + tuple(f for f in other.found if f not in self.found)
        if self.document and other.document and other.document != self.document:
            found += (f'hai số chứng từ khác nhau: dùng "{self.document}"',)
        return DeliveryHeader(
            self.document or other.document,
            self.date or other.date,
            self.supplier or other.supplier,
            found,
        )


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        text, _ = detect_and_convert(value)
        return " ".join(unicodedata.normalize("NFC", text).split())
    return ""


def read_delivery_header(
    above: Sequence[Sequence[object]],
    below: Sequence[Sequence[object]] = (),
    *,
    numbers: Sequence[int] | None = None,
    below_numbers: Sequence[int] | None = None,
    sheet: str | None = None,
) -> DeliveryHeader:
    """The delivery facts of the rows ``above`` the header (and the date of ``below``).

    ``numbers[i]`` is the 1-based row number shown for ``above[i]`` (default i + 1);
    ``sheet`` names the sheet in ``found``.
    """
    where = f"[{sheet}] dòng" if sheet else "dòng"
    shown = list(numbers) if numbers is not None else list(range(1, len(above) + 1))
    head = _scan(above, shown, where)
    if head.date is None and below:
        tail_numbers = list(below_numbers) if below_numbers is not None else [0] * len(below)
        tail = _scan(below[-FOOTER_SCAN_ROWS:], tail_numbers[-FOOTER_SCAN_ROWS:], where,
                     only_dates=True)
        head = head.merged(tail)
    return head


def _scan(
    rows: Sequence[Sequence[object]], numbers: Sequence[int], where: str, *,
    only_dates: bool = False,
) -> DeliveryHeader:
    document: str | None = None
    date: tuple[int, dt.date, int] | None = None  # rank, date, row number
    supplier: str | None = None
    found: list[str] = []
    company: tuple[str, int] | None = None
    for row, number in zip(rows, numbers, strict=True):
        cells = [_cell_text(v) for v in row]
        raw = list(row)
        for col, text in enumerate(cells):
            following = next((c for c in cells[col + 1:] if c), "")
            next_value = next((v for v in raw[col + 1:] if v not in (None, "")), None)
            if not text:
                continue
            if date is None or date[0] < 2:
                ranked = _date(text, following, next_value)
                if ranked is not None and (date is None or ranked[0] > date[0]):
                    date = (*ranked, number)
            if only_dates:
                continue
            if document is None:
                document = _document(text, following)
                if document is not None:
                    found.append(f'số chứng từ "{document}" ({where} {number})')
            if supplier is None:
                match = _SUPPLIER_LABEL.match(text)
                if match is not None:
                    value = match["value"].strip() or following
                    if value:
                        supplier = value
                        found.append(f'nhà cung cấp "{supplier}" ({where} {number})')
                elif company is None and _COMPANY.match(text):
                    company = (text, number)
    if date is not None:
        found.insert(1 if document else 0, f"ngày chứng từ {date[1]:%d/%m/%Y} ({where} {date[2]})")
    if supplier is None and company is not None:
        supplier = company[0]
        found.append(f'nhà cung cấp "{supplier}" ({where} {company[1]})')
    return DeliveryHeader(document, date[1] if date else None, supplier, tuple(found))


def _document(text: str, following: str) -> str | None:
    for match in _DOCUMENT.finditer(text):
        value, after = match["value"], match["after"]
        if value is None:
            if after.strip() or not following:
                continue
            value = following.split()[0]
        if _NOT_DOCUMENT_AFTER.match(value) or _NOT_DOCUMENT_AFTER.match(f"{value} "):
            continue
        if not any(c.isdigit() for c in value):
            continue
        return value.rstrip(".,;")
    return None


def _date(text: str, following: str, next_value: object) -> tuple[int, dt.date] | None:
    """The best date of a cell with its rank: 2 labelled as the note's, 1 plain."""
    best: tuple[int, dt.date] | None = None
    for pattern in _DATES:
        for match in pattern.finditer(text):
            label = match["label"] or ""
            own = bool(_OWN_DATE.match(label))
            if not own and _CONTRACT.search(text[:match.start()]):
                continue
            day = _valid(int(match["y"]), int(match["m"]), int(match["d"]))
            if day is not None and (best is None or (2 if own else 1) > best[0]):
                best = (2 if own else 1, day)
    if best is not None:
        return best
    if _DATE_LABEL.match(text):
        rank = 2 if _OWN_DATE.match(text.strip()[4:]) else 1
        if isinstance(next_value, dt.datetime):
            return rank, next_value.date()
        if isinstance(next_value, dt.date):
            return rank, next_value
        plain = _PLAIN_DATE.fullmatch(following)
        if plain is not None:
            day = _valid(int(plain[3]), int(plain[2]), int(plain[1]))
            return (rank, day) if day is not None else None
    return None


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
