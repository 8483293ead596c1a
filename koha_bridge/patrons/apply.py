"""Carrying out a sync plan in Koha, with the push's discipline.

Each change is journalled ``sending`` before its call and ``done`` (with the mirror row)
after it. A create that may have reached Koha (a dropped connection after sending, a
``sending`` row left by a killed run) is looked up by card number before anything is
sent again, so no card number is ever created twice; Koha refusing a duplicate card
number (409) is looked up the same way. Before the first write, the patrons to update
are read as Koha has them (100 a request); each is sent back with only the planned
fields changed (Koha's PUT needs the whole patron). Koha refusing one patron (400,
404, 409) stops only that patron; refused credentials or Koha staying unreachable stop
the run, and the journal lets the next run continue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Protocol

from koha_bridge.exceptions import (
    KohaAuthError,
    KohaConflictError,
    KohaError,
    KohaNotFoundError,
    KohaTransientError,
)
from koha_bridge.patrons.journal import SyncJournal
from koha_bridge.patrons.plan import Change, SyncPlan
from koha_bridge.store.journal import chunks

log = logging.getLogger(__name__)

TRIES = 4  # attempts per create; after each failure Koha is looked at first
PREFETCH = 100  # patrons read per request before the updates
NOT_SENT = frozenset({"patron_id", "expired", "restricted", "anonymized", "updated_on",
                      "extended_attributes", "checkouts_count", "overdues_count",
                      "account_balance", "library", "_strings"})


class PatronApi(Protocol):
    """The Koha routes the sync uses (``koha_bridge.api.KohaApi`` has them)."""

    def patrons(self, q: Mapping[str, Any] | None = None, *, match: str = "exact",
                **filters: Any) -> Iterator[dict[str, Any]]: ...
    def get_patron(self, patron_id: int) -> dict[str, Any]: ...
    def add_patron(self, patron: Mapping[str, Any], *,
                   welcome_email: bool | None = False) -> dict[str, Any]: ...
    def update_patron(self, patron_id: int,
                      patron: Mapping[str, Any]) -> dict[str, Any] | None: ...


@dataclass
class ApplyOutcome:
    done: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, str]] = field(default_factory=list)
    aborted: KohaError | None = None


class Applier:
    """Sends a plan's changes, in parallel over ``workers`` threads."""

    def __init__(self, api: PatronApi, journal: SyncJournal, *,
                 sleep: Callable[[float], None] = time.sleep, backoff: float = 0.5,
                 on_change: Callable[[], None] | None = None) -> None:
        self.api = api
        self.journal = journal
        self.sleep = sleep
        self.backoff = backoff
        self.on_change = on_change or (lambda: None)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._current: dict[int, dict[str, Any]] = {}  # patron_id → as Koha has it

    def run(self, plan: SyncPlan, workers: int = 1) -> ApplyOutcome:
        if plan.refusal:
            raise KohaError(plan.refusal)
        outcome = ApplyOutcome()
        self._stop.clear()
        crash: BaseException | None = None
        pool = ThreadPoolExecutor(max_workers=max(1, workers))
        try:
            self._prefetch(pool, plan.changes)
            futures = {pool.submit(self._apply, change): change for change in plan.changes}
            for future in as_completed(futures):
                change = futures[future]
                try:
                    reason = future.result()
                except KohaError as exc:
                    self._stop.set()
                    outcome.aborted = outcome.aborted or exc
                    continue
                except Exception as exc:  # a bug or a store error: stop, then re-raise
                    self._stop.set()
                    crash = crash or exc
                    continue
                if reason is None:
                    continue  # not attempted: the run was stopped
                with self._lock:
                    if reason:
                        outcome.failed.append((change, reason))
                    else:
                        outcome.done.append(change)
        except BaseException:
            self._stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if crash is not None:
            raise crash
        return outcome

    def _prefetch(self, pool: ThreadPoolExecutor, changes: list[Change]) -> None:
        """Read the patrons to update as Koha has them, 100 a request (before any write)."""
        ids = [c.patron_id for c in changes if c.action != "create" and c.patron_id]
        batches = list(chunks(ids, PREFETCH))
        for found in pool.map(lambda batch: list(self.api.patrons(q={"patron_id": batch})),
                              batches):
            for patron in found:
                self._current[int(patron["patron_id"])] = patron

    def _apply(self, change: Change) -> str | None:
        """"" when done, a Vietnamese reason when Koha refused, None when not attempted."""
        if self._stop.is_set():
            return None
        try:
            if change.action == "create":
                return self._create(change)
            return self._update(change)
        finally:
            self.on_change()

    # -- creating ---------------------------------------------------------------------
    def _create(self, change: Change) -> str:
        fields = tuple(change.values)
        row = self.journal.row(change.cardnumber)
        in_doubt = row is not None and row["action"] == "create" and row["state"] in (
            "sending", "done")
        if in_doubt and self._adopt(change):
            return ""
        body = {"cardnumber": change.cardnumber, **change.values}
        for attempt in range(TRIES):
            self.journal.mark(change.cardnumber, "create", "sending", fields=fields)
            try:
                patron = self.api.add_patron(body, welcome_email=False)
            except KohaConflictError as exc:
                if _conflict_key(exc) != "userid" and self._adopt(change, same_name=True):
                    return ""
                return self._failed(change, f"Koha từ chối: số thẻ hoặc tên đăng nhập đã có "
                                            f"({_reason(exc)})")
            except KohaTransientError as exc:
                if attempt == TRIES - 1:
                    raise  # left "sending": the next run looks before sending again
                self.sleep(self.backoff * 2**attempt)
                if exc.maybe_committed and self._adopt(change):
                    return ""
                continue
            except KohaAuthError:
                raise
            except KohaError as exc:
                return self._failed(change, f"Koha từ chối: {_reason(exc)}")
            self._done(change, patron)
            return ""
        raise AssertionError("unreachable")

    def _adopt(self, change: Change, *, same_name: bool = False) -> bool:
        """True if Koha already has this card number (an earlier send took)."""
        found = list(self.api.patrons(cardnumber=change.cardnumber))
        if not found:
            return False
        patron = found[0]
        if patron.get("library_id") != change.values.get("library_id"):
            return False  # another school's patron: never taken for ours
        if same_name and (patron.get("surname"), patron.get("firstname")) != (
                change.values.get("surname"), change.values.get("firstname")):
            return False
        log.info("card %s: already in Koha as patron %s", change.cardnumber,
                 patron.get("patron_id"))
        self._done(change, patron)
        return True

    # -- updating ---------------------------------------------------------------------
    def _update(self, change: Change) -> str:
        assert change.patron_id is not None
        fields = tuple(change.values)
        self.journal.mark(change.cardnumber, change.action, "sending", fields=fields,
                          patron_id=change.patron_id)
        try:
            current = self._current.pop(change.patron_id, None) or self.api.get_patron(
                change.patron_id)
            if current.get("cardnumber") != change.cardnumber:
                return self._failed(change, f"bạn đọc {change.patron_id} trong Koha không còn "
                                            f"mang số thẻ {change.cardnumber}")
            body = {k: v for k, v in current.items() if k not in NOT_SENT}
            body.update(change.values)
            answer = self.api.update_patron(change.patron_id, body)
        except KohaNotFoundError:
            return self._failed(change, "bạn đọc không còn trong Koha")
        except (KohaAuthError, KohaTransientError):
            raise
        except KohaError as exc:
            return self._failed(change, f"Koha từ chối: {_reason(exc)}")
        self._done(change, answer or {**body, "patron_id": change.patron_id})
        return ""

    # -- journal ----------------------------------------------------------------------
    def _done(self, change: Change, patron: Mapping[str, Any]) -> None:
        patron_id = int(patron["patron_id"])
        change.patron_id = patron_id
        self.journal.mark(change.cardnumber, change.action, "done", fields=tuple(change.values),
                          patron_id=patron_id, patron=patron)

    def _failed(self, change: Change, reason: str) -> str:
        self.journal.mark(change.cardnumber, change.action, "failed",
                          fields=tuple(change.values), patron_id=change.patron_id,
                          reason=reason)
        return reason


def _conflict_key(exc: KohaError) -> str | None:
    body = exc.body
    return str(body.get("conflict")) if isinstance(body, dict) and body.get("conflict") else None


def _reason(exc: KohaError) -> str:
    """Koha's own words (``HTTP 400: Given library_id does not exist``), no patron data."""
    body = exc.body
    if isinstance(body, dict) and body.get("error"):
        detail = str(body["error"])
    elif isinstance(body, dict) and isinstance(body.get("errors"), list):
        # the validator's messages may quote the value sent: keep only where it was
        paths = [str(e.get("path")) for e in body["errors"] if isinstance(e, dict)]
        detail = "dữ liệu không hợp lệ ở " + ", ".join(paths[:5])
    else:
        detail = ""
    return f"HTTP {exc.status}: {detail}" if exc.status else detail or type(exc).__name__
