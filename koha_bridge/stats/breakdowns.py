"""Loan breakdowns of one library's school year: by month, class, grade, category, DDC
main class, the most borrowed titles and the loans overdue on a day.

A loan belongs to the school year of its checkout date and to the library it was issued
at (``koha_checkouts.library_id``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.sql import Roles, category_case, next_day, role_case
from marc.settings import Category

NO_CLASS = "(không ghi lớp)"
NO_DDC = "Không có số DDC"


@dataclass(frozen=True)
class TitleLoans:
    biblio_id: int | None
    title: str
    author: str
    loans: int


@dataclass(frozen=True)
class OverdueLoan:
    """A loan still out on the day and due before it (no borrower's name: privacy)."""

    barcode: str
    title: str
    class_name: str
    checkout_date: str
    due_date: str
    days_overdue: int


def _loans(year: SchoolYear) -> tuple[str, list[str]]:
    return (
        "c.library_id = ? AND c.checkout_date >= ? AND c.checkout_date < ?",
        [year.start.isoformat(), next_day(year.end)],
    )


def months(year: SchoolYear) -> list[str]:
    """``YYYY-MM`` of every month of the school year, in order."""
    out, y, m = [], year.start.year, year.start.month
    while (y, m) <= (year.end.year, year.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def by_month(conn: sqlite3.Connection, year: SchoolYear, library: str) -> list[tuple[str, int]]:
    where, params = _loans(year)
    counts = dict(conn.execute(
        f"SELECT substr(c.checkout_date, 1, 7) AS m, COUNT(*) FROM koha_checkouts c"
        f" WHERE {where} GROUP BY m", [library, *params]))
    return [(month, counts.get(month, 0)) for month in months(year)]


def by_reader(
    conn: sqlite3.Connection, year: SchoolYear, library: str, roles: Roles, column: str
) -> list[tuple[str, int]]:
    """Pupils' loans by class (``statistics_1``) or grade (``statistics_2``), in natural
    order, then one line for the loans of every other patron."""
    where, params = _loans(year)
    role, role_params = role_case(roles)
    rows = conn.execute(
        f"SELECT CASE WHEN {role} = 'pupil' THEN COALESCE(NULLIF(p.{column}, ''), ?)"
        " ELSE NULL END AS k, COUNT(*)"
        " FROM koha_checkouts c LEFT JOIN koha_patrons p ON p.patron_id = c.patron_id"
        f" WHERE {where} GROUP BY k",
        [*role_params, NO_CLASS, library, *params],
    ).fetchall()
    pupils = sorted(((k, n) for k, n in rows if k is not None), key=lambda r: natural(r[0]))
    others = sum(n for k, n in rows if k is None)
    return pupils + ([("Giáo viên, nhân viên và bạn đọc khác", others)] if others else [])


def natural(text: str) -> tuple[object, ...]:
    """Sort key: ``6A2`` before ``6A10``, digits compared as numbers."""
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                 for p in re.split(r"(\d+)", text) if p)


def by_category(
    conn: sqlite3.Connection, year: SchoolYear, library: str, categories: Sequence[Category]
) -> list[tuple[str, int]]:
    """Loans per configured category code (``KHAC`` for unknown copies), in config order."""
    where, params = _loans(year)
    cat, cat_params = category_case(conn, categories)
    counts = dict(conn.execute(
        f"SELECT {cat} AS k, COUNT(*) FROM koha_checkouts c"
        " LEFT JOIN koha_items i ON i.item_id = c.item_id"
        f" WHERE {where} GROUP BY k", [*cat_params, library, *params]))
    order = [c.code for c in categories] + ["KHAC"]
    return [(code, counts[code]) for code in order if counts.get(code)]


def by_ddc(conn: sqlite3.Connection, year: SchoolYear, library: str) -> list[tuple[str, int]]:
    """Loans per DDC main class (``000`` … ``900``) of the title's class number."""
    where, params = _loans(year)
    counts = dict(conn.execute(
        "SELECT CASE WHEN b.class_number GLOB '[0-9][0-9][0-9]*'"
        " THEN substr(b.class_number, 1, 1) || '00' ELSE NULL END AS k, COUNT(*)"
        " FROM koha_checkouts c LEFT JOIN koha_items i ON i.item_id = c.item_id"
        " LEFT JOIN koha_biblios b ON b.biblio_id = i.biblio_id"
        f" WHERE {where} GROUP BY k", [library, *params]))
    out = [(f"{d}00", counts.get(f"{d}00", 0)) for d in range(10)]
    return [*out, (NO_DDC, counts.get(None, 0))]


def top_titles(
    conn: sqlite3.Connection, year: SchoolYear, library: str, limit: int = 20
) -> list[TitleLoans]:
    where, params = _loans(year)
    return [
        TitleLoans(bid, title or "(không có nhan đề)", author or "", n)
        for bid, title, author, n in conn.execute(
            "SELECT i.biblio_id, b.title, b.author, COUNT(*) AS n FROM koha_checkouts c"
            " JOIN koha_items i ON i.item_id = c.item_id"
            " LEFT JOIN koha_biblios b ON b.biblio_id = i.biblio_id"
            f" WHERE {where} GROUP BY i.biblio_id ORDER BY n DESC, b.title, i.biblio_id"
            " LIMIT ?", [library, *params, limit])
    ]


def overdue_on(
    conn: sqlite3.Connection, day: date, library: str, roles: Roles
) -> list[OverdueLoan]:
    """Loans issued at the library by ``day``, not returned by then, due before it."""
    role, role_params = role_case(roles)
    after = next_day(day)
    rows = conn.execute(
        "SELECT COALESCE(i.external_id, i.inventory_number, ''), COALESCE(b.title, ''),"
        f" CASE WHEN {role} = 'pupil' THEN COALESCE(p.statistics_1, '') ELSE '' END,"
        " substr(c.checkout_date, 1, 10), substr(c.due_date, 1, 10)"
        " FROM koha_checkouts c LEFT JOIN koha_items i ON i.item_id = c.item_id"
        " LEFT JOIN koha_biblios b ON b.biblio_id = i.biblio_id"
        " LEFT JOIN koha_patrons p ON p.patron_id = c.patron_id"
        " WHERE c.library_id = ? AND c.checkout_date < ?"
        " AND (c.checkin_date IS NULL OR c.checkin_date >= ?)"
        " AND c.due_date IS NOT NULL AND substr(c.due_date, 1, 10) < ?"
        " ORDER BY c.due_date, i.external_id",
        [*role_params, library, after, after, day.isoformat()],
    )
    return [
        OverdueLoan(barcode, title, klass, out, due,
                    (day - date.fromisoformat(due)).days)
        for barcode, title, klass, out, due in rows
    ]
