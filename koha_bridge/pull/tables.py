"""Where each Koha list lands in the store: tables, columns, and the SQL that writes them.

The mirror tables keep Koha's API field names as column names, so a row is written
from the JSON object as it comes; ``pulled_at`` says which pass wrote it last.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from koha_bridge.pull.biblio_row import BIBLIO_COLUMNS, isbn_keys


@dataclass(frozen=True)
class Mirror:
    """One list route mirrored, incrementally, into (a part of) one table."""

    key: str  # pull_state name
    label: str  # for the progress bar and the summary (Vietnamese)
    path: str
    table: str
    id_field: str
    stamp: str  # the field compared with ``>=`` the high-water mark
    scope_field: str  # the library a row belongs to
    columns: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    part: str = "1 = 1"  # the table rows this listing owns (SQL condition)

    def where(self, scope: str | None) -> tuple[str, tuple[Any, ...]]:
        """SQL condition and parameters for this listing's rows in a scope."""
        if scope is None:
            return self.part, ()
        return f"({self.part}) AND {self.scope_field} = ?", (scope,)


ITEM_COLUMNS = (
    "item_id", "biblio_id", "home_library_id", "holding_library_id", "item_type_id",
    "collection_code", "location", "external_id", "inventory_number", "callnumber",
    "acquisition_date", "acquisition_source", "internal_notes", "purchase_price",
    "replacement_price", "copy_number", "not_for_loan_status", "withdrawn", "withdrawn_date",
    "lost_status", "lost_date", "damaged_status", "last_seen_date", "checked_out_date",
    "timestamp",
)
PATRON_COLUMNS = (
    "patron_id", "cardnumber", "surname", "firstname", "category_id", "library_id",
    "statistics_1", "statistics_2", "date_enrolled", "expiry_date", "date_of_birth",
    "gender", "updated_on",
)
CHECKOUT_COLUMNS = (
    "checkout_id", "patron_id", "item_id", "library_id", "checkout_date", "due_date",
    "checkin_date", "renewals_count", "timestamp",
)

ITEMS = Mirror("items", "Bản sách", "/items", "koha_items", "item_id", "timestamp",
               "home_library_id", ITEM_COLUMNS)
PATRONS = Mirror("patrons", "Bạn đọc", "/patrons", "koha_patrons", "patron_id",
                 "updated_on", "library_id", PATRON_COLUMNS)
OLD_CHECKOUTS = Mirror(
    "old_checkouts", "Lượt mượn đã trả", "/checkouts", "koha_checkouts", "checkout_id",
    "timestamp", "library_id", CHECKOUT_COLUMNS, {"checked_in": True},
    "checkin_date IS NOT NULL",
)
CHECKOUTS = Mirror(
    "checkouts", "Lượt mượn đang mượn", "/checkouts", "koha_checkouts", "checkout_id",
    "timestamp", "library_id", CHECKOUT_COLUMNS, {}, "checkin_date IS NULL",
)


def _upsert_sql(table: str, columns: Sequence[str], key: str) -> str:
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return (f"INSERT INTO {table} ({names}) VALUES ({marks}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return None
    return value


def write_rows(conn: sqlite3.Connection, mirror: Mirror, rows: Iterable[Mapping[str, Any]],
               pulled_at: str) -> int:
    """Insert or update rows from Koha's JSON; returns how many."""
    columns = (*mirror.columns, "pulled_at")
    values = [(*tuple(_value(row.get(c)) for c in mirror.columns), pulled_at) for row in rows]
    conn.executemany(_upsert_sql(mirror.table, columns, mirror.id_field), values)
    return len(values)


def write_biblios(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]],
                  refreshed_at: str) -> int:
    """Insert or update ``koha_biblios`` rows (and the ISBN index the push matches on)."""
    columns = (*BIBLIO_COLUMNS, "refreshed_at", "pulled_at")
    count = 0
    sql = _upsert_sql("koha_biblios", columns, "biblio_id")
    for row in rows:
        values = tuple(row.get(c) for c in BIBLIO_COLUMNS)
        conn.execute(sql, (*values, refreshed_at, refreshed_at))
        conn.execute("DELETE FROM koha_biblio_isbns WHERE biblio_id = ?", (row["biblio_id"],))
        conn.executemany(
            "INSERT OR IGNORE INTO koha_biblio_isbns (isbn, biblio_id) VALUES (?, ?)",
            [(isbn, row["biblio_id"]) for isbn in isbn_keys(row)],
        )
        count += 1
    return count


def count_rows(conn: sqlite3.Connection, mirror: Mirror, scope: str | None) -> int:
    where, params = mirror.where(scope)
    return int(conn.execute(f"SELECT COUNT(*) FROM {mirror.table} WHERE {where}",
                            params).fetchone()[0])


def sweep(conn: sqlite3.Connection, mirror: Mirror, scope: str | None, before: str) -> int:
    """Delete this listing's rows that a full pass started at ``before`` did not see."""
    where, params = mirror.where(scope)
    cursor = conn.execute(
        f"DELETE FROM {mirror.table} WHERE {where} AND (pulled_at IS NULL OR pulled_at < ?)",
        (*params, before),
    )
    return cursor.rowcount


@dataclass(frozen=True)
class Reference:
    """A small list read whole every time (no timestamps; deletions matter)."""

    key: str
    label: str
    path: str
    table: str
    columns: Mapping[str, str]  # table column → API field


REFERENCES = (
    Reference("libraries", "Thư viện", "/libraries", "koha_libraries",
              {"library_id": "library_id", "name": "name"}),
    Reference("item_types", "Kiểu tài liệu", "/item_types", "koha_item_types",
              {"item_type_id": "item_type_id", "description": "description"}),
    Reference("patron_categories", "Loại bạn đọc", "/patron_categories",
              "koha_patron_categories",
              {"category_id": "patron_category_id", "name": "name",
               "category_type": "category_type"}),
)


def replace_reference(conn: sqlite3.Connection, ref: Reference,
                      rows: Iterable[Mapping[str, Any]], pulled_at: str) -> int:
    columns = (*ref.columns, "pulled_at")
    values = [(*tuple(_value(row.get(f)) for f in ref.columns.values()), pulled_at)
              for row in rows]
    conn.execute(f"DELETE FROM {ref.table}")
    conn.executemany(
        f"INSERT INTO {ref.table} ({', '.join(columns)}) VALUES "
        f"({', '.join('?' * len(columns))})", values)
    return len(values)
