"""Plain data objects that flow through the acquisitions pipeline.

read (``AcquisitionRow``) → normalise (``Book`` or a rejection) → group
(``Title`` with ``Copy`` list) → classify/number → build (pymarc ``Record``).
Every input row ends in exactly one ``Outcome``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: Canonical column keys that readers map header cells to.
COLUMN_KEYS: tuple[str, ...] = (
    "seq",  # STT
    "title",
    "subtitle",
    "author",
    "publisher",
    "place",
    "year",
    "isbn",
    "price",
    "quantity",
    "total",  # Thành tiền
    "subject",  # Môn / Môn loại
    "grade",  # Lớp / Khối
    "category",  # Loại sách
    "pages",
    "size",  # Khổ
    "volume",  # Tập
    "series",  # Bộ sách / Tùng thư
    "edition",  # Lần xuất bản / Tái bản
    "class_number",  # Ký hiệu phân loại / DDC
    "language",
    "supplier",
    "note",  # Ghi chú
)


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where a row came from: file name, sheet (None for CSV) and 1-based row number."""

    file: str
    sheet: str | None
    row: int

    def __str__(self) -> str:
        sheet = f" [{self.sheet}]" if self.sheet else ""
        return f"{self.file}{sheet} dòng {self.row}"


@dataclass(frozen=True)
class AcquisitionRow:
    """One data row of a supplier list, cells mapped to canonical column keys.

    ``values`` holds cell text already decoded to Unicode NFC and stripped; keys are
    members of ``COLUMN_KEYS``. ``notes`` records what the reader did to the row
    (e.g. a TCVN3 → Unicode conversion of a cell), in Vietnamese.
    """

    source: SourceRef
    values: Mapping[str, str]
    category: str | None = None
    notes: tuple[str, ...] = ()


class Status(StrEnum):
    CONVERTED = "converted"
    MERGED = "merged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Outcome:
    """What became of one input row. ``read == converted + merged + rejected``."""

    source: SourceRef
    status: Status
    reasons: tuple[str, ...] = ()  # why rejected (Vietnamese)
    warnings: tuple[str, ...] = ()  # kept but worth a look (Vietnamese)
    merged_into: SourceRef | None = None
    title: str = ""
    copies: int = 0


@dataclass(frozen=True)
class Book:
    """A validated, normalised row: one title with a number of copies."""

    source: SourceRef
    title: str
    category: str
    quantity: int
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    place: str | None = None
    year: int | None = None
    isbn: str | None = None  # valid ISBN-13, digits only
    isbn_qualifier: str | None = None  # 020 $q, e.g. "bìa cứng"
    invalid_isbn: str | None = None  # kept for 020 $z
    ean: str | None = None  # publisher EAN (893…), for 024 3_
    price: int | None = None  # integer đồng per copy
    pages: int | None = None
    size: str | None = None  # e.g. "24 cm"
    volume: str | None = None  # e.g. "Tập 1" → 245 $n
    series: str | None = None
    edition: str | None = None
    subject: str | None = None
    grade: str | None = None
    class_number: str | None = None  # given in the list
    language: str = "vie"
    supplier: str | None = None
    note: str | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassNumber:
    """A proposed or accepted class number with its provenance."""

    number: str
    scheme: str  # "ddc" or "bbk19"
    source: str  # "list", "record", "subject", "rule:<id>", "review"
    confidence: str  # "high", "medium", "low", "unconfirmed"
    why: str = ""


@dataclass
class Copy:
    """One physical copy: becomes one 952 field."""

    source: SourceRef
    category: str
    copy_number: int
    price: int | None = None
    accession: str | None = None  # 952 $i
    barcode: str | None = None  # 952 $p
    call_number: str | None = None  # 952 $o


@dataclass
class Title:
    """One bibliographic record to build: the first row's data plus every copy."""

    key: str
    book: Book
    copies: list[Copy] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    class_number: ClassNumber | None = None  # 082/084 and 942 $2, over the list's number
    author_mark: str | None = None
    call_number: str | None = None  # 952 $o of every copy without one of its own
