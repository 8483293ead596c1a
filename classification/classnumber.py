"""Class-number proposals with their provenance.

Sources, first one that answers wins: the list's number (``list``), a number already
in the record (``record``: 082, else a legacy 19-class 084, which is kept and never
converted), copy cataloguing by ISBN (``sru:<target>``, given in the hints), school
books through ``ddc-school-subjects.csv`` (``subject``, under ``textbook_policy``: the
list's subject and grade, else what ``classification.schooltitle`` reads in the title),
the school's then the bundled rules (``rule:<id>``), the plain discipline number of the
list's subject for other books (``subject``, one confidence step down), and the title
model (``model``, ``classification.titlemodel``) where no rule is sure (it also wins
over a weak rule it is surer than, and gives the runner-up of a weak proposal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pymarc import Field, Record

from classification.origin import name_origin
from classification.recordscan import Hints, RecordScan, hints_from_record, scan_record
from classification.rules import Rule, RuleSet, default_rules, language_code, school_rules
from classification.schooltitle import SchoolTitle, TitleParser, default_parser
from classification.tables import (
    CONFIDENCE_ORDER,
    SubjectRow,
    author_key,
    confidence_rank,
    fold,
    fold_words,
    literary_authors,
    load_tables,
    lower_confidence,
    parse_class_number,
    raise_confidence,
)
from classification.titlemodel import default_model, features
from marc.model import ClassNumber
from marc.settings import Category, ClassificationConfig, Settings

__all__ = [
    "TEXTBOOK_CATEGORIES", "Hints", "Proposer", "existing_number", "hints_from_record",
    "propose", "proposer_for", "school_level",
]

TEXTBOOK_CATEGORIES = frozenset({"SGK", "NV"})
_GRADE = re.compile(r"\d{1,2}")
_PAREN = re.compile(r"\([^)]*\)")
_MEMO_LIMIT = 4096


@lru_cache(maxsize=1024)
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


@lru_cache(maxsize=4096)
def _subject_key(text: str) -> str:
    """Matching form of a subject name: folded, parentheses dropped, y → i (lý/lí)."""
    if "(" in text:
        text = _PAREN.sub(" ", text)
    return fold(text).replace("y", "i")


@dataclass(slots=True)
class Facts:
    """What proposing needs from one record, read and folded once (not frozen: hot path)."""

    title: str  # folded 245 $a
    others: list[str]  # 245 $b $n $p, 490/650/653 $a, the list's subject and series
    category: str | None
    languages: frozenset[str]
    hints: Hints

    @property
    def text(self) -> str:
        """Folded title, series and subject words (only the rules need it)."""
        return " ".join(filter(None, [self.title, *map(fold, self.others)]))


_VIE = frozenset({"vie"})
_SURE_ENOUGH = CONFIDENCE_ORDER.index("medium")  # a rule this sure is not second-guessed
_ORIGINS = {"jpn": frozenset({"jpn"}), "kor": frozenset({"kor"}), "und": frozenset({"und"})}


def author_origin(scan: RecordScan) -> str | None:
    """Where the main entry's personal name comes from (see ``classification.origin``)."""
    return name_origin(main_entry_name(scan))


