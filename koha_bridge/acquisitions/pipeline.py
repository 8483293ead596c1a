"""The acquisitions pipeline, assembled in one place (importer → fix → exporter).

read lists → normalise rows → group titles → open the delivery → number copies →
classify titles → build MARC (class and call numbers in it) → write. Every stage is
a plain function or generator; the CLI only wires options, shows progress and prints
the report. A conversion is one delivery (``deliveries``): its document number, date
and supplier come from the note's header block or the caller, and every copy carries
them (952 $d, $e, $x).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pymarc import Record

from koha_bridge.acquisitions.deliveries import (
    DeliveryFacts,
    DeliveryFile,
    DeliveryRun,
    TitleLine,
    open_delivery,
    record_delivery,
)
from koha_bridge.config import Config
from koha_bridge.exceptions import FatalInputError
from koha_bridge.store import Store
from marc.build import ItemOrigin, build_record, record_id
from marc.group import group_titles, rejection_outcome
from marc.io import MarcReadReport, read_records, replacing, write_marcxml, write_mrc
from marc.itemnote import DeliveryNote, document_text
from marc.model import Book, ClassNumber, Outcome, SourceRef, Status, Title
from marc.normalize import normalize_row
from marc.readers import DeliveryHeader, ReadResult, SheetReport, SkippedRow, read_acquisitions

if TYPE_CHECKING:  # classification is imported at run time only when enabled
    from classification.apply import Classified
    from classification.assign import AssignReport
    from classification.titles import TitleDecider
    from koha_bridge.copycat.lookup import CopyReport


@dataclass
class Conversion:
    """What a conversion did: one outcome per input data row, and what it wrote."""

    sheets: list[SheetReport]
    skipped: list[SkippedRow]
    outcomes: list[Outcome]
    titles: list[Title]
    notes: dict[SourceRef, tuple[str, ...]] = field(default_factory=dict)  # reader notes
    accessions: dict[SourceRef, list[str]] = field(default_factory=dict)
    review: list[Classified] = field(default_factory=list)  # titles to review
    numbering: AssignReport | None = None  # what accession numbering did
    facts: DeliveryFacts = field(default_factory=lambda: DeliveryFacts(()))
    delivery: DeliveryRun | None = None  # the delivery in the store, once opened
    acquired: date | None = None  # 952 $d given to the copies
    voided: list[str] = field(default_factory=list)  # numbers of copies a correction dropped
    copying: CopyReport | None = None  # what copy cataloguing (SRU) did
    decider: TitleDecider | None = None  # classification, made ready by prepare

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def rejected(self) -> int:
        return self.count(Status.REJECTED)

    @property
    def copies(self) -> int:
        return sum(len(t.copies) for t in self.titles)


@dataclass(frozen=True)
class Given:
    """Delivery facts given by the caller (``--document``, ``--date``, ``--supplier``);
    each overrides what the note's header block says."""

    document: str | None = None
    date: date | None = None
    supplier: str | None = None


def prepare(
    paths: Sequence[Path],
    config: Config,
    *,
    forced_category: str | None = None,
    given: Given = Given(),
    classify_ahead: bool = False,
) -> Conversion:
    """Read, normalise and group: everything up to (not including) MARC building.

    With ``classify_ahead``, classification is made ready as soon as the rows are read:
    a long list's worker process loads while they are normalised.
    """
    ahead = classify_ahead and config.classification.enabled
    read: ReadResult = read_acquisitions(
        paths,
        aliases=config.acquisitions.column_aliases,
        categories=config.categories,
        forced_category=forced_category,
    )
    decider = _decider(config, len(read.rows)) if ahead else None
    try:
        return _prepared(paths, config, read, given, decider)
    except BaseException:
        if decider is not None:
            decider.close()
        raise


def _decider(config: Config, titles: int) -> TitleDecider:
    """Classification for a list of about ``titles`` titles: with a worker process,
    started now, when the list is long."""
    from classification import titles as classify_titles
    from classification.apply import Classifier

    decider = classify_titles.TitleDecider(Classifier(config))
    if titles >= classify_titles.WORKER_TITLES:
        decider.start()
    return decider


