"""Retail noise in titles, moved where a cataloguer puts it or dropped.

Bookshops (and supplier lists copied from them) add to a title what is not its title:
the edition (``(Tái Bản 2020)``, ``- Bản Đặc Biệt``), the binding (``- Bìa Cứng``),
what comes with the book (``(Kèm CD)``, ``(Bộ 2 Cuốn)``) and shop marketing
(``- Tặng Kèm Bookmark``, ``- Độc Quyền Fahasa``, ``(Chuẩn)``). The kinds come from the
retail titles of ``school-titles-dev.csv``: a parenthesised group anywhere, or a
`` - `` segment at the end of the title, that is wholly one of them, goes to 250
(edition), 020 $q (binding: a qualifier of the ISBN), 500 (a note) or nowhere.
Everything else, such as ``Tập 1`` or ``Mỹ Thuật Bản 1`` (two different textbooks),
stays in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Target(StrEnum):
    EDITION = "250"
    QUALIFIER = "020 $q"
    NOTE = "500"
    DROPPED = "bỏ"


@dataclass(frozen=True)
class RetailParts:
    """A title without its retail noise, and where each piece went."""

    title: str
    edition: str | None = None
    qualifier: str | None = None
    notes: tuple[str, ...] = ()
    moved: tuple[tuple[str, Target], ...] = ()  # (text as written, where it went)

    def report(self) -> tuple[str, ...]:
        """One Vietnamese line per piece moved, for the row report."""
        where = {
            Target.EDITION: "chuyển sang 250 (lần xuất bản)",
            Target.QUALIFIER: "chuyển sang 020 $q (loại bìa)",
            Target.NOTE: "chuyển sang 500 (phụ chú)",
            Target.DROPPED: "bỏ (quảng cáo của cửa hàng)",
        }
        return tuple(f'Nhan đề: "{text}" {where[target]}' for text, target in self.moved)


_REPRINT = re.compile(r"tái bản(?:\s+(?:lần\s+(?:thứ\s+)?)?(\d+))?", re.I)
_RULES: tuple[tuple[Target, re.Pattern[str]], ...] = tuple(
    (target, re.compile(pattern, re.I))
    for target, pattern in (
        (Target.EDITION, r"tái bản(?:\s+(?:lần\s+(?:thứ\s+)?)?\d+)?(?:\s+có\s+sửa\s+chữa.*)?"),
        (Target.EDITION, r"(?:phiên\s+|ấn\s+)?bản\s+(?:siêu\s+)?(?:đặc\s+biệt|giới\s+hạn"
                         r"|nâng\s+cấp|màu|phổ\s+thông|mới(?:\s+nhất)?|tiếng\s+anh"
                         r"|kỉ\s+niệm.*|kỷ\s+niệm.*)"),
        (Target.EDITION, r"(?:phiên|ấn)\s+bản\s+(?!song\s+ngữ).+"),
        (Target.EDITION, r"(?:limited|special|collector'?s)\s+edition"),
        (Target.QUALIFIER, r"(?:bản\s+)?bìa\s+(?:cứng|mềm|áo|gập|vải|da)|bản\s+lò\s+xo"),
        (Target.NOTE, r"(?:không\s+)?(?:kèm\s+)?(?:file\s+)?(?:cd|dvd|audio|mp3)"
                      r"|\+\s*(?:cd|dvd)"),
        (Target.NOTE, r"(?:trọn\s+)?bộ\s+\d+\s+(?:cuốn|tập|quyển)"),
        (Target.DROPPED, r"tặng\s+kèm\b.*|quà\s+tặng\s+kèm\b.*"),
        (Target.DROPPED, r"độc\s+quyền(?:\s+.*)?"),
        (Target.DROPPED, r"chuẩn|hàng\s+chính\s+hãng|sách\s+bản\s+quyền|best\s*seller"),
    )
)
_GROUP = re.compile(r"\s*\(([^()]*)\)")
_TAIL = re.compile(r"\s+[-–]\s+(?=[^-–]*$)")


def _target(piece: str) -> Target | None:
    text = " ".join(piece.split())
    for target, pattern in _RULES:
        if pattern.fullmatch(text):
            return target
    return None


@lru_cache(maxsize=16384)
def split_retail_noise(title: str) -> RetailParts:
    """``title`` without retail noise; the pieces found, sorted where they belong."""
    moved: list[tuple[str, Target]] = []
    kept: list[str] = []
    last = 0
    for match in _GROUP.finditer(title):
        target = _target(match.group(1))
        if target is not None:
            kept.append(title[last:match.start()])
            last = match.end()
            moved.append((" ".join(match.group(1).split()), target))
    rest = "".join(kept) + title[last:]
    tails: list[tuple[str, Target]] = []
    while True:
        parts = _TAIL.split(rest)
        if len(parts) < 2:
            break
        head, tail = " - ".join(parts[:-1]), parts[-1].strip()
        target = _target(tail)
        if target is None or not head.strip():
            break
        tails.insert(0, (" ".join(tail.split()), target))
        rest = head
    moved += tails
    rest = " ".join(rest.split()).rstrip(" -–")
    if not moved or not rest:
        return RetailParts(title)
    editions = [_edition(text) for text, target in moved if target is Target.EDITION]
    qualifiers = [text.lower() for text, target in moved if target is Target.QUALIFIER]
    notes = tuple(_sentence(text) for text, target in moved if target is Target.NOTE)
    return RetailParts(
        title=rest,
        edition=", ".join(editions) if editions else None,
        qualifier=", ".join(qualifiers) if qualifiers else None,
        notes=notes,
        moved=tuple(moved),
    )


def _edition(text: str) -> str:
    """``Tái Bản 2020`` → ``Tái bản năm 2020``; ``Tái Bản 3`` → ``Tái bản lần thứ 3``."""
    match = _REPRINT.fullmatch(text)
    if match is None:
        return _sentence(text)
    number = match.group(1)
    if number is None:
        return "Tái bản"
    return f"Tái bản năm {number}" if len(number) == 4 else f"Tái bản lần thứ {number}"


def _sentence(text: str) -> str:
    """Sentence case, words in capitals (CD, SGK) kept: ``Kèm File Audio`` → ``Kèm file audio``."""
    words = text.split()
    out = [words[0]] + [w if w.isupper() and len(w) > 1 else w.lower() for w in words[1:]]
    return " ".join(out)