def main_entry_name(scan: RecordScan) -> str | None:
    """The main entry's personal name (100 $a) without its closing punctuation."""
    heading = scan.headings.get("100")
    name = heading.get("a") if heading is not None else None
    return name.strip(" ,.") if name else None


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
        self.parser: TitleParser = default_parser()
        self.literary = literary_authors()
        self.model = default_model() if settings.model else None
        series = tables.rules.get("textbook_series", [])
        self.textbook_series = frozenset(fold(s) for s in series)
        self._rows: dict[tuple[str, str], tuple[SubjectRow, ...]] = {}
        self._textbook: dict[tuple[str, str], ClassNumber | None] = {}
        self._reference: dict[tuple[str, str], ClassNumber | None] = {}
        self._language_sets: dict[str | None, frozenset[str]] = {}

    # -- facts ------------------------------------------------------------------------
    def facts(self, scan: RecordScan, hints: Hints) -> Facts:
        title_a = " ".join(scan.title_a)
        title = fold_words(title_a)  # titles rarely repeat; their words do
        others = [*scan.title_more, *scan.subject_texts]
        if hints.subject:
            others.append(hints.subject)
        if hints.series:
            others.append(hints.series)
        category = hints.category
        if category and category not in self.codes:
            category = self.collections.get(category, category)
        languages = scan.original_languages or self._languages(hints.language)
        if languages == _VIE:  # a foreign author with a Vietnamese title: a translation
            languages = _ORIGINS.get(author_origin(scan) or "vie", languages)
        return Facts(
            title=title,
            others=others,
            category=category,
            languages=languages,
            hints=hints,
        )

    def _languages(self, value: str | None) -> frozenset[str]:
        """The list's (or 008's) language as a set of one MARC code, or none."""
        found = self._language_sets.get(value)
        if found is None:
            code = language_code(value)
            found = frozenset({code} if code else ())
            _make_room(self._language_sets)
            self._language_sets[value] = found
        return found

    # -- sources ----------------------------------------------------------------------
    def propose(self, record: Record, hints: Hints) -> ClassNumber | None:
        return self.propose_scanned(scan_record(record), hints)

    def school_title(self, scan: RecordScan, hints: Hints) -> SchoolTitle:
        """What the title (and its series) says: series, kind, subject, grade, part."""
        text = " - ".join(filter(None, [*scan.title_parts, hints.series]))
        return _parse_title(self.parser, text)

    def propose_scanned(
        self, scan: RecordScan, hints: Hints, school: SchoolTitle | None = None
    ) -> ClassNumber | None:
        """``propose`` for a record already read by :func:`scan_record`."""
        return self.propose_with_runner_up(scan, hints, school)[0]

    def propose_with_runner_up(
        self, scan: RecordScan, hints: Hints, school: SchoolTitle | None = None
    ) -> tuple[ClassNumber | None, ClassNumber | None]:
        """The proposal and, when it is a weak one, the best other answer seen."""
        given = parse_class_number(hints.class_number)
        if given is not None:
            why = "Số phân loại ghi trong danh sách"
            return ClassNumber(given[0], given[1], "list", "high", why), None
        existing = _existing(scan.class_fields)
        if existing is not None:
            return existing, None
        if hints.copied is not None:
            return hints.copied, None
        facts = self.facts(scan, hints)
        if school is None:
            school = self.school_title(scan, hints)
        if self.is_textbook(facts) or school.is_school_book:
            found = self.textbook(facts, school)
            if found is not None:
                return found, None
        rule = self.rules.first_match(facts.text, facts.category, facts.languages)
        found = rule.proposal if rule is not None else self.reference_subject(facts)
        if found is not None and (
            rule is None or confidence_rank(found.confidence) >= _SURE_ENOUGH
        ):
            return found, None  # a sure rule, or the list's own subject: the model (the
            # costly step) is not asked
        author = self.literary_author(scan)
        if author is not None:
            return author, found  # a known writer's book is literature, whatever its title
        guess, other = self.model_guess(scan)
        if guess is not None and (
            found is None or confidence_rank(guess.confidence) > confidence_rank(found.confidence)
        ):
            return guess, found or other  # the title model is surer than a weak rule
        return found, guess

    def literary_author(self, scan: RecordScan) -> ClassNumber | None:
        """Literature by a writer of ``data/literary-authors.csv`` (the main entry),
        numbered by the writer's literature: a title that names no genre still says
        who wrote it."""
        name = main_entry_name(scan)
        found = self.literary.get(author_key(name)) if name else None
        if found is None or not found.spelt_as(name or ""):
            return None
        return ClassNumber(found.number, "ddc", "author", "medium",
                           f"Tác giả văn học: {name} ({found.literature})")

    def model_guess(self, scan: RecordScan) -> tuple[ClassNumber | None, ClassNumber | None]:
        """The title model's number and its runner-up (another main class), if a model
        is shipped (see ``classification.titlemodel``)."""
        model = self.model
        if model is None:
            return None, None
        author = main_entry_name(scan)
        origin = name_origin(author)
        title = " ".join(p.strip(" /:;,.=") for p in scan.title_parts)
        tokens = features(title, author, origin, (scan.publisher or "").strip(" ,:;") or None)
        guess = model.guess(tokens, origin)
        confidence = model.confidence(guess.probability)
        found = ClassNumber(
            guess.number, "ddc", "model", confidence,
            f"Mô hình nhan đề: lớp {guess.number[0]}00, xác suất {guess.probability:.0%}",
        )
        other = None
        if guess.runner_up is not None:
            other = ClassNumber(
                guess.runner_up, "ddc", "model", model.confidence(guess.runner_up_probability),
                f"Mô hình nhan đề: phương án 2, xác suất {guess.runner_up_probability:.0%}",
            )
        return found, other

    def is_textbook(self, facts: Facts) -> bool:
        if facts.category in TEXTBOOK_CATEGORIES:
            return True
        series = fold(facts.hints.series or "")
        return bool(series) and any(s in series for s in self.textbook_series)

    def _subject_rows(self, facts: Facts, school: SchoolTitle) -> Iterator[tuple[str, str]]:
        """Candidate (subject key, level) pairs: the list's subject, then the title's."""
        grade = facts.hints.grade
        if facts.hints.subject:
            yield _subject_key(facts.hints.subject), school_level(grade, self.level)
        if school.subject is not None:
            level = school_level(grade, school.level or self.level)
            yield _subject_key(school.subject), level

    def _rows_for(self, key: str, level: str) -> tuple[SubjectRow, ...]:
        rows = self._rows.get((key, level))
        if rows is None:
            every = self.subjects.get(key, [])
            rows = tuple(r for r in every if level in r.levels) or tuple(
                r for r in every if not r.levels
            )
            _make_room(self._rows)
            self._rows[key, level] = rows
        return rows

    def textbook(self, facts: Facts, school: SchoolTitle) -> ClassNumber | None:
        for subject, level in self._subject_rows(facts, school):
            if (subject, level) not in self._textbook:
                _make_room(self._textbook)
                self._textbook[subject, level] = self._textbook_number(subject, level)
            found = self._textbook[subject, level]
            if found is not None:
                return _described(found, school, self.settings.textbook_policy != "cip")
        return None

    def _textbook_number(self, key: str, level: str) -> ClassNumber | None:
        """The first usable row for a subject at a level, under ``textbook_policy``."""
        policy = self.settings.textbook_policy
        for row in self._rows_for(key, level):
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
                f"Sách giáo khoa/tham khảo theo môn ({where}), theo {how}",
            )
        return None

    def reference_subject(self, facts: Facts) -> ClassNumber | None:
        if not facts.hints.subject:
            return None
        key = (_subject_key(facts.hints.subject), school_level(facts.hints.grade, self.level))
        if key not in self._reference:
            _make_room(self._reference)
            self._reference[key] = self._reference_number(*key)
        return self._reference[key]

    def _reference_number(self, key: str, level: str) -> ClassNumber | None:
        for row in self._rows_for(key, level):
            parsed = parse_class_number(row.ddc_subject)
            if parsed is not None and parsed[1] == "ddc":
                return ClassNumber(
                    parsed[0], "ddc", "subject", lower_confidence(row.confidence),
                    f"Môn loại ghi trong danh sách: {row.subject} (số của ngành học)",
                )
        return None


