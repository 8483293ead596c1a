"""Every register of one school from a store of 30 schools (XLSX + PDF), time and memory.

The store is generated directly in SQLite (no Koha): 30 schools, 300,000 items,
1,000,000 old checkouts, 60,000 patrons, spread over school years 2019-2020 to
2025-2026, with withdrawals (5 %), losses (1 %) and delivery notes (60 % of copies);
textbooks come from 300 titles, 97 % of the copies were seen in the last spring.
The build runs in its own subprocess, so its peak memory (``ru_maxrss``) is clean.

    .venv/bin/python benchmarks/bench_registers.py [--store PATH] [--school-year 2025-2026]

Targets: all registers of one school in under 5 s, peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SCHOOLS, ITEMS, CHECKOUTS, PATRONS = 30, 300_000, 1_000_000, 60_000
TITLES, TEXTBOOK_TITLES = 40_000, 300
SECONDS, PEAK_MB = 5.0, 1024.0
CATEGORIES = (("SGK", 0.35), ("TK", 0.35), ("TN", 0.22), ("NV", 0.08))
WORDS = ("Tiếng Việt", "Dế Mèn", "phiêu lưu ký", "Truyện cổ tích", "Lịch sử", "Việt Nam",
         "Toán", "Kết nối tri thức", "với cuộc sống", "Khoa học tự nhiên", "Âm nhạc", "Địa lí")
FIRST = date(2019, 9, 1)
DAYS = (date(2026, 5, 31) - FIRST).days


def generate(path: Path) -> None:
    """The store, written with executemany in a few transactions."""
    from koha_bridge.store import Store
    from marc.itemnote import DeliveryNote, format_delivery_note

    rng = random.Random(12)
    stamp = "2026-06-01T07:00:00+07:00"
    with Store(path) as store, store.atomic() as conn:
        conn.executemany("INSERT INTO koha_libraries VALUES (?, ?, ?)",
                         [(f"S{n:02d}", f"Trường THCS Số {n}", stamp) for n in range(SCHOOLS)])
        conn.executemany("INSERT INTO koha_patron_categories VALUES (?, ?, ?, ?)",
                         [("HS", "Học sinh", "C", stamp), ("GV", "Giáo viên", "S", stamp)])
        conn.executemany(
            "INSERT INTO koha_biblios (biblio_id, title, author, publisher, place, year,"
            " class_number, language, subject, grade, series, refreshed_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(b, " ".join(WORDS[(b * 7 + k) % len(WORDS)] for k in range(1 + b % 6)) + f" {b}",
              "Nguyễn Nhật Ánh" if b % 3 else "", "Giáo dục Việt Nam", "Hà Nội",
              str(2005 + b % 20), f"{b % 1000:03d}.{b % 97}", "vie" if b % 10 else "eng",
              "Toán", str(6 + b % 4), "Kết nối tri thức với cuộc sống", stamp)
             for b in range(1, TITLES + 1)])
        items, counters = [], {}
        for item_id in range(1, ITEMS + 1):
            school = f"S{item_id % SCHOOLS:02d}"
            category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
            counters[(school, category)] = number = counters.get((school, category), 0) + 1
            acquired = FIRST + timedelta(days=rng.randrange(DAYS))
            note = None
            if rng.random() < 0.6:
                batch = acquired.toordinal() // 30
                note = format_delivery_note(DeliveryNote(
                    f"{batch % 500}/PGH", date.fromordinal(batch * 30), batch % 100_000))
            withdrawn = rng.random() < 0.05
            lost = rng.random() < 0.01
            accession = f"{category}.{number:05d}"
            # a school holds a few hundred textbook titles in many copies each
            biblio = (1 + rng.randrange(TEXTBOOK_TITLES) if category == "SGK"
                      else TEXTBOOK_TITLES + 1 + rng.randrange(TITLES - TEXTBOOK_TITLES))
            seen = (date(2026, 3, 1) + timedelta(days=rng.randrange(90)) if rng.random() < 0.97
                    else acquired + timedelta(days=rng.randrange(60, 400)))
            items.append((
                item_id, biblio, school, school, "S" + category, category,
                accession, accession, acquired.isoformat(), "mua", note,
                (10 + biblio % 290 + (5 if rng.random() < 0.1 else 0)) * 1000, int(withdrawn),
                (acquired + timedelta(days=400)).isoformat() if withdrawn else None,
                int(lost), (acquired + timedelta(days=200)).isoformat() if lost else None,
                seen.isoformat(), stamp, stamp))
        conn.executemany(
            "INSERT INTO koha_items (item_id, biblio_id, home_library_id, holding_library_id,"
            " item_type_id, collection_code, external_id, inventory_number, acquisition_date,"
            " acquisition_source, internal_notes, purchase_price, withdrawn, withdrawn_date,"
            " lost_status, lost_date, last_seen_date, timestamp, pulled_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
        del items
        conn.executemany(
            "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, category_id,"
            " library_id, statistics_1, pulled_at) VALUES (?,?,?,?,?,?,?,?)",
            [(p, f"C{p:06d}", "Nguyễn Văn" if p % 2 else "Trần Thị",
              ("An", "Bình", "Ánh", "Dũng", "Hà", "Linh")[p % 6],
              "GV" if p % 25 == 0 else "HS", f"S{p % SCHOOLS:02d}",
              None if p % 25 == 0 else f"{6 + p % 4}A{p % 5 + 1}", stamp)
             for p in range(1, PATRONS + 1)])
        batch = []
        for checkout_id in range(1, CHECKOUTS + 1):
            school = checkout_id % SCHOOLS
            item = school + SCHOOLS * rng.randrange(ITEMS // SCHOOLS) or SCHOOLS
            patron = school + SCHOOLS * rng.randrange(PATRONS // SCHOOLS) or SCHOOLS
            out = FIRST + timedelta(days=rng.randrange(DAYS))
            batch.append((checkout_id, patron, item, f"S{school:02d}", out.isoformat(),
                          (out + timedelta(days=14)).isoformat(),
                          (out + timedelta(days=rng.randrange(1, 20))).isoformat(), stamp))
            if len(batch) == 100_000:
                _checkouts(conn, batch)
                batch = []
        _checkouts(conn, batch)


def _checkouts(conn: object, rows: list[tuple]) -> None:
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO koha_checkouts (checkout_id, patron_id, item_id, library_id, checkout_date,"
        " due_date, checkin_date, pulled_at) VALUES (?,?,?,?,?,?,?,?)", rows)


def build(path: Path, year_text: str, out: Path) -> None:
    """One school's registers (run in the child process); prints its figures as JSON."""
    from koha_bridge.config import Config
    from koha_bridge.registers.build import build_all, pdf_fonts, school_year
    from koha_bridge.store import Store

    config = Config()
    started, cpu = time.perf_counter(), time.process_time()
    with Store(path) as store:
        built = build_all(store, config, school_year(config, year_text), "S07", out,
                          pdf_fonts(config), today=date(2026, 6, 15))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    multiprocessing.active_children()  # reap the workbook worker
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = {b.register.key: _pages(b.pdf) for b in built}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "pages": pages,
                      "worker_cpu": worker.ru_utime + worker.ru_stime,
                      "worker_peak_mb": worker.ru_maxrss / 1024}))


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="reuse (or create) this store")
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        build(args.store, args.school_year, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "bench.sqlite"
        if not store.exists():
            started = time.perf_counter()
            generate(store)
            print(f"store generated in {time.perf_counter() - started:.1f} s: {SCHOOLS} schools, "
                  f"{ITEMS:,} items, {CHECKOUTS:,} checkouts, {PATRONS:,} patrons")
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--store", str(store), "--school-year",
             args.school_year, "--out", str(Path(tmp) / "out")],
            capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    verdict = "met" if figures["seconds"] < SECONDS and figures["peak_mb"] < PEAK_MB else "MISSED"
    print(f"all registers of one school ({args.school_year}): {figures['seconds']:.2f} s "
          f"(CPU: {figures['cpu']:.2f} s in the main process, {figures['worker_cpu']:.2f} s in the "
          f"worker (build.WORKER_JOBS), peak {figures['worker_peak_mb']:.0f} MB), "
          f"peak {figures['peak_mb']:.0f} MB; target < {SECONDS:.0f} s, < {PEAK_MB:.0f} MB: "
          f"{verdict} (load average {load:.2f})")
    print("PDF pages: " + ", ".join(f"{k} {v}" for k, v in figures["pages"].items()))


if __name__ == "__main__":
    main()
