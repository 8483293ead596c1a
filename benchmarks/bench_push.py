"""Benchmark: ``koha_bridge.push.run`` against the fake Koha with network-like latency.

Builds 2,000 titles with 10,000 copies (``marc.build.build_record``, barcodes and
accession numbers set), then pushes them with the real client over HTTP on 127.0.0.1
to a fresh fake Koha (its own process, 20 ms per request, a fresh local store each
time), once per worker count. Prints titles/s, copies/s and the requests per copy
counted in the fake's request log (token and planning look-ups included).

    .venv/bin/python -m benchmarks.bench_push [--titles 2000] [--copies 10000]
        [--latency 0.02] [--workers 1 8]

With ``--faults``: the request budget of issue 9 instead (``benchmarks.push_faults``):
kill -9 mid-way, two pushes started together, re-runs, 5 % transient faults and 2 %
dropped after commit, 358 titles / 1,090 copies unless given.

    .venv/bin/python -m benchmarks.bench_push --faults [--titles 358] [--copies 1090]
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pymarc import Record

from cli.push import make_client
from koha_bridge.config import Config, KohaConfig
from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.push.run import Pusher, Result, plan_push
from koha_bridge.store import Store
from koha_bridge.store.journal import Journal
from marc.build import build_record
from marc.model import Book, Copy, SourceRef, Title

TODAY = date(2025, 9, 5)
NOW = datetime(2025, 9, 5, 8, 0, 0)
AUTHORS = ("Nguyễn Nhật Ánh", "Tô Hoài", "Trần Đăng Khoa", "Võ Quảng", "Lê Minh Khuê")


def isbn13(n: int) -> str:
    core = f"978604{n:06d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def make_records(titles: int, copies: int, config: Config) -> list[Record]:
    """``titles`` distinct titles sharing ``copies`` numbered copies."""
    per, extra = divmod(copies, titles)
    records, number = [], 0
    for n in range(titles):
        source = SourceRef("Danh sách bổ sung 2025.xlsx", "Sách tham khảo", n + 2)
        book = Book(
            source, f"Tuyển tập truyện thiếu nhi số {n + 1}", "TK", per + (n < extra),
            authors=(AUTHORS[n % len(AUTHORS)],), publisher="Kim Đồng", place="H.",
            year=2020 + n % 6, isbn=isbn13(n + 1), price=45000, pages=120, size="21 cm",
        )
        items = []
        for k in range(book.quantity):
            number += 1
            items.append(Copy(source, "TK", k + 1, 45000, accession=f"TK.{number:05d}",
                              barcode=f"TK{number:07d}"))
        records.append(build_record(Title(f"t{n}", book, items), config, today=TODAY, now=NOW))
    return records


def serve(conn: Connection, latency: float) -> None:
    """Child process: a fresh fake Koha until told to stop, then its request log summary."""
    from tests.fakekoha import FakeKoha

    folder = Path(tempfile.mkdtemp(prefix="bench-push-koha-"))
    fake = FakeKoha(folder / "koha.sqlite", latency=latency, log_requests=True)
    conn.send((fake.url, fake.client_id, fake.client_secret))
    conn.recv()
    log = fake.requests
    kinds = Counter(f"{r.method} {_route(r.path)}" for r in log)
    conn.send({"requests": len(log), "kinds": dict(kinds), "biblios": len(fake.biblios()),
               "items": len(fake.items()), "unanswered": sum(r.status is None for r in log)})
    fake.stop()


def _route(path: str) -> str:
    parts = path.removeprefix("/api/v1").split("/")
    return "/".join("{id}" if p.isdigit() else p for p in parts)


def run_once(records: list[Record], workers: int, latency: float) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=serve, args=(theirs, latency), daemon=True)
    child.start()
    url, client_id, secret = ours.recv()
    import os

    os.environ.update({"KOHA_BRIDGE_CLIENT_ID": client_id, "KOHA_BRIDGE_CLIENT_SECRET": secret})
    config = Config(koha=KohaConfig(url=url))
    folder = Path(tempfile.mkdtemp(prefix="bench-push-store-"))
    with Store(folder / "store.sqlite") as store:
        journal = Journal(store)
        api = KohaApi(make_client(config, workers))
        started = time.perf_counter()
        plan = plan_push(records, api, journal, item_from_952, workers=workers)
        planned = time.perf_counter()
        outcome = Pusher(api, journal).run(plan, workers=workers)
        elapsed = time.perf_counter() - started
    ours.send("stop")
    log = ours.recv()
    child.join(timeout=10)
    copies = sum(len(r.get_fields("952")) for r in records)
    assert outcome.complete, [c.reason for c in plan.copies if c.reason][:5]
    assert outcome.count(Result.CREATED) == copies == log["items"], log
    assert log["biblios"] == len(records), log
    return {"workers": workers, "seconds": elapsed, "plan_seconds": planned - started,
            "titles": len(records), "copies": copies, **log}


def faults(args: argparse.Namespace) -> None:
    """The kill -9 / concurrent / re-run job under random faults; prints its figures."""
    from benchmarks import push_faults

    titles, copies = args.titles or 358, args.copies or 1090
    records = make_records(titles, copies, Config())
    print(f"{titles} titles, {copies} copies, {args.latency * 1000:.0f} ms per request, "
          f"{args.transient:.0%} transient faults, {args.drop:.0%} dropped after commit "
          f"(fake Koha in its own process, strict; pushes as CLI processes, "
          f"{args.workers[0]} workers)")
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=push_faults.serve, daemon=True,
                        args=(theirs, args.latency, args.transient, args.drop, args.seed))
    child.start()
    result = push_faults.run_scenario(records, ours, args.workers[0])
    child.join(timeout=30)
    for line in push_faults.report(result):
        print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_push",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--titles", type=int)
    parser.add_argument("--copies", type=int)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, nargs="+")
    parser.add_argument("--faults", action="store_true",
                        help="the request budget under kill -9, concurrency and faults")
    parser.add_argument("--transient", type=float, default=0.05)
    parser.add_argument("--drop", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    if args.faults:
        args.workers = args.workers or [4]
        faults(args)
        return
    args.titles, args.copies = args.titles or 2000, args.copies or 10000
    args.workers = args.workers or [1, 8]
    records = make_records(args.titles, args.copies, Config())
    print(f"{args.titles} titles, {args.copies} copies, {args.latency * 1000:.0f} ms per "
          "request (fake Koha in its own process)")
    results = []
    for workers in args.workers:
        r = run_once(records, workers, args.latency)
        results.append(r)
        budget = r["copies"] + 2 * r["titles"]
        print(f"workers={workers}: {r['seconds']:.1f} s (plan {r['plan_seconds']:.1f} s), "
              f"{r['titles'] / r['seconds']:.1f} titles/s, {r['copies'] / r['seconds']:.1f} "
              f"copies/s, {r['requests']} requests = {r['requests'] / r['copies']:.3f} per "
              f"copy (budget {budget}: 1/copy + 2/title), dropped {r['unanswered']}")
        print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(r["kinds"].items())))
    if len(results) > 1:
        base = results[0]["seconds"]
        for r in results[1:]:
            print(f"speed-up {results[0]['workers']} → {r['workers']} workers: "
                  f"{base / r['seconds']:.2f}×")


if __name__ == "__main__":
    main()
