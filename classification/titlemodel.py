"""A small naive Bayes title classifier, for titles no rule knows.

Trained at build time (``benchmarks/train_title_model.py``) on the dev half of the
retail title corpus, whose retail categories name a DDC number
(``benchmarks/data/retail-categories.csv``), and shipped as
``data/title-model.json``: per token, only the classes it was seen with (so scoring
a title touches a few dozen numbers). Features: folded title words and word pairs,
the author's name and its origin (``classification.origin``), the publisher. The
label ``fiction`` becomes a number by the author's origin. Confidence levels come
from probability thresholds calibrated by cross-validation on the dev half (see the
model file's ``levels``); the held-out half measures them
(``benchmarks/eval_classification.py``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

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
        tokens.append(f"@author:{fold(author)}")
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
    """Multinomial naive Bayes; per-token log-likelihood gains held as one matrix."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.labels: list[str] = list(data["labels"])
        counts: list[int] = data["token_totals"]
        vocabulary = int(data["vocabulary"])
        alpha = float(data["alpha"])
        documents = np.asarray(data["documents"], dtype=float)
        self.prior = np.log(documents / documents.sum())
        self.unseen = np.log(alpha / (np.asarray(counts, dtype=float) + alpha * vocabulary))
        tokens: dict[str, dict[str, int]] = data["tokens"]
        self.index = {token: row for row, token in enumerate(tokens)}
        # row = token, column = label: log P(token|label) - log P(unseen token|label)
        self.gains = np.zeros((len(tokens), len(self.labels)))
        for row, seen in enumerate(tokens.values()):
            for label_index, n in seen.items():
                self.gains[row, int(label_index)] = math.log((n + alpha) / alpha)
        # label → main class (a digit); fiction is always 8xx whatever the origin
        self.classes = sorted({self._main(label) for label in self.labels})
        self.membership = np.zeros((len(self.labels), len(self.classes)))
        for n, label in enumerate(self.labels):
            self.membership[n, self.classes.index(self._main(label))] = 1.0
        self.levels: dict[str, float] = dict(data["levels"])
        self.temperature = float(data.get("temperature", 1.0))

    @staticmethod
    def _main(label: str) -> str:
        return "8" if label == FICTION else label[0]

    def guess(self, tokens: Iterable[str], origin: str | None) -> Guess:
        """The best number and the runner-up, ranked by main class first: a class's
        probability is the sum over its labels (evidence for 641.5 and 640 adds up)."""
        index = self.index
        rows = [index[t] for t in tokens if t in index]
        scores = self.prior + self.unseen * len(rows)
        if rows:
            scores = scores + self.gains[rows].sum(axis=0)
        weights = np.exp((scores - scores.max()) / self.temperature)
        probabilities = weights / weights.sum()
        by_class = probabilities @ self.membership
        order = np.argsort(by_class)[::-1]
        first = int(order[0])
        number = self._best_in(probabilities, first, origin)
        if len(order) < 2:
            return Guess(number, float(by_class[first]), None, 0.0)
        second = int(order[1])
        return Guess(number, float(by_class[first]),
                     self._best_in(probabilities, second, origin), float(by_class[second]))

    def _best_in(self, probabilities: Any, klass: int, origin: str | None) -> str:
        """The likeliest label of one main class, as a number."""
        column = int(np.argmax(probabilities * self.membership[:, klass]))
        return number_of(self.labels[column], origin)

    def confidence(self, probability: float) -> str:
        """The calibrated level of a probability (``unconfirmed`` below every threshold)."""
        for level in ("high", "medium", "low"):
            threshold = self.levels.get(level)
            if threshold is not None and probability >= threshold:
                return level
        return "unconfirmed"


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
