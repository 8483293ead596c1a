"""Planning a push to Koha: what to send, decided before anything is sent.

For each title, the journal says what an earlier run already did; the local index and
batched ``q`` look-ups find titles already in Koha (same ISBN, or title + author + year
without one) and barcodes or accession numbers already taken. Planning reads Koha but
never writes to it, so ``--dry-run`` is planning alone. Problems of the source (no
barcode, a number used twice, a value Koha would refuse) become rows, not exceptions.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from pymarc import Field, Record, record_to_xml

from koha_bridge.push.matching import (
    TitleFacts,
    isbn_pattern,
    koha_facts,
    record_facts,
    same_accession,
    same_title,
)
from koha_bridge.store.journal import Journal, chunks

LOOKUP_CHUNK = 25  # titles per q look-up of biblios
ITEM_CHUNK = 50  # copies per q look-up of items (barcodes and accession numbers)


class KohaCatalogue(Protocol):
    """The few Koha calls a push needs (``koha_bridge.koha.api.KohaApi`` provides them)."""

    def list_biblios(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]: ...
    def add_biblio(
        self, marc: bytes, content_type: str = ..., *, confirm_not_duplicate: bool = ...
    ) -> int: ...
    def list_items(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]: ...
    def find_items_by_barcode(self, barcode: str) -> list[dict[str, Any]]: ...
    def add_item(self, biblio_id: int, item: Mapping[str, Any]) -> dict[str, Any]: ...


class Result(StrEnum):
    CREATED = "created"  # new copy of a title we created
    ADDED = "added"  # new copy added to a title that was already in Koha
    SKIPPED = "skipped"  # done by an earlier run
    CONFLICT = "conflict"  # barcode or accession number already in Koha
    FAILED = "failed"


class TitleResult(StrEnum):
    CREATED = "created"  # biblio created by this run
    MATCHED = "matched"  # copies added to a biblio already in Koha
    DONE = "done"  # created or matched by an earlier run
    FAILED = "failed"


@dataclass
class CopyPlan:
    barcode: str
    accession: str | None
    source: str  # 952 $x, the delivery note (marc.itemnote)
    body: dict[str, Any]
    result: Result | None = None  # decided at plan time (skipped / conflict) or after
    reason: str = ""
    item_id: int | None = None


@dataclass
class TitlePlan:
    facts: TitleFacts
    marcxml: bytes
    source: str
    copies: list[CopyPlan]
    biblio_id: int | None = None
    existing: bool = False  # already in Koha before this push (not created by us)
    done: bool = False  # created or matched by an earlier run
    in_doubt: bool = False  # an earlier POST /biblios may have taken effect
    without_items: bool = False  # the record has no 952 at all: the biblio goes alone
    result: TitleResult | None = None
    failed: str = ""

    @property
    def is_new(self) -> bool:
        return self.biblio_id is None


@dataclass
class PushPlan:
    titles: list[TitlePlan] = field(default_factory=list)
    invalid: list[CopyPlan] = field(default_factory=list)  # copies that cannot be sent

    @property
    def copies(self) -> list[CopyPlan]:
        return [c for t in self.titles for c in t.copies] + self.invalid


ItemMapper = Callable[[Field], dict[str, Any]]


def plan_push(
    records: Iterable[Record],
    api: KohaCatalogue,
    journal: Journal,
    item_from_952: ItemMapper,
    *,
    workers: int = 1,
) -> PushPlan:
    """Decide what to send, reading Koha but never writing to it.

    The batched look-ups run over ``workers`` threads; their answers are applied in order.
    """
    plan = PushPlan()
    record_ids: set[str] = set()
    for record in records:
        title = _title_plan(record, item_from_952, plan.invalid)
        if title is None:
            continue
        if title.facts.record_id in record_ids:
            _invalidate(title.copies, plan.invalid,
                        f"Số điều khiển 001 {title.facts.record_id} lặp lại trong tệp nguồn")
            continue
        record_ids.add(title.facts.record_id)
        plan.titles.append(title)
    _unique_copies(plan)
    _apply_journal(plan, journal)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        _match_titles(plan, api, journal, pool)
        _check_items(plan, api, journal, pool)
    return plan


def _title_plan(
    record: Record, item_from_952: ItemMapper, invalid: list[CopyPlan]
) -> TitlePlan | None:
    facts = record_facts(record)
    source = ""
    copies: list[CopyPlan] = []
    fields = record.get_fields("952")
    for item in fields:
        where = item.get("x") or ""
        source = source or where
        barcode = (item.get("p") or "").strip()
        plan = CopyPlan(barcode, item.get("i"), where, {})
        try:
            plan.body = item_from_952(item)
        except ValueError as exc:
            _invalidate([plan], invalid, f"Bản có dữ liệu Koha không nhận: {exc}")
            continue
        if not barcode:
            _invalidate([plan], invalid, "Bản không có mã vạch (952 $p): chạy "
                        "'koha-bridge accession assign' trước")
            continue
        copies.append(plan)
    if not facts.record_id:
        reason = f"Biểu ghi '{facts.title}' không có số điều khiển (001)"
        _invalidate(copies or [CopyPlan("", None, source, {})], invalid, reason)
        return None
    bare = copy.deepcopy(record)
    bare.remove_fields("952", "999")
    marcxml = record_to_xml(bare, namespace=True)
    return TitlePlan(facts, marcxml, source, copies, without_items=not fields)


def _invalidate(copies: list[CopyPlan], invalid: list[CopyPlan], reason: str) -> None:
    for plan_copy in copies:
        plan_copy.result, plan_copy.reason = Result.FAILED, reason
        invalid.append(plan_copy)


def _unique_copies(plan: PushPlan) -> None:
    """A barcode or accession number used twice in the source stops the later copies."""
    barcodes: dict[str, str] = {}
    accessions: dict[str, str] = {}
    for title in plan.titles:
        keep = []
        for plan_copy in title.copies:
            barcode = plan_copy.barcode.casefold()
            accession = (plan_copy.accession or "").casefold()
            if barcode in barcodes:
                reason = (f"Mã vạch {plan_copy.barcode} lặp lại trong tệp nguồn "
                          f"({barcodes[barcode]})")
            elif accession and accession in accessions:
                reason = (f"Số ĐKCB {plan_copy.accession} lặp lại trong tệp nguồn "
                          f"({accessions[accession]})")
            else:
                barcodes[barcode] = plan_copy.source or title.facts.record_id
                if accession:
                    accessions[accession] = plan_copy.source or title.facts.record_id
                keep.append(plan_copy)
                continue
            _invalidate([plan_copy], plan.invalid, reason)
        title.copies = keep


def _apply_journal(plan: PushPlan, journal: Journal) -> None:
    titles = journal.titles([t.facts.record_id for t in plan.titles])
    items = journal.items([c.barcode for t in plan.titles for c in t.copies])
    for title in plan.titles:
        row = titles.get(title.facts.record_id)
        if row is not None and row["state"] in ("created", "matched") and row["biblio_id"]:
            title.biblio_id, title.done = int(row["biblio_id"]), True
            title.existing = row["state"] == "matched"
        elif row is not None and row["state"] == "sending":
            title.in_doubt = True
        for plan_copy in title.copies:
            item = items.get(plan_copy.barcode)
            if item is not None and item["state"] == "created":
                plan_copy.result, plan_copy.item_id = Result.SKIPPED, item["item_id"]


def _match_titles(
    plan: PushPlan, api: KohaCatalogue, journal: Journal, pool: ThreadPoolExecutor
) -> None:
    pending = [t for t in plan.titles if not t.done and has_work(t)]
    for title in pending:
        _adopt_local(title, journal)
    unmatched = [t for t in pending if t.biblio_id is None]
    with_isbn = [t for t in unmatched if t.facts.isbns]
    without = [t for t in unmatched if not t.facts.isbns and title_prefix(t)]
    queries = [isbn_query([i for t in chunk for i in t.facts.isbns])
               for chunk in chunks(with_isbn, LOOKUP_CHUNK)]
    queries += [{"-or": [{"title": {"-like": f"{title_prefix(t)}%"}} for t in chunk]}
                for chunk in chunks(without, LOOKUP_CHUNK)]
    for found in pool.map(lambda q: list(api.list_biblios(q=q)), queries):
        _index(found, journal)
    for title in unmatched:
        _adopt_local(title, journal)


def has_work(title: TitlePlan) -> bool:
    """Copies left to send (or a record without any 952, which is sent on its own)."""
    return title.without_items or any(c.result is None for c in title.copies)


def _adopt_local(title: TitlePlan, journal: Journal) -> None:
    biblio_id = journal.match_local(title.facts.isbns, title.facts.key)
    if biblio_id is not None:
        # A title whose POST was in doubt and is now in Koha is our own creation.
        title.biblio_id, title.existing = biblio_id, not title.in_doubt


def isbn_query(isbns: Sequence[str]) -> dict[str, Any]:
    return {"-or": [{"isbn": {"-like": isbn_pattern(i)}} for i in dict.fromkeys(isbns)]}


def title_prefix(title: TitlePlan) -> str:
    text = title.facts.main_title or title.facts.title
    return text.replace("\\", "").replace("%", "").replace("_", "")[:40].strip()


def _index(biblios: Iterable[dict[str, Any]], journal: Journal) -> None:
    for biblio in biblios:
        isbns, key = koha_facts(biblio)
        journal.index_biblio(int(biblio["biblio_id"]), isbns, key, str(biblio.get("title", "")))


def _items_query(chunk: list[CopyPlan]) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = [{"external_id": [c.barcode for c in chunk]}]
    accessions = [c.accession for c in chunk if c.accession]
    if accessions:
        clauses.append({"inventory_number": accessions})
    return {"-or": clauses}


def _check_items(
    plan: PushPlan, api: KohaCatalogue, journal: Journal, pool: ThreadPoolExecutor
) -> None:
    """Barcodes or accession numbers already in Koha stop their copy, unless they are ours."""
    todo = [(t, c) for t in plan.titles for c in t.copies if c.result is None]
    batches = list(chunks(todo, ITEM_CHUNK))
    answers = pool.map(
        lambda chunk: list(api.list_items(q=_items_query([c for _, c in chunk]))), batches
    )
    taken: list[tuple[TitlePlan, CopyPlan, dict[str, Any]]] = []
    for chunk, found in zip(batches, answers, strict=True):
        by_barcode = {str(i.get("external_id") or "").casefold(): i for i in found}
        by_accession = {str(i.get("inventory_number") or "").casefold(): i for i in found}
        for title, plan_copy in chunk:
            hit = by_barcode.get(plan_copy.barcode.casefold())
            if hit is not None:
                taken.append((title, plan_copy, hit))
                continue
            other = by_accession.get((plan_copy.accession or "").casefold())
            if other is not None:
                plan_copy.result = Result.CONFLICT
                plan_copy.reason = (
                    f"Số ĐKCB {plan_copy.accession} đã có trong Koha (mã vạch "
                    f"{other.get('external_id')}, biểu ghi {other.get('biblio_id')}): "
                    "bản này không được tạo"
                )
    if taken:
        _settle_taken(taken, api, journal)


def _settle_taken(
    taken: list[tuple[TitlePlan, CopyPlan, dict[str, Any]]], api: KohaCatalogue,
    journal: Journal,
) -> None:
    """Our barcode in Koha: our copy (recorded as created) or a conflict.

    Ours means: on the biblio our journal or the match rule ties to this title, with
    the same accession number. Biblios tied by neither are read (batched) to apply the
    match rule to them.
    """
    rows = journal.items([c.barcode for _, c, _ in taken])

    def tied(title: TitlePlan, plan_copy: CopyPlan) -> set[int]:
        row = rows.get(plan_copy.barcode)
        return {b for b in (title.biblio_id, row["biblio_id"] if row else None) if b}

    unknown = sorted({
        int(hit["biblio_id"]) for title, plan_copy, hit in taken
        if same_accession(plan_copy.accession, hit.get("inventory_number"))
        and int(hit["biblio_id"]) not in tied(title, plan_copy)
    })
    biblios: dict[int, dict[str, Any]] = {}
    for chunk in chunks(unknown, LOOKUP_CHUNK):
        biblios.update((int(b["biblio_id"]), b) for b in api.list_biblios(q={"biblio_id": chunk}))
    for title, plan_copy, hit in taken:
        biblio_id = int(hit["biblio_id"])
        if not same_accession(plan_copy.accession, hit.get("inventory_number")):
            theirs = hit.get("inventory_number") or "trống"
            _conflict(plan_copy, hit, f"với số ĐKCB khác ({theirs})")
        elif biblio_id in tied(title, plan_copy) or (
            biblio_id in biblios and same_title(title.facts, biblios[biblio_id])
        ):
            _ours(title, plan_copy, hit, journal)
        else:
            _conflict(plan_copy, hit, "trên một nhan đề khác")


def _ours(title: TitlePlan, plan_copy: CopyPlan, hit: dict[str, Any], journal: Journal) -> None:
    biblio_id = int(hit["biblio_id"])
    plan_copy.result, plan_copy.item_id = Result.SKIPPED, int(hit["item_id"])
    if title.biblio_id is None:  # tied by the match rule alone
        title.biblio_id, title.existing = biblio_id, not title.in_doubt
    if not title.done:  # the title is in Koha too: journal it, so no later run looks again
        facts = title.facts
        journal.mark_title(facts.record_id, "matched" if title.existing else "created",
                           title=facts.title, isbn=" | ".join(facts.isbns) or None,
                           match_key=facts.key, source=title.source, biblio_id=title.biblio_id)
        title.done = True
    journal.mark_item(plan_copy.barcode, "created", record_id=title.facts.record_id,
                      accession=plan_copy.accession, source=plan_copy.source,
                      biblio_id=biblio_id, item_id=plan_copy.item_id)


def _conflict(plan_copy: CopyPlan, hit: dict[str, Any], why: str) -> None:
    plan_copy.result = Result.CONFLICT
    plan_copy.reason = (
        f"Mã vạch {plan_copy.barcode} đã có trong Koha {why} (biểu ghi "
        f"{hit.get('biblio_id')}, bản {hit.get('item_id')}): bản này không được tạo"
    )


def refresh_index(api: KohaCatalogue, journal: Journal) -> int:
    """Read Koha's whole biblio list (paged) into a fresh local index; returns its size."""
    journal.clear_index()
    count = 0
    for biblio in api.list_biblios():
        isbns, key = koha_facts(biblio)
        journal.index_biblio(int(biblio["biblio_id"]), isbns, key, str(biblio.get("title", "")))
        count += 1
    return count


