"""Header detection and column mapping for supplier lists.

Header names are matched after folding (case, diacritics, spacing, punctuation, line breaks
ignored) against ``marc/data/column-aliases.yaml`` plus the configured extra aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from marc.errors import ConfigError
from marc.legacy import detect_and_convert
from marc.model import COLUMN_KEYS

ALIASES_FILE = Path(__file__).resolve().parents[1] / "data" / "column-aliases.yaml"
HEADER_SCAN_ROWS = 30

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENTHESIS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_COLUMN_NUMBER = re.compile(r"\(?\s*(\d{1,2}|[A-Za-z])\s*\)?")


def fold(text: str) -> str:
    """Lower-case ASCII skeleton of a text: "Tên\\nSÁCH (đ)" → "ten sach d"."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def clean_header(value: object) -> str:
    """A header cell as readable text: legacy-decoded, NFC, whitespace collapsed."""
    if not isinstance(value, str):
        return "" if value is None else _plain_number(value)
    text, _ = detect_and_convert(value)
    return " ".join(text.split())


def _plain_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def load_aliases(
    extra: Mapping[str, Sequence[str]] = {},
    *,
    path: Path = ALIASES_FILE,
    keys: Collection[str] = COLUMN_KEYS,
) -> dict[str, str]:
    """Folded header name → canonical key, from a bundled table plus ``extra``.

    The default table is the supplier lists'; other readers (class rosters) pass their
    own ``path`` and ``keys``.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for source in (data, extra):
        for key, names in source.items():
            if isinstance(names, str):
                names = (names,)
            if key not in keys:
                raise ConfigError(f"Tên cột chuẩn không hợp lệ trong bảng bí danh: {key!r}")
            for name in names:
                folded = fold(str(name))
                if folded:
                    table[folded] = key
    return table


def match_name(text: str, table: Mapping[str, str]) -> str | None:
    """Canonical key for one header text, or None."""
    folded = fold(text)
    if not folded:
        return None
    key = table.get(folded)
    if key is None and ("(" in text or "[" in text):
        key = table.get(fold(_PARENTHESIS.sub(" ", text)))
    if key is None and "/" in text:
        # "Ký hiệu phân loại / DDC", "Tác giả / Dịch giả": the parts must agree.
        keys = {table.get(fold(part)) for part in text.split("/")} - {None}
        key = keys.pop() if len(keys) == 1 else None
    return key


def header_names(table: Mapping[str, str]) -> str:
    """A short Vietnamese list of the names we look for, for error messages."""
    wanted = ("title", "author", "publisher", "year", "isbn", "price", "quantity")
    examples = {
        "title": "Tên sách / Nhan đề",
        "author": "Tác giả",
        "publisher": "Nhà xuất bản / NXB",
        "year": "Năm XB",
        "isbn": "ISBN",
        "price": "Giá / Đơn giá",
        "quantity": "Số lượng / SL",
    }
    return ", ".join(examples[k] for k in wanted if k in table.values())


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is and what each column means (0-based indexes)."""

    row: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first row after the header
    columns: tuple[tuple[int, str], ...]  # (column index, canonical key)
    mapping: dict[str, str]
    unmapped: tuple[str, ...]
    folds: dict[int, str]  # column index → folded header text (repeated-header check)
    notes: tuple[str, ...] = ()

    def column_of(self, key: str) -> int | None:
        for col, k in self.columns:
            if k == key:
                return col
        return None


def _row_keys(row: Sequence[object], table: Mapping[str, str]) -> dict[int, str]:
    keys: dict[int, str] = {}
    for col, value in enumerate(row):
        if isinstance(value, str) and value.strip() and len(value) < 80:
            key = match_name(clean_header(value), table)
            if key is not None:
                keys[col] = key
    return keys


def find_header(
    rows: Sequence[Sequence[object]],
    table: Mapping[str, str],
    required: Collection[str] = ("title",),
) -> Header | None:
    """Find the header among the first rows: most matched names, one of ``required``
    (the title, for supplier lists) plus one more."""
    best: tuple[int, int] | None = None  # (score, index)
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = set(_row_keys(row, table).values())
        if (not keys.isdisjoint(required) and len(keys) >= 2
                and (best is None or len(keys) > best[0])):
            best = (len(keys), index)
    if best is None:
        return None
    index = best[1]
    main = [clean_header(v) for v in rows[index]]
    sub = _sub_header(main, rows[index + 1], table) if index + 1 < len(rows) else None
    names = sub if sub is not None else main
    return _build(index, index + (2 if sub is not None else 1), names, table)


def _sub_header(
    main: list[str], below: Sequence[object], table: Mapping[str, str]
) -> list[str] | None:
    """Column names from a two-row header, or None if the row below is not a header."""
    cells = [clean_header(v) for v in below]
    if any(v not in ("", None) and not isinstance(v, str) for v in below):
        return None
    if not any(cells) or is_column_numbers(below):
        return None
    names: list[str] = []
    group = ""
    matched = False
    for col in range(max(len(main), len(cells))):
        top = main[col] if col < len(main) else ""
        text = cells[col] if col < len(cells) else ""
        if top:
            group = top
        if not text:
            names.append(top)
            continue
        if match_name(text, table):
            names.append(text)
            matched = True
        elif group and match_name(f"{group} {text}", table):
            names.append(f"{group} {text}")
            matched = True
        else:
            return None
    return names if matched else None


def _build(index: int, data_start: int, names: list[str], table: Mapping[str, str]) -> Header:
    columns: list[tuple[int, str]] = []
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    notes: list[str] = []
    folds: dict[int, str] = {}
    taken: dict[str, str] = {}
    for col, name in enumerate(names):
        if not name:
            continue
        key = match_name(name, table)
        if key is None:
            unmapped.append(name)
        elif key in taken:
            unmapped.append(name)
            notes.append(f'cột "{name}" trùng nghĩa với cột "{taken[key]}": bỏ qua')
        else:
            taken[key] = name
            columns.append((col, key))
            mapping[name] = key
            folds[col] = fold(name)
    return Header(index, data_start, tuple(columns), mapping, tuple(unmapped), folds,
                  tuple(notes))


def is_column_numbers(row: Sequence[object]) -> bool:
    """A row numbering the columns under a header: "(1) (2) (3)…" or 1 2 3…, or A B C…."""
    marks: list[str] = []
    for value in row:
        if value in ("", None):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            marks.append(_plain_number(value))
        elif isinstance(value, str) and _COLUMN_NUMBER.fullmatch(value.strip()):
            marks.append(value.strip().strip("()").strip())
        else:
            return False
    if len(marks) < 3:
        return False
    if all(m.isdigit() for m in marks):
        numbers = [int(m) for m in marks]
        return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    return all(m.isalpha() for m in marks)
