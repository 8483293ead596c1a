"""``pull()``: copy Koha's data into the store, incrementally and resumably.

Order: reference lists (whole), the biblio probe, items (with the biblios they need,
in the same transaction as their page), the biblio changes, patrons, returned loans,
current loans. Every mirrored list is read by :func:`_pass` (see ``state`` for passes
and high-water marks). After an incremental pass, the store's row count in scope is
compared with Koha's ``X-Total-Count``: a difference means rows were deleted (or moved
out of scope) in Koha, and the list is read again in full, which deletes what Koha no
longer has.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from koha_bridge.config import Config
from koha_bridge.exceptions import ConfigError
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import state as passes
from koha_bridge.pull.biblio_row import biblio_row, parse_collection
from koha_bridge.pull.pages import Lister, Page, json_rows, total_count
from koha_bridge.pull.report import PullReport, ResourceReport
from koha_bridge.pull.tables import (
    CHECKOUTS,
    ITEMS,
    OLD_CHECKOUTS,
    PATRONS,
    REFERENCES,
    Mirror,
    Reference,
    count_rows,
    replace_reference,
    sweep,
    write_biblios,
    write_rows,
)
from koha_bridge.store import Store

RESOURCES = ("libraries", "item_types", "patron_categories", "biblios", "items", "patrons",
             "checkouts")
MARCXML = {"Accept": "application/marcxml+xml"}
Progress = Callable[[str, int, int | None], None]  # (label, rows done, rows expected)


@dataclass
class _Run:
    lister: Lister
    store: Store
    scope: str | None
    full: bool
    progress: Progress | None
    started: str = field(default_factory=passes.now_text)

    def key(self, name: str) -> str:
        return f"{name}@{self.scope or '*'}"

    def tick(self, label: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(label, done, total)


def pull(client: KohaClient, store: Store, config: Config, *, full: bool = False,
         all_libraries: bool = False, resources: Sequence[str] | None = None,
         progress: Progress | None = None) -> PullReport:
    """Bring the store up to date with Koha; see the module docstring for the order.

    ``resources`` narrows the pull (e.g. ``("patrons", "checkouts")``); ``full`` reads
    every list whole (repairing a store); ``all_libraries`` reads every library's rows,
    otherwise only ``[school] library_id``'s. Raises ``KohaError`` when Koha fails; what
    was committed stays, and the next pull continues from there.
    """
    wanted = set(RESOURCES if resources is None else resources)
    unknown = sorted(wanted - set(RESOURCES))
    if unknown:
        raise ConfigError(f"Không có loại dữ liệu: {', '.join(unknown)} "
                          f"(có: {', '.join(RESOURCES)})")
    scope = None if all_libraries else config.school.library_id
    lister = Lister(client, per_page=config.koha.per_page, workers=config.koha.workers)
    run = _Run(lister, store, scope, full, progress)
    report = PullReport(scope)
    for ref in REFERENCES:
        if ref.key in wanted:
            report.resources.append(_reference(run, ref))
    biblios = _BiblioPass(run) if "biblios" in wanted else None
    if biblios is not None:
        biblios.begin()
    item_biblios = _ItemBiblios(run)
    if "items" in wanted:
        report.resources.append(_mirror(run, ITEMS, item_biblios))
    if biblios is not None:
        report.resources.append(biblios.finish())
        biblios.report.rows += item_biblios.written
    if "patrons" in wanted:
        report.resources.append(_mirror(run, PATRONS))
    if "checkouts" in wanted:
        report.resources.append(_mirror(run, OLD_CHECKOUTS))
        report.resources.append(_mirror(run, CHECKOUTS))
    return report


def _counted(run: _Run, report: ResourceReport, work: Callable[[], None]) -> ResourceReport:
    """Run ``work``, adding its requests and time to ``report``."""
    before, started = run.lister.requests, time.perf_counter()
    try:
        work()
    finally:
        report.requests += run.lister.requests - before
        report.seconds += time.perf_counter() - started
    return report


# -- reference lists -------------------------------------------------------------------

def _reference(run: _Run, ref: Reference) -> ResourceReport:
    report = ResourceReport(ref.key, ref.label, "whole")

    def work() -> None:
        rows: list[dict[str, Any]] = []
        for page in run.lister.listing(ref.path, {}, json_rows).pages():
            rows += page.rows
        with run.store.atomic() as conn:
            report.rows = replace_reference(conn, ref, rows, passes.now_text())
            passes.refreshed(conn, ref.key, report.rows)
        run.tick(ref.label, report.rows, report.rows)

    return _counted(run, report, work)


# -- mirrored lists ------------------------------------------------------------------

def _q(*conditions: Mapping[str, Any] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for condition in conditions:
        if condition:
            doc.update(condition)
    return {"q": json.dumps(doc, ensure_ascii=False)} if doc else {}


@dataclass(frozen=True)
class _Probe:
    total: int | None
    newest: str | None
    closed: bool  # see ``state.is_closed``


def _probe(run: _Run, mirror: Mirror) -> _Probe:
    """Rows in scope and the newest timestamp among them (one request)."""
    scope = {mirror.scope_field: run.scope} if run.scope else None
    params = {**mirror.params, **_q(scope), "_order_by": f"-{mirror.stamp}",
              "_page": 1, "_per_page": 1}
    response = run.lister.get(mirror.path, params)
    rows = json_rows(response)
    newest = str(rows[0][mirror.stamp]) if rows and rows[0].get(mirror.stamp) else None
    return _Probe(total_count(response), newest,
                  passes.is_closed(newest, response.headers.get("Date")))


class _Extra:
    """Work done in the page's worker thread and committed with the page."""

    def fetch(self, rows: list[dict[str, Any]]) -> Any:
        """Nothing to fetch beyond the page's own rows."""
        return None

    def write(self, conn: Any, extra: Any) -> None:
        """Nothing to write beyond the page's own rows."""


