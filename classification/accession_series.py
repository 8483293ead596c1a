"""Series rows of the store (table ``accession_series``) and the numbers they have given.

Low-level helpers for ``classification.accession``; each takes the connection of an
open ``store.atomic()`` transaction. A number counts as *given* when a row of
``accessions`` holds it (assigned or void) or, for a parent series, when a textbook
title holds it as its title number; ``take`` never returns a given number.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

BARCODE_SERIES = "barcode"


@dataclass(frozen=True)
class Series:
    """A series: ``category`` (TK), ``title`` (SGK.0012, a textbook's copies) or ``barcode``."""

    key: str
    kind: str
    prefix: str  # the text before the zero-padded number, separator included
    width: int

    def format(self, number: int) -> str:
        return f"{self.prefix}{str(number).zfill(self.width)}"


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def series_of(row: sqlite3.Row) -> Series:
    return Series(row["series"], row["kind"], row["prefix"], row["width"])


def get_series(conn: sqlite3.Connection, key: str) -> Series | None:
    row = conn.execute("SELECT * FROM accession_series WHERE series = ?", (key,)).fetchone()
    return series_of(row) if row else None


def upsert_category(conn: sqlite3.Connection, series: Series) -> None:
    """Create a category series, or bring its prefix and width to the configured ones."""
    stamp = now()
    conn.execute(
        "INSERT INTO accession_series (series, kind, prefix, width, created_at, updated_at)"
        " VALUES (?, 'category', ?, ?, ?, ?) ON CONFLICT (series) DO UPDATE SET"
        " prefix = excluded.prefix, width = excluded.width, updated_at = excluded.updated_at"
        " WHERE prefix != excluded.prefix OR width != excluded.width",
        (series.key, series.prefix, series.width, stamp, stamp),
    )


def ensure_barcode_series(conn: sqlite3.Connection) -> Series:
    stamp = now()
    conn.execute(
        "INSERT OR IGNORE INTO accession_series (series, kind, prefix, width, created_at,"
        " updated_at) VALUES (?, 'barcode', '', 0, ?, ?)",
        (BARCODE_SERIES, stamp, stamp),
    )
    return Series(BARCODE_SERIES, "barcode", "", 0)


def insert_title(
    conn: sqlite3.Connection, parent: str, stem: str, separator: str, width: int,
    record_id: str, title: int,
) -> Series:
    """The copy series ``stem`` of textbook ``record_id``, title number ``title`` of ``parent``."""
    return insert_titles(conn, parent, separator, width, [(stem, record_id, title, 1)])[0]


def insert_titles(
    conn: sqlite3.Connection, parent: str, separator: str, width: int,
    titles: list[tuple[str, str, int, int]],
) -> list[Series]:
    """Copy series of textbook titles of ``parent``: (stem, record id, title, next_number)."""
    stamp = now()
    conn.executemany(
        "INSERT INTO accession_series (series, kind, prefix, width, next_number, parent,"
        " record_id, title_number, created_at, updated_at)"
        " VALUES (?, 'title', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(stem, stem + separator, width, next_number, parent, record_id, title, stamp, stamp)
         for stem, record_id, title, next_number in titles],
    )
    return [Series(stem, "title", stem + separator, width) for stem, _, _, _ in titles]


def title_series(
    conn: sqlite3.Connection, parent: str, *, record_id: str | None = None,
    title: int | None = None,
) -> sqlite3.Row | None:
    """The title row of ``parent`` for a record id or a title number."""
    column, value = ("record_id", record_id) if title is None else ("title_number", title)
    return conn.execute(
        f"SELECT * FROM accession_series WHERE parent = ? AND {column} = ?", (parent, value)
    ).fetchone()


def taken_from(conn: sqlite3.Connection, series: Series, start: int) -> set[int]:
    """Numbers of ``series`` given so far, from ``start`` on."""
    if series.kind == "barcode":
        sql = "SELECT barcode_number FROM accessions WHERE barcode_number >= ?"
        args: list[str | int] = [start]
    else:
        sql = (
            "SELECT number FROM accessions WHERE series = ? AND number >= ? UNION"
            " SELECT title_number FROM accession_series WHERE parent = ? AND title_number >= ?"
        )
        args = [series.key, start, series.key, start]
    return {r[0] for r in conn.execute(sql, args)}


def last_given(conn: sqlite3.Connection, series: Series) -> int | None:
    taken = taken_from(conn, series, 1)
    return max(taken) if taken else None


def next_free(conn: sqlite3.Connection, series: Series, start: int) -> int:
    """The first number from ``start`` on that was never given."""
    taken = taken_from(conn, series, start)
    while start in taken:
        start += 1
    return start


def take(conn: sqlite3.Connection, series: Series, count: int) -> list[int] | None:
    """``count`` numbers never given, moving the series on; None if it has no row."""
    row = conn.execute(
        "SELECT next_number FROM accession_series WHERE series = ?", (series.key,)
    ).fetchone()
    if row is None:
        return None
    number = row[0]
    taken = taken_from(conn, series, number)
    numbers: list[int] = []
    while len(numbers) < count:
        if number not in taken:
            numbers.append(number)
        number += 1
    conn.execute(
        "UPDATE accession_series SET next_number = ?, updated_at = ? WHERE series = ?",
        (number, now(), series.key),
    )
    return numbers


def set_next_number(conn: sqlite3.Connection, series: Series, number: int) -> None:
    conn.execute(
        "UPDATE accession_series SET next_number = ?, updated_at = ? WHERE series = ?",
        (number, now(), series.key),
    )
