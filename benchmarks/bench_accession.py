"""Benchmark: ``assign_accessions`` on 20,000 records with 110,000 copies.

Records are shaped like ``marc/build.py`` output (001, 245, one 952 per copy with
$8/$y/$t/$x). Times: building the records (baseline), a first run into a fresh store
file, a second run of the same records (idempotent: every number looked up again),
and a run with per-title textbooks and numeric check-digit barcodes.

    .venv/bin/python -m benchmarks.bench_accession [--records 20000 --copies 110000]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
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


def timed(label: str, records: list[Record], db: Path, config: Config) -> None:
    report = AssignReport()
    start = time.perf_counter()
    with Store(db) as store:
        for _ in assign_accessions(records, store, config, report=report):
            pass
    took = time.perf_counter() - start
    print(
        f"{label:<42} {took:6.2f} s  {report.copies / took:9,.0f} copies/s"
        f"  (new {report.assigned:,}, reused {report.reused:,}, problems {len(report.problems)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--copies", type=int, default=110_000)
    args = parser.parse_args()
    start = time.perf_counter()
    records = make_records(args.records, args.copies)
    print(f"{'build records (baseline)':<42} {time.perf_counter() - start:6.2f} s")
    pristine = copy.deepcopy(records)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kb.sqlite"
        timed("assign, fresh store", records, db, Config())
        timed("assign again, same records as input", copy.deepcopy(pristine), db, Config())
        per_title = dataclasses.replace(Config(), accession=AccessionConfig(
            textbook_numbering="per_title", barcode="numeric", barcode_check_digit=True,
        ))
        timed("assign, per-title SGK + numeric barcodes", pristine, Path(tmp) / "b.sqlite",
              per_title)
        print(f"store file size: {db.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
