"""Split the retail title corpus into a dev half and a held-out test half, by a fixed seed.

The split was made once, before any classification rule or model was written from
these titles, and is committed as data (``benchmarks/data/titles-dev.csv`` and
``titles-test.csv``). Rules and the title model are built from the dev half only; the
test half is read only by ``benchmarks/eval_classification.py``. Re-running this
script reproduces the same halves (``--check`` verifies the committed files).

    .venv/bin/python -m benchmarks.split_titles [--check]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOURCE = DATA / "school-titles.csv"
SEED = 20261203
HALVES = {"dev": DATA / "titles-dev.csv", "test": DATA / "titles-test.csv"}


def split() -> dict[str, list[dict[str, str]]]:
    """Each source row once, numbered (``row`` = its line in the source), in one half."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        rows = [{"row": str(n), **r} for n, r in enumerate(csv.DictReader(handle), start=2)]
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    cut = len(order) // 2
    return {
        "dev": [rows[i] for i in sorted(order[:cut])],
        "test": [rows[i] for i in sorted(order[cut:])],
    }


def _text(rows: list[dict[str, str]]) -> str:
    from io import StringIO

    out = StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed halves")
    args = parser.parse_args()
    halves = split()
    for name, rows in halves.items():
        text = _text(rows)
        if args.check:
            if HALVES[name].read_text(encoding="utf-8") != text:
                sys.exit(f"{HALVES[name]} differs from the split with seed {SEED}")
        else:
            HALVES[name].write_text(text, encoding="utf-8")
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
