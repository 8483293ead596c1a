"""Workbooks (.xlsx, .xlsm, .xls, .ods) read with python-calamine.

Each sheet's encoding is decided from all of its text before anything else reads it: a
sheet typed in TCVN3 or VNI is decoded whole (title block, header, data, totals, footer),
with the cells in a capitals-only font (``.VnTimeH``) turned to capitals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from marc.errors import FatalInputError
from marc.legacy import decode, texts_encoding
from marc.readers.fonts import FontsUnreadable, Run, capital_cells
from marc.readers.table import CategoryMatcher, SheetResult, read_table

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})


def read_workbook(
    path: Path,
    *,
    table: dict[str, str],
    matcher: CategoryMatcher,
    forced_category: str | None,
) -> list[SheetResult]:
    """Every sheet of a workbook; raise ``FatalInputError`` if the file cannot be opened."""
    results: list[SheetResult] = []
    for name, grid in workbook_grids(path):
        cells, encoding, note = _decoded(path, name, grid)
        results.append(
            read_table(
                cells,
                file=path.name,
                sheet=name,
                table=table,
                matcher=matcher,
                forced_category=forced_category,
                encoding=encoding,
                decoded=encoding is not None,
                encoding_note=note,
            )
        )
    return results


def workbook_grids(path: Path) -> Iterator[tuple[str, list[list[Any]]]]:
    """(sheet name, cells) for every sheet; raise ``FatalInputError`` if unreadable."""
    if not path.is_file():
        raise FatalInputError(f"Không tìm thấy tệp: {path.name}")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise FatalInputError(f"Tệp {path.name} có mật khẩu: hãy bỏ mật khẩu rồi thử lại") from exc
    except (CalamineError, OSError, ValueError) as exc:
        raise FatalInputError(
            f"Không đọc được tệp bảng tính {path.name}: tệp hỏng hoặc không đúng định dạng "
            f"({exc})"
        ) from exc
    try:
        for name in workbook.sheet_names:
            try:
                grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as exc:
                raise FatalInputError(
                    f"Không đọc được trang {name!r} của tệp {path.name}: {exc}"
                ) from exc
            yield name, grid
    finally:
        workbook.close()


Grid = Sequence[Sequence[object]]


def _decoded(path: Path, sheet: str, grid: Grid) -> tuple[Grid, str | None, str]:
    """The sheet's grid with every text cell decoded, its encoding, and a note saying so."""
    encoding = texts_encoding(v for row in grid for v in row if type(v) is str and v)
    if encoding is None:
        return grid, None, ""
    problem = ""
    try:
        capitals = capital_cells(path, sheet)
    except FontsUnreadable as exc:
        capitals, problem = None, f"; không đọc được phông chữ ({exc}): chữ in hoa được đoán"
    # Known fonts say which cells are capitals; without them (.ods) capitals are guessed.
    guess = capitals is None
    capitals = capitals or {}
    decoded: list[list[object]] = []
    cells = 0
    for r, row in enumerate(grid):
        out: list[object] = []
        for c, value in enumerate(row):
            if type(value) is str and value:
                value = _decode_cell(value, encoding, capitals.get((r, c)), guess)
                cells += 1
            out.append(value)
        decoded.append(out)
    note = f"trang mã {encoding}: đã chuyển toàn bộ {cells} ô chữ sang Unicode"
    if capitals:
        note += f" ({len(capitals)} ô phông chữ in hoa .Vn…H viết hoa)"
    return decoded, encoding, note + problem


def _decode_cell(text: str, encoding: str, runs: tuple[Run, ...] | None, guess: bool) -> str:
    """One cell; the runs in a capitals font come out in capitals."""
    if not runs:
        return decode(text, encoding, guess_capitals=guess)
    if "".join(run.text for run in runs) != text:  # runs that do not add up: whole cell
        return decode(text, encoding).upper()
    return "".join(
        decode(run.text, encoding).upper() if run.capitals
        else decode(run.text, encoding, guess_capitals=False)
        for run in runs
    )
