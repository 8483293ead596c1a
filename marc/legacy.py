"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC and VNI): detection and conversion.

In workbook cells typed with ``.Vn…`` or ``VNI-…`` fonts the text is the Windows-1252
rendering of the legacy bytes ("T«i ®i häc", "Toâi ñi hoïc"); in CSV files it is the raw
bytes. The tables live in ``marc/data/legacy-vietnamese.tsv``.

Detection compares readings: a conversion is kept only when it yields fewer words that are
not Vietnamese syllables (plus fewer stray symbols) than the text as it stands, so genuine
Unicode Vietnamese, ASCII and Western text ("Café") are left alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TCVN3 = "TCVN3"
VNI = "VNI"

_TABLE = Path(__file__).resolve().parent / "data" / "legacy-vietnamese.tsv"

# Characters that only genuine Unicode Vietnamese text contains (never a legacy rendering).
_UNICODE_VN = re.compile("[ĂăĐđĨĩŨũƠơƯư\u0300-\u036f\u1ea0-\u1ef9]")
# Windows-1252 characters of bytes 0x80-0xFF: the only ones a legacy rendering can hold.
_HIGH_1252 = bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")
_LEGACY_CANDIDATE = re.compile(f"[{re.escape(_HIGH_1252)}]")
_WORD = re.compile(r"[^\W\d_]+")
# A non-ASCII symbol touching a letter ("T«i", "l\xadu"): a legacy letter read as Windows-1252.
_STRAY = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f\w\s]|[^\x00-\x7f\w\s](?=[^\W\d_])")
# Vowel clusters of Vietnamese syllables (tone marks removed).
_NUCLEI = (
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
    "oo", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
    "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    f"(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_UPPER_VN3 = frozenset("ĂÂÊÔƠƯĐ")
_ASCII_LOWER = re.compile("[a-z]")
# A word with two ASCII capitals; a word without lowercase ASCII letters but with a capital.
_TWO_CAPITALS = re.compile(r"(?<![^\W\d_])[^\W\d_]*[A-Z][^\W\d_]*[A-Z]")
_CAPITAL_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-z]*[A-Z][^\W\d_a-z]*(?![^\W\d_])")


@dataclass(frozen=True)
class _Tables:
    tcvn3_decode: dict[int, str]
    tcvn3_encode: dict[str, str]
    tcvn3_chars: re.Pattern[str]
    vni_decode: dict[str, str]
    vni_encode: dict[str, str]
    vni_sequences: re.Pattern[str]


@functools.cache
def _tables() -> _Tables:
    tcvn3_encode: dict[str, str] = {}
    vni_encode: dict[str, str] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        letter, tcvn3_hex, vni_hex = line.split("\t")
        if tcvn3_hex:
            tcvn3_encode[letter] = bytes.fromhex(tcvn3_hex).decode("cp1252")
        vni_encode[letter] = bytes.fromhex(vni_hex).decode("cp1252")
    tcvn3_decode = {ord(code): letter for letter, code in tcvn3_encode.items()}
    vni_decode = {code: letter for letter, code in vni_encode.items()}
    # Longest sequences first, so "oâ" + "ù" never shadows "ôù".
    alternatives = sorted(vni_decode, key=len, reverse=True)
    return _Tables(
        tcvn3_decode=tcvn3_decode,
        tcvn3_encode=tcvn3_encode,
        tcvn3_chars=re.compile(f"[{re.escape(''.join(tcvn3_encode.values()))}]"),
        vni_decode=vni_decode,
        vni_encode=vni_encode,
        vni_sequences=re.compile("|".join(re.escape(a) for a in alternatives if len(a) > 1)
                                 + "|[" + re.escape("".join(a for a in alternatives
                                                            if len(a) == 1)) + "]"),
    )


def _restore_upper_case(text: str) -> str:
    """Upper-case words typed in an upper-case ``.VnTimeH`` font (toned letters come lowercase).

    A text without any lowercase ASCII letter but with a word of two or more capitals is
    upper case throughout; otherwise each all-capital word is judged on its own.
    """
    if not _ASCII_LOWER.search(text) and _TWO_CAPITALS.search(text):
        return text.upper()

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if word.isascii() or word.isupper():
            return word
        capitals = sum(1 for c in word if "A" <= c <= "Z")
        if capitals >= 2 or any(c in _UPPER_VN3 for c in word):
            return word.upper()
        return word

    return _CAPITAL_WORD.sub(fix, text)


def tcvn3_to_unicode(text: str, *, guess_capitals: bool = True) -> str:
    """Convert a TCVN3 text (Windows-1252 rendering of its bytes) to Unicode NFC.

    ``guess_capitals`` restores words that look typed in a capitals font; turn it off when
    the fonts are known (the caller upper-cases the ``.VnTimeH`` cells itself).
    """
    converted = text.translate(_tables().tcvn3_decode)
    if guess_capitals:
        converted = _restore_upper_case(converted)
    return unicodedata.normalize("NFC", converted)


def vni_to_unicode(text: str) -> str:
    """Convert a VNI text (Windows-1252 rendering of its bytes) to Unicode NFC."""
    tables = _tables()
    converted = tables.vni_sequences.sub(lambda m: tables.vni_decode[m.group()], text)
    return unicodedata.normalize("NFC", converted)


def unicode_to_tcvn3(text: str) -> str:
    """Encode Unicode as TCVN3 (Windows-1252 rendering); toned capitals use lowercase codes."""
    encode = _tables().tcvn3_encode
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = encode.get(ch)
        if code is None and ch.isupper():
            code = encode.get(ch.lower())
        out.append(code if code is not None else ch)
    return "".join(out)


def unicode_to_vni(text: str) -> str:
    """Encode Unicode as VNI (Windows-1252 rendering)."""
    encode = _tables().vni_encode
    return "".join(encode.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


@functools.lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    """Whether a word is a well-formed Vietnamese syllable (one tone mark at most)."""
    lower = word.lower()
    if lower.isascii():
        return _SYLLABLE.fullmatch(lower) is not None
    decomposed = unicodedata.normalize("NFD", lower)
    tones = sum(1 for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return tones <= 1 and _SYLLABLE.fullmatch(base) is not None


def _badness(text: str) -> int:
    """Words that are not Vietnamese syllables, plus symbols stuck to letters."""
    bad = sum(1 for word in _WORD.findall(text) if not _is_syllable(word))
    return bad + len(_STRAY.findall(text))


def _best_reading(text: str, readings: dict[str, str]) -> tuple[str, str | None]:
    best_text, best_name, best_bad = text, None, _badness(text)
    for name, candidate in readings.items():
        if candidate == text:
            continue
        bad = _badness(candidate)
        if bad < best_bad:
            best_text, best_name, best_bad = candidate, name, bad
    return best_text, best_name


@functools.lru_cache(maxsize=16384)  # list cells repeat (authors, publishers, subjects)
def detect_and_convert(text: str) -> tuple[str, str | None]:
    """Return ``(text as Unicode NFC, "TCVN3" | "VNI" | None)`` for one cell's text.

    ``None`` means the text was taken as genuine Unicode (only NFC-normalised).
    """
    if text.isascii():
        return text, None
    if _UNICODE_VN.search(text) or not _LEGACY_CANDIDATE.search(text):
        return unicodedata.normalize("NFC", text), None
    tables = _tables()
    readings: dict[str, str] = {}
    if tables.tcvn3_chars.search(text):
        readings[TCVN3] = tcvn3_to_unicode(text)
    if tables.vni_sequences.search(text):
        readings[VNI] = vni_to_unicode(text)
    converted, name = _best_reading(text, readings)
    return unicodedata.normalize("NFC", converted), name


def _cp1252_text(data: bytes) -> str:
    """Bytes as Windows-1252 characters; the five undefined bytes pass through as Latin-1."""
    text = data.decode("cp1252", errors="surrogateescape")
    return text.translate(_UNDEFINED_1252) if _HAS_UNDEFINED.search(text) else text


_UNDEFINED_1252 = {0xDC00 + b: chr(b) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_HAS_UNDEFINED = re.compile("[\udc81\udc8d\udc8f\udc90\udc9d]")

_SAMPLE_BYTES = 64 * 1024


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole text file; return ``(text NFC, encoding name)``.

    Tries, in order: a BOM (UTF-8, UTF-16), strict UTF-8, then picks the best reading among
    Windows-1258, TCVN3 and VNI. Names: ``utf-8-sig``, ``utf-16``, ``utf-8``, ``cp1258``,
    ``TCVN3``, ``VNI``. Raises ``UnicodeDecodeError`` for undecodable UTF-16.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return unicodedata.normalize("NFC", data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", data.decode("utf-16")), "utf-16"
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:_SAMPLE_BYTES]
    as_1252 = _cp1252_text(sample)
    readings = {
        TCVN3: tcvn3_to_unicode(as_1252),
        VNI: vni_to_unicode(as_1252),
    }
    cp1258 = unicodedata.normalize("NFC", sample.decode("cp1258", errors="replace"))
    _, name = _best_reading(cp1258, readings)
    if name is None:
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "cp1258"
    whole = _cp1252_text(data)
    text = tcvn3_to_unicode(whole) if name == TCVN3 else vni_to_unicode(whole)
    return text, name


def texts_encoding(texts: Iterable[str]) -> str | None:
    """``TCVN3`` or ``VNI`` when a whole set of texts (one sheet's cells) is typed in it.

    A legacy rendering never holds a letter that only Unicode Vietnamese has (``ơ``, ``ư``,
    ``ạ``…): at the first text with one, the set is Unicode (possibly mixed with legacy
    cells, which are then judged one by one) and None is returned. Otherwise the texts are
    judged as one: the reading with the fewest non-syllables over all of them wins, so short
    cells such as ``45.000®`` follow the rest.
    """
    candidates: Counter[str] = Counter()  # lists repeat a lot: judge each text once
    for text in texts:
        if text.isascii():
            continue
        if _UNICODE_VN.search(text):
            return None
        if _LEGACY_CANDIDATE.search(text):
            candidates[text] += 1
    if not candidates:
        return None
    scores = {
        None: sum(_badness(t) * n for t, n in candidates.items()),
        TCVN3: sum(_badness(tcvn3_to_unicode(t)) * n for t, n in candidates.items()),
        VNI: sum(_badness(vni_to_unicode(t)) * n for t, n in candidates.items()),
    }
    return min(scores, key=lambda name: (scores[name], name is not None))


def decode(text: str, encoding: str, *, guess_capitals: bool = True) -> str:
    """Convert one text from ``TCVN3`` or ``VNI`` (Windows-1252 rendering) to Unicode NFC."""
    if text.isascii():
        return text
    if encoding == TCVN3:
        return tcvn3_to_unicode(text, guess_capitals=guess_capitals)
    return vni_to_unicode(text)
