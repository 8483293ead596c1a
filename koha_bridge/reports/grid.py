"""Multi-level column headings as merged cells, and how cells are shown as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from koha_bridge.reports.model import Cell, Column


@dataclass(frozen=True)
class HeadingCell:
    """One heading cell spanning rows ``top..bottom`` and columns ``left..right``."""

    top: int
    left: int
    bottom: int
    right: int
    text: str


def heading_depth(columns: Sequence[Column]) -> int:
    return max((len(c.heading) for c in columns), default=1)


def heading_cells(columns: Sequence[Column]) -> list[HeadingCell]:
    """The merged heading cells, row by row, left to right.

    Adjacent columns whose heading paths share a prefix are merged under it; a column
    with fewer levels than the deepest one spans down to the last heading row.
    """
    depth = heading_depth(columns)
    cells: list[HeadingCell] = []
    for level in range(depth):
        index = 0
        while index < len(columns):
            path = columns[index].heading
            if len(path) <= level:
                index += 1
                continue
            right = index
            if len(path) > level + 1:  # a group: merge with neighbours under the same prefix
                while (
                    right + 1 < len(columns)
                    and len(columns[right + 1].heading) > level + 1
                    and columns[right + 1].heading[: level + 1] == path[: level + 1]
                ):
                    right += 1
            bottom = depth - 1 if len(path) == level + 1 else level
            cells.append(HeadingCell(level, index, bottom, right, path[level]))
            index = right + 1
    return cells


def vn_number(value: float) -> str:
    """``1234567`` → ``1.234.567`` (Vietnamese digit grouping)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def as_text(value: Cell, column: Column) -> str:
    """A cell as printed: dates dd/mm/yyyy, numbers grouped with dots, empty for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and column.numeric:
        return vn_number(value)
    return str(value)
