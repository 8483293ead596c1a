"""Benchmark: classification alone on 20,000 titles (~110,000 copies).

Builds records shaped like ``marc/build.py`` output from the same generated supplier
rows as ``bench_convert`` (pymarc only), then times: building them (the baseline),
``classify_records`` over them (class numbers, author marks, every 952 $o), and
writing the review sheet of the titles that need review.

    .venv/bin/python -m benchmarks.bench_classify [--rows 20000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

from benchmarks.generate import rows
from classification.apply import Hints, classify_records
from classification.review import write_review_sheet
from koha_bridge.config import Config


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    start = time.perf_counter()
    records, hints = build(args.rows)
    built = time.perf_counter() - start
    copies = sum(len(r.get_fields("952")) for r in records)

    config = Config()
    start = time.perf_counter()
    items = [item for _, item in classify_records(records, config, hints)]
    classified = time.perf_counter() - start

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sheet_rows = write_review_sheet(
            (i for i in items if i.needs_review), Path(tmp) / "review.xlsx")
    sheet = time.perf_counter() - start

    sources = Counter(i.proposal.source.split(":")[0] if i.proposal else "none" for i in items)
    print(f"titles: {len(records)}, copies: {copies}")
    print(f"build records (pymarc, baseline): {built:6.2f} s")
    print(f"classify_records:                 {classified:6.2f} s "
          f"({1e6 * classified / len(records):.0f} µs/title)")
    print(f"review sheet ({sheet_rows} rows):        {sheet:6.2f} s")
    print(f"sources: {dict(sources)}; needing review: {sum(i.needs_review for i in items)}")


if __name__ == "__main__":
    main()
