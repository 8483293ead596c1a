"""Text folding and author names from supplier lists.

Authors come back as plain strings. A relator (``chủ biên``, ``dịch`` …) is encoded as
``"Name|relator"``; the MARC builder calls :func:`split_relator` to get ``$a`` and ``$e``
back. Vietnamese names stay in direct order; a foreign inverted name such as
``"Rowling, J. K."`` stays one author.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

RELATOR_SEP = "|"

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
# Strong separators between authors: ";", "|", an en/em dash, " - " with spaces.
_STRONG_SEP = re.compile(r"\s*(?:[;|–—]|\s-\s)\s*")
_WEAK_SEP = re.compile(r"\s+(?:và|&)\s+", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_PREFIX_RELATOR = re.compile(r"^([^:]{2,25}):\s*(.+)$")
# "J. K.", "J.K.", "J." or a given name optionally followed by initials: "Stephen", "Ursula K."
_INITIALS = re.compile(r"^(?:[A-Z]\.\s?)+$")
_GIVEN_NAME = re.compile(
    r"^[A-Z][a-zà-öø-ÿ'’-]+(?:\s+(?:[A-Z]\.\s?)+)?(?:\s+(?:de|du|da|di|von|van|le|la))?$"
)
_ACRONYM = re.compile(r"^[A-Z]{3,}$")

# Folded relator phrase → catalogue form for $e.
_RELATORS: dict[str, str] = {
    "chu bien": "chủ biên",
    "ch b": "chủ biên",
    "chb": "chủ biên",
    "tong chu bien": "tổng chủ biên",
    "tong ch b": "tổng chủ biên",
    "dong chu bien": "đồng chủ biên",
    "bien soan": "biên soạn",
    "b s": "biên soạn",
    "bs": "biên soạn",
    "dich": "dịch",
    "nguoi dich": "dịch",
    "bien dich": "biên dịch",
    "minh hoa": "minh hoạ",
    "ve": "minh hoạ",
    "tuyen chon": "tuyển chọn",
    "suu tam": "sưu tầm",
    "hieu dinh": "hiệu đính",
    "gioi thieu": "giới thiệu",
    "bien tap": "biên tập",
}
_RELATOR_SUFFIXES = sorted(_RELATORS, key=len, reverse=True)
# Relator words that could also be (part of) a name: accepted only when written lower case.
_AMBIGUOUS = frozenset({"ch b", "chb", "tong ch b", "b s", "bs", "dich", "minh hoa", "ve"})

# Folded words meaning "several authors": no personal author at all.
_COLLECTIVE = frozenset(
    {"nhieu tac gia", "nhieu tg", "ntg", "tap the tac gia", "nhom tac gia", "tap the"}
)
# Folded abbreviations of the Ministry, squeezed (no spaces).
_MINISTRY = "Bộ Giáo dục và Đào tạo"
_MINISTRY_FORMS = frozenset({"bogddt", "bgddt", "bogdvadt", "bogiaoducvadaotao"})
# Lower-case NFC prefixes of corporate bodies (diacritics kept: "vụ" is a body, "vũ" a name).
_CORPORATE_PREFIXES = (
    "bộ ", "sở ", "phòng ", "viện ", "hội ", "trường đại học", "trường cao đẳng", "trường thcs",
    "trường thpt", "trường th ", "trường tiểu học", "trường trung học", "trường mầm non",
    "trung tâm ", "ủy ban ", "uỷ ban ",
    "ban ", "cục ", "vụ ", "tổng cục ", "nhà xuất bản ", "nxb ", "công ty ", "tổ chức ",
    "đại học ", "học viện ", "thư viện ", "liên hiệp ", "hiệp hội ", "quỹ ", "tập đoàn ",
    "đảng ", "quốc hội", "chính phủ", "liên đoàn ",
)
# Common Vietnamese family names (lower case, with diacritics, so "Le Guin" is not "Lê").
_VN_FAMILY = frozenset(
    {
        "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
        "hồ", "ngô", "dương", "lý", "đinh", "trịnh", "trương", "mai", "lâm", "cao", "hà", "tô",
        "tạ", "chu", "lưu", "thái", "kiều",
    }
)


#: Characters that show nothing: zero-width space, non-joiner and joiner, word joiner,
#: soft hyphen, byte-order mark (NBSP and other spaces are whitespace to ``str.split``).
INVISIBLE = "\u200b\u200c\u200d\u2060\u00ad\ufeff"
_REMOVE_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """NFC, invisible characters removed, whitespace (NBSP too) collapsed and trimmed."""
    if text.isascii():
        return " ".join(text.split())
    if not text.isprintable():
        text = text.translate(_REMOVE_INVISIBLE)
    return " ".join(unicodedata.normalize("NFC", text).split())


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Matching key: lower case, no diacritics (đ → d), punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", bare)).strip()


def split_relator(author: str) -> tuple[str, str | None]:
    """``"Nguyễn Văn A|chủ biên"`` → ``("Nguyễn Văn A", "chủ biên")``; no relator → None.

    This is how the MARC builder gets 100/700 ``$a`` and ``$e`` from ``Book.authors``.
    """
    name, sep, relator = author.partition(RELATOR_SEP)
    return (name, relator) if sep else (name, None)


def is_corporate(name: str) -> bool:
    """True for a body (``Bộ Giáo dục và Đào tạo``, ``UNICEF``), not a person."""
    name = split_relator(name)[0]
    lower = name.lower()
    return lower.startswith(_CORPORATE_PREFIXES) or bool(_ACRONYM.match(name))


def is_collective(text: str) -> bool:
    """True for "Nhiều tác giả" and the like: several unnamed authors."""
    return fold(text) in _COLLECTIVE


@lru_cache(maxsize=32768)
def parse_authors(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split an author cell into authors (``"Name"`` or ``"Name|relator"``) and warnings."""
    text = clean(text)
    authors: list[str] = []
    warnings: list[str] = []
    for chunk in _STRONG_SEP.split(text):
        relator, chunk = _prefix_relator(chunk)
        for name, rel in _comma_names(chunk, warnings):
            for piece in _split_and(name):
                _add(authors, piece, rel or relator)
    return tuple(authors), tuple(warnings)


