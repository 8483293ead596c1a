"""Benchmark: statistics of one school, TT16 check and roll-ups, on stores made in SQLite.

    python -m benchmarks.bench_stats [--schools 30] [--out DIR]

Store A: ``--schools`` schools (default 30: 300,000 items, 1,000,000 checkouts of past
and present years, 60,000 patrons), the mirror as ``pull`` leaves it. It times, each in a
fresh process so that peak memory is the step's own: the statistics of one school
(queries + XLSX + PDF with charts), the TT16 check, and the roll-up of every school.
Store B: 1,000 schools with the same totals, rolled up set-wise in one store. Folder C:
``--stores`` separate school stores rolled up one after another.
Prints seconds, peak RSS and the machine's load; budgets: stats < 3 s, roll-up of 30 < 15 s,
peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

BUDGETS = {"stats": 3.0, "rollup": 15.0}
CLASSES = [f"{g}A{n}" for g in range(6, 10) for n in range(1, 13)]
COLLECTIONS = ["SGK", "NV", "TK", "TN", "BTC"]


def _day(rng: random.Random, start: date, days: int) -> str:
    return (start + timedelta(days=rng.randrange(days))).isoformat()


def make_store(path: Path, schools: int, items: int, checkouts: int, patrons: int,
               seed: int = 1) -> None:
    """A store migrated by koha-bridge, filled directly (fast) with the given totals."""
    from koha_bridge.store import Store

    with Store(path):
        pass
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    pulled = "2026-09-01T06:00:00+07:00"
    libs = [f"S{n:04d}" for n in range(schools)]
    conn.executemany("INSERT INTO koha_libraries VALUES (?, ?, ?)",
                     [(lib, f"Trường THCS số {n}", pulled) for n, lib in enumerate(libs)])
    biblios = max(items // 5, 1)
    conn.executemany(
        "INSERT INTO koha_biblios (biblio_id, title, author, class_number, refreshed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        ((b, f"Sách tham khảo số {b}", "Nguyễn Văn A", f"{rng.randrange(1000):03d}.5", pulled)
         for b in range(1, biblios + 1)))
    start = date(2019, 1, 1)

    def item_rows() -> Iterator[tuple[object, ...]]:
        for i in range(1, items + 1):
            coll = rng.choice(COLLECTIONS)
            withdrawn = rng.random() < 0.05
            yield (i, rng.randrange(1, biblios + 1), libs[i % schools], coll,
                   f"{coll}.{i:06d}", f"{coll}.{i:06d}", f"{coll}.{i:06d}",
                   _day(rng, start, 2800), 45000.0, int(withdrawn),
                   _day(rng, start, 2800) if withdrawn else None, 0, pulled)

    conn.executemany(
        "INSERT INTO koha_items (item_id, biblio_id, home_library_id, collection_code,"
        " external_id, inventory_number, callnumber, acquisition_date, purchase_price,"
        " withdrawn, withdrawn_date, lost_status, pulled_at) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", item_rows())

    def patron_rows() -> Iterator[tuple[object, ...]]:
        for p in range(1, patrons + 1):
            pupil = rng.random() < 0.93
            klass = rng.choice(CLASSES)
            yield (p, f"C{p:07d}", "HS_THCS" if pupil else "GV", libs[p % schools],
                   klass if pupil else None, klass[0] if pupil else None, "2022-08-15",
                   "2027-07-31", pulled)

    conn.executemany(
        "INSERT INTO koha_patrons (patron_id, cardnumber, category_id, library_id,"
        " statistics_1, statistics_2, date_enrolled, expiry_date, pulled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", patron_rows())

    def checkout_rows() -> Iterator[tuple[object, ...]]:
        for c in range(1, checkouts + 1):
            school = rng.randrange(schools)
            item = school + schools * rng.randrange(max(items // schools, 1)) + 1
            patron = school + schools * rng.randrange(max(patrons // schools, 1))
            out = date(2021, 9, 1) + timedelta(days=rng.randrange(1825))
            back = None if rng.random() < 0.03 else (out + timedelta(days=rng.randrange(30)))
            yield (c, patron or schools, min(item, items), libs[school],
                   f"{out.isoformat()}T09:00:00+07:00", (out + timedelta(14)).isoformat(),
                   back.isoformat() if back else None, pulled)

    conn.executemany(
        "INSERT INTO koha_checkouts (checkout_id, patron_id, item_id, library_id,"
        " checkout_date, due_date, checkin_date, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        checkout_rows())
    conn.execute("INSERT INTO pull_state (resource, high_water, last_full_at, last_pull_at, rows)"
                 " VALUES ('items', NULL, ?, ?, ?)", (pulled, pulled, items))
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _step(args: list[str]) -> tuple[float, float, int]:
    """One koha-bridge command in a child process: wall seconds, CPU seconds (with its
    chart worker; imports included) and peak RSS in MB."""
    code = ("import resource, sys, time; from cli.main import cli; t = time.perf_counter()\n"
            "try:\n    cli(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "me, kids = (resource.getrusage(w) for w in "
            "(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
            "print(time.perf_counter() - t, me.ru_utime + me.ru_stime + kids.ru_utime "
            "+ kids.ru_stime, max(me.ru_maxrss, kids.ru_maxrss) // 1024)")
    done = subprocess.run([sys.executable, "-c", code, "-q", *args], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    seconds, cpu, peak = done.stdout.split()[-3:]
    return float(seconds), float(cpu), int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--stores", type=int, default=100)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="bench-stats-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
    a = work / "a.sqlite"
    if not a.exists():
        t = time.perf_counter()
        make_store(a, args.schools, 10_000 * args.schools, 33_334 * args.schools,
                   2_000 * args.schools)
        print(f"store A: {args.schools} schools made in {time.perf_counter() - t:.1f} s")
    year = ["--school-year", "2025-2026"]
    out = ["--out", str(work / "out")]
    rows = [
        ("stats, one school (XLSX + PDF, 8 charts)",
         _step(["--db", str(a), "stats", *year, "--library", "S0001", *out]), "stats"),
        ("standards check, one school",
         _step(["--db", str(a), "standards", "check", *year, "--library", "S0001", *out]), ""),
        (f"rollup, {args.schools} schools in one store",
         _step(["--db", str(a), "rollup", *year, *out]), "rollup"),
    ]
    b = work / "b.sqlite"
    if not b.exists():
        make_store(b, 1000, 300_000, 1_000_000, 60_000, seed=2)
    rows.append(("rollup, 1,000 schools in one store (same totals)",
                 _step(["--db", str(b), "rollup", *year, *out]), ""))
    folder = work / "stores"
    if not folder.exists():
        folder.mkdir()
        for n in range(args.stores):
            make_store(folder / f"school{n:04d}.sqlite", 1, 3_000, 10_000, 600, seed=10 + n)
    rows.append((f"rollup, {args.stores} separate school stores",
                 _step(["rollup", *year, "--store", str(folder), *out]), ""))
    for label, (seconds, cpu, peak), budget in rows:
        limit = f"  (budget {BUDGETS[budget]:.0f} s)" if budget else ""
        print(f"{label:52s} {seconds:6.2f} s wall {cpu:6.2f} s CPU  peak {peak:5d} MB{limit}")
    print(f"load average after: {os.getloadavg()[0]:.2f}; "
          f"this process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
