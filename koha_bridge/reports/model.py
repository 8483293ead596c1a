"""The one table model every register and report is made of.

A ``Report`` has a title, subtitle lines (school, school year), parts (one XLSX sheet
each, a new PDF page each) made of blocks (tables, images, text), notes and a signature
block. Writers (``xlsx_writer``, ``pdf_writer``) render it; definitions only fill it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

Kind = Literal["text", "code", "int", "money", "date", "decimal"]
KINDS: tuple[str, ...] = ("text", "code", "int", "money", "date", "decimal")
Cell = str | int | float | date | None
Row = Mapping[str, Cell]


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its heading path (top level first), width, kind.

    ``width`` is in characters (XLSX); the PDF scales widths to the page. ``code``
    cells (accession numbers, barcodes) are never wrapped or split.
    """

    key: str
    heading: tuple[str, ...]
    width: float = 12.0
    kind: Kind = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money", "decimal")


@dataclass
class Section:
    """Rows under an optional caption (e.g. a class), with optional subtotals."""

    rows: Sequence[Row]
    caption: str = ""
    subtotals: Row | None = None


@dataclass
class TableBlock:
    """A table: columns, sections of rows and an optional totals row."""

    columns: Sequence[Column]
    sections: Sequence[Section]
    totals: Row | None = None
    caption: str = ""  # a bold line above the table

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


@dataclass
class ImageBlock:
    """A picture (PNG bytes, a PNG file, or a matplotlib figure) placed at a width."""

    image: bytes | Path | Any
    width_mm: float = 160.0
    caption: str = ""

    def png(self) -> bytes:
        """The picture as PNG bytes (figures are rendered at 150 dpi)."""
        if isinstance(self.image, bytes):
            return self.image
        if isinstance(self.image, Path):
            return self.image.read_bytes()
        import io

        buffer = io.BytesIO()
        self.image.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
        return buffer.getvalue()


@dataclass
class TextBlock:
    """Lines of text (a definition, a conclusion, a count)."""

    lines: Sequence[str]
    bold: bool = False


Block = TableBlock | ImageBlock | TextBlock


@dataclass
class Part:
    """One part of a report: one sheet in XLSX, starting a new page in the PDF."""

    sheet: str
    heading: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    """One signer in the signature block."""

    role: str
    hint: str = "(Ký, ghi rõ họ tên)"
    name: str = ""


@dataclass
class Report:
    """A whole register or report."""

    title: str
    subtitle: Sequence[str] = ()
    parts: list[Part] = field(default_factory=list)
    notes: Sequence[str] = ()
    signatures: Sequence[Signature] = ()
    place_date: str = ""
    landscape: bool = False
    header: str = ""  # left of every PDF page header (the school); right: the first subtitle


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG bytes (from the IHDR chunk)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
