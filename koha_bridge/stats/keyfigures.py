"""The key figures of a school year per library, computed set-wise in SQL.

One grouped query over the items, one over the checkouts and one over the patrons give
every library's figures at once (a managing body's store with 1,000 schools is read in
three passes), or one library's through the indexes of ``070_stats_indexes``. The
yearly report, the TT16 check and the roll-up all read these same figures.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.sql import (
    BOOK_CATEGORIES,
    DEFAULT_ROLES,
    OTHER,
    REPORT_CATEGORIES,
    CategoryOfKeys,
    Roles,
    category_keys,
    enrolled_in,
    in_stock,
    lost_by,
    next_day,
    report_bucket,
    role_case,
)
from marc.settings import Category

BUCKETS: tuple[str, ...] = (*REPORT_CATEGORIES, OTHER)


def _zero() -> dict[str, int]:
    return dict.fromkeys(BUCKETS, 0)


@dataclass
class KeyFigures:
    """A library's figures for one school year (copies by report bucket, money in đồng)."""

    library_id: str
    stock: dict[str, int] = field(default_factory=_zero)  # on the year's last day
    stock_value: dict[str, int] = field(default_factory=_zero)
    usable: dict[str, int] = field(default_factory=_zero)  # in stock and not lost
    added: dict[str, int] = field(default_factory=_zero)
    added_value: dict[str, int] = field(default_factory=_zero)
    withdrawn: dict[str, int] = field(default_factory=_zero)
    withdrawn_value: dict[str, int] = field(default_factory=_zero)
    loans: int = 0
    borrowers: int = 0  # distinct patrons with a loan at this library in the year
    pupils: int = 0  # pupils registered in Koha during the year
    teachers: int = 0
    active_pupils: int = 0  # of those, the ones who borrowed at least once
    active_teachers: int = 0

    @property
    def has_data(self) -> bool:
        """Anything at all for the year: copies held, added, withdrawn, loans or patrons."""
        return bool(
            sum(self.stock.values()) or sum(self.added.values())
            or sum(self.withdrawn.values()) or self.loans or self.pupils or self.teachers
        )

    @property
    def total_stock(self) -> int:
        return sum(self.stock.values())

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def book_copies(self) -> int:
        """Usable copies of books (SGK, NV, TK, TN): the numerator of copies per pupil."""
        return sum(self.usable[c] for c in BOOK_CATEGORIES)

    def per_pupil(self, bucket: str | None = None) -> float | None:
        """Usable copies per pupil, of one bucket or of all books; ``None`` without pupils."""
        if not self.pupils:
            return None
        copies = self.book_copies if bucket is None else self.usable[bucket]
        return copies / self.pupils

    @property
    def pupil_share(self) -> float | None:
        return self.active_pupils / self.pupils if self.pupils else None

    @property
    def teacher_share(self) -> float | None:
        return self.active_teachers / self.teachers if self.teachers else None


def _where(column: str, libraries: Sequence[str] | None) -> tuple[str, list[str]]:
    if libraries is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(libraries))})", list(libraries)


def key_figures(
    conn: sqlite3.Connection,
    year: SchoolYear,
    categories: Sequence[Category],
    *,
    libraries: Sequence[str] | None = None,
    roles: Roles = DEFAULT_ROLES,
) -> dict[str, KeyFigures]:
    """Every library's figures (or those of ``libraries``), keyed by library code."""
    out: dict[str, KeyFigures] = {lib: KeyFigures(lib) for lib in libraries or ()}

    def figures(lib: str | None) -> KeyFigures:
        key = lib or ""
        if key not in out:
            out[key] = KeyFigures(key)
        return out[key]

    _items(conn, year, categories, libraries, figures)
    start, after = year.start.isoformat(), next_day(year.end)
    where, params = _where("c.library_id", libraries)
    for lib, loans, borrowers in conn.execute(
        "SELECT c.library_id, COUNT(*), COUNT(DISTINCT c.patron_id) FROM koha_checkouts c"
        f" WHERE c.checkout_date >= ? AND c.checkout_date < ?{where} GROUP BY c.library_id",
        [start, after, *params],
    ):
        fig = figures(lib)
        fig.loans, fig.borrowers = loans, borrowers
    role, role_params = role_case(roles)
    enrolled, enrolled_params = enrolled_in(year.start, year.end)
    where, params = _where("p.library_id", libraries)
    for lib, kind, count, active in conn.execute(
        f"SELECT p.library_id, {role} AS role, COUNT(*), SUM(EXISTS ("
        " SELECT 1 FROM koha_checkouts c WHERE c.patron_id = p.patron_id"
        " AND c.checkout_date >= ? AND c.checkout_date < ?))"
        f" FROM koha_patrons p WHERE {enrolled}{where} GROUP BY p.library_id, role",
        [*role_params, start, after, *enrolled_params, *params],
    ):
        fig = figures(lib)
        active = active or 0
        if kind == "pupil":
            fig.pupils, fig.active_pupils = count, active
        elif kind == "teacher":
            fig.teachers, fig.active_teachers = count, active
    return out


