"""Benchmark: ``koha_bridge.pull`` against a generated school in the fake Koha.

The fake Koha runs in its own process with 20 ms per request and holds a school from
``tests.fakekoha.school.seed_school``: 2,500 titles with 10,000 items, 1,500 patrons,
30,000 checkouts (29,600 returned across two school years, 400 current). Timed, into a
fresh store: the first (full) pull; an incremental pull with nothing changed; an
incremental pull after 1 % of the items changed (100 items edited, plus 30 returns,
20 new loans and 15 patron edits). Prints seconds, requests and the load average.
Budgets (issue 12): full < 30 s, incremental with 1 % changed < 3 s.

    .venv/bin/python -m benchmarks.bench_pull [--titles 2500 --loans 30000 --latency 0.02]
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from koha_bridge.config import Config, KohaConfig
from koha_bridge.koha.auth import OAuth2ClientCredentials
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import PullReport, pull
from koha_bridge.store import Store


def serve(conn: Connection, args: argparse.Namespace) -> None:
    """Child process: the fake Koha with the school; applies changes when told."""
    import datetime as dt

    from tests.fakekoha import FakeKoha
    from tests.fakekoha.school import seed_school
    from tests.fakekoha.state import now_iso

    folder = Path(tempfile.mkdtemp(prefix="bench-pull-koha-"))
    fake = FakeKoha(folder / "koha.sqlite", log_requests=True)
    started = time.perf_counter()
    school = seed_school(fake, titles=args.titles, copies=4, pupils=args.patrons - 60,
                         staff=60, loans=args.loans - args.current, current=args.current)
    seeded = time.perf_counter() - started
    fake.faults.set_latency(args.latency)
    conn.send((fake.url, fake.client_id, fake.client_secret, seeded, len(school.items)))
    while (command := conn.recv()) != "stop":
        if command == "change":
            for item_id in school.items[:: max(1, len(school.items) // 100)][:100]:
                fake.change_item(item_id, callnumber="895.9223 BEN", last_seen_date=now_iso())
            for checkout_id in school.current_loans[:30]:
                fake.return_checkout(checkout_id)
            lent = set(school.withdrawn) | set(school.lost)
            shelf = [i for i in school.items[-500:] if i not in lent]
            for n in range(20):
                fake.seed_checkout(school.pupils[n], shelf[n])
            for patron_id in school.pupils[:15]:
                patron = fake.state.get("patron", patron_id)
                assert patron is not None
                fake.state.put("patron", dict(patron, statistics_1="9D", updated_on=now_iso()))
            _ = dt  # the change set uses Koha's own clock (now_iso)
        fake.clear_requests()
        conn.send("ok")
    fake.stop()


def timed(client: KohaClient, store: Store, config: Config) -> tuple[float, float, PullReport]:
    """Wall-clock seconds, our process's CPU seconds, and the report of one pull."""
    started, cpu = time.perf_counter(), time.process_time()
    report = pull(client, store, config)
    return time.perf_counter() - started, time.process_time() - cpu, report


def line(label: str, seconds: float, cpu: float, report: PullReport,
         budget: float | None) -> str:
    verdict = "" if budget is None else (
        f" (budget {budget:.0f} s: {'ok' if seconds < budget else 'OVER'})")
    parts = ", ".join(f"{r.name} {r.requests} req {r.seconds:.2f} s" for r in report.resources)
    return (f"{label}: {seconds:.2f} s{verdict}, CPU of the pull {cpu:.2f} s, "
            f"{report.requests} requests, {report.rows} rows written [{parts}]")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_pull",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--titles", type=int, default=2500)
    parser.add_argument("--patrons", type=int, default=1500)
    parser.add_argument("--loans", type=int, default=30000)
    parser.add_argument("--current", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=serve, args=(theirs, args), daemon=True)
    child.start()
    url, client_id, secret, seeded, items = ours.recv()
    print(f"school: {items} items, {args.patrons} patrons, {args.loans} checkouts "
          f"(seeded in {seeded:.1f} s); fake Koha in its own process, "
          f"{args.latency * 1000:.0f} ms per request, {args.workers} workers, pages of 100")
    config = dataclasses.replace(Config(), koha=KohaConfig(url=url, workers=args.workers))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pull-store-") as folder, \
            Store(Path(folder) / "store.sqlite") as store, \
            KohaClient(url, OAuth2ClientCredentials(client_id, secret)) as client:
        ours.send("clear")
        ours.recv()
        results["full"] = timed(client, store, config)
        print(line("full pull", *results["full"], 30.0))
        results["same"] = timed(client, store, config)
        print(line("incremental, nothing changed", *results["same"], None))
        ours.send("change")
        ours.recv()
        results["changed"] = timed(client, store, config)
        print(line("incremental, 1 % changed", *results["changed"], 3.0))
    ours.send("stop")
    child.join(timeout=30)
    full_requests = results["full"][2].requests
    print(f"incremental/full requests: {results['same'][2].requests / full_requests:.1%} "
          f"(nothing changed), {results['changed'][2].requests / full_requests:.1%} (1 %)")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
