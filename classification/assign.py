"""Pipeline stage: accession numbers into 952 $i and barcodes into 952 $p.

Each copy (952) is keyed by ``item_key`` = ``<001>|<952 $x>|<952 $t>`` (record id,
provenance note, copy number) or, without $x, ``<001>|<ordinal of the 952>``, so
re-converting the same delivery gives the same numbers. A copy that already has $i
keeps it (and its $p); a number of ours found there is recorded as taken. With
``barcode = "accession"``, a $p in one of our formats is the copy's number: it is
copied to $i and kept the same way. The copy's series is the category whose
collection code (or code) is 952 $8, else whose item type is 952 $y. Records are
numbered in batches, one store transaction per batch, and leave the stage only
after their numbers are committed. Problems (unknown category, a number or barcode
held by another copy) go to ``AssignReport.problems``; no new number is given then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pymarc import Field, Record, Subfield

from classification.accession import AccessionBook
from classification.barcodes import code128_problem
from koha_bridge.config import Config
from koha_bridge.store import Store
from marc.build import set_item_subfield

BATCH_RECORDS = 500


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


def item_key(record_id: str, item: Field, ordinal: int) -> str:
    """The idempotency key of one copy (``ordinal`` counts the record's 952s from 1)."""
    note = item.get("x")
    if note:
        return f"{record_id}|{note}|{item.get('t') or ''}"
    return f"{record_id}|{ordinal}"


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
    def __init__(self, book: AccessionBook, config: Config, report: AssignReport) -> None:
        self.book = book
        self.report = report
        self.barcode_is_accession = config.accession.barcode == "accession"
        self.categories: dict[str, str] = {}
        for cat in config.categories:
            self.categories.setdefault(f"8:{cat.collection}", cat.code)
            self.categories.setdefault(f"8:{cat.code}", cat.code)
            self.categories.setdefault(f"y:{cat.item_type}", cat.code)

    def flush(self, records: list[Record]) -> list[Record]:
        with self.book.store.atomic():
            for record in records:
                self.number(record)
        return records

    def number(self, record: Record) -> None:
        report = self.report
        report.records += 1
        control = record.get("001")
        rid = control.data.strip() if control is not None and control.data else None
        title = record.title or "?"
        where = f"{rid or 'biểu ghi không có 001'} «{title}»"
        if rid is None and record.get_fields("952"):
            report.problems.append(
                f"{where}: không có mã biểu ghi (001), số ĐKCB sẽ được cấp mới mỗi lần chạy"
            )
        todo: dict[str, list[tuple[Field, str | None, str | None]]] = {}
        pending_barcodes: dict[str, str] = {}  # existing $p of this record's copies → owner
        for ordinal, item in enumerate(record.get_fields("952"), start=1):
            report.copies += 1
            key = item_key(rid, item, ordinal) if rid else None
            accession, barcode = item.get("i"), item.get("p")
            copy = f"{where}, bản {item.get('t') or ordinal}"
            if not accession and barcode and self.barcode_is_accession and (
                self.book.format.match(barcode) is not None
            ):
                accession = barcode  # its label already carries one of our numbers
                _fill(item, accession, None)
            if accession:
                self.keep(item, accession, barcode, key, rid, copy)
                continue
            category = self.categories.get(f"8:{item.get('8')}") or self.categories.get(
                f"y:{item.get('y')}"
            )
            if category is None:
                report.problems.append(
                    f"{copy}: không xác định được loại sách (952 $8 = {item.get('8')!r},"
                    f" $y = {item.get('y')!r}), chưa cấp số ĐKCB"
                )
                continue
            if rid is None and self.book.format.numbers_titles(category):
                report.problems.append(f"{copy}: sách giáo khoa đánh số theo đầu sách cần 001")
                continue
            if barcode:
                owner = self.book.barcode_owner(barcode) or pending_barcodes.get(barcode)
                if owner is not None and owner != key:
                    report.problems.append(
                        f"{copy}: mã vạch {barcode} đã thuộc bản khác ({owner}), chưa cấp số"
                    )
                    continue
                pending_barcodes[barcode] = key or copy
            todo.setdefault(category, []).append((item, key, barcode or None))
        for category, copies in todo.items():
            given = self.book.allocate(
                category,
                [key for _, key, _ in copies],
                record_id=rid,
                barcodes=[barcode for _, _, barcode in copies],
            )
            for (item, _, barcode), allocation in zip(copies, given, strict=True):
                _fill(item, allocation.accession, None if barcode else allocation.barcode)
                if allocation.reused:
                    report.reused += 1
                else:
                    report.assigned += 1

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


def _fill(item: Field, accession: str, barcode: str | None) -> None:
    """Add $i (absent so far) and, if given, $p (absent too) where marc.build puts them."""
    subfields = item.subfields
    at = len(subfields)
    for n, sub in enumerate(subfields):
        if sub.code in _AFTER_I:
            at = n
            break
    subfields.insert(at, Subfield("i", accession))
    if barcode is not None:
        subfields.insert(at + 1, Subfield("p", barcode))
