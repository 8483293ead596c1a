"""Class-number proposals with their provenance.

Sources, first one that answers wins: the list's number (``list``), a number already
in the record (``record``: 082, else a legacy 19-class 084, which is kept and never
converted), textbooks and teachers' books through ``ddc-school-subjects.csv``
(``subject``, under ``textbook_policy``), the school's then the bundled rules
(``rule:<id>``), and last the plain discipline number of the list's subject for other
books (``subject``, one confidence step down).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from pymarc import Record

from classification.rules import Rule, RuleSet, default_rules, language_code, school_rules
from classification.tables import (
    SubjectRow,
    fold,
    load_tables,
    lower_confidence,
    parse_class_number,
)
from koha_bridge.config import Category, ClassificationConfig, Config
from marc.model import ClassNumber

TEXTBOOK_CATEGORIES = frozenset({"SGK", "NV"})
_GRADE = re.compile(r"\d{1,2}")
_PAREN = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class Hints:
    """What the list knew that the record may not say."""

    class_number: str | None = None
    subject: str | None = None
    grade: str | None = None
    category: str | None = None
    series: str | None = None
    language: str | None = None

    def merged(self, fallback: Hints) -> Hints:
        """These hints, each missing value taken from ``fallback``."""
        return Hints(
            **{f.name: getattr(self, f.name) or getattr(fallback, f.name) for f in fields(self)}
        )


def hints_from_record(record: Record) -> Hints:
    """Hints read from the record: 653 subject, 521 grade, 490 series, 952 $8, 008 language."""
    found: dict[str, str] = {}
    wanted = {"653": "a", "521": "a", "952": "8", "490": "a"}
    for field in record.get_fields(*wanted):
        if field.tag not in found:
            value = next((v.strip() for v in field.get_subfields(wanted[field.tag])
                          if v.strip()), None)
            if value:
                found[field.tag] = value
    f008 = record.get("008")
    language = f008.data[35:38].strip() if f008 is not None and f008.data else ""
    return Hints(
        subject=found.get("653"),
        grade=found.get("521"),
        category=found.get("952"),
        series=found.get("490"),
        language=language or None,
    )


def school_level(grade: str | None, default: str) -> str:
    """TH (1-5), THCS (6-9), THPT (10-12), MN for preschool; else the configured level."""
    if grade:
        if "mam non" in fold(grade) or grade.strip().upper() == "MN":
            return "MN"
        found = _GRADE.search(grade)
        if found:
            n = int(found.group())
            if 1 <= n <= 5:
                return "TH"
            if 6 <= n <= 9:
                return "THCS"
            if 10 <= n <= 12:
                return "THPT"
    return default


def _subject_key(text: str) -> str:
    """Matching form of a subject name: folded, parentheses dropped, y → i (lý/lí)."""
    return fold(_PAREN.sub(" ", text)).replace("y", "i")


@dataclass(frozen=True)
class Facts:
    """What proposing needs from one record, read and folded once."""

    text: str  # folded title, series and subject words
    title_key: str  # folded 245 $a in subject form (for "Toán 6")
    category: str | None
    languages: frozenset[str]
    hints: Hints


class Proposer:
    """Tables, compiled rules and settings for one configuration, built once per run."""

    def __init__(self, settings: ClassificationConfig, level: str, rules: Sequence[Rule],
                 categories: Sequence[Category]) -> None:
        self.settings = settings
        self.level = level
        self.rules = RuleSet(rules)
        self.collections = {c.collection: c.code for c in categories}
        self.codes = {c.code for c in categories}
        tables = load_tables()
        self.subjects: dict[str, list[SubjectRow]] = {}
        for row in tables.subjects:
            self.subjects.setdefault(_subject_key(row.subject), []).append(row)
        self.subject_in_title = [
            (name, name.split()[0], re.compile(r"\b" + re.escape(name) + r"\b(?: (\d{1,2})\b)?"))
            for name in sorted(self.subjects, key=len, reverse=True)
        ]
        series = tables.rules.get("textbook_series", [])
        self.textbook_series = frozenset(fold(s) for s in series)

    # -- facts ------------------------------------------------------------------------
    def facts(self, record: Record, hints: Hints) -> Facts:
        title = record.get("245")
        title_a = " ".join(title.get_subfields("a")) if title is not None else ""
        parts = [title_a]
        if title is not None:
            parts += title.get_subfields("b", "n", "p")
        original: set[str] = set()
        for field in record.get_fields("041", "490", "650", "653"):
            if field.tag == "041":
                original.update(code.lower() for code in field.get_subfields("h"))
            else:
                parts += field.get_subfields("a")
        parts += [hints.subject or "", hints.series or ""]
        category = hints.category
        if category and category not in self.codes:
            category = self.collections.get(category, category)
        language = language_code(hints.language)
        languages = original or ({language} if language else set())
        return Facts(
            text=fold(" ".join(parts)),
            title_key=_subject_key(title_a),
            category=category,
            languages=frozenset(languages),
            hints=hints,
        )

    # -- sources ----------------------------------------------------------------------
    def propose(self, record: Record, hints: Hints) -> ClassNumber | None:
        given = parse_class_number(hints.class_number)
        if given is not None:
            why = "Số phân loại ghi trong danh sách"
            return ClassNumber(given[0], given[1], "list", "high", why)
        existing = existing_number(record)
        if existing is not None:
            return existing
        facts = self.facts(record, hints)
        if self.is_textbook(facts):
            found = self.textbook(facts)
            if found is not None:
                return found
        rule = self.rules.first_match(facts.text, facts.category, facts.languages)
        if rule is not None:
            return ClassNumber(
                rule.number, "ddc", f"rule:{rule.id}", rule.confidence,
                f"Quy tắc {rule.id}: {rule.label}",
            )
        return self.reference_subject(facts)

    def is_textbook(self, facts: Facts) -> bool:
        if facts.category in TEXTBOOK_CATEGORIES:
            return True
        series = fold(facts.hints.series or "")
        return bool(series) and any(s in series for s in self.textbook_series)

    def _subject_rows(self, facts: Facts) -> list[tuple[SubjectRow, str]]:
        """Candidate rows with the grade they imply: the list's subject, then the title's."""
        grade = facts.hints.grade
        found: list[tuple[SubjectRow, str]] = []
        if facts.hints.subject:
            level = school_level(grade, self.level)
            found += [(r, level) for r in self._rows_for(_subject_key(facts.hints.subject), level)]
        words = frozenset(facts.title_key.split())
        for name, first_word, pattern in self.subject_in_title:
            if first_word not in words:
                continue
            match = pattern.search(facts.title_key)
            if match is not None:
                level = school_level(grade or match.group(1), self.level)
                found += [(r, level) for r in self._rows_for(name, level)]
        return found

    def _rows_for(self, key: str, level: str) -> list[SubjectRow]:
        rows = self.subjects.get(key, [])
        return [r for r in rows if level in r.levels] or [r for r in rows if not r.levels]

    def textbook(self, facts: Facts) -> ClassNumber | None:
        policy = self.settings.textbook_policy
        for row, level in self._subject_rows(facts):
            number = row.ddc_subject if policy == "subject" else row.ddc_school
            parsed = parse_class_number(number)
            if parsed is None or parsed[1] != "ddc":
                continue
            where = f"môn {row.subject}, cấp {level}"
            if policy == "cip":
                return ClassNumber(
                    parsed[0], "ddc", "subject", lower_confidence(row.confidence),
                    f"Sách giáo khoa/nghiệp vụ ({where}): chưa có số CIP, tạm đề xuất theo "
                    "môn + cấp học; hãy chép số phân loại in trong khối CIP của sách",
                )
            how = "môn học" if policy == "subject" else "môn + cấp học"
            return ClassNumber(
                parsed[0], "ddc", "subject", row.confidence,
                f"Sách giáo khoa/nghiệp vụ ({where}), theo {how}",
            )
        return None

    def reference_subject(self, facts: Facts) -> ClassNumber | None:
        if not facts.hints.subject:
            return None
        level = school_level(facts.hints.grade, self.level)
        for row in self._rows_for(_subject_key(facts.hints.subject), level):
            parsed = parse_class_number(row.ddc_subject)
            if parsed is not None and parsed[1] == "ddc":
                return ClassNumber(
                    parsed[0], "ddc", "subject", lower_confidence(row.confidence),
                    f"Môn loại ghi trong danh sách: {row.subject} (số của ngành học)",
                )
        return None


def existing_number(record: Record) -> ClassNumber | None:
    """The record's own number: a DDC 082 $a, else a legacy 084 $a (kept as it is)."""
    for field in record.get_fields("082"):
        for value in field.get_subfields("a"):
            parsed = parse_class_number(value)
            if parsed is not None and parsed[1] == "ddc":
                return ClassNumber(
                    parsed[0], "ddc", "record", "high", "Số DDC đã có trong biểu ghi (082)"
                )
    for field in record.get_fields("084"):
        for value in field.get_subfields("a"):
            if value.strip():
                return ClassNumber(
                    value.strip(), "bbk19", "record", "high",
                    "Số phân loại cũ (bảng 19 lớp) đã có trong biểu ghi (084), giữ nguyên",
                )
    return None


@cache
def _proposer(settings: ClassificationConfig, level: str, base: Path | None,
              categories: tuple[Category, ...]) -> Proposer:
    rules: tuple[Rule, ...] = ()
    if settings.rules_file:
        path = Path(settings.rules_file)
        if not path.is_absolute() and base is not None:
            path = base / path
        rules = school_rules(path)
    return Proposer(settings, level, rules + default_rules(), categories)


def proposer_for(config: Config) -> Proposer:
    """The (cached) proposer for a configuration; a relative rules_file is beside the config."""
    base = config.source.parent if config.source is not None else None
    return _proposer(config.classification, config.school.level, base, config.categories)


def propose(record: Record, hints: Hints, config: Config) -> ClassNumber | None:
    """Propose a class number for one record; None when no source knows one."""
    return proposer_for(config).propose(record, hints)
