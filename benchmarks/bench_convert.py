"""Benchmark: ``acquisitions convert`` on 20,000 lines (~110,000 copies), CSV and XLSX.

Side by side in one run: a bare pymarc loop that writes the same biblio fields and
the same number of 952 fields with no validation; conversion alone; conversion with
classification and accession numbering; and Catmandu when it is installed.
Each run is a separate process, so its peak memory (max RSS) is its own. Each is run
``--repeat`` times, interleaved, into a fresh store each time; the best and the median
times are shown, and for classification + numbering also the median of each round's
full run against the same round's conversion-only run (the figure of record: the
machine's speed drifts less within a round than across rounds).

    .venv/bin/python -m benchmarks.bench_convert [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from benchmarks.generate import write_csv, write_xlsx

PLAIN = "convert CSV (conversion only)"
FULL = "convert CSV + classify + number"
CONFIG_PLAIN = """
[classification]
enabled = false
[accession]
enabled = false
"""


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


RDA_TYPES = (
    ("336", "text", "txt", "rdacontent"),
    ("337", "unmediated", "n", "rdamedia"),
    ("338", "volume", "nc", "rdacarrier"),
)


def bare_loop(csv_path: str, out_path: str) -> None:
    """The baseline: same fields, no validation, no normalisation."""
    from pymarc import Field, Indicators, Leader, Record, Subfield

    today = date.today()
    with open(csv_path, encoding="utf-8-sig", newline="") as src, open(out_path, "wb") as out:
        reader = csv.reader(src, delimiter=";")
        next(reader)
        for n, row in enumerate(reader):
            _, title, author, publisher, place, year, isbn, price, qty = row[:9]
            subject, grade = row[10], row[11]
            record = Record(leader=Leader("     nam a22     7i 4500"))
            record.add_field(
                Field(tag="001", data=f"KB{n:012d}"),
                Field(tag="003", data="MAU"),
                Field(tag="005", data=datetime.now().strftime("%Y%m%d%H%M%S.0")),
                Field(tag="008", data=f"{today:%y%m%d}s{year}    vm            000 0 vie d"),
                Field(tag="020", indicators=Indicators(" ", " "),
                      subfields=[Subfield("a", isbn), Subfield("c", price + "đ")]),
                Field(tag="040", indicators=Indicators(" ", " "), subfields=[
                    Subfield("a", "MAU"), Subfield("b", "vie"), Subfield("c", "MAU"),
                    Subfield("e", "rda")]),
                Field(tag="100", indicators=Indicators("0", " "),
                      subfields=[Subfield("a", author)]),
                Field(tag="245", indicators=Indicators("1", "0"),
                      subfields=[Subfield("a", title + " /"), Subfield("c", author + ".")]),
                Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
                    Subfield("a", place + " :"), Subfield("b", publisher + ","),
                    Subfield("c", year + ".")]),
                Field(tag="300", indicators=Indicators(" ", " "),
                      subfields=[Subfield("a", "120 tr. ;"), Subfield("c", "24 cm.")]),
                *[Field(tag=tag, indicators=Indicators(" ", " "), subfields=[
                    Subfield("a", a), Subfield("b", b), Subfield("2", source)])
                  for tag, a, b, source in RDA_TYPES],
                Field(tag="521", indicators=Indicators(" ", " "),
                      subfields=[Subfield("a", f"Lớp {grade}")]),
                Field(tag="942", indicators=Indicators(" ", " "), subfields=[Subfield("c", "STK")]),
            )
            if subject:
                record.add_field(Field(tag="653", indicators=Indicators(" ", " "),
                                       subfields=[Subfield("a", subject)]))
            for copy in range(1, int(qty) + 1):
                record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
                    Subfield("a", "MAU"), Subfield("b", "MAU"), Subfield("d", today.isoformat()),
                    Subfield("e", "mua"), Subfield("g", price.replace(".", "")),
                    Subfield("v", price.replace(".", "")), Subfield("y", "STK"),
                    Subfield("8", "TK"), Subfield("t", str(copy)),
                    Subfield("x", f"koha-bridge: list.csv dòng {n + 2}")]))
            out.write(record.as_marc())


def catmandu_fix(max_copies: int = 10) -> str:
    """A Catmandu fix writing the bare loop's fields, with one 952 per copy.

    Catmandu's fix language has no counted loop, so copy n is added when
    ``quantity > n - 1`` (the generated lists have 1 to 10 copies a line).
    """
    today = date.today().isoformat()
    lines = [
        "marc_add('003', _, 'MAU')",
        f"marc_add('008', _, '{date.today():%y%m%d}s2020    vm            000 0 vie d')",
        "marc_add('020', a, $.isbn, c, $.price)",
        "marc_add('040', a, 'MAU', b, 'vie', c, 'MAU', e, 'rda')",
        "marc_add('100', ind1, '0', a, $.author)",
        "marc_add('245', ind1, '1', ind2, '0', a, $.title, c, $.author)",
        "marc_add('264', ind2, '1', a, $.place, b, $.publisher, c, $.year)",
        "marc_add('300', a, '120 tr. ;', c, '24 cm.')",
        *(f"marc_add('{tag}', a, '{a}', b, '{b}', 2, '{source}')"
          for tag, a, b, source in RDA_TYPES),
        "marc_add('521', a, $.grade)",
        "marc_add('653', a, $.subject)",
        "marc_add('942', c, 'STK')",
    ]
    for n in range(1, max_copies + 1):
        lines += [
            f"if greater_than(quantity, {n - 1})",
            f"  marc_add('952', a, 'MAU', b, 'MAU', d, '{today}', e, 'mua', g, $.price, "
            f"v, $.price, y, 'STK', 8, 'TK', t, '{n}', x, 'koha-bridge: list.csv')",
            "end",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each, interleaved; the best and the median are shown")
    args = parser.parse_args()
    kb = str(Path(sys.executable).with_name("koha-bridge"))
    root = Path(__file__).resolve().parents[1]
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        csv_path, xlsx_path = work / "list.csv", work / "list.xlsx"
        write_csv(csv_path, args.rows)
        write_xlsx(xlsx_path, args.rows)
        (work / "plain.toml").write_text(CONFIG_PLAIN, encoding="utf-8")
        (work / "full.toml").write_text("", encoding="utf-8")
        py = sys.executable
        runs: dict[str, tuple[list[str], Path]] = {
            "bare pymarc loop (CSV)": (
                [py, "-c", f"from benchmarks.bench_convert import bare_loop; "
                 f"bare_loop({str(csv_path)!r}, {str(work / 'bare.mrc')!r})"], root),
            **{f"convert {name} (conversion only)": (
                [kb, "-q", "--config", "plain.toml", "acquisitions", "convert", str(src),
                 "--out", f"plain-{name}.mrc"], work)
               for name, src in (("CSV", csv_path), ("XLSX", xlsx_path))},
            FULL: ([kb, "-q", "--config", "full.toml", "--db", "bench.sqlite", "acquisitions",
                    "convert", str(csv_path), "--out", "full.mrc"], work),
        }
        if shutil.which("catmandu"):
            (work / "fix.txt").write_text(catmandu_fix(), encoding="utf-8")
            runs["catmandu convert CSV to MARC"] = ([
                "catmandu", "convert", "CSV", "--file", str(csv_path), "--sep_char", ";",
                "--fields",
                "stt,title,author,publisher,place,year,isbn,price,quantity,total,subject,"
                "grade,category,pages,size", "--header", "1", "to", "MARC", "--type", "ISO",
                "--fix", "fix.txt"], work)
        times: dict[str, list[float]] = {name: [] for name in runs}
        peaks: dict[str, float] = dict.fromkeys(runs, 0.0)
        for _ in range(args.repeat):
            for name, (cmd, cwd) in runs.items():
                for store in work.glob("bench.sqlite*"):  # numbering into a fresh store
                    store.unlink()
                seconds, peak = run(cmd, cwd)
                times[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
        best = {name: min(t) for name, t in times.items()}
        middle = {name: statistics.median(t) for name, t in times.items()}
        base = best["bare pymarc loop (CSV)"]
        with csv_path.open(encoding="utf-8-sig") as handle:
            lines = sum(1 for _ in handle) - 1
        print(f"{args.rows} lines, {lines} data rows; wall clock, one process each, "
              f"{args.repeat} runs interleaved")
        print(f"{'run':40} {'best s':>7} {'median':>7} {'× bare':>7} {'peak MB':>8}")
        for name in runs:
            print(f"{name:40} {best[name]:7.2f} {middle[name]:7.2f} {best[name] / base:7.2f} "
                  f"{peaks[name]:8.0f}")
        if "catmandu convert CSV to MARC" in best:
            ratio = best["catmandu convert CSV to MARC"] / best[PLAIN]
            print(f"catmandu / koha-bridge (CSV, conversion only): {ratio:.2f}")
        for label, pick in (("best", best), ("median", middle)):
            added = 100 * (pick[FULL] - pick[PLAIN]) / pick[PLAIN]
            print(f"classification + numbering add {added:.0f}% to conversion time ({label}; "
                  "target ≤ 50%)")
        # each round's full run against that round's conversion-only run, a few seconds
        # apart: the machine's speed drifts less within a round than across them
        rounds = sorted(100 * (f - p) / p for f, p in zip(times[FULL], times[PLAIN], strict=True))
        print(f"per round: median {statistics.median(rounds):.0f}% "
              f"(rounds {', '.join(f'{r:.0f}' for r in rounds)}%)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
