"""A small naive Bayes title classifier, for titles no rule knows.

Trained at build time (``benchmarks/train_title_model.py``) on the dev half of the
retail title corpus (titles whose retail category names a DDC number in
``benchmarks/data/retail-categories.csv``, and the other titles a rule answers with
high confidence), and shipped as ``data/title-model.json``: per token, only the
classes it was seen with (so scoring a title touches a few dozen numbers). Features:
folded title words and word pairs, the author's name, each word of it (a surname or a
given name seen with other authors of the same field generalises where the full name
does not) and its origin (``classification.origin``), the publisher. The label
``fiction`` becomes a number by the author's origin. Confidence levels come from
probability thresholds calibrated by series-grouped cross-validation on the dev half
(see the model file's ``levels``); the held-out half measures them
(``benchmarks/eval_classification.py``)."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from classification.tables import DATA_DIR, fold

MODEL_FILE = DATA_DIR / "title-model.json"
FICTION = "fiction"
#: The number of a ``fiction`` guess, by the author's origin (None = no author).
FICTION_NUMBERS = {"vie": "895.9223", "jpn": "895.63", "kor": "895.73", "und": "823",
                   None: "895.9223"}


def features(title: str, author: str | None, origin: str | None,
             publisher: str | None) -> list[str]:
    """The tokens of one title (the same at training and at prediction)."""
    words = fold(title).split()
    tokens = [*words, *(f"{a}_{b}" for a, b in itertools.pairwise(words))]
    tokens.append(f"@origin:{origin or 'none'}")
    if author:
        name = fold(author)
        tokens.append(f"@author:{name}")
        tokens.extend(f"@aw:{word}" for word in name.split())
    if publisher:
        tokens.append(f"@publisher:{fold(publisher)}")
    return tokens


@dataclass(frozen=True)
class Guess:
    """The model's best number and the runner-up (another main class), with their
    probabilities."""

    number: str
    probability: float
    runner_up: str | None
    runner_up_probability: float


class TitleModel:
    """Multinomial naive Bayes over sparse per-token gains (pure Python: a title
    touches a few dozen numbers, fewer than numpy's per-call overhead)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.labels: list[str] = list(data["labels"])
        counts: list[int] = data["token_totals"]
        vocabulary = int(data["vocabulary"])
        alpha = float(data["alpha"])
        documents: list[int] = data["documents"]
        total = sum(documents)
        self.prior = [math.log(d / total) for d in documents]
        self.unseen = [math.log(alpha / (c + alpha * vocabulary)) for c in counts]
        # per token: (label index, log P(token|label) - log P(unseen token|label)) pairs
        self.gains: dict[str, tuple[tuple[int, float], ...]] = {
            token: tuple((int(k), math.log((n + alpha) / alpha)) for k, n in seen.items())
            for token, seen in data["tokens"].items()
        }
        # label → main class (a digit); fiction is always 8xx whatever the origin
        self.classes = sorted({self._main(label) for label in self.labels})
        self.members = [
            [n for n, label in enumerate(self.labels) if self._main(label) == klass]
            for klass in self.classes
        ]
        self._bases: dict[int, tuple[float, ...]] = {}
        self.levels: dict[str, float] = dict(data["levels"])
        self.temperature = float(data.get("temperature", 1.0))

    @staticmethod
    def _main(label: str) -> str:
        return "8" if label == FICTION else label[0]

    def guess(self, tokens: Iterable[str], origin: str | None) -> Guess:
        """The best number and the runner-up, ranked by main class first: a class's
        probability is the sum over its labels (evidence for 641.5 and 640 adds up)."""
        gains = self.gains
        known = [entries for t in tokens if (entries := gains.get(t)) is not None]
        scores = list(self._base(len(known)))
        for entries in known:
            for index, gain in entries:
                scores[index] += gain
        top = max(scores)
        scale = 1.0 / self.temperature
        exp = math.exp
        weights = [exp((score - top) * scale) for score in scores]
        mass = [sum(map(weights.__getitem__, members)) for members in self.members]
        total = sum(mass)
        first, second = _two_largest(mass)
        number = self._best_in(weights, first, origin)
        if second < 0:
            return Guess(number, mass[first] / total, None, 0.0)
        return Guess(number, mass[first] / total,
                     self._best_in(weights, second, origin), mass[second] / total)

    def _base(self, known: int) -> tuple[float, ...]:
        """Prior plus ``known`` unseen-token terms per label (the same for every title
        with that many known tokens: memoised)."""
        base = self._bases.get(known)
        if base is None:
            base = tuple(p + u * known for p, u in zip(self.prior, self.unseen, strict=True))
            self._bases[known] = base
        return base

    def _best_in(self, weights: list[float], klass: int, origin: str | None) -> str:
        """The likeliest label of one main class, as a number."""
        members = self.members[klass]
        return number_of(self.labels[max(members, key=weights.__getitem__)], origin)

    def confidence(self, probability: float) -> str:
        """The calibrated level of a probability (``unconfirmed`` below every threshold)."""
        for level in ("high", "medium", "low"):
            threshold = self.levels.get(level)
            if threshold is not None and probability >= threshold:
                return level
        return "unconfirmed"


def _two_largest(values: list[float]) -> tuple[int, int]:
    """Indexes of the largest and second largest value (-1 when there is one value)."""
    first, second = -1, -1
    for n, value in enumerate(values):
        if first < 0 or value > values[first]:
            first, second = n, first
        elif second < 0 or value > values[second]:
            second = n
    return first, second


def number_of(label: str, origin: str | None) -> str:
    """A guessed label as a DDC number (``fiction`` by the author's origin)."""
    return FICTION_NUMBERS.get(origin, "823") if label == FICTION else label


def load_model(path: Path = MODEL_FILE) -> TitleModel | None:
    """The model in ``path``, None when there is none (the model is optional)."""
    if not path.exists():
        return None
    return TitleModel(json.loads(path.read_text(encoding="utf-8")))


@cache
def default_model() -> TitleModel | None:
    """The bundled model, loaded once."""
    return load_model()
