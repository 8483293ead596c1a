"""One sheet (or CSV file) as a grid of cells → ``AcquisitionRow``s, skipped rows and a report."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from marc.legacy import detect_and_convert
from marc.model import AcquisitionRow, SourceRef
from marc.readers.delivery_header import DeliveryHeader, read_delivery_header
from marc.readers.header import Header, find_header, fold, is_column_numbers
from marc.settings import Category

_TOTALS = re.compile(r"(?:tong cong|tong so|tong|cong)(?: (.*))?")
_TOTALS_TAIL = frozenset((
    "cong", "so", "tien", "luong", "sach", "cuon", "ban", "dau", "ca", "tat", "toan", "bo",
    "phieu", "muc", "trang", "nay", "gia", "tri", "thanh", "don", "vi", "the", "loai", "mat",
    "hang", "d", "vnd",
))
_FOOTER = re.compile(
    r"\b(?:nguoi (?:giao|nhan|lap|ban|mua)|thu kho|ke toan|giam doc|hieu truong|thu truong"
    r"|dai dien|ben (?:giao|nhan|a|b)|ky ghi ro ho ten|ky ho ten|ho ten|bang chu|xac nhan"
    r"|ngay \w* thang \w* nam|so tien bang chu|thu thu|can bo thu vien)\b"
)
_MESSY_SPACE = re.compile(r"[^\S ]|  |^ | $")
_DROP = ""
_HEADING_PREFIX = re.compile(r"^(?:[IVXLC]{1,5}|[A-Z]|\d{1,2})\s*[.)/:-]\s*\S|^(?:Phần|Mục)\s")


@dataclass(frozen=True)
class SkippedRow:
    """A non-empty row that is not a book: totals row, repeated header, sub-heading…"""

    source: SourceRef
    reason: str


@dataclass(frozen=True)
class SheetReport:
    """What the reader found in one sheet (or CSV file)."""

    file: str
    sheet: str | None
    header_row: int | None  # 1-based
    mapping: dict[str, str]
    unmapped: tuple[str, ...]
    encoding: str | None
    notes: tuple[str, ...]
    encoding_note: str = ""  # how the sheet's text was decoded, when it was (also in notes)


@dataclass
class SheetResult:
    rows: list[AcquisitionRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    report: SheetReport | None = None
    delivery: DeliveryHeader = field(default_factory=DeliveryHeader)


class CategoryMatcher:
    """Category codes from free text: exact (code/name/alias) or as contained words."""

    def __init__(self, categories: Sequence[Category]) -> None:
        self._exact: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        for cat in categories:
            for word in (cat.code, cat.name, *cat.aliases):
                folded = fold(word)
                if folded:
                    self._exact.setdefault(folded, cat.code)
                    phrases.append((folded, cat.code))
        phrases.sort(key=lambda p: len(p[0]), reverse=True)
        self._phrases = [
            (re.compile(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])"), code) for p, code in phrases
        ]
        self._cache: dict[str, str | None] = {}

    def value(self, text: str) -> str | None:
        """A category column's cell: exact match first, then contained words."""
        if text not in self._cache:
            self._cache[text] = self._exact.get(fold(text)) or self.contained(text)
        return self._cache[text]

    def contained(self, text: str) -> str | None:
        """A sheet name or sub-heading that names a category ("SGK lớp 6")."""
        folded = fold(text)
        for pattern, code in self._phrases:
            if pattern.search(folded):
                return code
        return None


