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
        "010_koha_mirror",
        _script(
            """
            CREATE TABLE koha_libraries (
                library_id TEXT PRIMARY KEY,
                name TEXT,
                pulled_at TEXT NOT NULL
            );
            CREATE TABLE koha_item_types (
                item_type_id TEXT PRIMARY KEY,
                description TEXT,
                pulled_at TEXT NOT NULL
            );
            CREATE TABLE koha_patron_categories (
                category_id TEXT PRIMARY KEY,
                name TEXT,
                category_type TEXT,
                pulled_at TEXT NOT NULL
            );
            ALTER TABLE koha_biblios ADD COLUMN responsibility TEXT;
            ALTER TABLE koha_biblios ADD COLUMN author TEXT;
            ALTER TABLE koha_biblios ADD COLUMN publisher TEXT;
            ALTER TABLE koha_biblios ADD COLUMN place TEXT;
            ALTER TABLE koha_biblios ADD COLUMN year TEXT;
            ALTER TABLE koha_biblios ADD COLUMN edition TEXT;
            ALTER TABLE koha_biblios ADD COLUMN class_number TEXT;
            ALTER TABLE koha_biblios ADD COLUMN language TEXT;
            ALTER TABLE koha_biblios ADD COLUMN subject TEXT;
            ALTER TABLE koha_biblios ADD COLUMN grade TEXT;
            ALTER TABLE koha_biblios ADD COLUMN series TEXT;
            ALTER TABLE koha_biblios ADD COLUMN timestamp TEXT;
            CREATE TABLE koha_items (
                item_id INTEGER PRIMARY KEY,
                biblio_id INTEGER NOT NULL,
                home_library_id TEXT,
                holding_library_id TEXT,
                item_type_id TEXT,
                collection_code TEXT,
                location TEXT,
                external_id TEXT,
                inventory_number TEXT,
                callnumber TEXT,
                acquisition_date TEXT,
                acquisition_source TEXT,
                internal_notes TEXT,
                purchase_price REAL,
                replacement_price REAL,
                copy_number TEXT,
                not_for_loan_status INTEGER,
                withdrawn INTEGER NOT NULL DEFAULT 0,
                withdrawn_date TEXT,
                lost_status INTEGER NOT NULL DEFAULT 0,
                lost_date TEXT,
                damaged_status INTEGER NOT NULL DEFAULT 0,
                last_seen_date TEXT,
                checked_out_date TEXT,
                timestamp TEXT,
                pulled_at TEXT NOT NULL
            );
            CREATE INDEX koha_items_library ON koha_items (home_library_id, acquisition_date);
            CREATE INDEX koha_items_biblio ON koha_items (biblio_id);
            CREATE INDEX koha_items_barcode ON koha_items (external_id);
            CREATE INDEX koha_items_inventory ON koha_items (inventory_number);
            CREATE TABLE koha_patrons (
                patron_id INTEGER PRIMARY KEY,
                cardnumber TEXT,
                surname TEXT,
                firstname TEXT,
                category_id TEXT,
                library_id TEXT,
                statistics_1 TEXT,
                statistics_2 TEXT,
                date_enrolled TEXT,
                expiry_date TEXT,
                date_of_birth TEXT,
                gender TEXT,
                updated_on TEXT,
                pulled_at TEXT NOT NULL
            );
            CREATE INDEX koha_patrons_library ON koha_patrons (library_id, category_id);
            CREATE INDEX koha_patrons_card ON koha_patrons (cardnumber);
            CREATE TABLE koha_checkouts (
                checkout_id INTEGER PRIMARY KEY,
                patron_id INTEGER,
                item_id INTEGER,
                library_id TEXT,
                checkout_date TEXT,
                due_date TEXT,
                checkin_date TEXT,
                renewals_count INTEGER,
                timestamp TEXT,
                pulled_at TEXT NOT NULL
            );
            CREATE INDEX koha_checkouts_library ON koha_checkouts (library_id, checkout_date);
            CREATE INDEX koha_checkouts_patron ON koha_checkouts (patron_id);
            CREATE INDEX koha_checkouts_item ON koha_checkouts (item_id);
            CREATE TABLE pull_state (
                resource TEXT PRIMARY KEY,
                high_water TEXT,
                last_full_at TEXT,
                last_pull_at TEXT,
                rows INTEGER NOT NULL DEFAULT 0
            )
            """
        ),
    ),
    (
        "040_pull_progress",
        _script(
            """
            ALTER TABLE pull_state ADD COLUMN pass_target TEXT;
            ALTER TABLE pull_state ADD COLUMN pass_started TEXT;
            ALTER TABLE pull_state ADD COLUMN pass_full INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE pull_state ADD COLUMN resume_after INTEGER;
            ALTER TABLE pull_state ADD COLUMN high_water_closed INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE pull_state ADD COLUMN pass_target_closed INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE koha_biblios ADD COLUMN pulled_at TEXT;
            CREATE INDEX koha_checkouts_open ON koha_checkouts (library_id, checkin_date)
            """
        ),
    ),
    (
        # statistics: "did this patron borrow in the year" is answered from the index alone
        "070_stats_indexes",
        _script(
            """
            CREATE INDEX koha_checkouts_patron_date ON koha_checkouts (patron_id, checkout_date)
            """
        ),
    ),
    (
        # the TT16 level a library reached in a school year, as last checked (for roll-ups)
        "071_tt16_results",
        _script(
            """
            CREATE TABLE tt16_results (
                library_id TEXT NOT NULL,
                school_year TEXT NOT NULL,
                reached TEXT NOT NULL,
                passed INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                needs_input INTEGER NOT NULL,
                data_date TEXT,
                checked_at TEXT NOT NULL,
                PRIMARY KEY (library_id, school_year)
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
    (
        # statistics and registers scan a library's checkouts by date and join their item
        # and patron: with these columns in the index the scan never reads the table (the
        # statistics of one school's year: 0.5 s of SQL → 0.25 s); it replaces the narrower
        # index on (library_id, checkout_date), of which it is a superset
        "090_checkouts_covering_index",
        _script(
            """
            CREATE INDEX koha_checkouts_library_cover ON koha_checkouts
                (library_id, checkout_date, item_id, patron_id, due_date, checkin_date);
            DROP INDEX koha_checkouts_library
            """
        ),
    ),
]
