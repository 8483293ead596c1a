"""Train the title model (``classification/data/title-model.json``) on the dev half.

Only ``benchmarks/data/titles-dev.csv`` is read: the held-out half stays untouched.
A dev title is a training example when its retail category names a main class in
``benchmarks/data/retail-categories.csv``; its label is that row's number, or
``fiction`` for literature (the number then follows the author's origin), and rows
of a main class without a number are left out. Confidence thresholds are calibrated
by 5-fold cross-validation on the dev half, grouped so that titles sharing their first
three words (a series, the volumes of one book) fall in one fold — otherwise a volume
is scored by a model that saw its sibling, and the thresholds promise more than unseen
titles get. Sorted by probability, the largest top
band whose main-class precision is at least 96 % is ``high``, the next band with at
least 91 % is ``medium``, the next with at least 75 % is ``low``.

    .venv/bin/python -m benchmarks.train_title_model
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from classification.origin import first_author, name_origin
from classification.tables import fold
from classification.titlemodel import FICTION, MODEL_FILE, TitleModel, features

DATA = Path(__file__).resolve().parent / "data"
ALPHA = 0.02  # chosen by the grouped cross-validation on the dev half
TEMPERATURE = 4.0  # softens naive Bayes' overconfident posteriors (ranking unchanged)
MIN_TOKEN_COUNT = 1
BANDS = (("high", 0.96), ("medium", 0.91), ("low", 0.75))
MIN_BAND = 20
SEED = 7


#: (tokens, label, main class, origin, cross-validation group) of a labelled title.
Example = tuple[list[str], str, str, str | None, str]


def examples() -> list[Example]:
    """The labelled dev titles."""
    with (DATA / "retail-categories.csv").open(encoding="utf-8", newline="") as handle:
        labels = {(r["retail_category_parent"], r["retail_category"]): r
                  for r in csv.DictReader(handle)}
    out = []
    with (DATA / "titles-dev.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["retail_category_parent"], row["retail_category"])
            spec = labels.get(key) or labels.get((key[0], "*"))
            if spec is None or not spec["main_class"]:
                continue
            main = spec["main_class"]
            label = FICTION if main == "800" else spec["number"]
            if not label:
                continue
            author = first_author(row["authors"]) or None
            origin = name_origin(author)
            out.append((features(row["title"], author, origin, row["supplier"]), label, main,
                        origin, group_of(row["title"])))
    return out


def train(rows: list[Example]) -> dict[str, object]:
    token_docs = Counter(t for tokens, *_ in rows for t in set(tokens))
    kept = {t for t, n in token_docs.items() if n >= MIN_TOKEN_COUNT}
    labels = sorted({label for _, label, *_ in rows})
    index = {label: n for n, label in enumerate(labels)}
    documents = [0] * len(labels)
    totals = [0] * len(labels)
    tokens: dict[str, dict[str, int]] = defaultdict(dict)
    for words, label, *_ in rows:
        k = index[label]
        documents[k] += 1
        for t in words:
            if t in kept:
                totals[k] += 1
                tokens[t][str(k)] = tokens[t].get(str(k), 0) + 1
    return {"labels": labels, "documents": documents, "token_totals": totals,
            "vocabulary": len(kept), "alpha": ALPHA, "tokens": dict(sorted(tokens.items())),
            "levels": {}, "temperature": TEMPERATURE}


def _main(number: str) -> str:
    return number[0] + "00"


def group_of(title: str) -> str:
    """The cross-validation group of a title: its first three folded words."""
    return " ".join(fold(title).split()[:3])


def folds(groups: list[str], count: int = 5) -> list[set[int]]:
    """``count`` folds of row indexes; rows of one group are never split."""
    members: dict[str, list[int]] = defaultdict(list)
    for n, group in enumerate(groups):
        members[group].append(n)
    keys = sorted(members)
    random.Random(SEED).shuffle(keys)
    out: list[set[int]] = [set() for _ in range(count)]
    for n, key in enumerate(keys):
        out[n % count].update(members[key])
    return out


def calibrate(rows: list[Example]) -> dict[str, float]:
    """Thresholds from grouped 5-fold cross-validation (each title scored by a model
    that saw neither it nor its series)."""
    scored: list[tuple[float, bool]] = []
    for held in folds([group for *_, group in rows]):
        model = TitleModel(train([r for n, r in enumerate(rows) if n not in held]))
        for n in held:
            tokens, _, main, origin, _ = rows[n]
            guess = model.guess(tokens, origin)
            scored.append((guess.probability, _main(guess.number) == main))
    scored.sort(reverse=True)
    levels: dict[str, float] = {}
    start = 0
    for level, target in BANDS:
        best = None
        right = 0
        for end in range(start, len(scored)):
            right += scored[end][1]
            size = end - start + 1
            if size >= MIN_BAND and right / size >= target:
                best = end
        if best is None:
            continue
        levels[level] = scored[best][0]
        band = scored[start:best + 1]
        print(f"{level:7s} p ≥ {scored[best][0]:.3f}: {sum(h for _, h in band)}/{len(band)} "
              f"= {sum(h for _, h in band) / len(band):.1%} (cross-validated on dev)")
        start = best + 1
    rest = scored[start:]
    if rest:
        print(f"below:  {sum(h for _, h in rest)}/{len(rest)}")
    return levels


def main() -> None:
    rows = examples()
    print(f"training titles (dev half, labelled): {len(rows)}")
    levels = calibrate(rows)
    model = train(rows)
    model["levels"] = levels
    model["trained_on"] = "benchmarks/data/titles-dev.csv (dev half only), seed split 20261203"
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n",
                          encoding="utf-8")
    print(f"{MODEL_FILE}: {MODEL_FILE.stat().st_size // 1024} KiB, "
          f"{len(model['labels'])} labels")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
