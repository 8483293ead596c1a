"""Workbooks (.xlsx, .xlsm, .xls, .ods) read with python-calamine."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from marc.errors import FatalInputError
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
    results: list[SheetResult] = []
    try:
        for name in workbook.sheet_names:
            try:
                grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as exc:
                raise FatalInputError(
                    f"Không đọc được trang {name!r} của tệp {path.name}: {exc}"
                ) from exc
            results.append(
                read_table(
                    grid,
                    file=path.name,
                    sheet=name,
                    table=table,
                    matcher=matcher,
                    forced_category=forced_category,
                )
            )
    finally:
        workbook.close()
    return results