def _prepared(
    paths: Sequence[Path], config: Config, read: ReadResult, given: Given,
    decider: TitleDecider | None,
) -> Conversion:
    has_quantity = {
        (s.file, s.sheet): "quantity" in s.mapping.values() for s in read.sheets
    }
    books: list[Book] = []
    rejected: list[Outcome] = []
    for row in read.rows:
        result = normalize_row(
            row,
            config.acquisitions,
            config.categories,
            has_quantity_column=has_quantity.get((row.source.file, row.source.sheet), True),
        )
        if isinstance(result, Book):
            books.append(result)
        else:
            rejected.append(rejection_outcome(result))
    titles, outcomes = group_titles(books)
    outcomes = sorted([*outcomes, *rejected], key=lambda o: o.source)
    notes = {row.source: row.notes for row in read.rows if row.notes}
    facts = _facts(paths, read.deliveries, given, titles)
    return Conversion(read.sheets, read.skipped, outcomes, titles, notes, facts=facts,
                      decider=decider)


def _facts(
    paths: Sequence[Path], headers: dict[str, DeliveryHeader], given: Given, titles: list[Title]
) -> DeliveryFacts:
    """The delivery of a set of files: the caller's facts, else their header blocks'."""
    documents = {document_text(h.document) for h in headers.values() if h.document}
    if len(documents) > 1 and given.document is None:
        raise FatalInputError(
            "Các tệp thuộc nhiều phiếu giao khác nhau (số chứng từ "
            f"{', '.join(sorted(documents))}): hãy chuyển từng phiếu một, hoặc ghi --document"
        )
    header = DeliveryHeader()
    found: list[str] = []
    for name, one in headers.items():
        header = header.merged(one)
        found += [f"{name}: {line}" for line in one.found]
    suppliers = {t.book.supplier for t in titles}
    listed = suppliers.pop() if len(suppliers) == 1 else None
    for option, value in (("--document", given.document), ("--supplier", given.supplier),
                          ("--date", given.date and f"{given.date:%d/%m/%Y}")):
        if value:
            found.append(f"{option} {value}")
    return DeliveryFacts(
        files=tuple(DeliveryFile.of(Path(p)) for p in paths),
        document=given.document or header.document,
        date=given.date or header.date,
        supplier=given.supplier or header.supplier or listed,
        found=tuple(found),
    )


def records(
    conversion: Conversion,
    config: Config,
    *,
    store: Store | None,
    today: date | None = None,
) -> Iterator[Record]:
    """Number, build and classify the records of a prepared conversion, one at a time.

    With a store, the conversion's delivery is found or recorded first, and its copies
    after numbering.
    """
    today = today or date.today()
    titles: Iterable[Title] = conversion.titles
    facts = conversion.facts
    lines: list[TitleLine] = []  # each title as the delivery records it, computed once
    if store is not None:
        lines = [_line(title) for title in conversion.titles]
        run = conversion.delivery = _open(store, conversion, lines, today)
        delivery = run.delivery
        origin = ItemOrigin(delivery.acquired_on, delivery.supplier, delivery.note)
    else:
        note = DeliveryNote(facts.document, facts.date) if facts.document or facts.date else None
        origin = ItemOrigin(facts.date or today, facts.supplier, note)
    conversion.acquired = origin.acquired
    if config.accession.enabled:
        if store is None or conversion.delivery is None:
            raise ValueError("numbering copies needs the local store")
        from classification.assign import AssignReport, numbered_titles

        conversion.numbering = AssignReport()
        titles = numbered_titles(
            conversion.titles, store, config, report=conversion.numbering,
            register_number=conversion.delivery.delivery.register_number,
        )
    if config.classification.enabled:
        yield from _classified(titles, conversion, config, store, today, origin)
    else:
        for title in titles:
            yield build_record(title, config, today=today, origin=origin)
    _collect_accessions(conversion)
    if store is not None and conversion.delivery is not None:
        _record_copies(store, config, conversion, conversion.delivery, lines)


def _open(
    store: Store, conversion: Conversion, lines: list[TitleLine], today: date
) -> DeliveryRun:
    copies = [
        (line.record_id, c.copy_number, f"{c.source.sheet or ''}|{c.source.row}")
        for line, title in zip(lines, conversion.titles, strict=True)
        for c in title.copies
    ]
    return open_delivery(store, conversion.facts, lines, copies, today=today)


def _line(title: Title) -> TitleLine:
    """A title as its delivery records it: copies, price, value (Σ of the copies' prices)."""
    value = sum(c.price for c in title.copies if c.price is not None)
    return TitleLine(record_id(title), title.book.title, len(title.copies), title.book.price,
                     value)


