"""A ``Report`` as an XLSX workbook: one sheet per part, the title in a cell above the table.

Each sheet: title (merged across the table), subtitle lines, the part's heading, then
for each block its caption and table (merged multi-level headings, frozen below the
first table's headings, column widths, number and date formats, section captions,
subtotals and totals in bold), pictures and text; notes and the signature block last.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from koha_bridge.exceptions import FatalInputError
from koha_bridge.reports.grid import heading_cells, heading_depth
from koha_bridge.reports.model import (
    KINDS,
    Column,
    ImageBlock,
    Part,
    Report,
    Row,
    TableBlock,
    TextBlock,
    png_size,
)

OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
NUMBER_FORMATS = {
    "int": "#,##0", "money": "#,##0", "decimal": "#,##0.00", "date": "dd/mm/yyyy", "code": "@",
}
ROW_PIXELS = 20


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, book: Workbook) -> None:
        border = {"border": 1, "valign": "top"}
        self.title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.subtitle = book.add_format({"align": "center", "italic": True})
        self.heading = book.add_format(
            {**border, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
             "bg_color": "#E8E8E8", "pattern": 1}
        )
        self.caption = book.add_format({**border, "bold": True})
        self.bold = book.add_format({"bold": True})
        self.plain = book.add_format({"text_wrap": True})
        self.cells: dict[tuple[str, bool], Format] = {}
        for kind in KINDS:
            for strong in (False, True):
                spec: dict[str, Any] = {**border, "bold": strong}
                if kind in NUMBER_FORMATS:
                    spec["num_format"] = NUMBER_FORMATS[kind]
                if kind == "text":
                    spec["text_wrap"] = True
                self.cells[(kind, strong)] = book.add_format(spec)


def write_xlsx(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path`` (through a ``.part`` file replaced when complete)."""
    partial = path.with_name(path.name + ".part")
    book = xlsxwriter.Workbook(str(partial), OPTIONS)
    try:
        formats = _Formats(book)
        used: set[str] = set()
        for index, part in enumerate(report.parts):
            sheet = book.add_worksheet(_sheet_name(part.sheet, used))
            _write_part(sheet, report, part, formats, last=index == len(report.parts) - 1)
        book.close()
    except (OSError, XlsxWriterException) as exc:
        partial.unlink(missing_ok=True)
        raise FatalInputError(f"Không ghi được tệp {path}: {exc}") from exc
    partial.replace(path)
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:31] or "Sheet"
    candidate, number = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:27]} ({number})"
        number += 1
    used.add(candidate.lower())
    return candidate


def _width(part: Part) -> int:
    tables = [b for b in part.blocks if isinstance(b, TableBlock)]
    return max((len(t.columns) for t in tables), default=6)


def _write_part(sheet: Worksheet, report: Report, part: Part, formats: _Formats,
                *, last: bool) -> None:
    span = _width(part)
    row = 0
    for text, fmt in [(report.title, formats.title),
                      *[(line, formats.subtitle) for line in report.subtitle],
                      *([(part.heading, formats.bold)] if part.heading else [])]:
        _merged(sheet, row, span, text, fmt)
        row += 1
    row += 1
    frozen = False
    for block in part.blocks:
        if isinstance(block, TableBlock):
            row = _write_table(sheet, row, block, formats, freeze=not frozen)
            frozen = True
        elif isinstance(block, ImageBlock):
            row = _write_image(sheet, row, block, formats)
        else:
            row = _write_text(sheet, row, block, formats, span)
        row += 1
    if last:
        row = _write_text(sheet, row, TextBlock(report.notes), formats, span)
        _write_signatures(sheet, row + 1, report, formats, span)


def _merged(sheet: Worksheet, row: int, span: int, text: str, fmt: Format) -> None:
    if span > 1:
        sheet.merge_range(row, 0, row, span - 1, text, fmt)
    else:
        sheet.write_string(row, 0, text, fmt)


def _write_table(sheet: Worksheet, row: int, table: TableBlock, formats: _Formats,
                 *, freeze: bool) -> int:
    columns = table.columns
    if table.caption:
        sheet.write_string(row, 0, table.caption, formats.bold)
        row += 1
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    for cell in heading_cells(columns):
        top, bottom = row + cell.top, row + cell.bottom
        if (top, cell.left) == (bottom, cell.right):
            sheet.write_string(top, cell.left, cell.text, formats.heading)
        else:
            sheet.merge_range(top, cell.left, bottom, cell.right, cell.text, formats.heading)
    row += heading_depth(columns)
    if freeze:
        sheet.freeze_panes(row, 0)
    plain = [formats.cells[(c.kind, False)] for c in columns]
    bold = [formats.cells[(c.kind, True)] for c in columns]
    for section in table.sections:
        if section.caption:
            _merged(sheet, row, len(columns), section.caption, formats.caption)
            row += 1
        for values in section.rows:
            _write_row(sheet, row, columns, values, plain)
            row += 1
        if section.subtotals is not None:
            _write_row(sheet, row, columns, section.subtotals, bold)
            row += 1
    if table.totals is not None:
        _write_row(sheet, row, columns, table.totals, bold)
        row += 1
    return row


def _write_row(sheet: Worksheet, row: int, columns: Sequence[Column], values: Row,
               cell_formats: Sequence[Format]) -> None:
    """One body, subtotal or totals row; ``cell_formats`` are the columns' formats."""
    for index, (column, fmt) in enumerate(zip(columns, cell_formats, strict=True)):
        value = values.get(column.key)
        if value is None or value == "":
            sheet.write_blank(row, index, None, fmt)
        elif isinstance(value, date):
            sheet.write_datetime(row, index, value, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, index, value, fmt)
        else:
            sheet.write_string(row, index, str(value), fmt)


def _write_image(sheet: Worksheet, row: int, block: ImageBlock, formats: _Formats) -> int:
    if block.caption:
        sheet.write_string(row, 0, block.caption, formats.bold)
        row += 1
    data = block.png()
    width, height = png_size(data)
    scale = (block.width_mm / 25.4 * 96) / width
    sheet.insert_image(row, 0, "image.png",
                       {"image_data": io.BytesIO(data), "x_scale": scale, "y_scale": scale})
    return row + int(height * scale / ROW_PIXELS) + 2


def _write_text(sheet: Worksheet, row: int, block: TextBlock, formats: _Formats,
                span: int) -> int:
    for line in block.lines:
        _merged(sheet, row, span, line, formats.bold if block.bold else formats.plain)
        row += 1
    return row


def _write_signatures(sheet: Worksheet, row: int, report: Report, formats: _Formats,
                      span: int) -> None:
    if not report.signatures:
        return
    if report.place_date:
        sheet.write_string(row, max(span - 3, 0), report.place_date, formats.subtitle)
        row += 1
    step = max(span // len(report.signatures), 1)
    for index, signer in enumerate(report.signatures):
        col = index * step
        sheet.write_string(row, col, signer.role, formats.bold)
        sheet.write_string(row + 1, col, signer.hint, formats.subtitle)
        if signer.name:
            sheet.write_string(row + 5, col, signer.name, formats.bold)
