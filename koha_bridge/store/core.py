"""The local store: one SQLite file (WAL mode), migrated automatically.

It holds the push journal, Koha ids, accession counters and the mirror of Koha's
data. Every write that records a remote effect is committed before the next remote
call: use ``with store.atomic(): ...``. A ``Store`` may be shared by threads; its
transactions are serialised by a lock. Several processes may open the same file:
``atomic()`` takes SQLite's write lock up front (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from koha_bridge.exceptions import StoreError
from koha_bridge.store.migrations import MIGRATIONS

Tracer = Callable[[str, Sequence[Any]], None]


class Store:
    """A thin wrapper around one ``sqlite3.Connection`` with nested transactions."""

    def __init__(
        self, path: Path | str, *, tracer: Tracer | None = None, migrate: bool = True
    ) -> None:
        self.path = Path(path)
        self.tracer = tracer
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=60.0
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=60000")
        except sqlite3.Error as exc:
            raise StoreError(f"Không mở được kho dữ liệu {self.path}: {exc}") from exc
        if migrate:
            self.migrate()

    # -- transactions -------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A transaction (outermost: ``BEGIN IMMEDIATE``) or a savepoint inside one."""
        with self._lock:
            name = f"sp{self._depth}"
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            else:
                self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE {name}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        if self.tracer:
            self.tracer(sql, params)
        with self._lock:
            return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations -----------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]

    def pending_migrations(self) -> list[str]:
        done = set(self.applied_migrations())
        return [name for name, _ in MIGRATIONS if name not in done]

    def migrate(self) -> list[str]:
        """Apply pending migrations in order, each in the transaction that records it."""
        with self._lock:
            pending = self.pending_migrations()
            if not pending:
                return []
            if self.applied_migrations() and self.path.exists() and self.path.stat().st_size:
                self._backup()
            steps = dict(MIGRATIONS)
            for name in pending:
                try:
                    with self.atomic() as conn:
                        if conn.execute(
                            "SELECT 1 FROM _migrations WHERE name = ?", (name,)
                        ).fetchone():
                            continue  # another process applied it meanwhile
                        steps[name](conn)
                        conn.execute(
                            "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                            (name, datetime.now().isoformat(timespec="seconds")),
                        )
                except sqlite3.Error as exc:
                    raise StoreError(f"Không nâng cấp được kho dữ liệu ({name}): {exc}") from exc
            return pending

    def _backup(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.bak-{stamp}")
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
