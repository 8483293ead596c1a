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
from typing import Any, NamedTuple

from classification.tables import DATA_DIR, fold, fold_words, read_yaml

_NUMBER_WORDS = {"mot": "1", "hai": "2", "ba": "3", "bon": "4", "nam": "5"}
_GRADE_AFTER = re.compile(r" (\d{1,2})\b")
_CLASS = re.compile(r"\blop (\d{1,2})\b")
# "Thi vào lớp 10", "Tuyển sinh 10" (key form: y → i): material for the grade before.
_ENTRANCE = re.compile(r"\b(?:vao lop|thi vao|tuien sinh(?: vao)?(?: lop)?) (\d{1,2})\b")
# Read on the raw title (punctuation matters): a grade number where a segment ends
# ("Toán Nâng Cao 7 (…)", "Happy Hearts 3 - Workbook"), not a score ("9+", "8,5+"),
# a ratio ("12/1") or a range ("1-5").
_SEGMENT_NUMBER = re.compile(r"\b(?<![.,/+-])(\d{1,2})(?=\s*(?:$|[()\[\]:;|]|,(?!\d)|[-–]\s))")
# Grades written as a range or list ("Lớp 1-5", "(Lớp 10 - 11 - 12)", "10-11-12"),
# not ages ("10-12 Tuổi").
_RANGE = re.compile(
    r"(?<![\w.,/+-])(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))+(?![\w.,/+]|\s*tu[ổô]i)", re.IGNORECASE)
