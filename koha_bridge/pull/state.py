"""``pull_state``: per resource and scope, the high-water mark and the pass in progress.

A pass is one read of a list route (full, or the rows changed since the high-water
mark). Its target high-water mark (Koha's newest timestamp before the pass began) is
recorded when it starts, with whether it is *closed*: older, by a margin, than Koha's
clock (the ``Date`` of its answer), so that no later change can carry that same
timestamp and the next pass may ask for ``>`` it; an open mark is read again with
``>=`` (rows changed within the same second are then not missed). Every committed
page records the last id it holds (``resume_after``), in the same transaction as the
page's rows. An interrupted pass is continued from there by the next pull; the
high-water mark moves to the target only when a pass ends and its listing stayed stable.
"""

from __future__ import annotations

import email.utils
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from koha_bridge.store import Store


def now_text() -> str:
    """Our clock, to the microsecond (orders ``pulled_at`` against a pass's start)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class PassState:
    resource: str
    high_water: str | None = None
    last_full_at: str | None = None
    last_pull_at: str | None = None
    rows: int | None = None
    pass_target: str | None = None
    pass_started: str | None = None
    pass_full: bool = False
    resume_after: int | None = None
    high_water_closed: bool = False
    pass_target_closed: bool = False

    @property
    def in_progress(self) -> bool:
        return self.pass_started is not None

    def since(self, field: str) -> dict[str, Any]:
        """The ``q`` condition for rows changed after the high-water mark."""
        return {field: {">" if self.high_water_closed else ">=": self.high_water}}


CLOSING_MARGIN = timedelta(seconds=60)


def is_closed(stamp: str | None, server_date: str | None) -> bool:
    """True when ``stamp`` is older than Koha's clock by more than the margin."""
    if not stamp or not server_date:
        return False
    try:
        moment = datetime.fromisoformat(stamp)
        now = email.utils.parsedate_to_datetime(server_date)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None or now.tzinfo is None:
        return False  # a timestamp without its offset cannot be placed on Koha's clock
    return moment < now - CLOSING_MARGIN


def load(store: Store, resource: str) -> PassState:
    rows = store.query(
        "SELECT resource, high_water, last_full_at, last_pull_at, rows, pass_target, "
        "pass_started, pass_full, resume_after, high_water_closed, pass_target_closed "
        "FROM pull_state WHERE resource = ?",
        (resource,),
    )
    if not rows:
        return PassState(resource)
    r = rows[0]
    return PassState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], bool(r[9]),
                     bool(r[10]))


def _ensure(conn: sqlite3.Connection, resource: str) -> None:
    conn.execute("INSERT OR IGNORE INTO pull_state (resource) VALUES (?)", (resource,))


def begin(conn: sqlite3.Connection, resource: str, *, target: str | None, closed: bool,
          full: bool, started: str) -> None:
    _ensure(conn, resource)
    conn.execute(
        "UPDATE pull_state SET pass_target = ?, pass_target_closed = ?, pass_started = ?, "
        "pass_full = ?, resume_after = NULL WHERE resource = ?",
        (target, int(closed), started, int(full), resource),
    )


def advance(conn: sqlite3.Connection, resource: str, resume_after: int) -> None:
    conn.execute("UPDATE pull_state SET resume_after = ? WHERE resource = ?",
                 (resume_after, resource))


def finish(conn: sqlite3.Connection, state: PassState, *, settled: bool, rows: int) -> None:
    """End the pass; the high-water mark moves to its target only when ``settled``."""
    at = now_text()
    _ensure(conn, state.resource)
    conn.execute(
        "UPDATE pull_state SET high_water = ?, high_water_closed = ?, last_pull_at = ?, "
        "rows = ?, last_full_at = CASE WHEN ? THEN ? ELSE last_full_at END, "
        "pass_target = NULL, pass_target_closed = 0, pass_started = NULL, pass_full = 0, "
        "resume_after = NULL WHERE resource = ?",
        (state.pass_target if settled else state.high_water,
         int(state.pass_target_closed if settled else state.high_water_closed), at, rows,
         int(state.pass_full and settled), at, state.resource),
    )


def refreshed(conn: sqlite3.Connection, resource: str, rows: int) -> None:
    """A resource read whole in one transaction (reference data)."""
    at = now_text()
    _ensure(conn, resource)
    conn.execute(
        "UPDATE pull_state SET last_pull_at = ?, last_full_at = ?, rows = ? "
        "WHERE resource = ?", (at, at, rows, resource),
    )
