"""Vietnamese filing order for registers and patron lists.

Letters: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f j w z in their
Latin places); syllables that differ only by tone: none, huyền, sắc, hỏi, ngã, nặng.
Letters decide first, tones only between otherwise equal strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def vn_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A sort key: (letters in Vietnamese order, tones); other characters by code point."""
    letters: list[int] = []
    tones: list[int] = []
    for base in unicodedata.normalize("NFD", text.casefold()):
        if base in _TONES:
            if tones:
                tones[-1] = _TONES[base]
            continue
        if base in _LETTER_MARKS and letters:
            previous = _ALPHABET[letters[-1]] if letters[-1] < len(_ALPHABET) else ""
            marked = {"a": {"ă": "ă", "â": "â"}, "e": {"â": "ê"}, "o": {"â": "ô", "ơ": "ơ"},
                      "u": {"ơ": "ư"}}.get(previous, {}).get(_LETTER_MARKS[base])
            if marked:
                letters[-1] = _RANK[marked]
            continue
        if unicodedata.combining(base):
            continue
        letters.append(_RANK.get(base, len(_ALPHABET) + ord(base)))
        tones.append(0)
    return tuple(letters), tuple(tones)


def name_key(given: str, family: str) -> tuple[object, ...]:
    """Vietnamese order of people: by given name, then by family and middle names."""
    return vn_key(given.strip()), vn_key(family.strip())


def class_key(name: str) -> tuple[object, ...]:
    """Class names in natural order: 6A1 < 6A2 < 6A10 < 10A1; letters the Vietnamese way."""
    parts = _DIGITS.split(name.strip())
    return tuple(
        (0, int(part), ()) if index % 2 else (1, 0, vn_key(part))
        for index, part in enumerate(parts) if part
    )
