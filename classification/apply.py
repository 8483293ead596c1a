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

from pymarc import Field, Record, Subfield

from classification.authormark import STRATEGIES, MarkStrategies, main_heading
from classification.callnumber import call_number, check_parts, publication_year, volume_of
from classification.classnumber import Hints, hints_from_record, proposer_for
from classification.tables import CONFIDENCE_ORDER, confidence_rank, load_tables
from koha_bridge.config import Config
from koha_bridge.exceptions import ConfigError
from marc.build import class_field, set_item_subfield
from marc.model import ClassNumber

__all__ = ["Classified", "Classifier", "Hints", "classify_records"]


@dataclass
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


def record_id(record: Record) -> str:
    field = record.get("001")
    return field.data.strip() if field is not None and field.data else ""


def title_of(record: Record) -> str:
    field = record.get("245")
    if field is None:
        return ""
    parts = [p.strip(" /:;,.=") for p in field.get_subfields("a", "b", "n", "p")]
    return " ".join(p for p in parts if p)


def _set_subfield(field: Field, code: str, value: str) -> None:
    """Give ``field`` exactly one ``$code value`` (942: Koha's record-level call number)."""
    field.subfields = [*(s for s in field.subfields if s.code != code), Subfield(code, value)]


class Classifier:
    """One configuration's proposer, author-mark strategy and call-number settings."""

    def __init__(self, config: Config, strategies: MarkStrategies = STRATEGIES) -> None:
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

    def accepted(self, proposal: ClassNumber | None) -> bool:
        return proposal is not None and confidence_rank(proposal.confidence) >= self.min_rank

    def classify(self, record: Record, hints: Hints | None = None) -> Classified:
        from_record = hints_from_record(record)
        merged = hints.merged(from_record) if hints is not None else from_record
        proposal = self.proposer.propose(record, merged)
        ok = self.accepted(proposal)
        mark = self.mark(record)
        number: str | None = None
        if ok and proposal is not None:
            self.write_class_number(record, proposal)
            number = self.write_call_numbers(record, proposal, mark)
        heading = main_heading(record)
        return Classified(
            record_id=record_id(record),
            title=title_of(record),
            author=heading[1] if heading else "",
            grade=merged.grade,
            proposal=proposal,
            needs_review=not ok,
            author_mark=mark,
            call_number=number,
        )

    def write_class_number(self, record: Record, number: ClassNumber) -> bool:
        """Put the number in 082 (DDC) or 084 (19-class); True when the record changed."""
        field = class_field(number.number, self.config)
        if field.tag == "082":
            ours = record.get_fields("082")
        else:
            local = self.settings.local_scheme_code
            ours = [f for f in record.get_fields("084") if f.get("2") in (None, local)]
        if any(f.get_subfields("a") == [number.number] for f in ours):
            return False
        for old in ours:
            record.remove_field(old)
        record.add_ordered_field(field)
        return True

    def write_call_numbers(
        self, record: Record, number: ClassNumber, mark: str | None
    ) -> str:
        """Every 952 $o/$2 and 942 $2 (+ $h); returns the call number written."""
        settings = self.settings
        text = call_number(
            number.number, mark,
            year=publication_year(record) if "year" in settings.call_number_parts else None,
            volume=volume_of(record),
            parts=settings.call_number_parts,
            volume_prefix=settings.volume_prefix,
        )
        source = self.cn_source.get(number.scheme, number.scheme)
        for item in record.get_fields("952"):
            set_item_subfield(item, "o", text)
            set_item_subfield(item, "2", source)
        koha = record.get("942")  # built by marc/build.py; a record without one gets none
        if koha is not None:
            _set_subfield(koha, "2", source)
            if settings.class_in_942h:
                _set_subfield(koha, "h", number.number)
        return text


def classify_records(
    records: Iterable[Record],
    config: Config,
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
        yield record, classifier.classify(record, given.get(record_id(record)))
