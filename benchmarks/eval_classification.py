"""Held-out evaluation of classification: coverage and main-class precision.

The titles of a half of the retail corpus (``--half test`` by default: the held-out
half that no rule or model was built from, see ``benchmarks/split_titles.py``) go
through the real pipeline as one supplier list (title, author, supplier as publisher,
quantity 1: what a delivery note carries) with the default configuration. Printed:

* coverage: the share of titles that come out shelf-ready (a class number written and
  a call number on every copy);
* main-class precision: among the shelf-ready titles whose retail category names a
  DDC main class (``benchmarks/data/retail-categories.csv``), the share whose number
  is in that main class; and the same per confidence level, for every proposal
  (written or sent to review), which is what ``min_confidence`` is chosen from;
* grade accuracy: among titles whose retail row gives a grade, the share whose
  grade found in the title is that grade.

    .venv/bin/python -m benchmarks.eval_classification [--half test|dev] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pymarc import Record

from classification.apply import Classified

if TYPE_CHECKING:
    from benchmarks.train_title_model import Example

DATA = Path(__file__).resolve().parent / "data"
LEVELS = ("high", "medium", "low", "unconfirmed")


@dataclass(frozen=True)
class Gold:
    main_class: str | None  # the DDC hundred, None = the category does not decide it
    grade: str | None  # "7" for "Lớp 7"


def gold_labels() -> dict[tuple[str, str], str | None]:
    """(parent, category) → main class; ``*`` as category covers a whole parent."""
    with (DATA / "retail-categories.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (r["retail_category_parent"], r["retail_category"]): r["main_class"] or None
            for r in csv.DictReader(handle)
        }


def read_half(half: str) -> list[dict[str, str]]:
    with (DATA / f"titles-{half}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def gold_of(row: dict[str, str], labels: dict[tuple[str, str], str | None]) -> Gold:
    parent, category = row["retail_category_parent"], row["retail_category"]
    key = (parent, category) if (parent, category) in labels else (parent, "*")
    grade = row["grade"].removeprefix("Lớp ").strip()
    return Gold(labels.get(key), grade if grade.isdigit() else None)


def write_list(rows: list[dict[str, str]], path: Path) -> None:
    """The titles as a supplier's delivery list (CSV, ';')."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            ["STT", "Tên sách", "Tác giả", "Nhà xuất bản", "ISBN", "Số lượng", "Đơn giá"]
        )
        for n, row in enumerate(rows, start=1):
            author = row["authors"].split(",")[0].strip()
            isbn = row["code"] if row["code_kind"].startswith("isbn") else ""
            writer.writerow([n, row["title"], author, row["supplier"], isbn, 1, 50000])


def run(rows: list[dict[str, str]]) -> list[tuple[int, Record, Classified]]:
    """Convert the list with the default configuration: (row index, record, what
    classification did) per input row (rows of one title share its record)."""
    from classification.apply import classify_records
    from classification.titles import book_hints
    from koha_bridge.acquisitions.pipeline import prepare, records
    from koha_bridge.config import Config
    from koha_bridge.store import Store
    from marc.build import record_id

    config = Config()
    unclassified = replace(config, classification=replace(config.classification, enabled=False))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "giao-hang.csv"
        write_list(rows, source)
        conversion = prepare([source], config)
        if conversion.rejected:
            raise SystemExit(f"{conversion.rejected} rows rejected: the list must convert")
        hints = {record_id(t): book_hints(t.book) for t in conversion.titles}
        with Store(Path(tmp) / "store.sqlite") as store:
            built = list(records(conversion, unclassified, store=store))
    out = []
    done = classify_records(built, config, hints)
    for title, (record, classified) in zip(conversion.titles, done, strict=True):
        for copy in title.copies:
            out.append((copy.source.row - 2, record, classified))  # row 1 is the header
    return sorted(out, key=lambda x: x[0])


