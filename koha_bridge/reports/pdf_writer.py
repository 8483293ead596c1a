"""A ``Report`` as a print-ready A4 PDF (reportlab platypus).

The title and subtitles open the document; every page carries the school and school
year in its header and ``Trang 3/12`` in its footer; each part starts a new page.
Tables are paginated in one pass over pre-measured rows (``PagedTable``), so a
register of tens of thousands of lines costs linear time, and their multi-level
headings are repeated on every page. Text cells wrap; accession numbers never do.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from koha_bridge.exceptions import FatalInputError
from koha_bridge.reports.grid import as_text, heading_cells, heading_depth
from koha_bridge.reports.model import (
    Column,
    ImageBlock,
    Report,
    Row,
    TableBlock,
    TextBlock,
    png_size,
)

FONT_SIZE = 7.5
LEADING = 9.0
PAD = 2.0
MARGIN = 12 * mm


@dataclass(frozen=True)
class PdfFonts:
    """Registered reportlab font names covering Vietnamese."""

    regular: str
    bold: str


class _NumberedCanvas(canvas.Canvas):
    """Holds pages until the end so that each footer can say ``Trang n/N``."""

    header_left = ""
    header_right = ""
    font = "Helvetica"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = self._pagesize
        self.setFont(self.font, 7)
        self.setFillColor(colors.grey)
        self.drawString(MARGIN, height - MARGIN + 4 * mm, self.header_left)
        self.drawRightString(width - MARGIN, height - MARGIN + 4 * mm, self.header_right)
        self.drawCentredString(width / 2, MARGIN - 7 * mm, f"Trang {self._pageNumber}/{total}")


class PagedTable(Flowable):
    """A table split page by page over row heights measured once."""

    def __init__(self, widths: Sequence[float], head: list[list[str]], head_heights: list[float],
                 head_style: list[tuple[Any, ...]], rows: list[_Line], fonts: PdfFonts,
                 numeric: Sequence[int]) -> None:
        super().__init__()
        self.widths, self.head, self.head_heights = list(widths), head, head_heights
        self.head_style, self.rows, self.fonts, self.numeric = head_style, rows, fonts, numeric

    def _height(self, rows: Sequence[_Line]) -> float:
        return sum(self.head_heights) + sum(r.height for r in rows)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return sum(self.widths), self._height(self.rows)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        room, count = ah - sum(self.head_heights), 0
        for line in self.rows:
            if line.height > room:
                break
            room -= line.height
            count += 1
        if count == 0:
            return []
        if count == len(self.rows):
            return [self]
        keep = self.rows[:count]
        rest = PagedTable(self.widths, self.head, self.head_heights, self.head_style,
                          self.rows[count:], self.fonts, self.numeric)
        return [self._table(keep), rest]

    def draw(self) -> None:
        table = self._table(self.rows)
        table.wrapOn(self.canv, sum(self.widths), self._height(self.rows))
        table.drawOn(self.canv, 0, 0)

    def _table(self, rows: Sequence[_Line]) -> Table:
        depth = len(self.head)
        style: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), self.fonts.regular, FONT_SIZE, LEADING),
            ("FONT", (0, 0), (-1, depth - 1), self.fonts.bold, FONT_SIZE, LEADING),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, depth - 1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, depth - 1), "CENTER"),
            ("BACKGROUND", (0, 0), (-1, depth - 1), colors.HexColor("#E8E8E8")),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), PAD - 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
            *self.head_style,
        ]
        for index in self.numeric:
            style.append(("ALIGN", (index, depth), (index, -1), "RIGHT"))
        for offset, line in enumerate(rows, start=depth):
            if line.kind == "caption":
                style += [("SPAN", (0, offset), (-1, offset)),
                          ("ALIGN", (0, offset), (-1, offset), "LEFT"),
                          ("FONT", (0, offset), (-1, offset), self.fonts.bold, FONT_SIZE, LEADING),
                          ("BACKGROUND", (0, offset), (-1, offset), colors.HexColor("#F4F4F4"))]
            elif line.kind == "total":
                style.append(("FONT", (0, offset), (-1, offset), self.fonts.bold, FONT_SIZE,
                              LEADING))
        data = [*self.head, *(line.cells for line in rows)]
        heights = [*self.head_heights, *(line.height for line in rows)]
        return Table(data, colWidths=self.widths, rowHeights=heights, style=TableStyle(style))


@dataclass(frozen=True)
class _Line:
    cells: list[str]
    height: float
    kind: str = "row"  # row | caption | total


class _Measure:
    """Wraps cell text to column widths and measures line heights."""

    def __init__(self, columns: Sequence[Column], widths: Sequence[float], fonts: PdfFonts):
        self.columns, self.widths, self.fonts = columns, widths, fonts

    def lines(self, text: str, width: float, font: str, wrap: bool = True) -> list[str]:
        room = width - 2 * PAD
        parts: list[str] = []
        for piece in text.split("\n"):
            if not wrap or stringWidth(piece, font, FONT_SIZE) <= room:
                parts.append(piece)
            else:
                parts += simpleSplit(piece, font, FONT_SIZE, room) or [""]
        return parts

    def row(self, values: Row, kind: str) -> _Line:
        font = self.fonts.bold if kind == "total" else self.fonts.regular
        cells, most = [], 1
        for column, width in zip(self.columns, self.widths, strict=True):
            text = as_text(values.get(column.key), column)
            lines = self.lines(text, width, font, wrap=column.kind == "text")
            most = max(most, len(lines))
            cells.append("\n".join(lines))
        return _Line(cells, most * LEADING + 2 * PAD, kind)

    def caption(self, text: str) -> _Line:
        lines = self.lines(text, sum(self.widths), self.fonts.bold)
        return _Line([("\n".join(lines)), *[""] * (len(self.columns) - 1)],
                     len(lines) * LEADING + 2 * PAD, "caption")


def _paged_table(table: TableBlock, frame_width: float, fonts: PdfFonts) -> PagedTable:
    columns = table.columns
    total = sum(c.width for c in columns)
    widths = [c.width / total * frame_width for c in columns]
    measure = _Measure(columns, widths, fonts)
    depth = heading_depth(columns)
    head: list[list[str]] = [[""] * len(columns) for _ in range(depth)]
    lines_per_row = [1] * depth
    head_style: list[tuple[Any, ...]] = []
    for cell in heading_cells(columns):
        width = sum(widths[cell.left: cell.right + 1])
        text = measure.lines(cell.text, width, fonts.bold)
        head[cell.top][cell.left] = "\n".join(text)
        rows_spanned = cell.bottom - cell.top + 1
        needed = -(-len(text) // rows_spanned)
        for level in range(cell.top, cell.bottom + 1):
            lines_per_row[level] = max(lines_per_row[level], needed)
        if (cell.top, cell.left) != (cell.bottom, cell.right):
            head_style.append(("SPAN", (cell.left, cell.top), (cell.right, cell.bottom)))
    head_heights = [n * LEADING + 2 * PAD for n in lines_per_row]
    lines: list[_Line] = []
    for section in table.sections:
        if section.caption:
            lines.append(measure.caption(section.caption))
        lines += [measure.row(values, "row") for values in section.rows]
        if section.subtotals is not None:
            lines.append(measure.row(section.subtotals, "total"))
    if table.totals is not None:
        lines.append(measure.row(table.totals, "total"))
    numeric = [i for i, c in enumerate(columns) if c.numeric]
    return PagedTable(widths, head, head_heights, head_style, lines, fonts, numeric)


def write_pdf(report: Report, path: Path, fonts: PdfFonts) -> Path:
    """Write ``report`` to ``path`` (through a ``.part`` file replaced when complete)."""
    size = landscape(A4) if report.landscape else A4
    frame_width = size[0] - 2 * MARGIN
    styles = _styles(fonts)
    story: list[Flowable] = [Paragraph(_escape(report.title), styles["title"])]
    story += [Paragraph(_escape(line), styles["subtitle"]) for line in report.subtitle]
    story.append(Spacer(1, 4 * mm))
    for index, part in enumerate(report.parts):
        if index:
            story.append(PageBreak())
        if part.heading:
            story.append(Paragraph(_escape(part.heading), styles["heading"]))
        for block in part.blocks:
            story += _block(block, frame_width, fonts, styles)
            story.append(Spacer(1, 3 * mm))
    story += [Paragraph(_escape(note), styles["note"]) for note in report.notes]
    if report.signatures:
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([_signatures(report, frame_width, fonts)]))

    class _Canvas(_NumberedCanvas):
        header_left = report.header
        header_right = report.subtitle[-1] if report.subtitle else ""
        font = fonts.regular

    partial = path.with_name(path.name + ".part")
    doc = SimpleDocTemplate(
        str(partial), pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN, bottomMargin=MARGIN, title=report.title, author="koha-bridge",
    )
    try:
        doc.build(story, canvasmaker=_Canvas)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FatalInputError(f"Không ghi được tệp {path}: {exc}") from exc
    partial.replace(path)
    return path


def _block(block: Any, frame_width: float, fonts: PdfFonts,
           styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    if isinstance(block, TableBlock):
        if block.caption:
            out.append(Paragraph(_escape(block.caption), styles["heading"]))
        out.append(_paged_table(block, frame_width, fonts))
    elif isinstance(block, ImageBlock):
        if block.caption:
            out.append(Paragraph(_escape(block.caption), styles["heading"]))
        data = block.png()
        width_px, height_px = png_size(data)
        width = min(block.width_mm * mm, frame_width)
        out.append(Image(io.BytesIO(data), width=width, height=width * height_px / width_px))
    elif isinstance(block, TextBlock):
        style = styles["bold"] if block.bold else styles["text"]
        out += [Paragraph(_escape(line), style) for line in block.lines]
    return out


def _signatures(report: Report, frame_width: float, fonts: PdfFonts) -> Table:
    signers = report.signatures
    first = ["" for _ in signers]
    if report.place_date:
        first[-1] = report.place_date
    data = [first, [s.role for s in signers], [s.hint for s in signers],
            ["", *[""] * (len(signers) - 1)], [s.name for s in signers]]
    return Table(
        data, colWidths=[frame_width / len(signers)] * len(signers),
        rowHeights=[12, 12, 12, 40, 12],
        style=TableStyle([
            ("FONT", (0, 0), (-1, -1), fonts.regular, 9),
            ("FONT", (0, 1), (-1, 1), fonts.bold, 9),
            ("FONT", (0, 4), (-1, 4), fonts.bold, 9),
            ("FONT", (0, 0), (-1, 0), fonts.regular, 8.5),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ]),
    )


def _styles(fonts: PdfFonts) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", fontName=fonts.regular, fontSize=10,
                                   leading=13, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", fontName=fonts.bold, fontSize=10, leading=13,
                                  spaceBefore=2, spaceAfter=4),
        "text": ParagraphStyle("text", fontName=fonts.regular, fontSize=9, leading=12),
        "bold": ParagraphStyle("bold", fontName=fonts.bold, fontSize=9, leading=12),
        "note": ParagraphStyle("note", fontName=fonts.regular, fontSize=8, leading=10,
                               textColor=colors.HexColor("#333333")),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
