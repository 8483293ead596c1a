"""CSV files: encoding detection (UTF-8/16, Windows-1258, TCVN3, VNI) and delimiter sniffing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from marc.errors import FatalInputError
from marc.legacy import TCVN3, VNI, decode_bytes
from marc.readers.table import CategoryMatcher, SheetResult, read_table

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
_DELIMITERS = (";", ",", "\t")


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (";" "," or tab)."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        wide = [c for c in counts if c > 1]
        score = max((wide.count(c) * c for c in set(wide)), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_grid(path: Path) -> tuple[list[list[str]], list[int], str]:
    """A CSV file's rows, the line number of each row, and the encoding found."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise FatalInputError(f"Không tìm thấy tệp: {path.name}") from exc
    except OSError as exc:
        raise FatalInputError(f"Không đọc được tệp {path.name}: {exc.strerror}") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FatalInputError(f"Tệp {path.name} không phải là tệp CSV (dữ liệu nhị phân)")
    try:
        text, encoding = decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise FatalInputError(f"Không giải mã được tệp {path.name}: {exc.reason}") from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            rows.append(record)
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FatalInputError(f"Tệp CSV {path.name} hỏng ở dòng {reader.line_num}: {exc}") from exc
    return rows, numbers, encoding


def read_csv(
    path: Path,
    *,
    table: dict[str, str],
    matcher: CategoryMatcher,
    forced_category: str | None,
) -> SheetResult:
    """One CSV file; row numbers are the file's line numbers."""
    rows, numbers, encoding = read_csv_grid(path)
    return read_table(
        rows,
        file=path.name,
        sheet=None,
        table=table,
        matcher=matcher,
        forced_category=forced_category,
        encoding=encoding,
        row_numbers=numbers,
        whole_file_legacy=encoding if encoding in (TCVN3, VNI) else None,
    )
