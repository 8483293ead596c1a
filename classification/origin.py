"""Where an author's name comes from, as far as its spelling tells: the original
language of a translated book when the list says nothing else.

``Nguyễn Nhật Ánh`` → ``vie``; ``Gosho Aoyama`` → ``jpn``; ``Moon Ju-Jeong`` → ``kor``;
``Agatha Christie`` → ``und`` (foreign, language unknown); ``Nhiều Tác Giả`` and an
empty name → None (no author: nothing to infer). Chinese authors written in
Sino-Vietnamese (``Cố Mạn``) read as Vietnamese: the spelling cannot tell them apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

from classification.tables import fold, load_tables

#: Letters only Vietnamese uses among Latin-script languages (NFC, lower case).
VIETNAMESE_LETTERS = frozenset(
    "đăâêôơư" "ảạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ"
)
_NO_AUTHOR = frozenset({"nhieu tac gia", "nhieu tac gia bien soan", "tap the tac gia",
                        "nhom tac gia", "khuyet danh", "various authors"})
# A romanised Japanese word: (consonant or digraph) vowel, optional n, repeated.
_JAPANESE_WORD = re.compile(
    r"^(?:(?:[kgsztdnhbpmrwjf]|sh|ch|ts|ky|gy|ny|hy|my|ry|by|py|y)?[aeiou](?:n(?![aeiouy]))?)+$"
)
_KOREAN_SURNAMES = frozenset({
    "kim", "lee", "park", "choi", "jung", "jeong", "kang", "cho", "yoon", "jang", "lim",
    "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "yoo", "hong", "moon", "jeon",
    "baek", "nam", "ryu", "yang", "han", "chung", "byun", "noh", "jo", "yun", "im",
})
_KOREAN_SYLLABLE = re.compile(
    r"^(?:[bcdghjkmnprstwy]{0,3}(?:eo|eu|ae|oe|ui|wa|wo|ye|yo|yu|ya|[aeiou])(?:ng|n|m|k|l|p|t)?)+$"
)
_TITLES = re.compile(r"^(?:ts|ths|bs|ds|pgs|gs|ncs|sir|dr|mr|mrs|ms)\b\.?\s*", re.IGNORECASE)


def first_author(authors: str) -> str:
    """The first name of an author cell ("A; B", "A, B", "A - B")."""
    return re.split(r"[;,/]| - ", authors, maxsplit=1)[0].strip()


@lru_cache(maxsize=8192)
def name_origin(name: str | None) -> str | None:
    """``vie``, ``jpn``, ``kor``, ``und`` (foreign) or None (no author)."""
    if not name or not name.strip():
        return None
    folded = fold(name)
    if folded in _NO_AUTHOR or folded.startswith("nhieu tac gia"):
        return None
    lowered = _TITLES.sub("", name.strip()).lower()
    if any(letter in VIETNAMESE_LETTERS for letter in lowered):
        return "vie"
    words = [w for w in re.split(r"[\s.]+", lowered) if w]
    if len(words) < 2:
        return None  # a pen name or a studio: the spelling tells nothing
    if words[0] in load_tables().surnames and words[0] not in _KOREAN_SURNAMES:
        return "vie"
    if _korean(words):
        return "kor"
    if len(words) >= 2 and all(_JAPANESE_WORD.match(w) for w in words if len(w) > 1) and any(
        len(w) >= 4 for w in words
    ):
        return "jpn"
    return "und"


def _korean(words: list[str]) -> bool:
    if words[0] not in _KOREAN_SURNAMES or len(words) < 2:
        return False
    given = [part for w in words[1:] for part in w.split("-")]
    return all(_KOREAN_SYLLABLE.match(p) for p in given) and (
        any("-" in w for w in words) or len(words) == 3 or len(given[0]) >= 5
    )
