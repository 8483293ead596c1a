"""Named, ordered schema migrations for the local store.

Append new steps at the end; never edit or reorder a step that has been released.
Each step receives a connection inside the transaction that records it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Migration:
    def step(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return step


#: An item key before deliveries: ``<001>|koha-bridge: <file>[ [<sheet>]] dòng <row>|<$t>``.
_OLD_KEY = re.compile(
    r"^(?P<rid>[^|]+)\|koha-bridge: (?P<file>.+?)(?: \[(?P<sheet>[^\[\]]*)\])?"
    r" dòng (?P<row>\d+)\|(?P<copy>\d+)$"
)


def _delivery_item_keys(conn: sqlite3.Connection) -> None:
    """Copies numbered before deliveries existed become copies of one legacy delivery per
    file name (in order of first numbering, each with its register number); their item
    keys take the new form ``<001>|TQ<register number>|<copy>``; ``legacy_copies`` keeps
    the old key (so that old MARC files still find their copies) and each copy's row."""
    rows = conn.execute(
        "SELECT id, item_key, record_id, accession, created_at FROM accessions"
        " WHERE status = 'assigned' AND item_key LIKE '%|koha-bridge: %' ORDER BY id"
    ).fetchall()
    deliveries: dict[str, tuple[int, int]] = {}  # file → (delivery id, register number)
    for row_id, key, record_id, accession, created_at in rows:
        match = _OLD_KEY.match(key)
        if match is None:
            continue
        file = match["file"]
        if file not in deliveries:
            register = conn.execute(
                "SELECT COALESCE(MAX(register_number), 0) + 1 FROM deliveries"
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO deliveries (register_number, acquired_on, content_hash,"
                " legacy_file, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (register, created_at[:10], f"legacy:{file}", file, created_at, created_at),
            )
            deliveries[file] = (cursor.lastrowid or 0, register)
        delivery, register = deliveries[file]
        new_key = f"{match['rid']}|TQ{register}|{match['copy']}"
        conn.execute("UPDATE accessions SET item_key = ? WHERE id = ?", (new_key, row_id))
        rid = record_id or match["rid"]
        conn.execute(
            "INSERT INTO legacy_copies (legacy_key, item_key, delivery_id, record_id,"
            " copy_number, source) VALUES (?, ?, ?, ?, ?, ?)",
            (key, new_key, delivery, rid, int(match["copy"]),
             f"{match['sheet'] or ''}|{match['row']}"),
        )
        conn.execute(
            "INSERT INTO delivery_titles (delivery_id, record_id, title, copies, value,"
            " accessions) VALUES (?, ?, '', 1, 0, ?) ON CONFLICT (delivery_id, record_id)"
            " DO UPDATE SET copies = copies + 1, accessions = accessions || ' ' || ?",
            (delivery, rid, accession, accession),
        )
    conn.execute(
        "UPDATE deliveries SET"
        " copies = (SELECT sum(copies) FROM delivery_titles t WHERE t.delivery_id = deliveries.id),"
        " titles = (SELECT count(*) FROM delivery_titles t WHERE t.delivery_id = deliveries.id)"
        " WHERE legacy_file IS NOT NULL"
    )


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
        "050_sru_cache",
        _script(
            """
            CREATE TABLE sru_cache (
                target TEXT NOT NULL,
                isbn TEXT NOT NULL,
                class_number TEXT,
                record_xml TEXT,
                fetched_at TEXT NOT NULL,
                PRIMARY KEY (target, isbn)
            )
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
        "020_deliveries",
        _script(
            """
            CREATE TABLE deliveries (
                id INTEGER PRIMARY KEY,
                register_number INTEGER NOT NULL UNIQUE,
                document TEXT,
                delivery_date TEXT,
                acquired_on TEXT NOT NULL,
                supplier TEXT,
                content_hash TEXT NOT NULL,
                titles INTEGER NOT NULL DEFAULT 0,
                copies INTEGER NOT NULL DEFAULT 0,
                value INTEGER NOT NULL DEFAULT 0,
                revision INTEGER NOT NULL DEFAULT 1,
                legacy_file TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX deliveries_hash ON deliveries (content_hash);
            CREATE UNIQUE INDEX deliveries_document
                ON deliveries (document, COALESCE(delivery_date, '')) WHERE document IS NOT NULL;
            CREATE TABLE delivery_files (
                delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                PRIMARY KEY (delivery_id, name)
            );
            CREATE TABLE delivery_titles (
                delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                record_id TEXT NOT NULL,
                title TEXT NOT NULL,
                copies INTEGER NOT NULL,
                price INTEGER,
                value INTEGER NOT NULL,
                accessions TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (delivery_id, record_id)
            );
            CREATE TABLE legacy_copies (
                legacy_key TEXT PRIMARY KEY,
                item_key TEXT NOT NULL,
                delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
                record_id TEXT NOT NULL,
                copy_number INTEGER NOT NULL,
                source TEXT NOT NULL
            );
            CREATE INDEX legacy_copies_delivery ON legacy_copies (delivery_id)
            """
        ),
    ),
    ("021_delivery_item_keys", _delivery_item_keys),
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
