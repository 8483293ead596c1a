"""Write class numbers, author marks and call numbers into pymarc records.

``classify_records`` classifies records read from elsewhere: for each record it
proposes a class number (``classification.classnumber``), writes the accepted ones into
082 (DDC) or 084 (legacy 19-class), and the call number into every 952 $o with its
scheme in 952 $2 and 942 $2 (+ the class part in 942 $h when configured). A proposal
below ``min_confidence`` is not written: it is yielded with ``needs_review=True`` for
the review sheet, and the record's 952 $o are left as they were. ``Classifier.decide``
and ``write`` are its two halves; a conversion decides its titles first
(``classification.titles``) and builds each record with the numbers in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pymarc import Field, Indicators, Record, Subfield

from classification.authormark import STRATEGIES, MarkStrategies, heading_of
from classification.callnumber import call_number, check_parts, publication_year, volume_of
from classification.classnumber import Hints, proposer_for
from classification.recordscan import scan_record
from classification.tables import CONFIDENCE_ORDER, confidence_rank, load_tables
from marc.build import (
    audience_field,
    class_field,
    cn_source,
    index_term_field,
    set_item_subfields,
)
from marc.errors import ConfigError
from marc.model import ClassNumber
from marc.settings import Settings

__all__ = ["Classified", "Classifier", "Decided", "Hints", "classify_records"]

_MEMO_LIMIT = 4096
_Parts = tuple[str, Indicators | None, tuple[Subfield, ...]]  # an 082/084 to build


@dataclass(slots=True)
class Classified:
    """What classification did for one record (one row of the review sheet)."""

    record_id: str
    title: str
    author: str
    grade: str | None
    proposal: ClassNumber | None
    needs_review: bool
    author_mark: str | None
    call_number: str | None
    subject: str | None = None  # the list's subject, else the one the title names
    runner_up: ClassNumber | None = None  # the best other number (review rows only)
    found: str = ""  # what the title says (kind · subject · grade · series), Vietnamese


@dataclass(slots=True)
class Decided:
    """What classifying one record decided, before anything is written into it."""

    classified: Classified
    number: ClassNumber | None  # the accepted proposal: 082/084, 952 $o/$2, 942 $2
    audience: str | None = None  # 521 $a: the grade the title names (the list gave none)
    index_term: str | None = None  # 653 $a: the subject it names


def record_id(record: Record) -> str:
    field = record.get("001")
    return field.data.strip() if field is not None and field.data else ""


def title_of(record: Record) -> str:
    field = record.get("245")
    return _title_text(field.get_subfields("a", "b", "n", "p") if field is not None else [])


def _title_text(values: list[str]) -> str:
    """245 $a $b $n $p values without their ISBD punctuation, joined by spaces."""
    parts = [p.strip(" /:;,.=") for p in values]
    return " ".join(p for p in parts if p)


def _set_subfields(field: Field, values: Mapping[str, str]) -> None:
    """Give ``field`` exactly one ``$code value`` for each of ``values``, at the end, in
    order (942: Koha's record-level call number)."""
    kept = [s for s in field.subfields if s.code not in values]
    field.subfields = kept + [Subfield(code, value) for code, value in values.items()]


class Classifier:
    """One configuration's proposer, author-mark strategy and call-number settings."""

    def __init__(self, config: Settings, strategies: MarkStrategies = STRATEGIES) -> None:
        settings = config.classification
        if settings.min_confidence not in CONFIDENCE_ORDER:
            raise ConfigError(
                f"[classification] min_confidence phải là một trong {', '.join(CONFIDENCE_ORDER)}"
            )
        check_parts(settings.call_number_parts)
        self.config = config
        self.strategies = strategies
        self.settings = settings
        self.proposer = proposer_for(config)
        self.mark = strategies.get(settings.author_mark_strategy)
        self.min_rank = confidence_rank(settings.min_confidence)
        self.cn_sources = load_tables().cn_source  # scheme → Koha cn_source code
        # number → (tag, indicators, subfields) of its 082/084: built once per number
        self._class_fields: dict[str, _Parts] = {}

    def accepted(self, proposal: ClassNumber | None) -> bool:
        return proposal is not None and confidence_rank(proposal.confidence) >= self.min_rank

    def classify(self, record: Record, hints: Hints | None = None) -> Classified:
        return self._classify(record, record_id(record), hints)

    def _classify(self, record: Record, rid: str, hints: Hints | None) -> Classified:
        decided = self.decide(record, rid, hints)
        self.write(record, decided)
        return decided.classified

    def decide(self, record: Record, rid: str, hints: Hints | None) -> Decided:
        """What to write into ``record`` (not changed here): the proposal, accepted or
        not, its call number, and the grade and subject the title names."""
        scan = scan_record(record)
        merged = scan.completed(hints)
        school = self.proposer.school_title(scan, merged)
        proposal, other = self.proposer.propose_with_runner_up(scan, merged, school)
        ok = self.accepted(proposal)
        grade, subject = merged.grade, merged.subject
        audience = index_term = None
        if school.is_school_book:  # into the record, where the list said nothing
            if grade is None and school.grade_text is not None:
                grade = audience = school.grade_text
            if subject is None and school.subject is not None:
                subject = index_term = school.subject
        mark = self.mark(record)
        number = proposal if ok else None
        call = self.call_number(record, number, mark) if number is not None else None
        heading = heading_of(scan.headings)
        classified = Classified(
            record_id=rid,
            title=_title_text(scan.title_parts),
            author=heading[1] if heading else "",
            grade=grade,
            proposal=proposal,
            needs_review=not ok,
            author_mark=mark,
            call_number=call,
            subject=subject,
            runner_up=other if not ok and other != proposal else None,
            found=school.summary(),
        )
        return Decided(classified, number, audience, index_term)

    def write(self, record: Record, decided: Decided) -> None:
        """Write what :meth:`decide` found for this record: 521, 653, 082/084, 952 $o/$2
        and 942 $2 (+ $h)."""
        self.write_found(record, decided)
        number, call = decided.number, decided.classified.call_number
        if number is not None and call is not None:
            self.write_class_number(record, number)
            self._write_call_number(record, number, call)

    def write_found(self, record: Record, decided: Decided) -> None:
        """The grade (521) and subject (653) the title names, where the list gave none."""
        if decided.audience is not None:
            record.add_ordered_field(audience_field(decided.audience))
        if decided.index_term is not None:
            record.add_ordered_field(index_term_field(decided.index_term))

    def write_built(self, record: Record, decided: Decided) -> None:
        """Finish a record that ``marc.build`` built with the class number and call
        number (see ``classification.titles``): 521 and 653, and 952 $2 and 942 $2
        where this scheme's cn_source is not the one the build writes."""
        self.write_found(record, decided)
        number = decided.number
        if number is not None and self.source(number) != cn_source(number.number):
            items = [field for field in record.fields if field.tag == "952"]
            set_item_subfields(items, {"2": self.source(number)})
            self.write_koha_source(record, number)

    def source(self, number: ClassNumber) -> str:
        """Koha's cn_source code of ``number``'s scheme (952 $2, 942 $2)."""
        return self.cn_sources.get(number.scheme, number.scheme)

    def write_koha_source(self, record: Record, number: ClassNumber) -> None:
        """942 $2 (+ $h with ``class_in_942h``), on the 942 that marc/build.py wrote."""
        koha = next((f for f in record.fields if f.tag == "942"), None)
        if koha is None:
            return  # a record without one gets none
        if self.settings.class_in_942h:
            _set_subfields(koha, {"2": self.source(number), "h": number.number})
        else:
            _set_subfields(koha, {"2": self.source(number)})

    def write_class_number(self, record: Record, number: ClassNumber) -> bool:
        """Put the number in 082 (DDC) or 084 (19-class); True when the record changed."""
        return self._write_class_number(record, number, record.get_fields("082", "084"))

    def _write_class_number(
        self, record: Record, number: ClassNumber, present: list[Field]
    ) -> bool:
        """``write_class_number`` knowing the record's 082 and 084 fields (in order)."""
        tag, indicators, subfields = self._class_field(number.number)
        if tag == "082":
            ours = [f for f in present if f.tag == "082"]
        else:
            local = self.settings.local_scheme_code
            ours = [f for f in present if f.tag == "084" and f.get("2") in (None, local)]
        if any(f.get_subfields("a") == [number.number] for f in ours):
            return False
        for old in ours:
            record.remove_field(old)
        record.add_ordered_field(Field(tag, indicators, list(subfields)))
        return True

    def _class_field(self, number: str) -> _Parts:
        """The parts of :func:`class_field` for ``number`` (memoised: numbers repeat)."""
        found = self._class_fields.get(number)
        if found is None:
            field = class_field(number, self.config)
            found = (field.tag, field.indicators, tuple(field.subfields))
            if len(self._class_fields) >= _MEMO_LIMIT:
                self._class_fields.clear()
            self._class_fields[number] = found
        return found

    def call_number(self, record: Record, number: ClassNumber, mark: str | None) -> str:
        """The call number of ``record`` classed at ``number`` (the configured parts)."""
        settings = self.settings
        parts = settings.call_number_parts
        return call_number(
            number.number, mark,
            year=publication_year(record) if "year" in parts else None,
            volume=volume_of(record) if "volume" in parts else None,
            parts=parts,
            volume_prefix=settings.volume_prefix,
        )

    def write_call_numbers(
        self, record: Record, number: ClassNumber, mark: str | None
    ) -> str:
        """Every 952 $o/$2 and 942 $2 (+ $h); returns the call number written."""
        text = self.call_number(record, number, mark)
        self._write_call_number(record, number, text)
        return text

    def _write_call_number(self, record: Record, number: ClassNumber, text: str) -> None:
        items = [field for field in record.fields if field.tag == "952"]
        set_item_subfields(items, {"o": text, "2": self.source(number)})
        self.write_koha_source(record, number)


def classify_records(
    records: Iterable[Record],
    config: Settings,
    hints: Mapping[str, Hints] | None = None,
    *,
    strategies: MarkStrategies = STRATEGIES,
) -> Iterator[tuple[Record, Classified]]:
    """Classify each record in place and yield it with what was done (streaming).

    ``hints`` are keyed by record id (001). A record needing review gets no new class
    number; a number already in the record or the list stays.
    """
    classifier = Classifier(config, strategies)
    given = hints or {}
    for record in records:
        rid = record_id(record)
        yield record, classifier._classify(record, rid, given.get(rid))
