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
]
