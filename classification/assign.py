"""Pipeline stage: accession numbers into 952 $i and barcodes into 952 $p.

Each copy (952) is keyed by ``item_key``: (delivery, title, copy index), written
``<001>|TQ<register number>|<952 $t>`` with the delivery's register number from the
delivery note in 952 $x (``marc.itemnote``), so converting the same delivery again
gives the same numbers and another delivery of the same titles new ones. A copy with
another $x is keyed ``<001>|<952 $x>|<952 $t>`` (an $x of before deliveries finds the
key its copy was migrated to, ``legacy_copies``), one without $x
``<001>|<ordinal of the 952>``. A copy that already has $i
keeps it (and its $p); a number of ours found there is recorded as taken. With
``barcode = "accession"``, a $p in one of our formats is the copy's number: it is
copied to $i and kept the same way. The copy's series is the category whose
collection code (or code) is 952 $8, else whose item type is 952 $y. Records are
numbered in batches, one store transaction per batch, and leave the stage only
after their numbers are committed. Within a batch, the copies to number are numbered
together (``AccessionBook.allocate_many``: one lookup of their keys, one ``take`` per
series, one insert); before a record whose copies bring a number or barcode of their
own reads the store, the copies before it are numbered, so the outcome is exactly
that of numbering record by record. Problems (unknown category, a number or barcode
held by another copy) go to ``AssignReport.problems``; no new number is given then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pymarc import Field, Record, Subfield

from classification.accession import AccessionBook, Issued, Request
from classification.barcodes import code128_problem
from koha_bridge.config import Config
from koha_bridge.store import Store
from marc.build import record_id, set_item_subfield
from marc.itemnote import parse_delivery_note
from marc.model import Copy, Title
from marc.workers import worker_pool

BATCH_RECORDS = 500
BATCH_TITLES = 2000
FIRST_BATCH_TITLES = 500  # numbered in-process while the worker process starts


@dataclass
class AssignReport:
    """What ``assign_accessions`` did; ``problems`` are Vietnamese, one line per copy."""

    records: int = 0
    copies: int = 0
    assigned: int = 0  # new numbers handed out
    reused: int = 0  # the copy's item_key already had a number (re-conversion)
    kept: int = 0  # copies that came with their own $i
    registered: int = 0  # of those, numbers of our series newly recorded as taken
    problems: list[str] = field(default_factory=list)


def copy_key(record_id: str, register_number: int, copy: int | str) -> str:
    """The item key of copy ``copy`` of title ``record_id`` in delivery ``register_number``."""
    return f"{record_id}|TQ{register_number}|{copy}"


def item_key(record_id: str, item: Field, ordinal: int) -> str:
    """The idempotency key of one copy (``ordinal`` counts the record's 952s from 1)."""
    return _key(record_id, item.get("x"), item.get("t"), ordinal)


def _key(record_id: str, note: str | None, copy: str | None, ordinal: int) -> str:
    if not note:
        return f"{record_id}|{ordinal}"
    delivery = parse_delivery_note(note)
    if delivery is not None and delivery.register_number is not None and copy:
        return copy_key(record_id, delivery.register_number, copy)
    return f"{record_id}|{note}|{copy or ''}"


def numbered_titles(
    titles: Sequence[Title],
    store: Store,
    config: Config,
    *,
    register_number: int,
    report: AssignReport | None = None,
    batch: int = BATCH_TITLES,
) -> Iterator[Title]:
    """Yield titles about to be built once their copies have accession numbers and barcodes.

    The copies are those of delivery ``register_number`` (their item keys say so).

    The conversion's fast path: the same numbers, item keys and store rows as
    ``assign_accessions`` on the built records, without reading the records back. The
    first batch is numbered here; when there are more, a worker process numbers them in
    order (through its own connection to the same store) while the caller builds.
    """
    if not config.accession.enabled:
        yield from titles
        return
    report = report if report is not None else AssignReport()
    book = AccessionBook(store, config)  # refuses a bad prefix before any work
    first, rest = titles[:FIRST_BATCH_TITLES], titles[FIRST_BATCH_TITLES:]
    if not rest:
        requests, copies = _requests(first, register_number, report)
        _apply(book.allocate_many(requests), copies, report)
        yield from first
        return
    with worker_pool() as worker:
        worker.submit(int)  # start the process while the first batch is numbered here
        requests, copies = _requests(first, register_number, report)
        _apply(book.allocate_many(requests), copies, report)
        batches = [rest[start:start + batch] for start in range(0, len(rest), batch)]
        pending = []
        for chunk in batches:
            requests, copies = _requests(chunk, register_number, report)
            pending.append((worker.submit(_allocate, store.path, config, requests), copies))
        yield from first
        for chunk, (future, copies) in zip(batches, pending, strict=True):
            _apply(future.result(), copies, report)
            yield from chunk


def _apply(given: list[Issued], copies: list[Copy], report: AssignReport) -> None:
    reused = 0
    for copy, (accession, barcode, again) in zip(copies, given, strict=True):
        copy.accession, copy.barcode = accession, barcode
        reused += again
    report.reused += reused
    report.assigned += len(given) - reused


def _requests(
    titles: Sequence[Title], register_number: int, report: AssignReport
) -> tuple[list[Request], list[Copy]]:
    """One request per title and category for the copies still without a number."""
    requests: list[Request] = []
    copies: list[Copy] = []
    for title in titles:
        rid = record_id(title)
        report.records += 1
        report.copies += len(title.copies)
        groups: dict[str, list[Copy]] = {}
        for copy in title.copies:
            if copy.accession:
                report.kept += 1
            else:
                groups.setdefault(copy.category, []).append(copy)
        for category, group in groups.items():
            keys = [copy_key(rid, register_number, c.copy_number) for c in group]
            requests.append(Request(category, keys, rid))
            copies.extend(group)
    return requests, copies


def _allocate(path: Path, config: Config, requests: list[Request]) -> list[Issued]:
    """In the worker process: one batch of requests in one transaction."""
    with Store(path) as store:
        return AccessionBook(store, config).allocate_many(requests)


def assign_accessions(
    records: Iterable[Record],
    store: Store,
    config: Config,
    *,
    report: AssignReport | None = None,
    batch: int = BATCH_RECORDS,
) -> Iterator[Record]:
    """Fill 952 $i/$p of every copy that has none, in place, and yield each record."""
    if not config.accession.enabled:
        yield from records
        return
    stage = _Stage(AccessionBook(store, config), config, report or AssignReport())
    pending: list[Record] = []
    for record in records:
        pending.append(record)
        if len(pending) >= batch:
            yield from stage.flush(pending)
            pending = []
    yield from stage.flush(pending)


class _Stage:
    """Numbers records; copies of records that need no store reads are numbered together."""

    def __init__(self, book: AccessionBook, config: Config, report: AssignReport) -> None:
        self.book = book
        self.report = report
        self.barcode_is_accession = config.accession.barcode == "accession"
        self.by_collection: dict[str | None, str] = {}  # 952 $8 → category
        self.by_type: dict[str | None, str] = {}  # 952 $y → category
        for cat in config.categories:
            self.by_collection.setdefault(cat.collection, cat.code)
            self.by_collection.setdefault(cat.code, cat.code)
            self.by_type.setdefault(cat.item_type, cat.code)
        self.requests: list[Request] = []  # not numbered yet
        self.items: list[Field] = []  # their 952s, in order
        self.own: list[bool] = []  # per 952: it has a barcode ($p) of its own

    def flush(self, records: list[Record]) -> list[Record]:
        with self.book.store.atomic():
            for record in records:
                self.number(record)
            self.allocate()
        return records

    def allocate(self) -> None:
        """Number the pending requests together and write the numbers into their 952s."""
        if not self.requests:
            return
        reused = 0
        given = self.book.allocate_many(self.requests)
        for item, own, (accession, barcode, again) in zip(self.items, self.own, given,
                                                          strict=True):
            _fill(item, accession, None if own else barcode)
            reused += again
        self.report.reused += reused
        self.report.assigned += len(given) - reused
        self.requests, self.items, self.own = [], [], []

    def number(self, record: Record) -> None:
        """Check one record's copies; those to number join the pending requests."""
        report = self.report
        report.records += 1
        control = record.get("001")
        rid = control.data.strip() if control is not None and control.data else None
        items = record.get_fields("952")
        if rid is None and items:
            report.problems.append(
                f"{_where(record, rid)}: không có mã biểu ghi (001), số ĐKCB sẽ được cấp mới"
                " mỗi lần chạy"
            )
        report.copies += len(items)
        todo: dict[str, tuple[list[Field], list[str | None], list[str | None]]] = {}
        pending_barcodes: dict[str, str] = {}  # existing $p of this record's copies → owner
        for ordinal, item in enumerate(items, start=1):
            subs = {code: value for code, value in reversed(item.subfields)}  # first value wins
            key = _key(rid, subs.get("x"), subs.get("t"), ordinal) if rid else None
            if key is not None and "|koha-bridge: " in key:
                key = self.migrated(key)
            accession, barcode = subs.get("i"), subs.get("p")
            if accession or barcode:
                self.allocate()  # the store is read below: it must hold every number so far
                if not accession and barcode and self.barcode_is_accession and (
                    self.book.format.match(barcode) is not None
                ):
                    accession = barcode  # its label already carries one of our numbers
                    _fill(item, accession, None)
                if accession:
                    copy = _copy(record, rid, item, ordinal)
                    self.keep(item, accession, barcode, key, rid, copy)
                    continue
            category = self.by_collection.get(subs.get("8")) or self.by_type.get(subs.get("y"))
            if category is None:
                report.problems.append(
                    f"{_copy(record, rid, item, ordinal)}: không xác định được loại sách"
                    f" (952 $8 = {subs.get('8')!r}, $y = {subs.get('y')!r}), chưa cấp số ĐKCB"
                )
                continue
            if rid is None and self.book.format.numbers_titles(category):
                report.problems.append(
                    f"{_copy(record, rid, item, ordinal)}: sách giáo khoa đánh số theo đầu sách"
                    " cần 001"
                )
                continue
            if barcode:
                copy = _copy(record, rid, item, ordinal)
                owner = self.book.barcode_owner(barcode) or pending_barcodes.get(barcode)
                if owner is not None and owner != key:
                    report.problems.append(
                        f"{copy}: mã vạch {barcode} đã thuộc bản khác ({owner}), chưa cấp số"
                    )
                    continue
                pending_barcodes[barcode] = key or copy
            copies, keys, barcodes = todo.setdefault(category, ([], [], []))
            copies.append(item)
            keys.append(key)
            barcodes.append(barcode or None)
        for category, (copies, keys, barcodes) in todo.items():
            own = any(barcodes)
            self.requests.append(Request(category, keys, rid, barcodes if own else None))
            self.items += copies
            self.own += [barcode is not None for barcode in barcodes]

    def migrated(self, key: str) -> str:
        """The key a copy numbered before deliveries was given by migration 021."""
        row = self.book.store.query(
            "SELECT item_key FROM legacy_copies WHERE legacy_key = ?", (key,)
        )
        return row[0][0] if row else key

    def keep(
        self,
        item: Field,
        accession: str,
        barcode: str | None,
        key: str | None,
        rid: str | None,
        copy: str,
    ) -> None:
        """A copy that already has $i: record it as taken and give it a $p if needed."""
        report = self.report
        report.kept += 1
        if not barcode:
            if not self.barcode_is_accession:
                report.problems.append(f"{copy}: có số ĐKCB {accession} nhưng chưa có mã vạch")
            elif problem := code128_problem(accession):
                report.problems.append(f"{copy}: không dùng số ĐKCB làm mã vạch được: {problem}")
            else:
                barcode = accession
                set_item_subfield(item, "p", barcode)
        state = self.book.register(accession, item_key=key, record_id=rid, barcode=barcode)
        if state == "registered":
            report.registered += 1
        elif state == "conflict":
            report.problems.append(
                f"{copy}: số ĐKCB {accession} đã được cấp cho bản khác; giữ nguyên, cần kiểm tra"
            )



#: The 952 subfields marc.build keeps after $i and $p (its canonical order is
#: ``abcdegvy8tipo2x``): a fast path for set_item_subfield on a copy without $i.
_AFTER_I = frozenset("po2x")


def _where(record: Record, rid: str | None) -> str:
    return f"{rid or 'biểu ghi không có 001'} «{record.title or '?'}»"


def _copy(record: Record, rid: str | None, item: Field, ordinal: int) -> str:
    """How a problem message names one copy."""
    return f"{_where(record, rid)}, bản {item.get('t') or ordinal}"


def _fill(item: Field, accession: str, barcode: str | None) -> None:
    """Add $i (absent so far) and, if given, $p (absent too) where marc.build puts them."""
    subfields = item.subfields
    at = len(subfields)
    for n, sub in enumerate(subfields):
        if sub[0] in _AFTER_I:
            at = n
            break
    subfields.insert(at, _subfield(("i", accession)))
    if barcode is not None:
        subfields.insert(at + 1, _subfield(("p", barcode)))


#: ``Subfield(code, value)`` from a (code, value) pair, without the Python-level __new__.
_subfield = partial(tuple.__new__, Subfield)
