"""Named, ordered schema migrations for the local store.

Append new steps at the end; never edit or reorder a step that has been released.
Each step receives a connection inside the transaction that records it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Migration:
    def step(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return step


MIGRATIONS: list[tuple[str, Migration]] = [
    (
        "001_meta",
        _script(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
            """
        ),
    ),
    (
        "002_accession",
        _script(
            """
            CREATE TABLE accession_series (
                series TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('category', 'title', 'barcode')),
                prefix TEXT NOT NULL,
                width INTEGER NOT NULL,
                next_number INTEGER NOT NULL DEFAULT 1 CHECK (next_number >= 1),
                parent TEXT REFERENCES accession_series (series),
                record_id TEXT,
                title_number INTEGER,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (parent, title_number),
                UNIQUE (parent, record_id)
            );
            CREATE TABLE accessions (
                id INTEGER PRIMARY KEY,
                accession TEXT NOT NULL UNIQUE,
                barcode TEXT UNIQUE,
                series TEXT NOT NULL REFERENCES accession_series (series),
                number INTEGER NOT NULL,
                barcode_number INTEGER,
                item_key TEXT,
                record_id TEXT,
                origin TEXT NOT NULL CHECK (origin IN ('allocated', 'registered', 'voided')),
                status TEXT NOT NULL CHECK (status IN ('assigned', 'void')),
                void_reason TEXT,
                voided_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (series, number)
            );
            CREATE UNIQUE INDEX accessions_item_key ON accessions (item_key)
                WHERE status = 'assigned';
            CREATE UNIQUE INDEX accessions_barcode_number ON accessions (barcode_number)
                WHERE barcode_number IS NOT NULL
            """
        ),
    ),
    (
        "003_push_journal",
        _script(
            """
            CREATE TABLE push_titles (
                record_id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                isbn TEXT,
                match_key TEXT NOT NULL,
                source TEXT,
                state TEXT NOT NULL
                    CHECK (state IN ('planned', 'sending', 'created', 'matched', 'failed')),
                biblio_id INTEGER,
                reason TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE push_items (
                barcode TEXT PRIMARY KEY,
                record_id TEXT NOT NULL,
                accession TEXT,
                source TEXT,
                state TEXT NOT NULL
                    CHECK (state IN ('planned', 'sending', 'created', 'conflict', 'failed')),
                biblio_id INTEGER,
                item_id INTEGER,
                reason TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX push_items_record ON push_items (record_id);
            CREATE TABLE koha_biblios (
                biblio_id INTEGER PRIMARY KEY,
                isbn TEXT,
                match_key TEXT,
                title TEXT,
                refreshed_at TEXT NOT NULL
            );
            CREATE INDEX koha_biblios_match ON koha_biblios (match_key);
            CREATE TABLE koha_biblio_isbns (
                isbn TEXT NOT NULL,
                biblio_id INTEGER NOT NULL REFERENCES koha_biblios (biblio_id) ON DELETE CASCADE,
                PRIMARY KEY (isbn, biblio_id)
            )
            """
        ),
    ),
    (
        "080_patron_sync_journal",
        _script(
            """
            CREATE TABLE patron_sync (
                school_year TEXT NOT NULL,
                cardnumber TEXT NOT NULL,
                action TEXT NOT NULL
                    CHECK (action IN ('create', 'update', 'extend', 'expire')),
                state TEXT NOT NULL CHECK (state IN ('planned', 'sending', 'done', 'failed')),
                patron_id INTEGER,
                fields TEXT NOT NULL,
                reason TEXT,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (school_year, cardnumber)
            )
            """
        ),
    ),
]
