"""Benchmark: classification alone on 20,000 titles (~110,000 copies).

Builds records shaped like ``marc/build.py`` output from the same generated supplier
rows as ``bench_convert`` (pymarc only), then times: building them (the baseline),
``classify_records`` over them (class numbers, author marks, every 952 $o), and
writing the review sheet of the titles that need review.

``classify_records`` runs ``--repeat`` times, each in a fresh interpreter (cold
caches, as in a real run) on freshly built records whose building garbage has been
collected; the best and the median are printed next to our own budget (0.60 s for the
default 20,000 titles: classification and numbering may add at most 50% to
``acquisitions convert``). A second figure writes every proposal
(``min_confidence = "unconfirmed"``): the most 082/942/952 writing there can be.

    .venv/bin/python -m benchmarks.bench_classify [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

from benchmarks.generate import rows
from classification.apply import Classified, Hints, classify_records
from koha_bridge.acquisitions.review_sheet import write_review_sheet
from koha_bridge.config import ClassificationConfig, Config


def build(count: int) -> tuple[list[Record], dict[str, Hints]]:
    records, hints = [], {}
    for row in rows(count):
        n, title, author, publisher, place, year = (str(v) for v in row[:6])
        quantity, subject, grade, category = int(str(row[8])), *(str(v) for v in row[10:13])
        rid = f"KB{int(n):012d}"
        record = Record(leader="     nam a22     7i 4500")
        record.add_field(
            Field(tag="001", data=rid),
            Field(tag="008", data=f"261129s{year}    vm            000 0 vie d"),
            Field(tag="100", indicators=Indicators("0", " "), subfields=[Subfield("a", author)]),
            Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)]),
            Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
                Subfield("a", place), Subfield("b", publisher), Subfield("c", year)]),
            Field(tag="521", indicators=Indicators(" ", " "),
                  subfields=[Subfield("a", f"Lớp {grade}")]),
            Field(tag="942", indicators=Indicators(" ", " "), subfields=[Subfield("c", "STK")]),
        )
        if subject:
            record.add_field(Field(tag="653", indicators=Indicators(" ", " "),
                                   subfields=[Subfield("a", subject)]))
        for _ in range(quantity):
            record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
                Subfield("8", category), Subfield("a", "MAU"), Subfield("y", "STK")]))
        records.append(record)
        hints[rid] = Hints(subject=subject or None, grade=f"Lớp {grade}",
                           category=category, language="vie")
    return records, hints


TARGET_S_PER_20000 = 0.60


def timed_classify(
    count: int, config: Config
) -> tuple[float, float, list[Record], list[Classified]]:
    """Build ``count`` records, then time ``classify_records`` over them.

    The build's garbage is collected first: a full collection it left due would
    otherwise land inside the classification figure (the pipeline streams records,
    so it never holds 20,000 built records at once).
    """
    start = time.perf_counter()
    records, hints = build(count)
    built = time.perf_counter() - start
    gc.collect()
    start = time.perf_counter()
    items = [item for _, item in classify_records(records, config, hints)]
    return built, time.perf_counter() - start, records, items


def run_once(count: int, sheet: bool) -> dict[str, object]:
    """One measurement in this interpreter: default settings, then every proposal written."""
    built, classified, records, items = timed_classify(count, Config())
    found: dict[str, object] = {
        "titles": len(records),
        "copies": sum(len(r.get_fields("952")) for r in records),
        "build": built,
        "classify": classified,
        "sources": dict(Counter(
            i.proposal.source.split(":")[0] if i.proposal else "none" for i in items)),
        "review": sum(i.needs_review for i in items),
    }
    if sheet:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            found["sheet_rows"] = write_review_sheet(
                (i for i in items if i.needs_review), Path(tmp) / "review.xlsx")
        found["sheet"] = time.perf_counter() - start
    del records, items
    every = Config(classification=ClassificationConfig(min_confidence="unconfirmed"))
    _, found["classify_all"], _, items = timed_classify(count, every)
    found["written_all"] = sum(not i.needs_review for i in items)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--once", action="store_true", help="one run, as JSON (internal)")
    parser.add_argument("--sheet", action="store_true", help="with --once: time the sheet")
    args = parser.parse_args()
    if args.once:
        print(json.dumps(run_once(args.rows, args.sheet)))
        return

    root = Path(__file__).resolve().parent.parent
    runs = []
    for n in range(max(args.repeat, 1)):
        command = [sys.executable, "-m", "benchmarks.bench_classify", "--once",
                   "--rows", str(args.rows)]
        if n == 0:
            command.append("--sheet")
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    first = runs[0]
    times = [float(r["classify"]) for r in runs]
    best, median = min(times), statistics.median(times)
    titles = int(first["titles"])
    target = TARGET_S_PER_20000 * titles / 20_000
    print(f"titles: {titles}, copies: {first['copies']}, runs: {len(runs)} "
          "(each in a fresh interpreter)")
    print(f"build records (pymarc, baseline): {min(float(r['build']) for r in runs):6.2f} s")
    print(f"classify_records:                 {best:6.2f} s best, {median:.2f} s median "
          f"({1e6 * best / titles:.0f} µs/title); own budget ≤ {target:.2f} s: "
          f"{'met' if best <= target else 'NOT met'}")
    every = [float(r["classify_all"]) for r in runs]
    print(f"  every proposal written ({first['written_all']} titles, min_confidence = "
          f"unconfirmed): {min(every):.2f} s best, {statistics.median(every):.2f} s median")
    print(f"review sheet ({first['sheet_rows']} rows):        {float(first['sheet']):6.2f} s")
    print(f"sources: {first['sources']}; needing review: {first['review']}")


if __name__ == "__main__":
    main()