_VOLUME = re.compile(r"\b(?:tap|quyen) (\d{1,2}|mot|hai|ba|bon|nam)\b")
_LEVEL_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Đường lên đỉnh Olympia" is the quiz of THPT students
    (re.compile(r"\b(?:thpt|trung hoc pho thong|cap 3|thi tot nghiep|dinh olimpia)\b"), "THPT"),
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
        self.series_subjects = {
            name: forms["subject"] for name, forms in data["series"].items()
            if forms.get("subject")
        }
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
        self.not_subjects = frozenset(key(w) for w in data.get("not_subjects", []))
        self.subject_pattern = _pattern([*phrases, *self.not_subjects], folded=True)
        self.not_grade_before = frozenset(key(w) for w in data.get("not_grade_before", []))
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
        series = self._series(folded) if marked else None
        if series is None and self.short_series and ("(" in text or " - " in text):
            series = next((_Named(self.short_series[k], "", None) for k in map(
                key, _SEGMENT.split(text)) if k in self.short_series), None)
        return self._parse(folded, text, series, marked)

    def _series(self, text: str) -> _Named | None:
        """The series named, and the grade right after its name ("Smart Start 3")."""
        for pattern, name in self.series:
            found = pattern.search(text)
            if found is not None:
                after = _GRADE_AFTER.match(text, found.end())
                return _Named(name, found.group(), int(after.group(1)) if after else None)
        return None

    def _kind(self, text: str) -> tuple[str, str, str] | None:
        """The kind of school book named: key, label and the phrase found."""
        for pattern, name, label in self.kinds:
            found = pattern.search(text)
            if found is not None:
                return name, label, found.group()
        return None

    def _parse(self, text: str, raw: str, series: _Named | None, marked: bool) -> SchoolTitle:
        kind = self._kind(text) if marked else None
        named, loose, weak = self._subject(text)
        if named is None and kind is not None and kind[0] in self.kind_subjects:
            named = _Named(self.kind_subjects[kind[0]], kind[2], None)
        if named is None and series is not None and series.name in self.series_subjects:
            named = _Named(self.series_subjects[series.name], series.phrase, None)
        series_name = series.name if series is not None else None
        kind_names = kind[:2] if kind is not None else None
        subject = named.name if named is not None else None
        entrance = _ENTRANCE.search(text)
        if entrance is not None:
            grade: int | None = int(entrance.group(1)) - 1  # "thi vào lớp 10" is for grade 9
            if grade == 0:  # "vào lớp 1": for preschool children
                return self._found(text, series_name, kind_names, self.preschool_subject,
                                   None, "MN", marked=marked)
            grade, level = _checked(grade)
        else:
            candidate = named or (weak if kind is not None else None)
            after = candidate.grade if candidate is not None else None
            if after is None and series is not None:
                after = series.grade
            # A subject name that is also a common word needs a kind or series for a
            # number ending its segment: "Khoa Học Quanh Ta 1" is a volume.
            segment = candidate if not loose or kind or series else None
            grade, level = self._grade(text, raw, after, segment)
            if subject is None and grade is not None and candidate is not None:
                subject = candidate.name  # "Bồi Dưỡng Văn Năng Khiếu 11": short word, grade
        if level is None and subject is not None:  # a level matters only with a subject
            level = next((lvl for p, lvl in _LEVEL_WORDS if p.search(text)), None)
        return self._found(text, series_name, kind_names, subject, grade, level, loose, marked)

    def _grade(
        self, text: str, raw: str, grade: int | None, segment: _Named | None
    ) -> tuple[int | None, str | None]:
        """The grade and level: a range of grades ("Lớp 1-5", "Hình Học 10-11-12") gives
        only their level; else the grade after the subject, "lớp N", or a number ending
        the segment that names ``segment`` ("Toán Nâng Cao 7")."""
        # A range counts only after "lớp" or the subject's own grade: look no further.
        maybe = (grade is not None or "lop " in text) and ("-" in raw or "–" in raw)
        spread = _RANGE.search(raw) if maybe else None
        if spread is not None and _is_range(raw, spread, grade):
            low, high = (level_of_grade(int(g)) for g in spread.groups())
            return None, low if low == high else None
        if grade is None:
            found = _CLASS.search(text)
            grade = int(found.group(1)) if found else None
        if grade is None and segment is not None:
            grade = self._segment_grade(raw, segment.phrase)
        return _checked(grade)

    def _segment_grade(self, raw: str, phrase: str) -> int | None:
        """The first number 1-12 ending a segment that names ``phrase`` and after no
        volume-like word ("Tập 2", "Học Kì 1", "Bản 1" are not grades)."""
        for found in _SEGMENT_NUMBER.finditer(raw):
            grade = int(found.group(1))
            head = raw[:found.start()]
            segment = key(head[max(head.rfind(" - "), *map(head.rfind, "()[]:;|")) + 1:])
            if 1 <= grade <= 12 and f" {phrase} " in f" {segment} " and (
                    segment.rpartition(" ")[2] not in self.not_grade_before):
                return grade
        return None

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

    def _subject(self, text: str) -> tuple[_Named | None, bool, _Named | None]:
        """The first subject named with the grade right after it ("Toán 9"); whether
        the name is one that also reads as another word (it then needs a grade, a kind
        or a level to count); and the first short subject word that lacked its grade."""
        if self.subject_pattern is None:
            return None, False, None
        weak: _Named | None = None
        for match in self.subject_pattern.finditer(text):
            phrase = match.group()
            if phrase in self.not_subjects:
                continue  # "tuyển sinh", "học sinh"
            after = _GRADE_AFTER.match(text, match.end())
            if phrase in self.needs_grade:
                before = text[max(match.start() - 7, 0):match.start()]
                near_class = text.startswith(" lop ", match.end())
                if after is None and not near_class and not before.endswith(_SUBJECT_PREFIXES):
                    weak = weak or _Named(self.subject_names[phrase], phrase, None)
                    continue
            grade = int(after.group(1)) if after else None
            return _Named(self.subject_names[phrase], phrase, grade), phrase in self.loose, None
        return None, False, weak


class _Named(NamedTuple):
    """A subject or series as the title names it: the name, the phrase found (key form)
    and the grade right after the phrase."""

    name: str
    phrase: str
    grade: int | None


def _checked(grade: int | None) -> tuple[int | None, str | None]:
    """A grade 1-12 and its level, else nothing."""
    if grade is None or not 1 <= grade <= 12:
        return None, None
    return grade, level_of_grade(grade)


def _is_range(raw: str, spread: re.Match[str], after: int | None) -> bool:
    """Whether numbers joined by dashes are a range of grades: after "lớp" ("Lớp 1 - 5"),
    or written tight right after the subject ("Hình Học 10-11-12"; "Tiếng Việt 1 - 2"
    is volume 2)."""
    low, high = int(spread.group(1)), int(spread.group(2))
    if not 1 <= low < high <= 12:
        return False
    before = raw[max(spread.start() - 12, 0):spread.start()]
    if key(before).rpartition(" ")[2] == "lop":
        return True
    return after == low and " " not in spread.group()


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
