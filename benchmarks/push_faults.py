"""The push's request budget under faults (``bench_push --faults``), with real processes.

The job of issue 9: ``koha-bridge push`` of 358 titles / 1,090 copies against a fake Koha
(its own process, strict spec checks) that answers 5 % of requests with 502/503/504 and
drops 2 % of its committed writes without answering. A first push is killed with
SIGKILL a third of the way in; then two pushes start together on the same store; then
plain re-runs until one ends with exit 0; then a last run, which must write nothing.
Printed: exit codes, Koha's biblios/items (and duplicates), and the requests per copy
counted in the fake's log, injected faults (answered by the fault layer) left out;
dropped-after-commit requests did their work and are counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pymarc import Record

MAX_RERUNS = 6


def serve(conn: Connection, latency: float, transient: float, drop: float, seed: int) -> None:
    """Child process: a fake Koha with random faults; answers ``count`` and ``log``."""
    from tests.fakekoha import FakeKoha

    folder = Path(tempfile.mkdtemp(prefix="bench-push-faults-"))
    fake = FakeKoha(folder / "koha.sqlite", latency=latency, seed=seed, strict=True)
    fake.faults.set_rates(transient=transient, drop_after_commit=drop)
    conn.send((fake.url, fake.client_id, fake.client_secret))
    while True:
        command = conn.recv()
        if command == "count":
            conn.send(len(fake.items()))
        elif command == "mark":
            conn.send(len(fake.requests))
        elif command == "log":
            conn.send(_summary(fake))
            fake.stop()
            return


def _summary(fake: Any) -> dict[str, Any]:
    log = fake.requests
    titles = Counter(str(b["title"]) for b in fake.biblios())
    barcodes = Counter(str(i["external_id"]) for i in fake.items())
    return {
        "requests": len(log),
        "faults": sum(r.fault == "burst" for r in log),
        "dropped": sum(r.fault == "dropped" for r in log),
        "writes_at": [i for i, r in enumerate(log) if r.method in ("POST", "PUT")
                      and not r.path.endswith("/oauth/token") and r.fault != "burst"],
        "kinds": dict(Counter(f"{r.method} {_route(r.path)}" for r in log
                              if r.fault != "burst")),
        "biblios": len(titles), "items": len(barcodes),
        "duplicate_titles": sum(n - 1 for n in titles.values()),
        "duplicate_items": sum(n - 1 for n in barcodes.values()),
        "spec_problems": len(fake.response_violations + fake.request_violations + fake.errors),
    }


def _route(path: str) -> str:
    parts = path.removeprefix("/api/v1").split("/")
    return "/".join("{id}" if p.isdigit() else p for p in parts)


class Job:
    """Runs ``koha-bridge push`` processes against one store and one source."""

    def __init__(self, folder: Path, source: Path, env: dict[str, str], workers: int) -> None:
        self.folder, self.source, self.workers = folder, source, workers
        self.env = {**os.environ, **env}
        self.config = folder / "koha-bridge.toml"
        self.config.write_text("[koha]\nretries = 3\ntimeout = 10.0\n", encoding="utf-8")

    def start(self) -> subprocess.Popen[str]:
        args = [sys.executable, "-c", "from cli.main import main; main()", "-q",
                "--config", str(self.config), "--db", str(self.folder / "store.sqlite"),
                "push", str(self.source), "--workers", str(self.workers),
                "--report", str(self.folder / "report.xlsx")]
        return subprocess.Popen(args, cwd=self.folder, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def run(self) -> tuple[int, str]:
        process = self.start()
        _, err = process.communicate(timeout=900)
        return process.returncode, err


def run_scenario(records: list[Record], conn: Connection, workers: int) -> dict[str, Any]:
    """The whole job; ``conn`` talks to a ``serve`` child that is already listening."""
    url, client_id, secret = conn.recv()
    folder = Path(tempfile.mkdtemp(prefix="bench-push-job-"))
    source = folder / "sach.mrc"
    with source.open("wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    copies = sum(len(r.get_fields("952")) for r in records)
    job = Job(folder, source, {"KOHA_BRIDGE_URL": url, "KOHA_BRIDGE_CLIENT_ID": client_id,
                               "KOHA_BRIDGE_CLIENT_SECRET": secret}, workers)
    started = time.perf_counter()
    steps: list[str] = []

    killed = job.start()
    while True:
        conn.send("count")
        made = conn.recv()
        if made >= copies // 3 or killed.poll() is not None:
            break
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    steps.append(f"SIGKILL after {made} items")

    pair = [job.start(), job.start()]
    results = [(p.wait(timeout=900), p.communicate()[1]) for p in pair]
    steps.append(f"two together: exit {sorted(code for code, _ in results)}")
    refused = [err for code, err in results if code == 2]

    codes = []
    while not codes or codes[-1] != 0:
        if len(codes) == MAX_RERUNS:
            break
        code, err = job.run()
        codes.append(code)
        if code != 0:
            steps.append(f"re-run exit {code}: {err.strip().splitlines()[-1:]}")
    steps.append(f"re-runs: exit {codes}")
    conn.send("mark")
    before_last = conn.recv()
    last, _ = job.run()
    steps.append(f"last run: exit {last}")
    elapsed = time.perf_counter() - started
    conn.send("log")
    log = conn.recv()
    real = log["requests"] - log["faults"]
    return {**log, "steps": steps, "copies": copies, "titles": len(records),
            "seconds": elapsed, "per_copy": real / copies, "real_requests": real,
            "last_run_writes": sum(i >= before_last for i in log["writes_at"]),
            "refused_message": refused[0].strip() if refused else "",
            "final_exit": codes[-1] if codes else None, "last_exit": last}


def report(r: dict[str, Any]) -> list[str]:
    """Printable lines of a scenario result."""
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r["kinds"].items()))
    return [
        *(f"  {step}" for step in r["steps"]),
        f"  refused push said: {r['refused_message'][:160]}",
        f"  Koha: {r['biblios']} biblios, {r['items']} items (of {r['titles']} / "
        f"{r['copies']}), duplicates {r['duplicate_titles']} / {r['duplicate_items']}, "
        f"spec problems {r['spec_problems']}, last run writes {r['last_run_writes']}",
        f"  {r['requests']} requests, of them {r['faults']} injected faults and "
        f"{r['dropped']} dropped after commit: {r['real_requests']} requests = "
        f"{r['per_copy']:.3f} per copy (budget < 2), {r['seconds']:.1f} s",
        f"  {kinds}",
    ]