def value_text(value: object) -> str:
    """A non-string cell as text: 45000.0 → "45000", dates ISO, no scientific notation."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        text = repr(value)
        if "e" in text:
            text = format(Decimal(text), "f")
        return text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return "" if value is None else str(value)


def _is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.isspace())


def read_table(
    rows: Sequence[Sequence[object]],
    *,
    file: str,
    sheet: str | None,
    table: dict[str, str],
    matcher: CategoryMatcher,
    forced_category: str | None,
    encoding: str | None = None,
    row_numbers: Sequence[int] | None = None,
    whole_file_legacy: str | None = None,
    decoded: bool = False,
    encoding_note: str = "",
) -> SheetResult:
    """Read one grid. ``row_numbers[i]`` is the number shown for ``rows[i]`` (default i+1).

    ``decoded`` says the grid's text is Unicode already (a legacy sheet decoded whole, as
    ``encoding_note`` says): cells are not judged one by one again.
    """
    numbers = row_numbers if row_numbers is not None else range(1, len(rows) + 1)
    header = find_header(rows, table)
    if header is None:
        note = "không tìm thấy dòng tiêu đề: bỏ qua trang" if any(
            any(not _is_empty(v) for v in row) for row in rows
        ) else "trang trống"
        notes = (encoding_note, note) if encoding_note else (note,)
        report = SheetReport(file, sheet, None, {}, (), encoding, notes, encoding_note)
        return SheetResult(report=report)
    reader = _RowReader(
        header, file, sheet, matcher, forced_category, whole_file_legacy, decoded=decoded
    )
    for index in range(header.data_start, len(rows)):
        reader.read(rows[index], numbers[index], first=index == header.data_start)
    if whole_file_legacy:
        encoding_note = f"tệp mã {whole_file_legacy}: đã chuyển sang Unicode"
    elif reader.converted:
        counts = ", ".join(f"{n} ô {name}" for name, n in sorted(reader.converted.items()))
        encoding_note = f"trang lẫn Unicode và mã cũ: đã chuyển mã từng ô ({counts})"
    all_notes = [encoding_note, *header.notes] if encoding_note else list(header.notes)
    report = SheetReport(
        file, sheet, numbers[header.row], header.mapping, header.unmapped, encoding,
        tuple(all_notes), encoding_note,
    )
    delivery = read_delivery_header(
        rows[:header.row], rows[header.data_start:], numbers=numbers[:header.row],
        below_numbers=numbers[header.data_start:], sheet=sheet,
    )
    return SheetResult(reader.rows, reader.skipped, report, delivery)


class _RowReader:
    """Classifies and converts the rows below one header."""

    def __init__(
        self,
        header: Header,
        file: str,
        sheet: str | None,
        matcher: CategoryMatcher,
        forced: str | None,
        whole_file_legacy: str | None,
        *,
        decoded: bool = False,
    ) -> None:
        self.header = header
        self.decoded = decoded
        self.file = file
        self.sheet = sheet
        self.matcher = matcher
        self.forced = forced
        self.whole_file_legacy = whole_file_legacy
        title_col = header.column_of("title")
        assert title_col is not None  # find_header requires a title column
        self.title_col = title_col
        self.header_title = header.folds[title_col]
        # First letters that can start a totals label or a repeated header ("Tổng", "Cộng").
        self.initials = frozenset("TtCc" + self.header_title[:1] + self.header_title[:1].upper())
        self.names = {col: name for name, key in header.mapping.items()
                      for col, k in header.columns if k == key}
        self.sheet_category = matcher.contained(sheet) if sheet else None
        self.heading_category: str | None = None
        # "Lớp 6" / "Khối 7" in a sheet name or sub-heading: the grade of rows without one
        self.sheet_grade = grade_in(sheet) if sheet else None
        self.heading_grade: str | None = None
        self.rows: list[AcquisitionRow] = []
        self.skipped: list[SkippedRow] = []
        self.converted: Counter[str] = Counter()  # cells decoded one by one, per encoding

    def read(self, row: Sequence[object], number: int, *, first: bool) -> None:
        count = len(row) - row.count("")
        if not count:
            return
        reason = self._not_a_book(row, count, first)
        if reason == _DROP:
            return
        source = SourceRef(self.file, self.sheet, number)
        if reason is not None:
            self.skipped.append(SkippedRow(source, reason))
            return
        values: dict[str, str] = {}
        notes: list[str] = []
        width = len(row)
        for col, key in self.header.columns:
            if col >= width:
                continue
            value = row[col]
            if type(value) is str:
                if not value:
                    continue
                if value.isascii() or self.decoded:
                    text = " ".join(value.split()) if _MESSY_SPACE.search(value) else value
                else:
                    text, legacy = detect_and_convert(value)
                    text = " ".join(text.split())
                    if legacy:
                        self.converted[legacy] += 1
                    legacy = legacy or self.whole_file_legacy
                    if legacy:
                        notes.append(f'Chuyển mã {legacy} → Unicode ở cột "{self.names[col]}"')
            else:
                text = value_text(value)
            if text:
                values[key] = text
        if not values and all(_is_empty(v) for v in row):
            return
        if "grade" not in values and (self.heading_grade or self.sheet_grade):
            values["grade"] = self.heading_grade or self.sheet_grade or ""
        self.rows.append(AcquisitionRow(source, values, self._category(values), tuple(notes)))

    def _category(self, values: dict[str, str]) -> str | None:
        if self.forced:
            return self.forced
        if "category" in values:
            return self.matcher.value(values["category"])
        return self.heading_category or self.sheet_category

    def _not_a_book(self, row: Sequence[object], count: int, first: bool) -> str | None:
        """The skip reason for a row that is not a book, ``_DROP`` for a blank row, else None.

        Cheap tests first: most rows are books with a long title and many cells.
        """
        if first and is_column_numbers(row):
            return "dòng đánh số cột"
        if count <= 4:
            filled = [(col, v) for col, v in enumerate(row) if not _is_empty(v)]
            if not filled:
                return _DROP
            col, value = filled[0]
            if len(filled) == 1 and isinstance(value, str):
                heading = self._heading(col, value)
                if heading is not None:
                    return heading
            if all(isinstance(v, str) and len(v) <= 60 and _FOOTER.search(fold(v))
                   for _, v in filled):
                return "dòng chữ ký / chân trang"
        title = row[self.title_col] if self.title_col < len(row) else ""
        title_text = title.strip() if isinstance(title, str) else ""
        # A totals label sits in the title column or left of it ("Cộng" under STT).
        for value in row if not title_text else row[: self.title_col]:
            if (isinstance(value, str) and value and len(value) <= 60
                    and value.lstrip()[:1] in "TtCc" and _is_totals(fold(value))):
                return "dòng tổng cộng"
        if not title_text:
            return None
        if len(title_text) <= 60 and title_text[0] in self.initials:
            folded = fold(title_text)
            if folded == self.header_title and any(
                isinstance(row[c], str) and fold(row[c]) == f  # type: ignore[arg-type]
                for c, f in self.header.folds.items()
                if c != self.title_col and c < len(row)
            ):
                return "dòng tiêu đề lặp lại"
            if _is_totals(folded):
                return "dòng tổng cộng"
        return None

    def _heading(self, col: int, value: str) -> str | None:
        """A sub-heading ("I. SÁCH GIÁO KHOA LỚP 6"): skip reason, and set the category."""
        text, _ = detect_and_convert(value.strip())
        text = unicodedata.normalize("NFC", " ".join(text.split()))
        code = self.matcher.contained(text)
        looks_like = bool(_HEADING_PREFIX.match(text)) or (
            code is not None and text.upper() == text
        )
        if col >= self.title_col and not looks_like:
            return None
        if code is not None:
            self.heading_category = code
        self.heading_grade = grade_in(text)
        return f"dòng tiêu đề mục: {text}"


def grade_in(text: str) -> str | None:
    """The grade a sheet name or sub-heading names: "SGK lớp 6" → "6", else None."""
    match = _GRADE.search(unicodedata.normalize("NFC", text))
    return match.group(1) if match else None


_GRADE = re.compile(r"(?i)\b(?:lớp|khối)\s*(1[0-2]|[1-9])\b")


def _is_totals(folded: str) -> bool:
    match = _TOTALS.fullmatch(folded)
    if match is None:
        return False
    tail = match.group(1)
    return tail is None or all(w in _TOTALS_TAIL or w.isdigit() for w in tail.split())
