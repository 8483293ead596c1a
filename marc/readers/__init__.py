"""Readers for supplier acquisition lists (.xlsx, .xls, .ods, .csv) → ``AcquisitionRow``s.

``read_acquisitions`` is the one entry point: it finds each sheet's header, maps columns to
``marc.model.COLUMN_KEYS``, decodes legacy Vietnamese encodings and sorts every non-empty
row into a data row or a skipped row (totals, repeated header, sub-heading) with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marc.errors import ConfigError, FatalInputError
from marc.model import AcquisitionRow
from marc.readers.csvfile import CSV_SUFFIXES, read_csv
from marc.readers.delivery_header import DeliveryHeader
from marc.readers.header import header_names, load_aliases
from marc.readers.table import CategoryMatcher, SheetReport, SkippedRow
from marc.readers.workbook import WORKBOOK_SUFFIXES, read_workbook
from marc.settings import DEFAULT_CATEGORIES, Category

__all__ = ["DeliveryHeader", "ReadResult", "SheetReport", "SkippedRow", "read_acquisitions"]


@dataclass
class ReadResult:
    """Everything read from a set of files, in file, sheet and row order."""

    rows: list[AcquisitionRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    #: file name → what its header blocks say about the delivery (sheets merged in order)
    deliveries: dict[str, DeliveryHeader] = field(default_factory=dict)


def read_acquisitions(
    paths: Sequence[Path],
    *,
    aliases: Mapping[str, Sequence[str]] = {},
    categories: Sequence[Category] = DEFAULT_CATEGORIES,
    forced_category: str | None = None,
) -> ReadResult:
    """Read supplier lists; raise ``FatalInputError`` for a file that cannot be used at all."""
    if forced_category is not None and forced_category not in {c.code for c in categories}:
        raise ConfigError(f"Loại sách không có trong cấu hình: {forced_category!r}")
    table = load_aliases(aliases)
    matcher = CategoryMatcher(categories)
    result = ReadResult()
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            sheets = read_workbook(
                path, table=table, matcher=matcher, forced_category=forced_category
            )
        elif suffix in CSV_SUFFIXES:
            sheets = [
                read_csv(path, table=table, matcher=matcher, forced_category=forced_category)
            ]
        else:
            raise FatalInputError(
                f"Tệp {path.name}: định dạng không được hỗ trợ (cần .xlsx, .xls, .ods hoặc .csv)"
            )
        if not any(s.report is not None and s.report.header_row is not None for s in sheets):
            raise FatalInputError(
                f"Tệp {path.name}: không tìm thấy dòng tiêu đề ở trang nào. Cần có cột tên "
                f"sách và ít nhất một cột khác, ví dụ: {header_names(table)}"
            )
        header = DeliveryHeader()
        for sheet in sheets:
            header = header.merged(sheet.delivery)
            result.rows.extend(sheet.rows)
            result.skipped.extend(sheet.skipped)
            if sheet.report is not None:
                result.sheets.append(sheet.report)
        result.deliveries[path.name] = header
    return result
