"""The TT16 level each library reached, kept in the store for the managing body's roll-up."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from koha_bridge.standards.evaluate import FAIL, NEEDS, PASS, Assessment
from koha_bridge.store import Store

NOT_CHECKED = "Chưa đánh giá"


def record(store: Store, result: Assessment) -> None:
    """Remember this check as the library's result for the year (replacing an older one)."""
    statuses = [line.status for line in result.lines]
    with store.atomic() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO tt16_results (library_id, school_year, reached, passed,"
            " failed, needs_input, data_date, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (result.library_id, result.year.label, result.reached, statuses.count(PASS),
             statuses.count(FAIL), statuses.count(NEEDS), result.data_date,
             datetime.now().isoformat(timespec="seconds")),
        )


def recorded_levels(conn: sqlite3.Connection, year: str) -> dict[str, tuple[str, str]]:
    """Library → (level reached, when checked) for the year; absent = never checked."""
    return {lib: (reached, checked) for lib, reached, checked in conn.execute(
        "SELECT library_id, reached, checked_at FROM tt16_results WHERE school_year = ?",
        (year,))}
