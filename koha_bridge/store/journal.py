"""The push journal: what was planned, sent and created in Koha, title by title, copy by copy.

Every state change is its own committed transaction, written before and after each
remote call. A row left in state ``sending`` is *in doubt*: the request may or may
not have taken effect in Koha, so the push looks before sending it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from koha_bridge.store import Store

T = TypeVar("T")

TITLE_STATES = ("planned", "sending", "created", "matched", "failed")
ITEM_STATES = ("planned", "sending", "created", "conflict", "failed")


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class Journal:
    """Reads and writes the push tables of the local store (thread-safe through ``Store``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- titles -------------------------------------------------------------------
    def title(self, record_id: str) -> sqlite3.Row | None:
        rows = self.store.query("SELECT * FROM push_titles WHERE record_id = ?", (record_id,))
        return rows[0] if rows else None

    def titles(self, record_ids: Sequence[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for chunk in chunks(record_ids, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.store.query(
                f"SELECT * FROM push_titles WHERE record_id IN ({marks})", chunk
            ):
                found[row["record_id"]] = row
        return found

    def mark_title(
        self,
        record_id: str,
        state: str,
        *,
        title: str = "",
        isbn: str | None = None,
        match_key: str = "",
        source: str | None = None,
        biblio_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        assert state in TITLE_STATES
        with self.store.atomic() as conn:
            conn.execute(
                """
                INSERT INTO push_titles
                    (record_id, title, isbn, match_key, source, state, biblio_id, reason,
                     updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (record_id) DO UPDATE SET
                    state = excluded.state,
                    biblio_id = COALESCE(excluded.biblio_id, push_titles.biblio_id),
                    reason = excluded.reason,
                    updated_at = excluded.updated_at
                """,
                (record_id, title, isbn, match_key, source, state, biblio_id, reason, _now()),
            )

    # -- items --------------------------------------------------------------------
    def items(self, barcodes: Sequence[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for chunk in chunks(barcodes, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.store.query(
                f"SELECT * FROM push_items WHERE barcode IN ({marks})", chunk
            ):
                found[row["barcode"]] = row
        return found

    def item(self, barcode: str) -> sqlite3.Row | None:
        rows = self.store.query("SELECT * FROM push_items WHERE barcode = ?", (barcode,))
        return rows[0] if rows else None

    def mark_item(
        self,
        barcode: str,
        state: str,
        *,
        record_id: str,
        accession: str | None = None,
        source: str | None = None,
        biblio_id: int | None = None,
        item_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        assert state in ITEM_STATES
        with self.store.atomic() as conn:
            conn.execute(
                """
                INSERT INTO push_items
                    (barcode, record_id, accession, source, state, biblio_id, item_id, reason,
                     updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (barcode) DO UPDATE SET
                    state = excluded.state,
                    biblio_id = COALESCE(excluded.biblio_id, push_items.biblio_id),
                    item_id = COALESCE(excluded.item_id, push_items.item_id),
                    reason = excluded.reason,
                    updated_at = excluded.updated_at
                """,
                (barcode, record_id, accession, source, state, biblio_id, item_id, reason,
                 _now()),
            )

    # -- the local index of Koha's catalogue ------------------------------------------
    def index_biblio(
        self, biblio_id: int, isbns: Iterable[str], match_key: str, title: str
    ) -> None:
        isbns = sorted(set(isbns))
        with self.store.atomic() as conn:
            conn.execute(
                """
                INSERT INTO koha_biblios (biblio_id, isbn, match_key, title, refreshed_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (biblio_id) DO UPDATE SET isbn = excluded.isbn,
                    match_key = excluded.match_key, title = excluded.title,
                    refreshed_at = excluded.refreshed_at
                """,
                (biblio_id, " | ".join(isbns) or None, match_key, title, _now()),
            )
            conn.execute("DELETE FROM koha_biblio_isbns WHERE biblio_id = ?", (biblio_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO koha_biblio_isbns (isbn, biblio_id) VALUES (?, ?)",
                [(isbn, biblio_id) for isbn in isbns],
            )

    def forget_biblio(self, biblio_id: int) -> None:
        """Koha no longer has this biblio (nor its items): forget it, reopen titles and copies."""
        with self.store.atomic() as conn:
            conn.execute("DELETE FROM koha_biblio_isbns WHERE biblio_id = ?", (biblio_id,))
            conn.execute("DELETE FROM koha_biblios WHERE biblio_id = ?", (biblio_id,))
            for table in ("push_titles", "push_items"):
                conn.execute(
                    f"UPDATE {table} SET state = 'failed', biblio_id = NULL, updated_at = ?, "
                    "reason = 'biểu ghi không còn trong Koha' WHERE biblio_id = ?",
                    (_now(), biblio_id),
                )

    def clear_index(self) -> None:
        """Empty the local index (before reading Koha's whole biblio list again)."""
        with self.store.atomic() as conn:
            conn.execute("DELETE FROM koha_biblio_isbns")
            conn.execute("DELETE FROM koha_biblios")

    def match_local(self, isbns: Sequence[str], match_key: str) -> int | None:
        """A biblio of the local index with one of these ISBNs, else the same match key.

        A title with an ISBN matches by ISBN only; a key with an empty title never matches.
        """
        if isbns:
            marks = ",".join("?" * len(isbns))
            rows = self.store.query(
                f"SELECT MIN(biblio_id) FROM koha_biblio_isbns WHERE isbn IN ({marks})",
                list(isbns),
            )
            if rows and rows[0][0] is not None:
                return int(rows[0][0])
            return None
        if match_key.startswith("|"):
            return None
        rows = self.store.query(
            "SELECT MIN(biblio_id) FROM koha_biblios WHERE match_key = ?", (match_key,)
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def index_size(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM koha_biblios")[0][0])

    def counts(self) -> dict[tuple[str, str], int]:
        """(table, state) → rows: ``("titles", "created")``, ``("items", "sending")``, …"""
        found: dict[tuple[str, str], int] = {}
        for table in ("titles", "items"):
            for state, n in self.store.query(
                f"SELECT state, COUNT(*) FROM push_{table} GROUP BY state"
            ):
                found[(table, state)] = int(n)
        return found


def chunks(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size`` (for batched look-ups)."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
