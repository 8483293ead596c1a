"""Benchmark: ``marc.build.build_record`` against bare pymarc ``Field`` construction.

Both sides produce the same fields (same tags, indicators and subfield values) for a
title with 5 copies; the bare side gets every value precomputed, so it is the floor.
Then 22,000 such titles (110,000 copies) are built and written as ISO 2709 and
MARCXML, again against a bare pymarc loop writing the same records.

    .venv/bin/python -m benchmarks.bench_build [--titles 22000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from pymarc import Field, Indicators, MARCWriter, Record, Subfield, XMLWriter

from koha_bridge.config import Config
from marc.build import build_record
from marc.io import write_marcxml, write_mrc
from marc.model import Book, Copy, SourceRef, Title

TODAY = date(2025, 9, 5)
NOW = datetime(2025, 9, 5, 8, 0, 0)


def make_title(n: int) -> Title:
    source = SourceRef("Danh sách bổ sung 2025.xlsx", "Sách giáo khoa", n + 2)
    book = Book(
        source, f"Toán {n % 12 + 1}", "SGK", 5, subtitle="Sách giáo khoa",
        authors=("Hà Huy Khoái|tổng chủ biên", "Nguyễn Huy Đoan|chủ biên", "Cung Thế Anh"),
        publisher="Giáo dục Việt Nam", place="H.", year=2023, isbn="9786040000019",
        price=19000, pages=128, size="27 cm", volume="Tập 1", grade="6", subject="Toán",
        series="Kết nối tri thức với cuộc sống", class_number="510.712",
    )
    return Title(f"k{n}", book, [Copy(source, "SGK", i, 19000) for i in range(1, 6)])


def bare_factory(config: Config) -> Callable[[], Record]:
    """A function building the same record from precomputed values with plain pymarc."""
    template = build_record(make_title(0), config, today=TODAY, now=NOW)
    leader = str(template.leader)
    control = [(f.tag, f.data) for f in template.fields if f.control_field]
    data = [
        (f.tag, tuple(f.indicators or "  "), [(s.code, s.value) for s in f.subfields])
        for f in template.fields
        if not f.control_field
    ]

    def bare() -> Record:
        record = Record(leader=leader)
        fields = record.fields
        for tag, value in control:
            fields.append(Field(tag, data=value))
        for tag, (i1, i2), subs in data:
            fields.append(Field(tag, Indicators(i1, i2), [Subfield(c, v) for c, v in subs]))
        return record

    return bare


def per_call(fn: Callable[[], object], repeat: int, rounds: int = 5) -> float:
    """Microseconds per call: the best of ``rounds`` rounds (least disturbed by load)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat // rounds):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / (repeat // rounds) * 1e6


def timed(label: str, fn: Callable[[], int]) -> float:
    start = time.perf_counter()
    count = fn()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:7.2f} s  ({count} records)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--titles", type=int, default=22000)
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    config = Config()
    title = make_title(1)
    bare = bare_factory(config)

    print(f"One title with 5 copies, best of 5 rounds of {args.repeat // 5} calls:")
    ours = per_call(lambda: build_record(title, config, today=TODAY, now=NOW), args.repeat)
    floor = per_call(bare, args.repeat)
    print(f"  build_record            {ours:7.1f} µs")
    print(f"  bare pymarc Fields      {floor:7.1f} µs   (ratio {ours / floor:.2f})")

    titles = [make_title(n) for n in range(args.titles)]
    copies = sum(len(t.copies) for t in titles)
    print(f"\n{len(titles)} titles, {copies} copies, build + write:")

    def built() -> Iterator[Record]:
        return (build_record(t, config, today=TODAY, now=NOW) for t in titles)

    def bare_records() -> Iterator[Record]:
        return (bare() for _ in titles)

    def bare_write(writer_class: type, path: Path) -> int:
        n = 0
        with path.open("wb") as handle:
            writer = writer_class(handle)
            for record in bare_records():
                writer.write(record)
                n += 1
            writer.close(close_fh=False)
        return n

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("marc.build + marc.io.write_mrc", lambda: write_mrc(built(), out / "a.mrc"))
        timed("bare pymarc + MARCWriter", lambda: bare_write(MARCWriter, out / "b.mrc"))
        timed("marc.build + marc.io.write_marcxml", lambda: write_marcxml(built(), out / "a.xml"))
        timed("bare pymarc + XMLWriter", lambda: bare_write(XMLWriter, out / "b.xml"))
        timed("marc.build only", lambda: sum(1 for _ in built()))
        timed("bare pymarc Fields only", lambda: sum(1 for _ in bare_records()))


if __name__ == "__main__":
    main()
