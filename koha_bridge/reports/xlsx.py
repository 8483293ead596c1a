"""Writing XLSX reports: one streaming workbook, tables with a bold frozen header.

XlsxWriter in constant-memory mode writes rows straight to disk and is several times
faster than openpyxl for sheets of tens of thousands of rows; openpyxl stays the
reader (review sheets come back through it). Cell text is written as text: a title
starting with ``=`` or looking like a URL or a number is not reinterpreted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from koha_bridge.exceptions import FatalInputError

OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


@contextmanager
def workbook(path: Path) -> Iterator[Workbook]:
    """A workbook written to ``path`` when the block ends."""
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    try:
        yield book
    finally:
        try:
            book.close()
        except (OSError, XlsxWriterException) as exc:
            raise FatalInputError(f"Không ghi được tệp {path}: {exc}") from exc


class Table:
    """A sheet whose first row holds bold headings; rows are appended in order."""

    def __init__(
        self,
        book: Workbook,
        name: str,
        columns: Sequence[tuple[str, float]],
        *,
        text_columns: Sequence[int] = (),
        fill: str | None = None,
    ) -> None:
        self.sheet: Worksheet = book.add_worksheet(name[:31])
        heading = {"bold": True, "text_wrap": True, "valign": "top"}
        if fill:
            heading |= {"bg_color": fill, "pattern": 1}
        text = book.add_format({"num_format": "@"})
        for index, (_, width) in enumerate(columns):
            self.sheet.set_column(index, index, width, text if index in text_columns else None)
        self.sheet.write_row(0, 0, [title for title, _ in columns], book.add_format(heading))
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def append(self, values: Sequence[Any]) -> None:
        self.sheet.write_row(self.row, 0, values)
        self.row += 1


def lines_sheet(book: Workbook, name: str, lines: Sequence[str], width: float = 100) -> None:
    """A one-column sheet of text lines, the first in bold (summaries, instructions)."""
    sheet = book.add_worksheet(name[:31])
    sheet.set_column(0, 0, width, book.add_format({"text_wrap": True}))
    bold = book.add_format({"bold": True, "text_wrap": True})
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, bold if row == 0 else None)
