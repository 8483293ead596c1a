"""Two real processes allocating from the same series in the same SQLite file."""

from __future__ import annotations

import itertools
import multiprocessing
import time
from pathlib import Path
from typing import Any

from classification.accession import AccessionBook
from koha_bridge.config import Config
from koha_bridge.store import Store

PER_PROCESS = 300


def _allocate_many(db: str, tag: str, start: Any, results: Any) -> None:
    """Worker: wait for the other one at the barrier, then take numbers one transaction
    at a time (each ``allocate`` is its own ``BEGIN IMMEDIATE`` transaction)."""
    with Store(db) as store:
        book = AccessionBook(store, Config())
        start.wait(60)
        got = []
        for i in range(PER_PROCESS):
            got.append(book.allocate("TK", [f"{tag}-{i}"])[0].number)
            time.sleep(0.001)  # outside the transaction: lets the other process in
    results.put((tag, got))


def test_two_processes_never_share_a_number(tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    Store(db).close()  # migrate once up front
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_allocate_many, args=(str(db), tag, start, results))
        for tag in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    got = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    union = got["a"] + got["b"]
    assert len(union) == len(set(union)) == 2 * PER_PROCESS
    assert sorted(union) == list(range(1, 2 * PER_PROCESS + 1))
    for numbers in got.values():
        assert numbers == sorted(numbers)  # each process sees the series only move forward
        # the runs really overlapped: neither process got one contiguous block
        assert any(b != a + 1 for a, b in itertools.pairwise(numbers))
    with Store(db) as store:
        rows = store.query("SELECT count(*), count(DISTINCT accession) FROM accessions")[0]
        assert tuple(rows) == (2 * PER_PROCESS, 2 * PER_PROCESS)