def _mirror(run: _Run, mirror: Mirror, extra: _Extra | None = None) -> ResourceReport:
    report = ResourceReport(mirror.key, mirror.label)
    helper = extra or _Extra()

    def work() -> None:
        key = run.key(mirror.key)
        current = passes.load(run.store, key)
        probe: _Probe | None = None
        if current.in_progress and not (run.full and not current.pass_full):
            report.mode = "resumed"
        else:
            probe = _probe(run, mirror)
            full = run.full or current.high_water is None
            report.mode = "full" if full else "incremental"
            with run.store.atomic() as conn:
                passes.begin(conn, key, target=probe.newest, closed=probe.closed,
                             full=full, started=passes.now_text())
        if _read(run, mirror, key, helper, report):
            return  # a full pass: what Koha has is what the store has
        probe = probe or _probe(run, mirror)
        with run.store.atomic() as conn:
            have = count_rows(conn, mirror, run.scope)
        if probe.total is not None and have != probe.total:
            report.repaired = True
            with run.store.atomic() as conn:
                passes.begin(conn, key, target=probe.newest, closed=probe.closed,
                             full=True, started=passes.now_text())
            _read(run, mirror, key, helper, report)

    return _counted(run, report, work)


def _read(run: _Run, mirror: Mirror, key: str, helper: _Extra,
          report: ResourceReport) -> bool:
    """Run (or continue) the pass recorded for ``key`` to its end; True if it was full."""
    current = passes.load(run.store, key)
    scope = {mirror.scope_field: run.scope} if run.scope else None
    since = None if current.pass_full else current.since(mirror.stamp)
    after = ({mirror.id_field: {">": current.resume_after}}
             if current.resume_after is not None else None)
    params = {**mirror.params, **_q(scope, since, after), "_order_by": mirror.id_field}

    listing = run.lister.listing(mirror.path, params, json_rows, enrich=helper.fetch)
    done = 0
    for page in listing.pages():
        rows = page.rows
        if not rows:
            continue
        with run.store.atomic() as conn:
            helper.write(conn, page.extra)
            report.rows += write_rows(conn, mirror, rows, passes.now_text())
            passes.advance(conn, key, max(int(r[mirror.id_field]) for r in rows))
        done += len(rows)
        run.tick(mirror.label, done, listing.total)
    with run.store.atomic() as conn:
        if current.pass_full and listing.stable and current.pass_started:
            report.deleted += sweep(conn, mirror, run.scope, current.pass_started)
        report.settled = listing.stable
        passes.finish(conn, current, settled=listing.stable,
                      rows=count_rows(conn, mirror, run.scope))
    return current.pass_full


# -- biblios ----------------------------------------------------------------------------

def _records(response: requests.Response) -> list[dict[str, Any]]:
    rows = (biblio_row(record) for record in parse_collection(response.content))
    return [row for row in rows if row is not None]