def _main_class(number: str | None) -> str | None:
    return number[0] + "00" if number and number[:3].isdigit() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("test", "dev"), default="test")
    parser.add_argument("--errors", type=int, default=0,
                        help="list that many wrong written numbers (dev half only)")
    parser.add_argument("--by-source", action="store_true",
                        help="precision of each source (rule id, model...), no titles shown")
    parser.add_argument("--cv", action="store_true",
                        help="dev half only: each title scored by a title model trained on "
                             "the other folds (the honest figures to work on the rules with)")
    parser.add_argument("--unready", type=int, default=0,
                        help="list that many titles left for review (dev half only)")
    args = parser.parse_args()
    if (args.errors or args.unready or args.cv) and args.half == "test":
        raise SystemExit("--errors, --unready and --cv are for the dev half only")
    labels = gold_labels()
    rows = read_half(args.half)
    done = cross_validated(rows) if args.cv else run(rows)
    ready = right = judged = 0
    per_level: dict[str, Counter[str]] = {level: Counter() for level in LEVELS}
    grades = Counter[str]()
    sources: dict[str, Counter[str]] = {}
    by_gate: dict[str, Counter[str]] = {level: Counter() for level in LEVELS}
    errors: list[str] = []
    unready: list[str] = []
    for index, record, item in done:
        row = rows[index]
        gold = gold_of(row, labels)
        proposal = item.proposal
        shelf_ready = _shelf_ready(record, item)
        ready += shelf_ready
        if gold.main_class is not None and proposal is not None:
            c = per_level.setdefault(proposal.confidence, Counter())
            c["n"] += 1
            c["right"] += _main_class(proposal.number) == gold.main_class
            s = sources.setdefault(f"{proposal.source} ({proposal.confidence})", Counter())
            s["n"] += 1
            s["right"] += _main_class(proposal.number) == gold.main_class
        if gold.main_class is not None and shelf_ready and proposal is not None:
            judged += 1
            hit = _main_class(proposal.number) == gold.main_class
            right += hit
            if not hit and len(errors) < args.errors:
                errors.append(f"{proposal.number} ({proposal.source}) ≠ {gold.main_class}: "
                              f"{row['title']} [{row['retail_category']}]")
        for level in LEVELS:  # as if min_confidence were this level
            if proposal is not None and _rank(proposal.confidence) >= _rank(level):
                gate = by_gate[level]
                gate["ready"] += 1
                if gold.main_class is not None:
                    gate["n"] += 1
                    gate["right"] += _main_class(proposal.number) == gold.main_class
        if not shelf_ready and len(unready) < args.unready:
            unready.append(f"{proposal.number if proposal else '-'} "
                           f"({proposal.source + ' ' + proposal.confidence if proposal else ''})"
                           f" gold {gold.main_class}: {row['title']} / {row['authors']} "
                           f"[{row['retail_category_parent']} / {row['retail_category']}]")
        if gold.grade is not None:
            grades["ready"] += shelf_ready
            grades["n"] += 1
            grades["right"] += _digits(item.grade) == gold.grade
    total = len(rows)
    print(f"half: {args.half}, titles: {total}")
    print(f"coverage (shelf-ready, default config): {ready}/{total} = {ready / total:.1%}")
    print(f"main-class precision (shelf-ready titles with a labelled category): "
          f"{right}/{judged} = {right / max(judged, 1):.1%}")
    print("precision per confidence level (every proposal, labelled categories):")
    for level in LEVELS:
        c = per_level[level]
        print(f"  {level:12s} {c['right']:5d}/{c['n']:<5d} = {c['right'] / max(c['n'], 1):.1%}")
    print("with min_confidence = (coverage, main-class precision of what is written):")
    for level in LEVELS:
        g = by_gate[level]
        print(f"  {level:12s} {g['ready'] / total:6.1%}  {g['right']}/{g['n']} = "
              f"{g['right'] / max(g['n'], 1):.1%}")
    print(f"school titles (the retail row gives a grade): shelf-ready {grades['ready']}/"
          f"{grades['n']} = {grades['ready'] / max(grades['n'], 1):.1%}; grade found = retail "
          f"grade: {grades['right']}/{grades['n']} = {grades['right'] / max(grades['n'], 1):.1%}")
    if args.by_source:
        for name, c in sorted(sources.items(), key=lambda x: x[1]["right"] / x[1]["n"]):
            print(f"  {name:45s} {c['right']:4d}/{c['n']:<4d} = {c['right'] / c['n']:.0%}")
    for line in errors:
        print("  ", line)
    for line in unready:
        print("  ?", line)


def cross_validated(rows: list[dict[str, str]], levels: dict[str, float] | None = None
                    ) -> list[tuple[int, Record, Classified]]:
    """``run`` fold by fold, each fold classified with a title model trained on the
    dev titles of the other folds (series kept together, as in the calibration), with
    the shipped model's confidence thresholds or ``levels``."""
    from unittest import mock

    from benchmarks import train_title_model as training
    from classification import classnumber
    from classification.titlemodel import TitleModel

    labelled, extra = _training_examples()
    groups = [training.group_of(row["title"]) for row in rows]
    thresholds = levels or json.loads(training.MODEL_FILE.read_text(encoding="utf-8"))["levels"]
    out: list[tuple[int, Record, Classified]] = []
    for held in training.folds(groups):
        held_groups = {groups[n] for n in held}
        data = training.train([e for e in labelled + extra if e[4] not in held_groups])
        data["levels"] = thresholds
        model = TitleModel(data)
        fold_rows = sorted(held)
        classnumber._proposer.cache_clear()  # the next proposer takes the fold's model
        with mock.patch.object(classnumber, "default_model", return_value=model):
            done = run([rows[n] for n in fold_rows])
        classnumber._proposer.cache_clear()
        out.extend((fold_rows[index], record, item) for index, record, item in done)
    return sorted(out, key=lambda x: x[0])


@cache
def _training_examples() -> tuple[list[Example], list[Example]]:
    """The dev half's labelled and rule-labelled training titles (read once: the
    threshold search of ``train_title_model.loosen_low`` cross-validates many times)."""
    from benchmarks import train_title_model as training

    labelled, unlabelled = training.examples()
    return labelled, training.rule_examples(unlabelled)


def written(rows: list[dict[str, str]], done: list[tuple[int, Record, Classified]]
            ) -> tuple[float, float]:
    """Coverage (share shelf-ready) and main-class precision of what is written."""
    labels = gold_labels()
    ready = right = judged = 0
    for index, record, item in done:
        if not _shelf_ready(record, item):
            continue
        ready += 1
        gold = gold_of(rows[index], labels).main_class
        if gold is not None and item.proposal is not None:
            judged += 1
            right += _main_class(item.proposal.number) == gold
    return ready / len(rows), right / max(judged, 1)


def _shelf_ready(record: Record, item: Classified) -> bool:
    return not item.needs_review and bool(item.call_number) and all(
        i.get("o") for i in record.get_fields("952"))


def _rank(level: str) -> int:
    return LEVELS[::-1].index(level) if level in LEVELS else -1


def _digits(value: str | None) -> str | None:
    digits = "".join(c for c in value or "" if c.isdigit())
    return digits or None


if __name__ == "__main__":
    main()