def _record_copies(
    store: Store, config: Config, conversion: Conversion, run: DeliveryRun,
    lines: list[TitleLine],
) -> None:
    """Record the delivery's titles and numbers; void the numbers of dropped copies."""
    numbered = [(line, [c.accession for c in title.copies if c.accession])
                for line, title in zip(lines, conversion.titles, strict=True)]
    numbers = record_delivery(store, run, numbered)
    if numbers and config.accession.enabled:
        from classification.accession import AccessionBook

        book = AccessionBook(store, config)
        reason = f"phiếu TQ {run.delivery.register_number} sửa lại: bản không còn trong phiếu"
        for number in numbers:
            book.void(number, reason)
    conversion.voided = numbers


def _classified(
    titles: Iterable[Title],
    conversion: Conversion,
    config: Config,
    store: Store | None,
    today: date,
    origin: ItemOrigin,
) -> Iterator[Record]:
    """Build each title's record with its class number and call number in it
    (``classification.titles`` decides them first, a long list in a second process)."""
    copied: dict[str, ClassNumber] = {}
    if config.copy_cataloguing.enabled and store is not None:
        from koha_bridge.copycat.lookup import copied_numbers

        wanted = [(record_id(t), t.book.isbn) for t in conversion.titles if t.book.isbn]
        copied, conversion.copying = copied_numbers(wanted, config.copy_cataloguing, store)
    decider = conversion.decider or _decider(config, len(conversion.titles))
    conversion.decider = None  # used once
    classifier = decider.classifier
    with decider:
        decided = decider.decide(conversion.titles, today=today, copied=copied)
        for title, choice in zip(titles, decided, strict=True):
            done = choice.classified
            shelved = Title(title.key, title.book, title.copies, title.sources,
                            class_number=choice.number, author_mark=done.author_mark,
                            call_number=done.call_number)
            record = build_record(shelved, config, today=today, origin=origin)
            classifier.write_built(record, choice)
            if done.needs_review:
                conversion.review.append(done)
            yield record


def _collect_accessions(conversion: Conversion) -> None:
    """Note each input row's accession numbers, for the report."""
    into = conversion.accessions
    for title in conversion.titles:
        for copy in title.copies:
            if copy.accession:
                into.setdefault(copy.source, []).append(copy.accession)


LIST_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"})


def load_records(
    path: Path,
    config: Config,
    *,
    store: Store | None,
    strict: bool = False,
    marc_report: MarcReadReport | None = None,
) -> tuple[list[Record], int]:
    """Records from a MARC file, or from a supplier list converted on the way.

    Also returns how many list rows were rejected (``acquisitions convert`` is the
    command that reports them row by row). A MARC file's unreadable records are skipped
    and listed in ``marc_report`` (``strict`` refuses the file instead).
    """
    if path.suffix.lower() not in LIST_SUFFIXES:
        return list(read_records(path, strict=strict, report=marc_report)), 0
    conversion = prepare([path], config)
    return list(records(conversion, config, store=store)), conversion.rejected


def write_outputs(records: Iterable[Record], out: Path, marcxml: Path | None = None) -> int:
    """Write records built here (NFC by construction) as ISO 2709 and MARCXML in one pass.

    The files appear only when complete.
    """
    if marcxml is None:
        return write_mrc(records, out, nfc=True)
    with replacing(out) as part, part.open("wb") as handle:
        return write_marcxml(_tee_iso2709(records, handle), marcxml, nfc=True)


def _tee_iso2709(records: Iterable[Record], handle: BinaryIO) -> Iterator[Record]:
    for record in records:
        handle.write(record.as_marc())
        yield record


def accession_ranges(numbers: list[str]) -> str:
    """``TK.00001–TK.00005, TK.00009`` for a report cell (runs of consecutive numbers)."""
    parsed = sorted(map(_split_number, numbers))
    parts: list[str] = []
    first = 0
    for last in range(len(parsed)):
        head, n, text = parsed[last]
        following = parsed[last + 1] if last + 1 < len(parsed) else None
        if following and following[0] == head and n >= 0 and following[1] == n + 1:
            continue
        parts.append(text if first == last else f"{parsed[first][2]}–{text}")
        first = last + 1
    return ", ".join(parts)


def _split_number(number: str) -> tuple[str, int, str]:
    """(text before the final digits, their value or -1, the number itself)."""
    match = _TRAILING_DIGITS.match(number)
    return (match[1], int(match[2]), number) if match else (number, -1, number)


_TRAILING_DIGITS = re.compile(r"(.*?)(\d+)$")
