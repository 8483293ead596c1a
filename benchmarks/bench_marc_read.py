"""Benchmark: ``marc.io.read_records`` on a 20,000-record ISO 2709 file from elsewhere.

Times our reader (records cut by length and terminator, indicators checked, NFC, every
unreadable record reported) beside a bare pymarc ``MARCReader`` loop over the same file:
a clean UTF-8 file, the same with one broken record in a hundred, and the file in MARC-8.
Best of N, wall clock and CPU.

    .venv/bin/python -m benchmarks.bench_marc_read [--records 20000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pymarc import Field, Indicators, MARCReader, Record, Subfield

from marc.io import MarcReadReport, read_records
from tests.fixtures.make_marc_fixtures import iso2709, to_marc8


def _records(count: int) -> Iterator[Record]:
    for n in range(count):
        record = Record(leader="00000nam a2200000 a 4500")
        record.add_field(Field("001", data=f"KB{n:010d}"))
        record.add_field(Field("245", Indicators("1", "0"), [
            Subfield("a", f"Tiếng Việt lớp {n % 12 + 1}, tập {n} /"),
            Subfield("c", "Bùi Mạnh Hùng (tổng chủ biên)."),
        ]))
        for copy in range(5):
            record.add_field(Field("952", Indicators(" ", " "), [
                Subfield("a", "THCSND"), Subfield("p", f"TK{n * 5 + copy:07d}"),
            ]))
        yield record


def _marc8(count: int) -> bytes:
    return b"".join(
        iso2709("00000nam  2200000 a 4500", [
            ("001", f"M8-{n}".encode()),
            ("245", b"10\x1fa" + to_marc8(f"Tiếng Việt lớp {n % 12 + 1}, tập {n} /")
             + b"\x1fc" + to_marc8("Bùi Mạnh Hùng (tổng chủ biên).")),
        ])
        for n in range(count)
    )


def _best_of(runs: int, func: Callable[[], int]) -> tuple[float, float, int]:
    best_wall = best_cpu = float("inf")
    count = 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        count = func()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clean, broken, marc8 = (Path(tmp) / name for name in ("c.mrc", "b.mrc", "m.mrc"))
        chunks = [r.as_marc() for r in _records(args.records)]
        clean.write_bytes(b"".join(chunks))
        for n in range(0, len(chunks), 100):  # one record in a hundred: a letter in its length
            chunks[n] = b"0x" + chunks[n][2:]
        broken.write_bytes(b"".join(chunks))
        marc8.write_bytes(_marc8(args.records))

        def ours(path: Path) -> Callable[[], int]:
            def run() -> int:
                report = MarcReadReport()
                read = sum(1 for _ in read_records(path, report=report))
                assert report.read == read + len(report.skipped)
                return read
            return run

        def bare(path: Path, utf8: bool) -> Callable[[], int]:
            def run() -> int:
                with path.open("rb") as handle:
                    reader = MARCReader(handle, to_unicode=True, force_utf8=utf8)
                    return sum(1 for r in reader if r is not None)
            return run

        print(f"{args.records} records, best of {args.runs}")
        for name, path, utf8 in (("UTF-8", clean, True), ("UTF-8, 1% broken", broken, True),
                                 ("MARC-8", marc8, False)):
            runs = (("read_records", ours(path)), ("bare MARCReader", bare(path, utf8)))
            for label, func in runs:
                wall, cpu, count = _best_of(args.runs, func)
                print(f"{name:17s} {label:16s} {wall:6.3f} s  (CPU {cpu:6.3f} s)  "
                      f"{count} records")


if __name__ == "__main__":
    main()
