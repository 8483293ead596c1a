"""Reading a record once for classification: its hints and what proposing needs.

``scan_record`` walks the record's fields a single time (a record has one 952 per
copy, so repeated ``get_fields`` calls cost more than the proposing itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from pymarc import Field, Record

from classification.authormark import HEADING_TAGS
from marc.model import ClassNumber


@dataclass(frozen=True)
class Hints:
    """What the list knew that the record may not say."""

    class_number: str | None = None
    subject: str | None = None
    grade: str | None = None
    category: str | None = None
    series: str | None = None
    language: str | None = None
    copied: ClassNumber | None = None  # copy cataloguing's number (SRU), with its source

    def merged(self, fallback: Hints) -> Hints:
        """These hints, each missing value taken from ``fallback``."""
        if (
            (self.class_number or not fallback.class_number)
            and (self.subject or not fallback.subject)
            and (self.grade or not fallback.grade)
            and (self.category or not fallback.category)
            and (self.series or not fallback.series)
            and (self.language or not fallback.language)
            and (self.copied or not fallback.copied)
        ):
            return self  # nothing to take (hints are immutable)
        return Hints(
            class_number=self.class_number or fallback.class_number,
            subject=self.subject or fallback.subject,
            grade=self.grade or fallback.grade,
            category=self.category or fallback.category,
            series=self.series or fallback.series,
            language=self.language or fallback.language,
            copied=self.copied or fallback.copied,
        )


#: Tags read by scan_record (hints: 653 subject, 521 grade, 490 series, 952 $8 category).
_TEXT_TAGS = frozenset({"490", "650", "653"})
_SCANNED = frozenset(
    {"008", "041", "082", "084", "245", "260", "264", "490", "521", "650", "653", *HEADING_TAGS}
)
_TITLE_MORE = frozenset("bnp")


@dataclass(slots=True)
class RecordScan:
    """What classifying needs from one record, read in one pass (not frozen: hot path)."""

    found: dict[str, str]  # first non-empty 653 $a, 521 $a, 490 $a, 952 $8 by tag
    language: str | None  # 008/35-37
    title_a: list[str]  # the first 245's $a
    title_more: list[str]  # its $b $n $p, in order
    title_parts: list[str]  # its $a $b $n $p, in order
    subject_texts: list[str]  # 490/650/653 $a, in field order
    original_languages: frozenset[str]  # 041 $h, lower case
    class_fields: list[Field]  # 082 and 084, in field order
    headings: dict[str, Field]  # the first 100, 110 and 111 (see authormark.heading_of)
    publisher: str | None = None  # the first 264/260 $b

    @property
    def hints(self) -> Hints:
        """What the record itself says (see :func:`hints_from_record`)."""
        found = self.found
        return Hints(
            subject=found.get("653"),
            grade=found.get("521"),
            category=found.get("952"),
            series=found.get("490"),
            language=self.language,
        )

    def completed(self, given: Hints | None) -> Hints:
        """``given.merged(self.hints)``, without building hints that add nothing."""
        if given is None:
            return self.hints
        found = self.found
        if (
            (given.subject or "653" not in found)
            and (given.grade or "521" not in found)
            and (given.category or "952" not in found)
            and (given.series or "490" not in found)
            and (given.language or not self.language)
        ):
            return given
        return given.merged(self.hints)


def scan_record(record: Record) -> RecordScan:
    """Read the record once: hints, 245, subject texts, 041 $h, 082/084, 1XX."""
    found: dict[str, str] = {}
    title: Field | None = None
    texts: list[str] = []
    original: set[str] = set()
    classes: list[Field] = []
    f008: Field | None = None
    headings: dict[str, Field] = {}
    publisher: str | None = None
    for field in record.fields:
        tag = field.tag
        if tag == "952":  # most fields: only the first $8 matters
            if "952" not in found:
                for sub in field.subfields:
                    if sub.code == "8" and sub.value.strip():
                        found[tag] = sub.value.strip()
                        break
            continue
        if tag not in _SCANNED:
            continue
        if tag in _TEXT_TAGS:
            values = [s.value for s in field.subfields if s.code == "a"]
            texts += values
            if tag != "650" and tag not in found:
                for value in values:
                    if value.strip():
                        found[tag] = value.strip()
                        break
        elif tag == "521":
            if tag not in found:
                for sub in field.subfields:
                    if sub.code == "a" and sub.value.strip():
                        found[tag] = sub.value.strip()
                        break
        elif tag == "245":
            if title is None:
                title = field
        elif tag == "041":
            original.update(code.lower() for code in field.get_subfields("h"))
        elif tag == "008":
            if f008 is None:
                f008 = field
        elif tag in ("260", "264"):
            if publisher is None:
                publisher = next((s.value for s in field.subfields if s.code == "b"), None)
        elif tag in HEADING_TAGS:
            if tag not in headings:
                headings[tag] = field
        else:
            classes.append(field)  # 082, 084
    title_a: list[str] = []
    more: list[str] = []
    parts: list[str] = []
    if title is not None:
        for sub in title.subfields:
            if sub.code == "a":
                title_a.append(sub.value)
                parts.append(sub.value)
            elif sub.code in _TITLE_MORE:
                more.append(sub.value)
                parts.append(sub.value)
    language = f008.data[35:38].strip() if f008 is not None and f008.data else ""
    return RecordScan(found, language or None, title_a, more, parts, texts,
                      frozenset(original), classes, headings, publisher)


def hints_from_record(record: Record) -> Hints:
    """Hints read from the record: 653 subject, 521 grade, 490 series, 952 $8, 008 language."""
    return scan_record(record).hints
