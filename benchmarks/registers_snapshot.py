"""Fingerprint every register of one school (XLSX cell values, PDF words with positions).

Used to check that a speed change alters no output: save a snapshot before the change,
compare after it.

    .venv/bin/python -m benchmarks.registers_snapshot --store S.sqlite --library S07 \
        --today 2026-06-15 save before.json
    .venv/bin/python -m benchmarks.registers_snapshot ... compare before.json

The PDF side is ``pdftotext -bbox`` per page (every word with its box, so a moved
column shows too) plus ``pdftotext`` per page; the XLSX side is every sheet's cell values,
merged ranges, column widths and number formats (openpyxl).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

PAGE = re.compile(r"<page\b.*?</page>", re.S)


def _pdf(path: Path) -> dict[str, Any]:
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    plain = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    return {"bbox": PAGE.findall(bbox), "text": plain.split("\f")}


def _xlsx(path: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheets: dict[str, Any] = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = {
            "cells": [[None if c.value is None else str(c.value) for c in row]
                      for row in sheet.iter_rows()],
            "formats": sorted({(c.number_format, bool(c.font.b))
                               for row in sheet.iter_rows() for c in row}),
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items())},
            "freeze": sheet.freeze_panes,
        }
    return sheets


def snapshot(store_path: Path, library: str, today: date, year_text: str) -> dict[str, Any]:
    """Build the registers into a temporary folder and fingerprint each file."""
    from koha_bridge.config import Config
    from koha_bridge.registers.build import build_all, pdf_fonts, school_year
    from koha_bridge.store import Store

    config = Config()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, Store(store_path) as store:
        built = build_all(store, config, school_year(config, year_text), library, Path(tmp),
                          pdf_fonts(config), today=today)
        for b in built:
            out[b.register.key] = {"pdf": _pdf(b.pdf), "xlsx": json.loads(
                json.dumps(_xlsx(b.xlsx), default=str))}
    return out


def _differences(old: Any, new: Any, where: str = "") -> list[str]:
    if type(old) is not type(new):
        return [f"{where}: {type(old).__name__} → {type(new).__name__}"]
    if isinstance(old, dict):
        found = [f"{where}/{k}: missing on one side" for k in sorted(set(old) ^ set(new))]
        for key in sorted(set(old) & set(new)):
            found += _differences(old[key], new[key], f"{where}/{key}")
        return found
    if isinstance(old, list):
        if len(old) != len(new):
            return [f"{where}: {len(old)} → {len(new)} entries"]
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found += _differences(a, b, f"{where}[{index}]")
        return found
    return [] if old == new else [f"{where}: {old!r:.80} → {new!r:.80}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--library", required=True)
    parser.add_argument("--today", type=date.fromisoformat, required=True)
    parser.add_argument("--school-year", default="2025-2026")
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    current = snapshot(args.store, args.library, args.today, args.school_year)
    if args.action == "save":
        args.file.write_text(json.dumps(current, ensure_ascii=False))
        pages = {k: len(v["pdf"]["bbox"]) for k, v in current.items()}
        print(f"saved {args.file}: PDF pages {pages}")
        return
    found = _differences(json.loads(args.file.read_text()), current)
    for line in found[:40]:
        print(line)
    print(f"{len(found)} differences" if found else "identical: every register, XLSX and PDF")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
