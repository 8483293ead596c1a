"""The mirror tables of migration 010_koha_mirror (until that lands on this branch)."""

from __future__ import annotations

import sqlite3

DDL = """
CREATE TABLE IF NOT EXISTS koha_libraries (library_id TEXT PRIMARY KEY, name TEXT, pulled_at TEXT);
CREATE TABLE IF NOT EXISTS koha_patron_categories (category_id TEXT PRIMARY KEY, name TEXT,
  category_type TEXT, pulled_at TEXT);
CREATE TABLE IF NOT EXISTS koha_items (item_id INTEGER PRIMARY KEY, biblio_id INTEGER,
  home_library_id TEXT, holding_library_id TEXT, item_type_id TEXT, collection_code TEXT,
  location TEXT, external_id TEXT, inventory_number TEXT, callnumber TEXT,
  acquisition_date TEXT, acquisition_source TEXT, internal_notes TEXT, purchase_price REAL,
  replacement_price REAL, copy_number TEXT, not_for_loan_status INT, withdrawn INT,
  withdrawn_date TEXT, lost_status INT, lost_date TEXT, damaged_status INT,
  last_seen_date TEXT, checked_out_date TEXT, timestamp TEXT, pulled_at TEXT);
CREATE TABLE IF NOT EXISTS koha_patrons (patron_id INTEGER PRIMARY KEY, cardnumber TEXT,
  surname TEXT, firstname TEXT, category_id TEXT, library_id TEXT, statistics_1 TEXT,
  statistics_2 TEXT, date_enrolled TEXT, expiry_date TEXT, date_of_birth TEXT, gender TEXT,
  updated_on TEXT, pulled_at TEXT);
CREATE TABLE IF NOT EXISTS koha_checkouts (checkout_id INTEGER PRIMARY KEY, patron_id INTEGER,
  item_id INTEGER, library_id TEXT, checkout_date TEXT, due_date TEXT, checkin_date TEXT,
  renewals_count INT, timestamp TEXT, pulled_at TEXT);
CREATE TABLE IF NOT EXISTS pull_state (resource TEXT PRIMARY KEY, high_water TEXT,
  last_full_at TEXT, last_pull_at TEXT, rows INT)
"""
BIBLIO_COLUMNS = ("responsibility", "author", "publisher", "place", "year", "edition",
                  "class_number", "language", "subject", "grade", "series", "timestamp")


def ensure_mirror(conn: sqlite3.Connection) -> None:
    for statement in DDL.split(";"):
        conn.execute(statement)
    have = {r[1] for r in conn.execute("PRAGMA table_info(koha_biblios)")}
    for column in BIBLIO_COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE koha_biblios ADD COLUMN {column} TEXT")