def _described(found: ClassNumber, school: SchoolTitle, surer: bool) -> ClassNumber:
    """A subject number with what the title said; one step surer (``surer``: not under
    the CIP policy) when the title names a series or a kind of school book besides the
    subject and grade."""
    if not school.is_school_book:
        return found
    confidence = found.confidence
    if surer and school.strong and found.source == "subject":
        confidence = raise_confidence(confidence)
    return replace(found, confidence=confidence, why=f"{found.why}. Nhan đề: {school.summary()}")


@lru_cache(maxsize=4096)
def _parse_title(parser: TitleParser, text: str) -> SchoolTitle:
    return parser.parse(text)


def _make_room(memo: dict[Any, Any]) -> None:
    """Keep a per-run memo (keyed by list values) from growing without bound."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()


def existing_number(record: Record) -> ClassNumber | None:
    """The record's own number: a DDC 082 $a, else a legacy 084 $a (kept as it is)."""
    return _existing(tuple(record.get_fields("082", "084")))


def _existing(fields: Sequence[Field]) -> ClassNumber | None:
    for field in fields:
        if field.tag != "082":
            continue
        for value in field.get_subfields("a"):
            parsed = parse_class_number(value)
            if parsed is not None and parsed[1] == "ddc":
                return ClassNumber(
                    parsed[0], "ddc", "record", "high", "Số DDC đã có trong biểu ghi (082)"
                )
    for field in fields:
        if field.tag != "084":
            continue
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


def proposer_for(config: Settings) -> Proposer:
    """The (cached) proposer for a configuration; a relative rules_file is beside the config."""
    base = config.source.parent if config.source is not None else None
    return _proposer(config.classification, config.school.level, base, config.categories)


def propose(record: Record, hints: Hints, config: Settings) -> ClassNumber | None:
    """Propose a class number for one record; None when no source knows one."""
    return proposer_for(config).propose(record, hints)
