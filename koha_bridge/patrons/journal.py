"""The sync journal: one row per person and school year, written before and after each
call to Koha, in the store's ``atomic()``.

A row left ``sending`` is in doubt: the request may have reached Koha. The mirror row
of the patron (``koha_patrons``) is written in the same transaction as ``done``, so a
re-run plans from what Koha now holds even before the next refresh. Only field *names*
are journalled, never their values (pupils' data stays out of the journal).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from koha_bridge.store import Store

STATES = ("planned", "sending", "done", "failed")
MIRROR_COLUMNS = ("patron_id", "cardnumber", "surname", "firstname", "category_id",
                  "library_id", "statistics_1", "statistics_2", "date_enrolled",
                  "expiry_date", "date_of_birth", "gender", "updated_on")


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class SyncJournal:
    """Reads and writes ``patron_sync`` (thread-safe through ``Store``)."""

    def __init__(self, store: Store, school_year: str) -> None:
        self.store = store
        self.year = school_year

    def row(self, cardnumber: str) -> sqlite3.Row | None:
        rows = self.store.query(
            "SELECT * FROM patron_sync WHERE school_year = ? AND cardnumber = ?",
            (self.year, cardnumber))
        return rows[0] if rows else None

    def mark(self, cardnumber: str, action: str, state: str, *, fields: tuple[str, ...],
             patron_id: int | None = None, reason: str | None = None,
             patron: Mapping[str, Any] | None = None) -> None:
        """Record a state; with ``patron`` (Koha's answer) also update the mirror row."""
        assert state in STATES
        with self.store.atomic() as conn:
            conn.execute(
                """
                INSERT INTO patron_sync
                    (school_year, cardnumber, action, state, patron_id, fields, reason,
                     updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (school_year, cardnumber) DO UPDATE SET
                    action = excluded.action, state = excluded.state,
                    patron_id = COALESCE(excluded.patron_id, patron_sync.patron_id),
                    fields = excluded.fields, reason = excluded.reason,
                    updated_at = excluded.updated_at
                """,
                (self.year, cardnumber, action, state, patron_id, ",".join(fields), reason,
                 _now()),
            )
            if patron is not None:
                mirror_patron(conn, patron)

    def counts(self) -> dict[tuple[str, str], int]:
        """(action, state) → rows of this school year."""
        return {(a, s): int(n) for a, s, n in self.store.query(
            "SELECT action, state, COUNT(*) FROM patron_sync WHERE school_year = ? "
            "GROUP BY action, state", (self.year,))}


def mirror_patron(conn: sqlite3.Connection, patron: Mapping[str, Any]) -> None:
    """Upsert one patron (REST field names) into the store's mirror of Koha."""
    values = [patron.get(c) for c in MIRROR_COLUMNS]
    marks = ", ".join("?" * (len(MIRROR_COLUMNS) + 1))
    updates = ", ".join(f"{c} = excluded.{c}" for c in MIRROR_COLUMNS[1:])
    conn.execute(
        f"INSERT INTO koha_patrons ({', '.join(MIRROR_COLUMNS)}, pulled_at) VALUES ({marks}) "
        f"ON CONFLICT (patron_id) DO UPDATE SET {updates}, pulled_at = excluded.pulled_at",
        [*values, _now()],
    )
