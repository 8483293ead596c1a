"""The classification data tables, read once from ``classification/data``.

``ddc-school-subjects.csv`` (subject → DDC), ``bbk19-classes.csv`` (legacy 19-class
table), ``author-marks.yaml`` (letter folding, cn_source codes) and ``ddc-rules.yaml``
(the default proposal rules). Also the two text foldings every module shares.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from marc.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parent / "data"
#: libyaml's safe loader when PyYAML was built with it (ten times faster), else PyYAML's.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Confidence levels, lowest first ("unconfirmed" counts as the lowest).
CONFIDENCE_ORDER: tuple[str, ...] = ("unconfirmed", "low", "medium", "high")

_DDC = re.compile(r"^\d{3}(\.\d+)?$")
_BBK19 = re.compile(r"^[0-9A-ZĐ][0-9A-Za-zĐđ.()\-=/:+]*$")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_CIP_MARKS = re.compile(r"[\s'/]")
_DOTTED = re.compile(r"\d+(\.\d+)+")
#: Texts up to this length are folded through a cache (subjects, series, grades...).
_CACHED_LENGTH = 200


def confidence_rank(level: str) -> int:
    """Position of a confidence level in ``CONFIDENCE_ORDER`` (unknown counts lowest)."""
    try:
        return CONFIDENCE_ORDER.index(level)
    except ValueError:
        return 0


def lower_confidence(level: str) -> str:
    """One step down (``unconfirmed`` stays)."""
    return CONFIDENCE_ORDER[max(confidence_rank(level) - 1, 0)]


def raise_confidence(level: str) -> str:
    """One step up (``high`` stays)."""
    return CONFIDENCE_ORDER[min(confidence_rank(level) + 1, len(CONFIDENCE_ORDER) - 1)]


def parse_class_number(text: str | None) -> tuple[str, str] | None:
    """``(number, scheme)`` for a DDC (``ddc``) or 19-class (``bbk19``) number, else None.

    DDC: three digits and optional decimals; spaces and the CIP segmentation marks
    (' and /) are dropped. 19-class: digits mixed with letters or parentheses
    (``3K``, ``53(075)``), or a one- or two-digit class (``53``).
    """
    if text is None:
        return None
    return _parse_class_number(str(text))


@lru_cache(maxsize=4096)
def _parse_class_number(text: str) -> tuple[str, str] | None:
    raw = unicodedata.normalize("NFC", text).strip()
    if not raw:
        return None
    compact = _CIP_MARKS.sub("", raw)
    if _DDC.match(compact):
        return compact, "ddc"
    compact = raw.replace(" ", "")
    if not any(c.isdigit() for c in compact) or not _BBK19.match(compact):
        return None
    if compact.isdigit() and len(compact) > 2:
        return None  # looks like a broken DDC number, not a 19-class one
    if _DOTTED.fullmatch(compact) and len(compact.split(".")[0]) == 3:
        return None
    return compact, "bbk19"


@dataclass(frozen=True)
class SubjectRow:
    """One row of ``ddc-school-subjects.csv``."""

    key: str
    subject: str  # Vietnamese subject name
    levels: tuple[str, ...]  # TH, THCS, THPT, MN; empty = any level
    ddc_subject: str
    ddc_school: str
    confidence: str
    basis: str


@dataclass(frozen=True)
class Tables:
    subjects: tuple[SubjectRow, ...]
    bbk19_codes: frozenset[str]
    mark_folding: dict[str, str]  # one character → ASCII letters
    cn_source: dict[str, str]  # scheme → Koha cn_source code
    rules: dict[str, Any]  # ddc-rules.yaml as read
    surnames: frozenset[str]  # Vietnamese family names, lower case


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError as exc:
        raise ConfigError(f"Không tìm thấy tệp: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"Tệp YAML {path} không đọc được: {exc}") from exc


@cache
def load_tables() -> Tables:
    """The bundled tables (read on first use, then shared: they are never modified)."""
    subjects = tuple(
        SubjectRow(
            key=row["key"],
            subject=row["subject_vi"],
            levels=() if row["school_levels"] == "any" else tuple(row["school_levels"].split("|")),
            ddc_subject=row["ddc_subject"],
            ddc_school=row["ddc_school"],
            confidence=row["confidence"],
            basis=row["basis"],
        )
        for row in _read_csv("ddc-school-subjects.csv")
    )
    bbk19 = frozenset(row["code"] for row in _read_csv("bbk19-classes.csv"))
    marks = read_yaml(DATA_DIR / "author-marks.yaml")
    folding: dict[str, str] = {}
    for letters, ascii_ in marks["author_mark"]["letter_folding"].items():
        for letter in letters.split():
            folding[letter] = ascii_.lower()
            folding[letter.upper()] = ascii_.upper()
    surnames = frozenset(
        line.strip().lower()
        for line in (DATA_DIR / "vietnamese-surnames.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return Tables(
        surnames=surnames,
        subjects=subjects,
        bbk19_codes=bbk19,
        mark_folding=folding,
        cn_source=dict(marks["call_number"]["cn_source"]),
        rules=read_yaml(DATA_DIR / "ddc-rules.yaml"),
    )


@cache
def _translation() -> dict[int, str]:
    return {ord(k): v for k, v in load_tables().mark_folding.items()}


def fold_letters(text: str) -> str:
    """Vietnamese letters to ASCII per ``author-marks.yaml`` (case kept), others via NFD."""
    text = unicodedata.normalize("NFC", text).translate(_translation())
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class LiteraryAuthor:
    """A writer of ``data/literary-authors.csv``: the number and literature of the
    row, and the spellings (:func:`spelling_key`) of its name and aliases."""

    number: str
    literature: str
    spellings: frozenset[str]

    def spelt_as(self, name: str) -> bool:
        """Whether ``name``, folded like one of the writer's names, is that writer: a
        name written with Vietnamese letters must carry the same letters and tones
        (``Nguyễn Đình Tư`` is not ``Nguyễn Đình Tú``); a plain one cannot tell."""
        return not vietnamese_spelt(name) or spelling_key(name) in self.spellings


@cache
def literary_authors() -> dict[str, LiteraryAuthor]:
    """``data/literary-authors.csv``: author_key(name or alias) → the writer."""
    found: dict[str, LiteraryAuthor] = {}
    for row in _read_csv("literary-authors.csv"):
        names = [row["name"], *filter(None, row["aliases"].split("|"))]
        writer = LiteraryAuthor(row["number"], row["literature"],
                                frozenset(spelling_key(n) for n in names))
        for name in names:
            found[author_key(name)] = writer
    return found


def _direct(name: str) -> str:
    surname, comma, forenames = name.partition(",")
    return f"{forenames} {surname}" if comma else name


def author_key(name: str) -> str:
    """Matching form of a personal name, in direct order ("Christie, Agatha" and
    "Agatha Christie" are one key; "J.K." and "J. K." too)."""
    return "".join(fold(_direct(name)).split())


#: Letters (NFC, lower case) only Vietnamese uses among Latin-script languages.
_VIETNAMESE_ONLY = frozenset(
    "đăâêôơư" "ảạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ"
)
#: The combining marks (NFD) of the five Vietnamese tones.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_NAME_SEPARATORS = re.compile(r"[\s.,;:'\-]+")


def vietnamese_spelt(name: str) -> bool:
    """Whether a name carries a letter only Vietnamese spelling has (ư, ơ, đ, ễ …)."""
    return any(c in _VIETNAMESE_ONLY for c in unicodedata.normalize("NFC", name).lower())


@lru_cache(maxsize=4096)
def spelling_key(name: str) -> str:
    """A name in direct order with its letters and tones, lower case, where each
    syllable's tone counts wherever it is placed (``Hoà`` = ``Hòa``, ``Thuỵ`` =
    ``Thụy``)."""
    decomposed = unicodedata.normalize("NFD", _direct(name).lower())
    words = []
    for word in filter(None, _NAME_SEPARATORS.split(decomposed)):
        tones = "".join(sorted(c for c in word if c in _TONE_MARKS))
        words.append(unicodedata.normalize("NFC", "".join(c for c in word if c not in _TONE_MARKS))
                     + tones)
    return "".join(words)


def fold(text: str) -> str:
    """Matching form: ASCII letters, lower case, words separated by single spaces."""
    if len(text) <= _CACHED_LENGTH:
        return _fold_cached(text)
    return fold_words(text)


def fold_words(text: str) -> str:
    """``fold`` for a text unlikely to come again (a title): only its words are cached.

    Whitespace only ever separates words, so folding word by word gives exactly the
    fold of the whole text.
    """
    return " ".join(filter(None, map(_fold_word, text.split())))


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    if word.isascii() and word.isalnum() and not _folds_ascii():
        return word.lower()  # numbers, plain words: nothing else would change
    return _NON_WORD.sub(" ", fold_letters(word).lower()).strip()


@cache
def _folds_ascii() -> bool:
    """Whether the letter folding table changes an ASCII character (the bundled one does not)."""
    return any(code < 128 for code in _translation())


_fold_cached = lru_cache(maxsize=1 << 15)(fold_words)
