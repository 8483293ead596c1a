"""Classifying a conversion's titles before their records are built.

Proposing reads a title's bibliographic fields, never its copies (their collection, a
hint, is the list's category). ``TitleDecider`` decides each title on its core record
(``marc.build.core_record``), so the conversion builds the full record with the class
number and call number already in it (082/084, 942 $2 and every 952 $o/$2 come out of
``marc.build``; ``Classifier.write_built`` adds the rest).
A long list is decided by a worker process, ahead of the records being built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import Any

from classification.apply import Classifier, Decided
from classification.authormark import STRATEGIES
from classification.recordscan import Hints
from marc.build import core_record, record_id
from marc.model import Book, ClassNumber, SourceRef, Title
from marc.settings import Settings
from marc.workers import worker_pool

BATCH_TITLES = 500
WORKER_TITLES = 3000  # below this, starting a second process costs more than it saves

_BOOK_FIELDS = tuple(f.name for f in fields(Book) if f.name not in ("source", "warnings", "notes"))
_book_values = attrgetter(*_BOOK_FIELDS)
_NOWHERE = SourceRef("", None, 0)  # proposing never reads where a row came from
# a title's key, its book's values (_BOOK_FIELDS) and copied number: tuples, which
# pickle ten times faster than the dataclasses
_Job = tuple[str, tuple[Any, ...], ClassNumber | None]
_classifier: Classifier | None = None  # the worker process's own


def book_hints(book: Book, copied: ClassNumber | None = None) -> Hints:
    """What the list said of a title, and the number copy cataloguing found for it."""
    return Hints(class_number=book.class_number, subject=book.subject, grade=book.grade,
                 category=book.category, series=book.series, language=book.language,
                 copied=copied)


class TitleDecider:
    """Decides a conversion's titles in order, with a worker process for a long list.

    ``start`` the worker as soon as the list is known to be long (it loads while the
    rows are normalised); ``decide`` streams the decisions; leaving the ``with`` block
    (or ``close``) stops the worker. The worker has its own classifier for the same
    settings, so custom author-mark strategies keep everything in this process.
    """

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self._worker: ProcessPoolExecutor | None = None
        self._started: Future[int] | None = None

    def __enter__(self) -> TitleDecider:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker process (once)."""
        if self._worker is None and self.classifier.strategies is STRATEGIES:
            self._worker = worker_pool(initializer=_start, initargs=(self.classifier.config,))
            self._started = self._worker.submit(int)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(cancel_futures=True)
            self._worker = self._started = None

    def decide(
        self, titles: Sequence[Title], *, today: date,
        copied: Mapping[str, ClassNumber] | None = None,
    ) -> Iterator[Decided]:
        """One decision per title, with the list's hints (``book_hints``) and copy
        cataloguing's numbers (``copied``, by record id).

        Once the worker has started, it is handed this batch and every later one; a batch
        it has not taken yet when its turn comes is decided here.
        """
        numbers = copied or {}
        batches = [titles[start:start + BATCH_TITLES]
                   for start in range(0, len(titles), BATCH_TITLES)]
        worker, started = self._worker, self._started
        ahead: dict[int, Future[list[Decided]]] = {}
        try:
            for n, batch in enumerate(batches):
                if worker is not None and started is not None and not ahead \
                        and started.done():
                    ahead = {m: worker.submit(_decide_there, _jobs(batches[m], numbers), today)
                             for m in range(n + 1, len(batches))}
                future = ahead.get(n)
                if future is None or future.cancel():
                    yield from _decide(self.classifier, _jobs(batch, numbers), today)
                else:
                    yield from future.result()
        finally:  # stopped early: the worker does not go on with the batches left
            for future in ahead.values():
                future.cancel()


def _jobs(titles: Sequence[Title], copied: Mapping[str, ClassNumber]) -> list[_Job]:
    """What proposing reads of each title: its book (and copy cataloguing's number)."""
    return [(t.key, _book_values(t.book), copied.get(record_id(t)) if copied else None)
            for t in titles]


def _decide(classifier: Classifier, jobs: list[_Job], today: date) -> list[Decided]:
    config = classifier.config
    decided = []
    for key, values, copied in jobs:
        book = Book(_NOWHERE, **dict(zip(_BOOK_FIELDS, values, strict=True)))
        title = Title(key, book)
        record = core_record(title, config, today=today)
        decided.append(classifier.decide(record, record_id(title), book_hints(book, copied)))
    return decided


def _start(config: Settings) -> None:
    global _classifier
    _classifier = Classifier(config)


def _decide_there(jobs: list[_Job], today: date) -> list[Decided]:
    assert _classifier is not None, "the worker's initializer sets the classifier"
    return _decide(_classifier, jobs, today)
