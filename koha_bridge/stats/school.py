"""One library's statistics for a school year, gathered from the store's mirror."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from koha_bridge.exceptions import ConfigError
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats import breakdowns as bd
from koha_bridge.stats.keyfigures import KeyFigures, data_date, key_figures, library_names
from koha_bridge.stats.sql import DEFAULT_ROLES, Roles
from marc.settings import Category


@dataclass(frozen=True)
class SchoolStats:
    library_id: str
    library_name: str
    year: SchoolYear
    data_date: str | None  # when the mirror was last pulled from Koha
    as_of: date  # the year's last day, or the data's date when that is earlier
    figures: KeyFigures
    by_month: list[tuple[str, int]]
    by_class: list[tuple[str, int]]
    by_grade: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    by_ddc: list[tuple[str, int]]
    top_titles: list[bd.TitleLoans]
    overdue: list[bd.OverdueLoan]


def resolve_library(conn: sqlite3.Connection, wanted: str) -> tuple[str, str]:
    """The library to report (``--library`` or ``[school] library_id``) and its name.

    Refused when the mirror knows libraries and this is none of them.
    """
    names = library_names(conn)
    if names and wanted not in names:
        known = ", ".join(sorted(names)[:20])
        raise ConfigError(
            f"Kho dữ liệu không có thư viện {wanted!r}; các thư viện có: {known}"
            " (chọn bằng --library hoặc [school] library_id)"
        )
    return wanted, names.get(wanted, wanted)


def as_of_day(year: SchoolYear, pulled: str | None) -> date:
    if pulled:
        try:
            day = date.fromisoformat(pulled[:10])
        except ValueError:
            return year.end
        return min(day, year.end)
    return year.end


def school_stats(
    conn: sqlite3.Connection,
    year: SchoolYear,
    library: str,
    categories: Sequence[Category],
    roles: Roles = DEFAULT_ROLES,
    *,
    top: int = 20,
) -> SchoolStats:
    library_id, name = resolve_library(conn, library)
    pulled = data_date(conn)
    day = as_of_day(year, pulled)
    figures = key_figures(conn, year, categories, libraries=[library_id], roles=roles)
    return SchoolStats(
        library_id, name, year, pulled, day, figures[library_id],
        bd.by_month(conn, year, library_id),
        bd.by_reader(conn, year, library_id, roles, "statistics_1"),
        bd.by_reader(conn, year, library_id, roles, "statistics_2"),
        bd.by_category(conn, year, library_id, categories),
        bd.by_ddc(conn, year, library_id),
        bd.top_titles(conn, year, library_id, top),
        bd.overdue_on(conn, day, library_id, roles),
    )
