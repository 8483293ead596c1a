"""``classify_records`` with the proposing done in a second process.

Proposing a class number (school titles, rules, the title model) needs only what
``scan_record`` read and the list's hints, so batches of scans go to a worker process
while the caller builds the next records; each record is written here, in order, with
the worker's decision: the outcome is exactly that of ``classify_records``, whichever
process decides a batch. A short run uses no worker.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from typing import Any

from pymarc import Field, Indicators, Record, Subfield

from classification.apply import Classified, Classifier, Decision, record_id
from classification.recordscan import Hints, RecordScan, scan_record
from marc.settings import Settings

BATCH = 500  # records a worker task decides
SENT = 3  # batches with the worker at a time
AHEAD = 8  # batches built and not yet written

_Plain = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]  # a data field, picklable
_Batch = list[tuple[Record, str, RecordScan, Hints | None]]


def classify_aside(
    records: Iterable[Record], config: Settings, hints: Mapping[str, Hints], *, count: int
) -> Iterator[tuple[Record, Classified]]:
    """Classify ``count`` records as ``classify_records`` does (streaming, in order).

    A batch is decided here while the worker starts, or when it has ``SENT`` batches
    still to decide: the caller never waits for it, unless ``AHEAD`` batches are built.
    """
    classifier = Classifier(config)
    stream = iter(records)
    if count <= 2 * BATCH:
        for record in stream:
            rid = record_id(record)
            yield record, classifier._classify(record, rid, hints.get(rid))
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"),
                             initializer=_start, initargs=(config,)) as worker:
        ready = worker.submit(int)  # done once the worker has started
        pending: deque[tuple[Future[list[Decision]], _Batch]] = deque()
        sent: set[Future[list[Decision]]] = set()
        while batch := [(r, rid, scan_record(r), hints.get(rid))
                        for r in islice(stream, BATCH) for rid in (record_id(r),)]:
            sent = {f for f in sent if not f.done()}
            if ready.done() and len(sent) < SENT:
                future = worker.submit(_decide, [(_pack(b[2]), b[3]) for b in batch])
                sent.add(future)
            else:
                future = Future()
                future.set_result([classifier.decide(scan, h) for _, _, scan, h in batch])
            pending.append((future, batch))
            while pending and (pending[0][0].done() or len(pending) >= AHEAD):
                yield from _written(classifier, *pending.popleft())
        while pending:
            yield from _written(classifier, *pending.popleft())


def _written(
    classifier: Classifier, future: Future[list[Decision]], batch: _Batch
) -> Iterator[tuple[Record, Classified]]:
    for (record, rid, scan, _), decision in zip(batch, future.result(), strict=True):
        yield record, classifier.write(record, rid, scan, decision)


# -- in the worker process ---------------------------------------------------------------
_classifier: Classifier | None = None


def _start(config: Settings) -> None:
    global _classifier
    _classifier = Classifier(config)


def _decide(wire: list[tuple[tuple[Any, ...], Hints | None]]) -> list[Decision]:
    """One batch of decisions (scans as ``_pack`` sent them)."""
    assert _classifier is not None, "the worker starts with _start"
    decide = _classifier.decide
    return [decide(_unpack(scan), hints) for scan, hints in wire]


# -- a scan as plain values (pickling pymarc fields costs more than proposing) -----------
def _pack(scan: RecordScan) -> tuple[Any, ...]:
    return (
        scan.found, scan.language, scan.title_a, scan.title_more, scan.title_parts,
        scan.subject_texts, scan.original_languages,
        [_plain(f) for f in scan.class_fields],
        {tag: _plain(f) for tag, f in scan.headings.items()},
        scan.publisher,
    )


def _unpack(wire: tuple[Any, ...]) -> RecordScan:
    (found, language, title_a, title_more, title_parts, texts, original, classes, headings,
     publisher) = wire
    return RecordScan(
        found, language, title_a, title_more, title_parts, texts, original,
        [_field(f) for f in classes], {tag: _field(f) for tag, f in headings.items()},
        publisher,
    )


def _plain(field: Field) -> _Plain:
    subfields = tuple((s.code, s.value) for s in field.subfields)
    return field.tag, tuple(field.indicators or ()), subfields


def _field(plain: _Plain) -> Field:
    tag, indicators, subfields = plain
    return Field(tag, Indicators(*indicators) if indicators else None,
                 [Subfield(code, value) for code, value in subfields])
