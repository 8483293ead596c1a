"""Everything classification writes, as one JSON file: to compare two versions' outputs.

Runs the real conversion (``prepare`` + ``records``, classification on, numbering off,
a fixed date) on the bundled sample delivery and on a generated list, with the default
settings and with every proposal written (``min_confidence = "unconfirmed"``), plus
``classify_records`` on ``bench_classify``'s records (with the list's hints). Saved per
record: every field but 005 (so 082/084, 521, 653, 942 and every 952 $o/$2); per
classified title: number, scheme, source, confidence, reason, runner-up, author mark,
call number, grade, subject and what the title says; and the review sheet's cells.
Speed changes must leave this file identical:

    .venv/bin/python -m benchmarks.classify_outputs --out before.json   # on main
    .venv/bin/python -m benchmarks.classify_outputs --out after.json    # on the branch
    cmp before.json after.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pymarc import Record

from benchmarks.bench_classify import build
from benchmarks.generate import write_csv
from classification.apply import Classified, classify_records
from koha_bridge.acquisitions.pipeline import prepare, records
from koha_bridge.acquisitions.review_sheet import write_review_sheet
from koha_bridge.config import Config
from marc.settings import AccessionConfig, ClassificationConfig

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "cli" / "data" / "sample-delivery.xlsx"
TODAY = date(2026, 5, 31)


def fields_of(record: Record) -> list[str]:
    return [str(f) for f in record.fields if f.tag != "005"]


def classified_of(item: Classified) -> dict[str, Any]:
    return dataclasses.asdict(item)


def sheet_cells(items: list[Classified], work: Path) -> list[list[Any]]:
    path = work / "review.xlsx"
    write_review_sheet(iter(items), path)
    book = load_workbook(path, read_only=True)
    cells = [[ws.title, *[list(row) for row in ws.iter_rows(values_only=True)]]
             for ws in book.worksheets]
    book.close()
    return cells


def converted(path: Path, config: Config, work: Path) -> dict[str, Any]:
    """The records and review rows of one conversion."""
    conversion = prepare([path], config)
    out = [fields_of(r) for r in records(conversion, config, store=None, today=TODAY)]
    review = conversion.review
    return {"records": out, "review": [classified_of(i) for i in review],
            "sheet": sheet_cells(review, work)}


def bench_records(count: int, config: Config, work: Path) -> dict[str, Any]:
    built, hints = build(count)
    done = list(classify_records(built, config, hints))
    review = [i for _, i in done if i.needs_review]
    return {"records": [fields_of(r) for r, _ in done],
            "classified": [classified_of(i) for _, i in done],
            "sheet": sheet_cells(review, work)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    plain = Config(accession=AccessionConfig(enabled=False))
    every = dataclasses.replace(
        plain, classification=ClassificationConfig(min_confidence="unconfirmed"))
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generated = work / "list.csv"
        write_csv(generated, args.rows)
        for name, config in (("default", plain), ("every", every)):
            found[f"sample/{name}"] = converted(SAMPLE, config, work)
            found[f"generated/{name}"] = converted(generated, config, work)
            found[f"bench/{name}"] = bench_records(args.rows, config, work)
    args.out.write_text(json.dumps(found, ensure_ascii=False, indent=0, default=str),
                        encoding="utf-8")
    for name, part in found.items():
        print(f"{name}: {len(part['records'])} records, "
              f"{sum(len(s) - 1 for s in part['sheet'])} sheet rows")


if __name__ == "__main__":
    main()
