"""Paged reads: pages in parallel but handed back in order; a moving total is flagged."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any, cast

import requests

from koha_bridge.koha.client import KohaClient
from koha_bridge.pull.pages import Lister, json_rows


class _StubKoha:
    """Answers list pages of ``rows`` rows; ``grow`` rows appear after the first page."""

    def __init__(self, rows: int, grow: int = 0, delay: float = 0.05) -> None:
        self.rows, self.grow, self.delay = rows, grow, delay
        self.lock = threading.Lock()
        self.in_flight = self.most = self.calls = 0

    def request(self, method: str, path: str, *, params: Mapping[str, Any],
                headers: Mapping[str, str] | None = None) -> requests.Response:
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            self.calls += 1
            total = self.rows + (self.grow if self.calls > 1 else 0)
        time.sleep(self.delay)
        page, size = int(params["_page"]), int(params["_per_page"])
        ids = list(range(1, total + 1))[(page - 1) * size: page * size]
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps([{"id": i} for i in ids]).encode()
        response.headers["X-Total-Count"] = str(total)
        with self.lock:
            self.in_flight -= 1
        return response


def test_pages_come_in_order_while_several_are_in_flight() -> None:
    stub = _StubKoha(95)
    lister = Lister(cast(KohaClient, stub), per_page=10, workers=3)
    listing = lister.listing("/items", {}, json_rows)
    pages = list(listing.pages())
    assert [p.number for p in pages] == list(range(1, 11))
    assert [r["id"] for p in pages for r in p.rows] == list(range(1, 96))
    assert stub.most > 1 and stub.most <= 3
    assert lister.requests == 10 and listing.stable


def test_a_total_that_moves_during_the_read_marks_the_listing_unstable() -> None:
    stub = _StubKoha(40, grow=3, delay=0.0)
    listing = Lister(cast(KohaClient, stub), per_page=10, workers=2).listing(
        "/items", {}, json_rows)
    list(listing.pages())
    assert not listing.stable


def test_an_unsettled_pass_keeps_the_old_high_water_mark(tmp_path: Any) -> None:
    from koha_bridge.pull import state as passes
    from koha_bridge.store import Store

    with Store(tmp_path / "kb.sqlite") as store:
        for settled, expected in ((True, "2026-01-01T00:00:00+00:00"),
                                  (False, "2026-01-01T00:00:00+00:00")):
            target = "2026-01-01T00:00:00+00:00" if settled else "2026-02-01T00:00:00+00:00"
            with store.atomic() as conn:
                passes.begin(conn, "items@MAU", target=target, closed=True, full=False,
                             started=passes.now_text())
                passes.advance(conn, "items@MAU", 40)
            current = passes.load(store, "items@MAU")
            assert current.in_progress and current.resume_after == 40
            with store.atomic() as conn:
                passes.finish(conn, current, settled=settled, rows=7)
            done = passes.load(store, "items@MAU")
            assert done.high_water == expected and not done.in_progress
            assert done.high_water_closed and done.rows == 7
            assert done.since("timestamp") == {"timestamp": {">": expected}}
