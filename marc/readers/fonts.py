"""Cells typed in a capitals-only legacy font (``.VnTimeH``, ``.VnArialH``…).

TCVN3 (ABC) has codes for lower-case toned letters only; its ``…H`` fonts draw those codes
as capitals. calamine gives no fonts, so they are read here, with openpyxl (.xlsx) or xlrd
(.xls), and only for sheets already judged legacy-encoded; both are imported only then
(openpyxl alone would cost every Unicode list ~25 MB and its import time). A cell may mix
fonts (a capital initial in ``.VnTimeH``, the rest in ``.VnTime``): it comes as its runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: ``.VnTimeH``, ``.VnArialH``, ``.VnAvantH``, ``.VnCentury SchoolbookH``…
_CAPITALS_FONT = re.compile(r"^\.Vn.*H$")


@dataclass(frozen=True)
class Run:
    """Part of a cell's text, and whether its font shows it in capitals."""

    text: str
    capitals: bool


#: (0-based row, 0-based column) → the cell's runs, for cells with a capitals-font run.
CapitalCells = dict[tuple[int, int], tuple[Run, ...]]


def is_capitals_font(name: str | None) -> bool:
    return bool(name) and _CAPITALS_FONT.match(name.strip()) is not None  # type: ignore[union-attr]


class FontsUnreadable(Exception):
    """The workbook's fonts could not be read (calamine could read its values)."""


def capital_cells(path: Path, sheet: str) -> CapitalCells | None:
    """The cells of one sheet that use a capitals-only legacy font; None if fonts are unknown
    (.ods, .xlsb). Raises :class:`FontsUnreadable` when the fonts cannot be read."""
    suffix = path.suffix.lower()
    reader = {".xls": _xls_cells, ".xlsx": _xlsx_cells, ".xlsm": _xlsx_cells}.get(suffix)
    if reader is None:
        return None
    try:
        return reader(path, sheet)
    except Exception as exc:  # any failure of an optional extra read: its cause is reported
        raise FontsUnreadable(f"{type(exc).__name__}: {exc}") from exc


def _xlsx_cells(path: Path, sheet: str) -> CapitalCells:
    from openpyxl import load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    workbook = load_workbook(path, rich_text=True)
    try:
        if sheet not in workbook.sheetnames:
            return {}
        found: CapitalCells = {}
        for row in workbook[sheet].iter_rows():
            for cell in row:
                value = cell.value
                base = is_capitals_font(cell.font.name if cell.font else None)
                if isinstance(value, CellRichText):
                    runs = tuple(
                        Run(part.text, is_capitals_font(part.font.rFont))
                        if isinstance(part, TextBlock) and part.font is not None
                        else Run(str(part), base)
                        for part in value
                    )
                    if any(run.capitals for run in runs):
                        found[(cell.row - 1, cell.column - 1)] = runs
                elif base and isinstance(value, str):
                    found[(cell.row - 1, cell.column - 1)] = (Run(value, True),)
        return found
    finally:
        workbook.close()


def _xls_cells(path: Path, sheet: str) -> CapitalCells:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        if sheet not in book.sheet_names():
            return {}
        grid = book.sheet_by_name(sheet)
        fonts = [is_capitals_font(font.name) for font in book.font_list]
        found: CapitalCells = {}
        for r in range(grid.nrows):
            for c in range(grid.row_len(r)):
                if grid.cell_type(r, c) != xlrd.XL_CELL_TEXT:
                    continue
                text = grid.cell_value(r, c)
                base = fonts[book.xf_list[grid.cell_xf_index(r, c)].font_index]
                runlist = grid.rich_text_runlist_map.get((r, c))
                if runlist:
                    runs = _xls_runs(text, base, [(start, fonts[f]) for start, f in runlist])
                    if any(run.capitals for run in runs):
                        found[(r, c)] = runs
                elif base:
                    found[(r, c)] = (Run(text, True),)
        return found
    finally:
        book.release_resources()


def _xls_runs(text: str, base: bool, starts: list[tuple[int, bool]]) -> tuple[Run, ...]:
    """Split a BIFF rich-text cell at its run starts (before the first: the cell's font)."""
    bounds = [(0, base), *starts]
    runs = []
    for index, (start, capitals) in enumerate(bounds):
        end = bounds[index + 1][0] if index + 1 < len(bounds) else len(text)
        if end > start:
            runs.append(Run(text[start:end], capitals))
    return tuple(runs)
