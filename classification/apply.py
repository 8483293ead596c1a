"""Write class numbers, author marks and call numbers into pymarc records.

``classify_records`` is the pipeline stage: for each record it proposes a class number
(``classification.classnumber``), writes the accepted ones into 082 (DDC) or 084
(legacy 19-class), and the call number into every 952 $o with its scheme in 952 $2 and
942 $2 (+ the class part in 942 $h when configured). A proposal below
``min_confidence`` is not written: it is yielded with ``needs_review=True`` for the
review sheet, and the record's 952 $o are left as they were.
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
from marc.build import audience_field, class_field, index_term_field, set_item_subfields
from marc.errors import ConfigError
from marc.model import ClassNumber
from marc.settings import Settings

__all__ = ["Classified", "Classifier", "Hints", "classify_records"]

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
        self.settings = settings
        self.proposer = proposer_for(config)
        self.mark = strategies.get(settings.author_mark_strategy)
        self.min_rank = confidence_rank(settings.min_confidence)
        self.cn_source = load_tables().cn_source
        # number → (tag, indicators, subfields) of its 082/084: built once per number
        self._class_fields: dict[str, _Parts] = {}

    def accepted(self, proposal: ClassNumber | None) -> bool:
        return proposal is not None and confidence_rank(proposal.confidence) >= self.min_rank

    def classify(self, record: Record, hints: Hints | None = None) -> Classified:
        return self._classify(record, record_id(record), hints)

    def _classify(self, record: Record, rid: str, hints: Hints | None) -> Classified:
        scan = scan_record(record)
        merged = scan.completed(hints)
        school = self.proposer.school_title(scan, merged)
        proposal, other = self.proposer.propose_with_runner_up(scan, merged, school)
        ok = self.accepted(proposal)
        grade, subject = merged.grade, merged.subject
        if school.is_school_book:  # into the record, where the list said nothing
            if grade is None and school.grade_text is not None:
                grade = school.grade_text
                record.add_ordered_field(audience_field(grade))
            if subject is None and school.subject is not None:
                subject = school.subject
                record.add_ordered_field(index_term_field(subject))
        mark = self.mark(record)
        number: str | None = None
        if ok and proposal is not None:
            self._write_class_number(record, proposal, scan.class_fields)
            number = self.write_call_numbers(record, proposal, mark)
        heading = heading_of(scan.headings)  # writing never touches 1XX
        return Classified(
            record_id=rid,  # writing never touches 001 either
            title=_title_text(scan.title_parts),  # writing never touches 245
            author=heading[1] if heading else "",
            grade=grade,
            proposal=proposal,
            needs_review=not ok,
            author_mark=mark,
            call_number=number,
            subject=subject,
            runner_up=other if not ok and other != proposal else None,
            found=school.summary(),
        )

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

    def write_call_numbers(
        self, record: Record, number: ClassNumber, mark: str | None
    ) -> str:
        """Every 952 $o/$2 and 942 $2 (+ $h); returns the call number written."""
        settings = self.settings
        parts = settings.call_number_parts
        text = call_number(
            number.number, mark,
            year=publication_year(record) if "year" in parts else None,
            volume=volume_of(record) if "volume" in parts else None,
            parts=parts,
            volume_prefix=settings.volume_prefix,
        )
        source = self.cn_source.get(number.scheme, number.scheme)
        items: list[Field] = []
        koha: Field | None = None  # built by marc/build.py; a record without one gets none
        for field in record.fields:
            if field.tag == "952":
                items.append(field)
            elif field.tag == "942" and koha is None:
                koha = field
        set_item_subfields(items, {"o": text, "2": source})
        if koha is not None:
            if settings.class_in_942h:
                _set_subfields(koha, {"2": source, "h": number.number})
            else:
                _set_subfields(koha, {"2": source})
        return text


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