def _biblios_by_id(lister: Lister, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Biblios by id, ``[koha] per_page`` ids per request."""
    out: list[dict[str, Any]] = []
    size = lister.per_page
    for start in range(0, len(ids), size):
        chunk = sorted(ids[start:start + size])
        params = {**_q({"biblio_id": {"-in": chunk}}), "_page": 1, "_per_page": size}
        out += _records(lister.get("/biblios", params, MARCXML))
    return out


class _ItemBiblios(_Extra):
    """The biblios of a page of items: the missing ones (all of them in a full pass)."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self._lock = threading.Lock()
        self._fetched: set[int] = set()
        self.written = 0

    def fetch(self, rows: list[dict[str, Any]]) -> Any:
        ids = sorted({int(r["biblio_id"]) for r in rows if r.get("biblio_id") is not None})
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        fresh = {r[0] for r in self.run.store.query(
            f"SELECT biblio_id FROM koha_biblios WHERE biblio_id IN ({marks}) "
            "AND pulled_at >= ?",
            (*ids, self.run.started if self.run.full else ""))}
        with self._lock:
            wanted = [i for i in ids if i not in fresh and i not in self._fetched]
            self._fetched.update(wanted)
        return _biblios_by_id(self.run.lister, wanted)

    def write(self, conn: Any, extra: Any) -> None:
        self.written += write_biblios(conn, extra, passes.now_text())


class _BiblioPass:
    """Changes to biblios the store holds: probed before the items, read after them."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.key = run.key("biblios")
        self.report = ResourceReport("biblios", "Biểu ghi")

    def begin(self) -> None:
        def work() -> None:
            current = passes.load(self.run.store, self.key)
            if current.in_progress and not (self.run.full and not current.pass_full):
                self.report.mode = "resumed"
                return
            params = {"_order_by": "-timestamp", "_page": 1, "_per_page": 1}
            response = self.run.lister.get("/biblios", params)
            rows = json_rows(response)
            newest = str(rows[0]["timestamp"]) if rows and rows[0].get("timestamp") else None
            closed = passes.is_closed(newest, response.headers.get("Date"))
            full = self.run.full or current.high_water is None
            self.report.mode = "full" if full else "incremental"
            with self.run.store.atomic() as conn:
                passes.begin(conn, self.key, target=newest, closed=closed, full=full,
                             started=passes.now_text())

        _counted(self.run, self.report, work)

    def finish(self) -> ResourceReport:
        return _counted(self.run, self.report, self._finish)

    def _finish(self) -> None:
        run, current = self.run, passes.load(self.run.store, self.key)
        stable = True if current.pass_full else self._changes(current)
        self._refresh((current.pass_started or "") if current.pass_full else "")
        with run.store.atomic() as conn:
            rows = int(conn.execute("SELECT COUNT(*) FROM koha_biblios").fetchone()[0])
            self.report.settled = stable
            passes.finish(conn, current, settled=stable, rows=rows)

    def _refresh(self, before: str) -> None:
        """The biblios the items need that no pull wrote, or (``before``) none since then.

        A full pass refreshes everything not yet read in it; an incremental one only
        fills gaps (e.g. rows dropped by the push's ``--refresh-index``), usually none.
        Resumable by itself: what was read has ``pulled_at`` of this pass.
        """
        ids = [int(r[0]) for r in self.run.store.query(
            "SELECT DISTINCT i.biblio_id FROM koha_items i LEFT JOIN koha_biblios b "
            "ON b.biblio_id = i.biblio_id WHERE i.biblio_id IS NOT NULL AND "
            "(b.pulled_at IS NULL OR b.pulled_at < ?) ORDER BY i.biblio_id", (before,))]
        size = self.run.lister.per_page
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            self._commit(_biblios_by_id(self.run.lister, chunk))
            self.run.tick(self.report.label, start + len(chunk), len(ids))

    def _changes(self, current: passes.PassState) -> bool:
        since = current.since("timestamp")
        after = ({"biblio_id": {">": current.resume_after}}
                 if current.resume_after is not None else None)
        params = {**_q(since, after), "_order_by": "biblio_id"}
        listing = self.run.lister.listing("/biblios", params, _records, MARCXML)
        done = 0
        for page in listing.pages():
            self._commit_page(page)
            done += len(page.rows)
            self.run.tick(self.report.label, done, listing.total)
        return listing.stable

    def _commit_page(self, page: Page[dict[str, Any]]) -> None:
        if not page.rows:
            return
        ids = [int(r["biblio_id"]) for r in page.rows]
        marks = ", ".join("?" * len(ids))
        held = {r[0] for r in self.run.store.query(
            f"SELECT DISTINCT biblio_id FROM koha_items WHERE biblio_id IN ({marks})", ids)}
        self._commit([r for r in page.rows if r["biblio_id"] in held], max(ids))

    def _commit(self, rows: list[dict[str, Any]], last_id: int | None = None) -> None:
        with self.run.store.atomic() as conn:
            self.report.rows += write_biblios(conn, rows, passes.now_text())
            if last_id is not None:
                passes.advance(conn, self.key, last_id)
