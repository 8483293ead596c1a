"""Benchmark: ``marc.readers.read_acquisitions`` on 20,000-row supplier lists.

Times reading a UTF-8 CSV, a TCVN3-encoded CSV (whole file converted), an XLSX and a
TCVN3-typed XLSX (``.VnTime`` fonts: the sheet is decoded whole, fonts read with openpyxl) of the
same generated rows (best of N, caches cleared before each run), each against its floor: the
bare parse (``csv.reader`` over the decoded text; calamine ``to_python``) any reader pays.

    .venv/bin/python -m benchmarks.bench_readers [--rows 20000]
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from benchmarks.generate import write_csv, write_xlsx
from marc.legacy import detect_and_convert, unicode_to_tcvn3
from marc.readers import read_acquisitions


def _best_of(runs: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        detect_and_convert.cache_clear()  # every run starts cold
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def write_tcvn3_xlsx(source: Path, path: Path) -> None:
    """The XLSX re-typed in TCVN3: every text cell in ``.VnTime``, the title block in ``H``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    body, capitals = Font(name=".VnTime"), Font(name=".VnTimeH")
    for index, row in enumerate(load_workbook(source, read_only=True).active.values):
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, unicode_to_tcvn3(value.lower() if index < 2 else value))
                cell.font = capitals if index < 2 else body
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = folder / "list.csv", folder / "list.xlsx"
        tcvn3_path = folder / "list-tcvn3.csv"
        write_csv(csv_path, args.rows)
        write_xlsx(xlsx_path, args.rows)
        text = csv_path.read_text(encoding="utf-8-sig")
        tcvn3_path.write_bytes(unicode_to_tcvn3(text).encode("cp1252"))
        tcvn3_xlsx = folder / "list-tcvn3.xlsx"
        write_tcvn3_xlsx(xlsx_path, tcvn3_xlsx)

        def bare_csv() -> None:
            data = csv_path.read_text(encoding="utf-8-sig")
            list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))

        def bare_xlsx() -> None:
            book = CalamineWorkbook.from_path(str(xlsx_path))
            book.get_sheet_by_index(0).to_python(skip_empty_area=False)

        cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
            ("CSV UTF-8", lambda: read_acquisitions([csv_path]), bare_csv),
            ("CSV TCVN3", lambda: read_acquisitions([tcvn3_path]), bare_csv),
            ("XLSX", lambda: read_acquisitions([xlsx_path]), bare_xlsx),
            ("XLSX TCVN3", lambda: read_acquisitions([tcvn3_xlsx]), bare_xlsx),
        ]
        print(f"{args.rows} rows, best of {args.runs}")
        for name, ours, floor in cases:
            t_ours, t_floor = _best_of(args.runs, ours), _best_of(args.runs, floor)
            print(f"{name:10s}  read_acquisitions {t_ours:6.3f} s   bare parse {t_floor:6.3f} s"
                  f"   ({args.rows / t_ours:,.0f} rows/s)")
        counted = read_acquisitions([tcvn3_path])
        assert len(counted.rows) == args.rows, len(counted.rows)
        assert counted.rows[0].values["author"] == text.splitlines()[1].split(";")[2]
        # TCVN3 in .VnTime holds no toned capital ("Ánh" is typed "¸nh"): compare in lower case
        typed, plain = read_acquisitions([tcvn3_xlsx]), read_acquisitions([xlsx_path])
        lower = [{k: v.lower() for k, v in r.values.items()} for r in plain.rows]
        assert [{k: v.lower() for k, v in r.values.items()} for r in typed.rows] == lower


if __name__ == "__main__":
    main()
