"""Vietnamese personal names: normalising, splitting for Koha, and sorting.

A Vietnamese name is written family name, middle names, given name: Koha's ``surname``
takes the family and middle names, ``firstname`` the given name (the last word). Lists
sort by given name, then family name, in Vietnamese alphabetical order (a ă â b c d đ e
ê …; tones none, huyền, sắc, hỏi, ngã, nặng), not in code-point order.
"""

from __future__ import annotations

import unicodedata
from functools import cache

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i + 1 for i, ch in enumerate(_ALPHABET)}
# Combining marks that make a new letter (ă â ê ô ơ ư), and the five tones in filing order.
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                 ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def clean_name(text: str) -> str:
    """NFC, single spaces, each word capitalised: ``nguyễn  văn AN`` → ``Nguyễn Văn An``."""
    words = unicodedata.normalize("NFC", text).split()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def split_name(full_name: str) -> tuple[str, str]:
    """(surname, firstname): the last word is the given name, the rest the family names."""
    words = clean_name(full_name).split(" ")
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1]), words[-1]


@cache
def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A sort key in Vietnamese order: letters first, tones only between equal letters."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", text.lower()):
        parts = unicodedata.normalize("NFD", ch) if ch != "đ" else "đ"
        base, marks = parts[0], parts[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            else:
                base = _LETTER_MARKS.get((base, mark), base)
        letters.append(_ORDER.get(base, 100 + ord(base)) if not base.isspace() else 0)
        tones.append(tone)
    return tuple(letters), tuple(tones)


def sort_key(surname: str, firstname: str) -> tuple[object, ...]:
    """Given name first, then family and middle names (how class lists are ordered)."""
    return (collation_key(firstname), collation_key(surname))
