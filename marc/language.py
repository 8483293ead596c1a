"""A title's language guessed from its words, and its non-filing characters (245 ind2).

Supplier lists rarely say a book's language, and an English or French title in a
Vietnamese list is common. ``guess_language`` answers ``vie`` as soon as a title has a
letter only Vietnamese uses, else the language whose common words the title uses most
(English, French, German, Spanish, Italian), else None (no evidence: keep the default).
``nonfiling`` counts the characters an initial article takes, the way MARC::Lint counts
them, when the words it opens are in the article's language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Letters (NFC, lower case) that no other Latin-script language of our lists uses.
VIETNAMESE_LETTERS = frozenset(
    "đăơư" "ảạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ"
)

#: Initial articles by MARC language code (lower case; "l" is the elided l'). These are
#: the articles MARC::Lint knows: it flags a non-zero indicator on any other first word,
#: so German "die"/"den", Italian "i" and Spanish "unos"/"unas" keep indicator 0.
ARTICLES: dict[str, frozenset[str]] = {
    "eng": frozenset({"the", "a", "an"}),
    "fre": frozenset({"le", "la", "les", "l", "un", "une"}),
    "ger": frozenset({"der", "das", "dem", "ein", "eine", "einem", "einen", "einer", "eines"}),
    "spa": frozenset({"el", "la", "los", "las", "un", "una"}),
    "ita": frozenset({"il", "lo", "la", "gli", "le", "l", "un", "uno", "una"}),
}

#: Common words of each language. A word that is also a plain Vietnamese syllable
#: typed without diacritics ("an", "to", "la", "le", "em") is weak: it is counted only
#: beside another word of the same language.
_WORDS: dict[str, str] = {
    "eng": "the a an of and to in for with from on at by my your our his her their is are"
           " be was how what who why when where this that these those all new you i me we"
           " it its not no do can will into about one first little big great story stories"
           " book books life world day days time side love english grammar vocabulary"
           " student students workbook teacher friends learn learning guide"
           " s edition secret magic mirror dead walking four best soul diary year manager"
           " finance wonder weeks boy girl war house night man woman king queen",
    "fre": "le la les l d qu un une des du de et en au aux sans pour avec dans sur par est mon"
           " ma mes ton ta nouveau nouvelle nouveaux petit petite vie monde français"
           " francaise française grammaire niveau exercices frontieres frontières",
    "ger": "der die das ein eine und mit von zu im ist für fur auf dem den des deutsch"
           " deutsche wörterbuch worterbuch bildwörterbuch kleine",
    "spa": "el la los las un una y de del con por para en es mi casa vida amor español"
           " espanol gramática gramatica",
    "ita": "il lo la i gli le un uno una e di del della con per in è mio mia casa vita"
           " italiano grammatica",
}
_WEAK = frozenset({"a", "an", "to", "in", "on", "la", "le", "de", "em", "i", "e", "y", "en",
                   "me", "my", "mi", "ma", "ta", "ton", "con", "lo", "vie", "no", "do", "it"})
_VOCABULARY: dict[str, frozenset[str]] = {
    code: frozenset(words.split()) for code, words in _WORDS.items()
}
_WORD = re.compile(r"[^\W\d_]+")
_LEADING = "\"'[(*"
_FIRST_WORD = re.compile(r"([^ ()\[\]'\"\-]+)([ ()\[\]'\"\-])?(.*)", re.DOTALL)
_SEGMENT_END = re.compile(r" - | – |:| / | = |\(|;")


def has_vietnamese_letters(text: str) -> bool:
    """True when ``text`` has a letter only Vietnamese uses."""
    return any(c in VIETNAMESE_LETTERS for c in unicodedata.normalize("NFC", text.lower()))


@lru_cache(maxsize=8192)
def guess_language(text: str) -> str | None:
    """``vie``, ``eng``, ``fre``, ``ger``, ``spa`` or ``ita`` for a title, or None."""
    if has_vietnamese_letters(text):
        return "vie"
    words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text))]
    best: tuple[int, str] | None = None
    tie = False
    for code, vocabulary in _VOCABULARY.items():
        found = {w for w in words if w in vocabulary}
        score = len(found) if found - _WEAK or len(found) >= 2 else 0
        if not score:
            continue
        if best is None or score > best[0]:
            best, tie = (score, code), False
        elif score == best[0]:
            tie = True
    return None if best is None or tie else best[1]


def nonfiling(title: str, language: str) -> int:
    """Characters to skip when filing ``title`` (245 $a): 0 unless it opens with an article.

    The article counts when the title's opening words (up to `` - ``, ``:``, ``(`` …)
    are in its language, or, when they show no language, in the book's ``language``.
    Counted as MARC::Lint counts: quotes or brackets before it, the article, its
    separator and any quotes or brackets after it.
    """
    rest = title.lstrip(_LEADING)
    before = len(title) - len(rest)
    match = _FIRST_WORD.match(rest)
    if match is None or not match.group(2):
        return 0
    word, separator, after = match.groups()
    lowered = word.lower()
    if separator not in (" ", "'") or not any(lowered in a for a in ARTICLES.values()):
        return 0
    if lowered == "l" and separator == "'":  # elision: French, or Italian if the book is
        guessed: str | None = "ita" if language == "ita" else "fre"
    else:
        opening = _SEGMENT_END.split(title, maxsplit=1)[0]
        guessed = guess_language(opening) or (
            None if has_vietnamese_letters(title) else language
        )
    if guessed is None or lowered not in ARTICLES.get(guessed, ()):
        return 0
    count = before + len(word) + 1
    count += len(after) - len(after.lstrip(" \"'[]()*"))
    return count if count <= 9 else 0
