"""TCVN3 / VNI detection and conversion (marc.legacy)."""

from __future__ import annotations

import unicodedata

import pytest

from marc.legacy import (
    TCVN3,
    VNI,
    decode_bytes,
    detect_and_convert,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER = [c.upper() for c in LOWER]

PHRASES = [
    "Trường Tiểu học Nguyễn Du",
    "Dế Mèn phiêu lưu ký",
    "Tiếng Việt 1",
    "Nhà xuất bản Giáo dục Việt Nam",
    "Tôi thấy hoa vàng trên cỏ xanh",
    "Đất rừng phương Nam",
    "Khoa học tự nhiên 6, tập một",
    "Người ơi, người ở đừng về",
    "Quyển sách giữa khuya",
]


def test_every_letter_round_trips_through_both_tables() -> None:
    text = "".join(LOWER)
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == text
    assert vni_to_unicode(unicode_to_vni(text)) == text
    upper = "".join(UPPER)
    assert vni_to_unicode(unicode_to_vni(upper)) == upper
    # TCVN3 has capitals only for these seven letters.
    assert tcvn3_to_unicode(unicode_to_tcvn3("ĂÂÊÔƠƯĐ")) == "ĂÂÊÔƠƯĐ"


@pytest.mark.parametrize("case", ["lower", "upper"])
def test_detection_of_every_letter_in_syllables(case: str) -> None:
    letters = LOWER if case == "lower" else UPPER
    words = [f"t{c}n" if case == "lower" else f"T{c}N" for c in letters]
    text = " ".join(words)
    assert detect_and_convert(unicode_to_tcvn3(text)) == (text, TCVN3)
    assert detect_and_convert(unicode_to_vni(text)) == (text, VNI)


@pytest.mark.parametrize("phrase", PHRASES + [p.upper() for p in PHRASES])
def test_detect_and_convert_phrases(phrase: str) -> None:
    assert detect_and_convert(unicode_to_tcvn3(phrase)) == (phrase, TCVN3)
    assert detect_and_convert(unicode_to_vni(phrase)) == (phrase, VNI)


def test_capitalised_words_keep_their_case() -> None:
    # "Đà" has one capital and a toned small letter: it must not become "ĐÀ".
    for phrase in ("Đà Nẵng", "Mẹ ốm", "ĐẠI HỌC SƯ PHẠM"):
        assert detect_and_convert(unicode_to_tcvn3(phrase)) == (phrase, TCVN3)


@pytest.mark.parametrize(
    ("legacy", "unicode", "encoding"),
    [
        # Literal examples from duydev/vietnamese-conversion tests/helpers/test-data.ts.
        ("Xin chµo c¸c b¹n", "Xin chào các bạn", TCVN3),
        ("T«i ®i häc", "Tôi đi học", TCVN3),
        ("Xin chaøo caùc baïn", "Xin chào các bạn", VNI),
        ("Toâi ñi hoïc", "Tôi đi học", VNI),
    ],
)
def test_independent_literal_examples(legacy: str, unicode: str, encoding: str) -> None:
    assert detect_and_convert(legacy) == (unicode, encoding)


@pytest.mark.parametrize(
    ("letter", "vni"),
    # Pairs read from the VNI list of duydev/vietnamese-conversion src/charsets.ts.
    [("ớ", "ôù"), ("Ỵ", "Î"), ("ĩ", "ó"), ("ỉ", "æ"), ("ị", "ò"), ("Ẳ", "AÚ"), ("ẵ", "aü"),
     ("ặ", "aë"), ("ự", "öï"), ("Ũ", "UÕ"), ("đ", "ñ"), ("Ư", "Ö")],
)
def test_vni_table_matches_reference(letter: str, vni: str) -> None:
    assert unicode_to_vni(letter) == vni


@pytest.mark.parametrize(
    ("letter", "byte"),
    # Positions from GNU libiconv lib/tcvn.h (TCVN-5712).
    [("ư", 0xAD), ("Đ", 0xA7), ("à", 0xB5), ("ặ", 0xC6), ("ễ", 0xD4), ("ĩ", 0xDC), ("ố", 0xE8),
     ("ự", 0xF9), ("ỵ", 0xFE)],
)
def test_tcvn3_table_matches_reference(letter: str, byte: int) -> None:
    assert unicode_to_tcvn3(letter).encode("cp1252") == bytes([byte])


@pytest.mark.parametrize(
    "text",
    [
        "Café",
        "Crème brûlée",
        "Müller",
        "São Paulo",
        "España",
        "Garçon",
        "naïve résumé",
        "Œuvres complètes",
        "Émile Zola",
        "Les Misérables",
        "“Hello” – world…",
        "45.000đ",
        "Cá",
        "Cà phê",
        "Bản đồ Việt Nam",
        "Hà Nội",
        "Tiếng Việt 1",
        "Harry Potter",
        "978-604-0-35001-5",
        "worn/damaged · outdated · lost",
        "a 5 × 2 grid",
        "share × enrolled pupils",
        "Khổ 24 × 17 cm",
        "© 2024 Kim Dong ¦ 45 000",
    ],
)
def test_no_misfire(text: str) -> None:
    assert detect_and_convert(text) == (text, None)


def test_genuine_decomposed_text_is_only_normalised() -> None:
    nfd = unicodedata.normalize("NFD", "Tiếng Việt lớp 6")
    assert detect_and_convert(nfd) == ("Tiếng Việt lớp 6", None)


def _cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


TEXT = "Tên sách;Tác giả\nDế Mèn phiêu lưu ký;Tô Hoài\nTrường Tiểu học Nguyễn Du;Đặng Thị Ước\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + TEXT.encode(), "utf-8-sig"),
        (TEXT.encode(), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (_cp1258(TEXT), "cp1258"),
        (unicode_to_tcvn3(TEXT).encode("cp1252"), TCVN3),
        (unicode_to_vni(TEXT).encode("cp1252"), VNI),
    ],
)
def test_decode_bytes(data: bytes, encoding: str) -> None:
    assert decode_bytes(data) == (TEXT, encoding)


def test_decode_bytes_western_windows_text() -> None:
    assert decode_bytes("Café;Crème brûlée\n".encode("cp1252")) == ("Café;Crème brûlée\n",
                                                                      "cp1258")
