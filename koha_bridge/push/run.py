"""Pushing records and their copies to Koha: plan first, then send, resumable.

``plan_push`` (``koha_bridge.push.plan``) decides; ``Pusher.run`` sends, per title (in
parallel over ``workers`` threads): ``POST /biblios`` without the 952 fields unless the
title is already there, then ``POST /biblios/{id}/items`` per copy. The journal is
written before and after each call, so a re-run after any failure creates nothing
twice: a row left in state ``sending`` is in doubt, and Koha is looked at before
sending again.

Requests are never re-sent blindly: the client does not retry a POST that may have
reached Koha, and here a failed POST is followed by a look-up (is it there already?)
before the next attempt. Koha refusing our credentials, or staying unreachable, stops
the whole run (``PushOutcome.aborted``); the journal lets the next run continue.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from koha_bridge.exceptions import (
    KohaAuthError,
    KohaConflictError,
    KohaDuplicateBiblioError,
    KohaError,
    KohaNotFoundError,
    KohaTransientError,
)
from koha_bridge.push.matching import same_accession, same_title
from koha_bridge.push.plan import (
    CopyPlan,
    KohaCatalogue,
    PushPlan,
    Result,
    TitlePlan,
    TitleResult,
    has_work,
    isbn_query,
    plan_push,
    refresh_index,
    title_prefix,
)
from koha_bridge.store.journal import Journal

__all__ = [
    "CopyPlan", "KohaCatalogue", "PushOutcome", "PushPlan", "Pusher", "Result", "TitlePlan",
    "TitleResult", "plan_push", "refresh_index",
]

log = logging.getLogger(__name__)

RECONCILE_TRIES = 4  # attempts per POST; after each failure Koha is looked at first


@dataclass
class PushOutcome:
    plan: PushPlan
    aborted: KohaError | None = None  # the error that stopped the run (exit code 4)

    def count(self, result: Result) -> int:
        return sum(1 for c in self.plan.copies if c.result is result)

    def titles(self, result: TitleResult) -> int:
        return sum(1 for t in self.plan.titles if t.result is result)

    @property
    def unsent(self) -> int:
        """Copies not attempted because the run was stopped."""
        return sum(1 for c in self.plan.copies if c.result is None)

    @property
    def complete(self) -> bool:
        """Every copy is in Koha (created, added, or by an earlier run)."""
        ok = (Result.CREATED, Result.ADDED, Result.SKIPPED)
        return self.aborted is None and all(c.result in ok for c in self.plan.copies)


class Pusher:
    """Sends a plan to Koha, journalling every step."""

    def __init__(
        self,
        api: KohaCatalogue,
        journal: Journal,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: float = 0.5,
        on_copy: Callable[[], None] | None = None,
    ) -> None:
        self.api = api
        self.journal = journal
        self.sleep = sleep
        self.backoff = backoff
        self.on_copy = on_copy or (lambda: None)
        self._stop = threading.Event()

    def run(self, plan: PushPlan, workers: int = 1) -> PushOutcome:
        """Push every title (titles in parallel, a title's copies in order)."""
        outcome = PushOutcome(plan)
        self._stop.clear()
        crash: BaseException | None = None
        pool = ThreadPoolExecutor(max_workers=max(1, workers))
        try:
            futures = [pool.submit(self.push_title, title) for title in plan.titles]
            for future in as_completed(futures):
                try:
                    future.result()
                except KohaError as exc:
                    self._stop.set()
                    outcome.aborted = outcome.aborted or exc
                except Exception as exc:  # a bug or a store error: stop, then re-raise
                    self._stop.set()
                    crash = crash or exc
        except BaseException:  # Ctrl-C: let the running copies finish, start no more
            self._stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if crash is not None:
            raise crash
        return outcome

    def push_title(self, title: TitlePlan) -> None:
        if self._stop.is_set():
            return
        if title.done:
            title.result = TitleResult.DONE
        if not has_work(title):
            for _ in title.copies:
                self.on_copy()
            return
        try:
            biblio_id = self._ensure_biblio(title)
        except (KohaAuthError, KohaTransientError):
            raise
        except KohaError as exc:
            self._title_failed(title, f"Không tạo được biểu ghi: {_reason(exc)}")
            return
        for plan_copy in title.copies:
            if plan_copy.result is None:
                if self._stop.is_set():
                    return
                self._push_copy(title, biblio_id, plan_copy)
            self.on_copy()

    def _title_failed(self, title: TitlePlan, reason: str) -> None:
        title.result, title.failed = TitleResult.FAILED, reason
        self._mark_title(title, "failed", reason=reason)
        for plan_copy in title.copies:
            if plan_copy.result is None:
                plan_copy.result, plan_copy.reason = Result.FAILED, reason
            self.on_copy()

    # -- biblios ----------------------------------------------------------------------
    def _ensure_biblio(self, title: TitlePlan) -> int:
        if title.biblio_id is not None:
            if not title.done:
                self._settled(title, title.biblio_id)
            return title.biblio_id
        for attempt in range(RECONCILE_TRIES):
            self._mark_title(title, "sending")
            try:
                return self._settled(title, self._post_biblio(title))
            except KohaTransientError as exc:
                title.in_doubt = title.in_doubt or exc.maybe_committed
                if attempt == RECONCILE_TRIES - 1:
                    raise
                self.sleep(self.backoff * 2**attempt)
                if exc.maybe_committed:
                    found = self._find_biblio(title)
                    if found is not None:
                        title.existing = False
                        return self._settled(title, found)
        raise AssertionError("unreachable")

    def _post_biblio(self, title: TitlePlan) -> int:
        try:
            return self.api.add_biblio(title.marcxml, confirm_not_duplicate=False)
        except KohaDuplicateBiblioError as exc:
            if self._same_title(exc.biblio_id, title):
                title.existing = not title.in_doubt
                log.info("%s: Koha already has it as biblio %s", title.facts.record_id,
                         exc.biblio_id)
                return exc.biblio_id
            log.info("%s: Koha's duplicate %s is another title, creating anyway",
                     title.facts.record_id, exc.biblio_id)
            return self.api.add_biblio(title.marcxml, confirm_not_duplicate=True)

    def _settled(self, title: TitlePlan, biblio_id: int) -> int:
        title.biblio_id = biblio_id
        title.result = TitleResult.MATCHED if title.existing else TitleResult.CREATED
        self._mark_title(title, "matched" if title.existing else "created", biblio_id=biblio_id)
        if not title.existing:  # an existing biblio keeps the index entry read from Koha
            facts = title.facts
            self.journal.index_biblio(biblio_id, facts.isbns, facts.key, facts.title)
        return biblio_id

    def _find_biblio(self, title: TitlePlan) -> int | None:
        facts = title.facts
        if facts.isbns:
            q: dict[str, Any] = isbn_query(facts.isbns)
        elif title_prefix(title):
            q = {"title": {"-like": f"{title_prefix(title)}%"}}
        else:
            return None
        for biblio in self.api.list_biblios(q=q):
            if same_title(facts, biblio):
                return int(biblio["biblio_id"])
        return None

    def _same_title(self, biblio_id: int, title: TitlePlan) -> bool:
        return any(
            same_title(title.facts, biblio)
            for biblio in self.api.list_biblios(q={"biblio_id": biblio_id})
        )

    def _mark_title(self, title: TitlePlan, state: str, **kwargs: Any) -> None:
        facts = title.facts
        self.journal.mark_title(
            facts.record_id, state, title=facts.title,
            isbn=" | ".join(facts.isbns) or None, match_key=facts.key, source=title.source,
            **kwargs,
        )

    # -- items ------------------------------------------------------------------------
    def _push_copy(self, title: TitlePlan, biblio_id: int, plan_copy: CopyPlan) -> None:
        for attempt in range(RECONCILE_TRIES):
            self._mark_item(title, plan_copy, "sending", biblio_id=biblio_id)
            try:
                item = self.api.add_item(biblio_id, plan_copy.body)
            except KohaConflictError as exc:
                if self._claim(title, biblio_id, plan_copy):
                    return
                self._fail(title, plan_copy, Result.CONFLICT,
                           f"Mã vạch {plan_copy.barcode} đã có trong Koha: bản này không "
                           f"được tạo ({_reason(exc)})")
                return
            except KohaNotFoundError as exc:
                self.journal.forget_biblio(biblio_id)
                self._fail(title, plan_copy, Result.FAILED,
                           f"Biểu ghi {biblio_id} không còn trong Koha; chạy lại lệnh để "
                           f"tạo lại ({_reason(exc)})")
                return
            except KohaTransientError as exc:
                if attempt == RECONCILE_TRIES - 1:
                    raise  # left "sending": the next run looks before sending again
                self.sleep(self.backoff * 2**attempt)
                if exc.maybe_committed and self._claim(title, biblio_id, plan_copy):
                    return
                continue
            except KohaAuthError:
                raise
            except KohaError as exc:
                self._fail(title, plan_copy, Result.FAILED, _reason(exc))
                return
            self._done(title, plan_copy, biblio_id, int(item["item_id"]))
            return

    def _claim(self, title: TitlePlan, biblio_id: int, plan_copy: CopyPlan) -> bool:
        """True if Koha holds this barcode as our copy (an earlier send of ours took, or
        another push of the same list made it): same accession number, on this biblio
        or on one the match rule ties to this title. It is then recorded as created."""
        for item in self.api.find_items_by_barcode(plan_copy.barcode):
            if not same_accession(plan_copy.accession, item.get("inventory_number")):
                continue
            on = int(item.get("biblio_id") or 0)
            if on == biblio_id or self._same_title(on, title):
                self._done(title, plan_copy, on, int(item["item_id"]))
                return True
        return False

    def _done(self, title: TitlePlan, plan_copy: CopyPlan, biblio_id: int, item_id: int) -> None:
        plan_copy.item_id = item_id
        plan_copy.result = Result.ADDED if title.existing else Result.CREATED
        self._mark_item(title, plan_copy, "created", biblio_id=biblio_id, item_id=item_id)

    def _fail(self, title: TitlePlan, plan_copy: CopyPlan, result: Result, reason: str) -> None:
        plan_copy.result, plan_copy.reason = result, reason
        state = "conflict" if result is Result.CONFLICT else "failed"
        self._mark_item(title, plan_copy, state, reason=reason)

    def _mark_item(self, title: TitlePlan, plan_copy: CopyPlan, state: str, **kwargs: Any) -> None:
        self.journal.mark_item(
            plan_copy.barcode, state, record_id=title.facts.record_id,
            accession=plan_copy.accession, source=plan_copy.source, **kwargs,
        )


def _reason(exc: KohaError) -> str:
    """Our Vietnamese message plus Koha's own words: ``… (HTTP 400: Given … )``."""
    body = exc.body
    if isinstance(body, dict) and body.get("error"):
        detail = str(body["error"])
    elif body:
        detail = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    else:
        detail = ""
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    inner = ": ".join(p for p in (f"HTTP {exc.status}" if exc.status else "", detail) if p)
    return f"{message} ({inner})" if inner else message
