"""Benchmark: the yearly patron sync against the fake Koha with network-like latency.

A generated THCS school (``tests/patrons/bigschool.py``): 2,500 pupils and 120 teachers
on this year's rosters (a ministry export as XLSX and a teachers' CSV); Koha (the fake,
its own process, 20 ms per request) holds last year's patrons. A typical new year:
20 % of the pupils new, 75 % moved to another class, the rest repeating, and 5 % more
who left. Times, with a fresh store:

- the plan: reading the rosters, the refresh from Koha (``pull`` of patrons and
  checkouts), the diff, the checks with Koha (new cards, fines) and the plan XLSX;
- the apply with 8 workers (``Applier.run``).

    .venv/bin/python -m benchmarks.bench_patrons [--pupils 2500] [--teachers 120]
        [--latency 0.02] [--workers 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from cli.push import make_client
from koha_bridge.config import Config, KohaConfig, PatronsConfig
from koha_bridge.koha.api import KohaApi
from koha_bridge.patrons.apply import Applier
from koha_bridge.patrons.journal import SyncJournal
from koha_bridge.patrons.model import Kind
from koha_bridge.patrons.plan import plan_sync
from koha_bridge.patrons.preflight import balances_from, check_with_koha
from koha_bridge.patrons.report import write_plan
from koha_bridge.patrons.rosters import read_rosters
from koha_bridge.patrons.schoolyear import SchoolYear
from koha_bridge.pull import pull
from koha_bridge.store import Store

PLAN_TARGET, APPLY_TARGET = 3.0, 15.0


def serve(conn: Connection, latency: float, pupils: int, teachers: int) -> None:
    """Child process: a fake Koha holding last year's school until told to stop."""
    from tests.fakekoha import FakeKoha
    from tests.patrons.bigschool import make_school, seed_koha

    folder = Path(tempfile.mkdtemp(prefix="bench-patrons-koha-"))
    fake = FakeKoha(folder / "koha.sqlite", latency=latency, log_requests=True)
    seed_koha(fake, make_school(pupils, teachers))
    conn.send((fake.url, fake.client_id, fake.client_secret, _cpu()))
    while (message := conn.recv()) != "stop":
        log = fake.requests
        conn.send({"requests": len(log),
                   "kinds": dict(Counter(f"{r.method} {_route(r.path)}" for r in log)),
                   "patrons": len(fake.patrons()),
                   "cards": len({p["cardnumber"] for p in fake.patrons()}),
                   "cpu": _cpu()})
        if message == "clear":
            fake.clear_requests()
    fake.stop()


def _cpu() -> float:
    """CPU seconds (user + system) of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _route(path: str) -> str:
    parts = path.removeprefix("/api/v1").split("/")
    return "/".join("{id}" if p.isdigit() else p for p in parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_patrons",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=2500)
    parser.add_argument("--teachers", type=int, default=120)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    from tests.patrons.bigschool import make_school, write_rosters

    school = make_school(args.pupils, args.teachers)
    folder = Path(tempfile.mkdtemp(prefix="bench-patrons-"))
    rosters = write_rosters(school, folder / "rosters")
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=serve, daemon=True,
                        args=(theirs, args.latency, args.pupils, args.teachers))
    child.start()
    url, client_id, secret, seeded_cpu = ours.recv()
    os.environ.update({"KOHA_BRIDGE_CLIENT_ID": client_id, "KOHA_BRIDGE_CLIENT_SECRET": secret})
    config = Config(koha=KohaConfig(url=url),
                    patrons=PatronsConfig(pupil_category="HS_THCS", teacher_category="GV"))
    year = SchoolYear.parse("2025-2026")
    categories = {Kind.PUPIL: "HS_THCS", Kind.TEACHER: "GV"}
    print(f"{args.pupils} pupils + {args.teachers} teachers on the rosters; Koha holds last "
          f"year's patrons; {args.latency * 1000:.0f} ms per request (fake Koha in its own "
          f"process); load average {os.getloadavg()[0]:.2f}")
    print(f"  pupils: {school.count('new')} new, {school.count('moved')} moved class, "
          f"{school.count('same')} same class, {school.count('left')} left")
    with Store(folder / "store.sqlite") as store:
        client = make_client(config, args.workers)
        api = KohaApi(client)
        timings: dict[str, float] = {}
        started, cpu = time.perf_counter(), _cpu()
        roster = read_rosters(rosters)
        timings["read rosters"] = time.perf_counter() - started
        mark = time.perf_counter()
        pull(client, store, config, resources=("patrons", "checkouts"))
        timings["refresh (pull)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        plan = plan_sync(roster, store, config, year, balances_from(api))
        timings["diff"] = time.perf_counter() - mark
        mark = time.perf_counter()
        check_with_koha(api, plan, config.school.library_id, categories)
        timings["checks with Koha"] = time.perf_counter() - mark
        mark = time.perf_counter()
        write_plan(plan, folder / "plan.xlsx")
        timings["plan XLSX"] = time.perf_counter() - mark
        plan_seconds, plan_cpu = time.perf_counter() - started, _cpu() - cpu
        ours.send("clear")
        planned_log: dict[str, Any] = ours.recv()
        fake_cpu = planned_log["cpu"]
        assert plan.refusal is None, plan.refusal
        counts = Counter(c.action for c in plan.changes)
        mark, cpu = time.perf_counter(), _cpu()
        outcome = Applier(api, SyncJournal(store, str(year))).run(plan, workers=args.workers)
        apply_seconds, apply_cpu = time.perf_counter() - mark, _cpu() - cpu
    ours.send("log")
    applied_log: dict[str, Any] = ours.recv()
    ours.send("stop")
    child.join(timeout=10)
    assert outcome.aborted is None and not outcome.failed, outcome.failed[:3]
    assert len(outcome.done) == len(plan.changes)
    assert applied_log["patrons"] == applied_log["cards"]  # no card number twice
    print(f"plan (with refresh): {plan_seconds:.2f} s (target < {PLAN_TARGET:g} s: "
          f"{'met' if plan_seconds < PLAN_TARGET else 'NOT met'}), "
          f"{planned_log['requests']} requests, CPU: ours {plan_cpu:.2f} s, the fake Koha's "
          f"{fake_cpu - seeded_cpu:.2f} s")
    print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    print(f"  changes: {dict(counts)}; held leavers {len(plan.leavers_held)}, "
          f"flagged {len(plan.flagged)}, up to date {plan.up_to_date}")
    print(f"apply, {args.workers} workers: {apply_seconds:.2f} s (target < {APPLY_TARGET:g} s:"
          f" {'met' if apply_seconds < APPLY_TARGET else 'NOT met'}), "
          f"{len(outcome.done)} changes, {applied_log['requests']} requests, "
          f"{len(outcome.done) / apply_seconds:.0f} changes/s, CPU: ours {apply_cpu:.2f} s, "
          f"the fake Koha's {applied_log['cpu'] - fake_cpu:.2f} s")
    print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(applied_log["kinds"].items())))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