def _prefix_relator(chunk: str) -> tuple[str | None, str]:
    """``"Chủ biên: Nguyễn Văn A"`` → ``("chủ biên", "Nguyễn Văn A")``."""
    match = _PREFIX_RELATOR.match(chunk)
    if match:
        relator = _RELATORS.get(fold(match.group(1)))
        if relator:
            return relator, match.group(2)
    return None, chunk


def _comma_names(chunk: str, warnings: list[str]) -> list[tuple[str, str | None]]:
    """Split on commas, keeping inversions whole and attaching relators to the name before."""
    parts = [p.strip() for p in chunk.split(",")]
    names: list[tuple[str, str | None]] = []
    for part in parts:
        if not part:
            continue
        relator = _relator(part)
        if relator and names:
            names[-1] = (names[-1][0], relator)
            continue
        if names and names[-1][1] is None and _is_inversion(names[-1][0], part):
            surname = names[-1][0]
            if surname.lower() in _VN_FAMILY:
                direct = f"{surname} {part}"
                warnings.append(
                    f'Tác giả "{surname}, {part}" viết đảo theo kiểu LC; '
                    f'ghi theo thứ tự thuận "{direct}"'
                )
                names[-1] = (direct, None)
            else:
                names[-1] = (f"{surname}, {part}", None)
            continue
        names.append((part, None))
    return names


def _is_inversion(before: str, after: str) -> bool:
    """"Rowling" + "J. K.": the part after the comma is initials or one given name."""
    words = before.split()
    if not 1 <= len(words) <= 2 or "," in before:
        return False
    if len(words) == 2 and words[0].lower() in _VN_FAMILY:
        return False  # "Trần B, Lê C" are two Vietnamese authors
    if len(words) == 1 and before.lower() in _VN_FAMILY:
        return len(after.split()) == 1 or bool(_INITIALS.match(after))
    return bool(_INITIALS.match(after) or _GIVEN_NAME.match(after))


def _split_and(name: str) -> list[str]:
    """Split on "và" / "&" unless the whole is a corporate body."""
    if is_corporate(name) or _squeeze(name) in _MINISTRY_FORMS:
        return [name]
    return _WEAK_SEP.split(name)


def _add(authors: list[str], piece: str, relator: str | None) -> None:
    name, own = _strip_relator(piece.strip(" ,:"))
    if not name or is_collective(name):
        return
    if _squeeze(name) in _MINISTRY_FORMS:
        name = _MINISTRY
    relator = own or relator
    authors.append(f"{name}{RELATOR_SEP}{relator}" if relator else name)


def _strip_relator(piece: str) -> tuple[str, str | None]:
    """``"Lê C (Tổng Chủ biên)"`` or ``"Trần B chủ biên"`` → name and relator."""
    match = _TRAILING_PAREN.match(piece)
    if match:
        relator = _RELATORS.get(fold(match.group(2)))
        if relator:
            return match.group(1).strip(), relator
    folded = fold(piece)
    for suffix in _RELATOR_SUFFIXES:
        if folded.endswith(" " + suffix):
            words = piece.split()
            count = len(suffix.split())
            relator = _relator(" ".join(words[-count:]))
            if relator and len(words) > count:
                return " ".join(words[:-count]), relator
    return piece, None


def _relator(text: str) -> str | None:
    """Catalogue form of a relator phrase; ambiguous ones ("dịch") only in lower case."""
    key = fold(text)
    relator = _RELATORS.get(key)
    if relator and key in _AMBIGUOUS and not text[:1].islower():
        return None
    return relator


def _squeeze(text: str) -> str:
    return fold(text).replace(" ", "")
