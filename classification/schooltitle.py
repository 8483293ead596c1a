"""Understanding a Vietnamese school title: series, kind, subject, grade, part, volume.

``Âm Nhạc 10 (Kết Nối) (Chuẩn)`` → subject Âm nhạc, grade 10, series Kết nối tri thức
với cuộc sống; ``Bài Tập Lịch Sử Và Địa Lí 8 - Phần Lịch Sử (Chân Trời)`` → kind
Sách bài tập, subject Lịch sử (the part), grade 8. The vocabulary is data
(``data/school-titles.yaml``). Works on raw retail titles and on cleaned ones (the
series may then be in 490: pass it in the same text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from classification.tables import DATA_DIR, fold, fold_words, read_yaml

_NUMBER_WORDS = {"mot": "1", "hai": "2", "ba": "3", "bon": "4", "nam": "5"}
_GRADE_AFTER = re.compile(r" (\d{1,2})\b")
_CLASS = re.compile(r"\blop (\d{1,2})\b")
_ENTRANCE = re.compile(r"\bvao lop (\d{1,2})\b")
_VOLUME = re.compile(r"\b(?:tap|quyen) (\d{1,2}|mot|hai|ba|bon|nam)\b")
_LEVEL_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:thpt|trung hoc pho thong|cap 3|thi tot nghiep)\b"), "THPT"),
    (re.compile(r"\b(?:thcs|trung hoc co so|cap 2)\b"), "THCS"),
    (re.compile(r"\b(?:tieu hoc|cap 1)\b"), "TH"),
    (re.compile(r"\b(?:mam non|mau giao)\b"), "MN"),
)
_SUBJECT_PREFIXES = ("mon ", "chuien ")  # "môn", "chuyên" in key() form
_SEGMENT = re.compile(r"[()\[\]]| - ")  # "(Kết Nối)", "- Chân Trời -": where short forms count


def key(text: str) -> str:
    """Matching form: folded, and y → i (lý/lí, Mỹ/Mĩ are written both ways)."""
    return fold(text).replace("y", "i")


def level_of_grade(grade: int) -> str:
    """TH (1-5), THCS (6-9), THPT (10-12)."""
    return "TH" if grade <= 5 else "THCS" if grade <= 9 else "THPT"


@dataclass(frozen=True)
class SchoolTitle:
    """What a title says about the school book it is (all None when it says nothing)."""

    series: str | None = None
    kind: str | None = None  # key of data/school-titles.yaml kinds
    kind_label: str | None = None
    subject: str | None = None  # canonical subject name (ddc-school-subjects subject_vi)
    grade: int | None = None
    level: str | None = None  # TH | THCS | THPT | MN, from the grade or the title's words
    part: str | None = None
    volume: str | None = None

    @property
    def is_school_book(self) -> bool:
        """A subject at a known level: enough for a subject + level number."""
        return self.subject is not None and self.level is not None

    @property
    def strong(self) -> bool:
        """Series or kind words besides the subject and level: surely a school book."""
        return self.is_school_book and (self.series is not None or self.kind is not None)

    @property
    def grade_text(self) -> str | None:
        return f"Lớp {self.grade}" if self.grade is not None else None

    def summary(self) -> str:
        """Vietnamese, for the review sheet ("Sách bài tập · Lịch sử · lớp 8 · …")."""
        parts = [
            self.kind_label, self.subject,
            f"lớp {self.grade}" if self.grade is not None else self.level,
            f"tập {self.volume}" if self.volume else None, self.series,
        ]
        return " · ".join(p for p in parts if p)


_NOTHING = SchoolTitle()


class TitleParser:
    """The compiled vocabulary of ``school-titles.yaml``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.series: list[tuple[re.Pattern[str], str]] = []
        self.short_series: dict[str, str] = {}
        for name, forms in data["series"].items():
            long = _pattern(forms.get("long", []))
            if long is not None:
                self.series.append((long, name))
            for short in forms.get("short", []):
                self.short_series[key(short)] = name
        self.kind_subjects = {
            name: spec["subject"] for name, spec in data["kinds"].items() if spec.get("subject")
        }
        self.preschool_subject: str | None = data.get("preschool_subject")
        self.kinds = [
            (pattern, name, spec["label"])
            for name, spec in data["kinds"].items()
            if (pattern := _pattern(spec["any"])) is not None
        ]
        phrases: dict[str, str] = {}
        for name, forms in data["subjects"].items():
            for form in [name, *forms]:
                phrases.setdefault(key(form), name)
        self.subject_names = phrases
        self.subject_pattern = _pattern(list(phrases), folded=True)
        self.needs_grade = frozenset(key(w) for w in data.get("needs_grade", []))
        self.loose = frozenset(key(w) for w in data.get("loose", []))
        self.level_names = {
            level: dict(names) for level, names in data.get("level_names", {}).items()
        }
        self.parts = [
            (pattern, name) for name, forms in data.get("parts", {}).items()
            if (pattern := _pattern(forms)) is not None
        ]
        # One pass first: most titles hold no series, kind or part phrase at all.
        self.any_marker = _pattern([
            *(f for forms in data["series"].values() for f in forms.get("long", [])),
            *(f for spec in data["kinds"].values() for f in spec["any"]),
            *(f for forms in data.get("parts", {}).values() for f in forms),
        ])

    def parse(self, text: str) -> SchoolTitle:
        folded = fold_words(text).replace("y", "i")  # key(): a title rarely comes again
        marked = self.any_marker is not None and self.any_marker.search(folded) is not None
        series = next((name for p, name in self.series if p.search(folded)), None) if (
            marked) else None
        if series is None and self.short_series and ("(" in text or " - " in text):
            series = next((self.short_series[k] for k in map(key, _SEGMENT.split(text))
                           if k in self.short_series), None)
        return self._parse(folded, series, marked)

    def _parse(self, text: str, series: str | None, marked: bool) -> SchoolTitle:
        kind = next(((name, label) for p, name, label in self.kinds if p.search(text)),
                    None) if marked else None
        subject, grade, loose = self._subject(text)
        if subject is None and kind is not None:
            subject = self.kind_subjects.get(kind[0])
        entrance = _ENTRANCE.search(text)
        if entrance is not None:
            grade = int(entrance.group(1)) - 1  # "thi vào lớp 10" is for grade 9
            if grade == 0:  # "vào lớp 1": for preschool children
                return self._found(text, series, kind, self.preschool_subject, None, "MN",
                                   marked=marked)
        elif grade is None:
            found = _CLASS.search(text)
            grade = int(found.group(1)) if found else None
        if grade is not None and not 1 <= grade <= 12:
            grade = None
        level = level_of_grade(grade) if grade is not None else None
        if level is None and subject is not None:  # a level matters only with a subject
            level = next((lvl for p, lvl in _LEVEL_WORDS if p.search(text)), None)
        return self._found(text, series, kind, subject, grade, level, loose, marked)

    def _found(
        self, text: str, series: str | None, kind: tuple[str, str] | None,
        subject: str | None, grade: int | None, level: str | None, loose: bool = False,
        marked: bool = True,
    ) -> SchoolTitle:
        part = next((name for p, name in self.parts if p.search(text)), None) if marked else None
        if part is not None:
            subject = part
        elif loose and grade is None and kind is None and level is None:
            subject = None  # "Hoa Học Trò" is a magazine, "Hóa Học 9" a school book
        if subject is not None and level is not None:
            subject = self.level_names.get(level, {}).get(subject, subject)
        volume = _VOLUME.search(text) if "tap " in text or "quien " in text else None
        if subject is None and series is None and kind is None and grade is None and (
                level is None and volume is None):
            return _NOTHING  # most titles (part implies a subject)
        return SchoolTitle(
            series=series,
            kind=kind[0] if kind else None,
            kind_label=kind[1] if kind else None,
            subject=subject,
            grade=grade,
            level=level,
            part=part,
            volume=_NUMBER_WORDS.get(volume.group(1), volume.group(1)) if volume else None,
        )

    def _subject(self, text: str) -> tuple[str | None, int | None, bool]:
        """The first subject named, the grade right after it ("Toán 9"), and whether
        the name is one that also reads as another word (it then needs a grade, a
        kind or a level to count)."""
        if self.subject_pattern is None:
            return None, None, False
        for match in self.subject_pattern.finditer(text):
            after = _GRADE_AFTER.match(text, match.end())
            phrase = match.group()
            if phrase in self.needs_grade:
                before = text[max(match.start() - 7, 0):match.start()]
                near_class = text.startswith(" lop ", match.end())
                if after is None and not near_class and not before.endswith(_SUBJECT_PREFIXES):
                    continue
            grade = int(after.group(1)) if after else None
            return self.subject_names[phrase], grade, phrase in self.loose
        return None, None, False


def _pattern(phrases: list[str], *, folded: bool = False) -> re.Pattern[str] | None:
    forms = sorted({p if folded else key(p) for p in phrases} - {""}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b")


@cache
def default_parser() -> TitleParser:
    """The parser of the bundled vocabulary (built once)."""
    return TitleParser(read_yaml(DATA_DIR / "school-titles.yaml"))


@lru_cache(maxsize=4096)
def parse_school_title(text: str) -> SchoolTitle:
    """Parse a title (with its series, if any, appended) with the bundled vocabulary."""
    return default_parser().parse(text)
