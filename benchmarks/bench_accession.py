"""Benchmark: ``assign_accessions`` on 20,000 records with 110,000 copies.

Records are shaped like ``marc/build.py`` output (001, 245, one 952 per copy with
$8/$y/$t/$x). Timed: numbering every copy into a fresh store file (own budget ≤ 1.0 s),
re-numbering the same records (every item key known: own budget ≤ 0.7 s), and numbering
with per-title textbooks and numeric check-digit barcodes. Building the records is not
timed; garbage left by building them is collected before each run. Each figure is the
best of ``--repeat`` runs (all runs are shown).

    .venv/bin/python -m benchmarks.bench_accession [--records 20000 --copies 110000]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import tempfile
import time
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

from classification.assign import AssignReport, assign_accessions
from koha_bridge.config import AccessionConfig, Config
from koha_bridge.store import Store

CATEGORIES = ("TK", "TK", "TK", "SGK", "SGK", "NV", "TN")


def make_records(count: int, copies: int) -> list[Record]:
    records = []
    for n in range(count):
        category = CATEGORIES[n % len(CATEGORIES)]
        rec = Record()
        rec.add_field(Field("001", data=f"KB{n:012x}"))
        rec.add_field(Field("245", Indicators("0", "0"), [Subfield("a", f"Sách số {n}")]))
        per = copies // count + (1 if n < copies % count else 0)
        for c in range(1, per + 1):
            rec.add_field(Field("952", Indicators(" ", " "), [
                Subfield("a", "MAU"), Subfield("b", "MAU"), Subfield("y", "S" + category),
                Subfield("8", category), Subfield("t", str(c)),
                Subfield("x", f"koha-bridge: giao-hang.xlsx [Sheet1] dòng {n + 2}"),
            ]))
        records.append(rec)
    return records


def timed(records: list[Record], db: Path, config: Config) -> tuple[float, AssignReport]:
    report = AssignReport()
    gc.collect()
    start = time.perf_counter()
    with Store(db) as store:
        for _ in assign_accessions(records, store, config, report=report):
            pass
    return time.perf_counter() - start, report


def scenario(label: str, target: float | None, runs: list[tuple[float, AssignReport]]) -> None:
    took, report = min(runs, key=lambda run: run[0])
    verdict = "" if target is None else (
        f"  own budget ≤ {target:.2f} s: {'met' if took <= target else 'MISSED'}"
    )
    every = ", ".join(f"{t:.2f}" for t, _ in runs)
    print(f"{label:<40} {took:6.2f} s  {report.copies / took:9,.0f} copies/s{verdict}")
    print(f"{'':<40} runs: {every} s; new {report.assigned:,}, reused {report.reused:,},"
          f" problems {len(report.problems)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--copies", type=int, default=110_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    make_records(args.records, args.copies)
    print(f"{args.records:,} records, {args.copies:,} copies")
    print(f"{'building the records (not timed below)':<40} {time.perf_counter() - start:6.2f} s")
    per_title = dataclasses.replace(Config(), accession=AccessionConfig(
        textbook_numbering="per_title", barcode="numeric", barcode_check_digit=True,
    ))
    fresh, again, numeric = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            db = Path(tmp) / f"kb{n}.sqlite"
            fresh.append(timed(make_records(args.records, args.copies), db, Config()))
            again.append(timed(make_records(args.records, args.copies), db, Config()))
            numeric.append(timed(make_records(args.records, args.copies),
                                 Path(tmp) / f"b{n}.sqlite", per_title))
        scenario("numbering, fresh store", 1.0, fresh)
        scenario("re-numbering, all item keys known", 0.7, again)
        scenario("per-title SGK + numeric barcodes", None, numeric)
        print(f"store file size: {(Path(tmp) / 'kb0.sqlite').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
