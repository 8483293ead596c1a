"""The roll-up for a managing body: one row per school, a ``Tổng cộng`` row of sums.

Sources: one store holding every library (a managing body's Koha pulled with
``--all-libraries``), read with the set-wise key figures in one pass; or many stores, one
per school, opened read-only one at a time (never migrated, nothing kept but the row).
A school without data for the year keeps its row, marked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from koha_bridge.exceptions import StoreError
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards.record import NOT_CHECKED, recorded_levels
from koha_bridge.stats.keyfigures import KeyFigures, data_date, key_figures, library_names
from koha_bridge.stats.sql import DEFAULT_ROLES, Roles
from marc.settings import Category


@dataclass(frozen=True)
class SchoolRow:
    source: str  # the store file it came from
    library_id: str
    name: str
    figures: KeyFigures
    level: str  # TT16 level as last checked with ``standards check``
    data_date: str | None


def _levels(conn: sqlite3.Connection, year: SchoolYear) -> dict[str, tuple[str, str]]:
    try:
        return recorded_levels(conn, year.label)
    except sqlite3.OperationalError:  # a store whose schema predates 071_tt16_results
        return {}


def _rows(conn: sqlite3.Connection, source: str, year: SchoolYear,
          categories: Sequence[Category], roles: Roles, every_library: bool
          ) -> list[SchoolRow]:
    names = library_names(conn)
    figures = key_figures(conn, year, categories, roles=roles)
    wanted = set(figures) | (set(names) if every_library else set())
    wanted.discard("")
    levels = _levels(conn, year)
    pulled = data_date(conn)
    return [
        SchoolRow(source, lib, names.get(lib, lib), figures.get(lib, KeyFigures(lib)),
                  levels.get(lib, (NOT_CHECKED, ""))[0], pulled)
        for lib in sorted(wanted)
    ]


def from_store(conn: sqlite3.Connection, source: str, year: SchoolYear,
               categories: Sequence[Category], roles: Roles = DEFAULT_ROLES) -> list[SchoolRow]:
    """Every library of one store (those Koha lists, with data or not)."""
    return _rows(conn, source, year, categories, roles, every_library=True)


def store_files(paths: Iterable[Path]) -> list[Path]:
    """The given stores, a folder standing for every ``*.sqlite`` in it, in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.glob("*.sqlite") if p.is_file())
        elif path.is_file():
            out.append(path)
        else:
            raise StoreError(f"Không tìm thấy kho dữ liệu: {path}")
    return out


def from_stores(paths: Iterable[Path], year: SchoolYear, categories: Sequence[Category],
                roles: Roles = DEFAULT_ROLES) -> Iterator[SchoolRow]:
    """One school store after another, read-only; a store without data gives a bare row."""
    for path in paths:
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                rows = _rows(conn, path.name, year, categories, roles, every_library=False)
        except sqlite3.DatabaseError:
            rows = []  # not a store, or not pulled yet: listed without data below
        yield from rows or [SchoolRow(path.name, "", path.stem, KeyFigures(""), NOT_CHECKED,
                                      None)]


def totals(rows: Sequence[SchoolRow]) -> KeyFigures:
    """The sums of every count over the schools (ratios are then computed from the sums)."""
    total = KeyFigures("Tổng cộng")
    for row in rows:
        f = row.figures
        for name in ("stock", "stock_value", "usable", "added", "added_value", "withdrawn",
                     "withdrawn_value"):
            mine, theirs = getattr(total, name), getattr(f, name)
            for bucket in mine:
                mine[bucket] += theirs[bucket]
        total.loans += f.loans
        total.borrowers += f.borrowers
        total.pupils += f.pupils
        total.teachers += f.teachers
        total.active_pupils += f.active_pupils
        total.active_teachers += f.active_teachers
    return total