def _items(
    conn: sqlite3.Connection,
    year: SchoolYear,
    categories: Sequence[Category],
    libraries: Sequence[str] | None,
    figures: Callable[[str | None], KeyFigures],
) -> None:
    keys = category_keys()
    category = CategoryOfKeys(categories)
    stock, stock_params = in_stock(year.end)
    lost, lost_params = lost_by(year.end)
    start, after = year.start.isoformat(), next_day(year.end)
    added = "i.acquisition_date >= ? AND i.acquisition_date < ?"
    dated = "COALESCE(i.withdrawn_date, i.timestamp)"
    gone = f"COALESCE(i.withdrawn, 0) <> 0 AND {dated} >= ? AND {dated} < ?"
    price = "COALESCE(i.purchase_price, 0)"
    where, params = _where("i.home_library_id", libraries)
    sql = (
        f"SELECT i.home_library_id, {keys},"
        f" SUM({stock}), SUM(CASE WHEN {stock} THEN {price} ELSE 0 END),"
        f" SUM({stock} AND NOT {lost}),"
        f" SUM({added}), SUM(CASE WHEN {added} THEN {price} ELSE 0 END),"
        f" SUM({gone}), SUM(CASE WHEN {gone} THEN {price} ELSE 0 END)"
        # every library: one plain scan (reading the table in library order costs 2.5×)
        f" FROM koha_items i{' NOT INDEXED' if libraries is None else ''}"
        f" WHERE 1 = 1{where} GROUP BY 1, 2, 3, 4"
    )
    args = [
        *stock_params, *stock_params, *stock_params, *lost_params,
        start, after, start, after, start, after, start, after, *params,
    ]
    money: dict[tuple[str | None, str, str], float] = {}
    for lib, collection, prefix, item_type, *sums in conn.execute(sql, args):
        n_stock, v_stock, n_usable, n_add, v_add, n_gone, v_gone = (v or 0 for v in sums)
        fig = figures(lib)
        bucket = report_bucket(category(collection, prefix, item_type))
        fig.stock[bucket] += n_stock
        fig.usable[bucket] += n_usable
        fig.added[bucket] += n_add
        fig.withdrawn[bucket] += n_gone
        for name, value in (("stock_value", v_stock), ("added_value", v_add),
                            ("withdrawn_value", v_gone)):
            money[(lib, name, bucket)] = money.get((lib, name, bucket), 0.0) + value
    for (lib, name, bucket), value in money.items():  # đồng, rounded once per sum
        getattr(figures(lib), name)[bucket] = round(value)


def data_date(conn: sqlite3.Connection) -> str | None:
    """When the mirror was last refreshed from Koha (``pull_state``, else the items)."""
    for sql in (
        "SELECT MAX(last_pull_at) FROM pull_state",
        "SELECT MAX(pulled_at) FROM koha_items",
    ):
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.OperationalError:
            continue
        if row and row[0]:
            return str(row[0])
    return None


def library_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Koha library code → name, from the mirror."""
    return {lib: name or lib for lib, name in conn.execute(
        "SELECT library_id, name FROM koha_libraries")}
