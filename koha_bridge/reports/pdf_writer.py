"""A ``Report`` as a print-ready A4 PDF (reportlab platypus).

The title and subtitles open the document; every page carries the school and school
year in its header and ``Trang 3/12`` in its footer; each part starts a new page.
Tables are paginated in one pass over pre-measured rows (``PagedTable``), so a
register of tens of thousands of lines costs linear time, and their multi-level
headings are repeated on every page. Text cells wrap; accession numbers never do.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
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
ASCENT = FONT_SIZE * 0.78
HEAD_FILL = colors.HexColor("#E8E8E8")
CAPTION_FILL = colors.HexColor("#F4F4F4")


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


@dataclass(frozen=True)
class _Head:
    """A heading cell placed on the grid: columns ``left..right``, its lines of text."""

    top: int
    left: int
    bottom: int
    right: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class _Line:
    """A body row, measured: each cell's wrapped lines, the row's height and kind."""

    cells: tuple[tuple[str, ...], ...]
    height: float
    kind: str = "row"  # row | caption | total


class _Glyphs:
    """Text-showing operators per (font, string), encoded into the TrueType subsets once
    per document: registers repeat dates, prices and titles thousands of times."""

    def __init__(self) -> None:
        self.doc: Any = None
        self.cache: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self.widths: dict[tuple[str, str], float] = {}

    def ops(self, canv: Any, font_name: str, text: str) -> tuple[tuple[str, str], ...]:
        if canv._doc is not self.doc:
            self.doc, self.cache = canv._doc, {}
        key = (font_name, text)
        hit = self.cache.get(key)
        if hit is None:
            font = getFont(font_name)
            hit = self.cache[key] = tuple(
                (f"{font.getSubsetInternalName(subset, self.doc)} {FONT_SIZE} Tf",
                 f"({canv._escape(piece)}) Tj")
                for subset, piece in font.splitString(text, self.doc))
        return hit


class _PageText:
    """One BT … ET block for a page: positioned strings, font switches only when needed."""

    def __init__(self, canv: Any, glyphs: _Glyphs) -> None:
        self.canv, self.glyphs = canv, glyphs
        self.code = ["BT"]
        self.current = ""

    def width(self, text: str, font: str) -> float:
        key = (font, text)
        width = self.glyphs.widths.get(key)
        if width is None:
            width = self.glyphs.widths[key] = stringWidth(text, font, FONT_SIZE)
        return width

    def show(self, x: float, y: float, font: str, text: str) -> None:
        self.code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for select, shown in self.glyphs.ops(self.canv, font, text):
            if select != self.current:
                self.code.append(select)
                self.current = select
            self.code.append(shown)

    def close(self) -> None:
        self.code.append("ET")
        self.canv._code.append(" ".join(self.code))


class PagedTable(Flowable):
    """A table split page by page over row heights measured once (rows ``start..stop`` of
    a shared list), drawn straight on the canvas: one text block and one batch of rules
    per page. platypus' ``Table`` resolves styles cell by cell and costs several times
    more for registers of hundreds of pages. Fonts must be TrueType (``PdfFonts``)."""

    def __init__(self, widths: Sequence[float], head: list[_Head], head_heights: list[float],
                 rows: list[_Line], fonts: PdfFonts, numeric: Sequence[int],
                 span: tuple[int, int] | None = None, cumulative: list[float] | None = None,
                 glyphs: _Glyphs | None = None) -> None:
        super().__init__()
        self.widths, self.head, self.head_heights = list(widths), head, head_heights
        self.rows, self.fonts, self.numeric = rows, fonts, set(numeric)
        self.start, self.stop = span or (0, len(rows))
        if cumulative is None:
            cumulative = [0.0]
            for row in rows:
                cumulative.append(cumulative[-1] + row.height)
        self.cumulative = cumulative
        self.glyphs = glyphs or _Glyphs()
        self.xs = [0.0]
        for width in self.widths:
            self.xs.append(self.xs[-1] + width)

    def _part(self, start: int, stop: int) -> PagedTable:
        return PagedTable(self.widths, self.head, self.head_heights, self.rows, self.fonts,
                          sorted(self.numeric), (start, stop), self.cumulative, self.glyphs)

    def _height(self) -> float:
        return sum(self.head_heights) + self.cumulative[self.stop] - self.cumulative[self.start]

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.xs[-1], self._height()

    def split(self, aw: float, ah: float) -> list[Flowable]:
        room = ah - sum(self.head_heights)
        limit = self.cumulative[self.start] + room
        stop = bisect_right(self.cumulative, limit, self.start, self.stop + 1) - 1
        if stop <= self.start:
            return []
        if stop >= self.stop:
            return [self]
        return [self._part(self.start, stop), self._part(stop, self.stop)]

    def draw(self) -> None:
        canv, xs, width = self.canv, self.xs, self.xs[-1]
        top = self._height()
        rules: list[tuple[float, float, float, float]] = []
        text = _PageText(canv, self.glyphs)
        levels = [top]
        for height in self.head_heights:
            levels.append(levels[-1] - height)
        canv.setFillColor(HEAD_FILL)
        canv.rect(0, levels[-1], width, top - levels[-1], stroke=0, fill=1)
        bold, regular = self.fonts.bold, self.fonts.regular
        for cell in self.head:
            x0, x1 = xs[cell.left], xs[cell.right + 1]
            y0, y1 = levels[cell.top], levels[cell.bottom + 1]
            rules += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
            first = y0 - (y0 - y1 - len(cell.lines) * LEADING) / 2 - ASCENT - 1
            for k, line in enumerate(cell.lines):
                w = stringWidth(line, bold, FONT_SIZE)
                text.show((x0 + x1 - w) / 2, first - k * LEADING, bold, line)
        y = levels[-1]
        for row in self.rows[self.start:self.stop]:
            bottom = y - row.height
            font = regular if row.kind == "row" else bold
            rules.append((0, bottom, width, bottom))
            if row.kind == "caption":
                canv.setFillColor(CAPTION_FILL)
                canv.rect(0, bottom, width, row.height, stroke=0, fill=1)
                rules += [(0, y, 0, bottom), (width, y, width, bottom)]
                self._cell(text, row.cells[0], 0, width, y, font, right=False)
            else:
                rules += [(x, y, x, bottom) for x in xs]
                for index, lines in enumerate(row.cells):
                    if lines:
                        self._cell(text, lines, xs[index], xs[index + 1], y, font,
                                   right=index in self.numeric)
            y = bottom
        canv.setFillColor(colors.black)
        text.close()
        canv.setLineWidth(0.4)
        _stroke(canv, rules)

    @staticmethod
    def _cell(text: _PageText, lines: Sequence[str], x0: float, x1: float, top: float,
              font: str, *, right: bool) -> None:
        baseline = top - PAD - ASCENT - 0.5
        for k, line in enumerate(lines):
            if line:
                x = x1 - PAD - text.width(line, font) if right else x0 + PAD
                text.show(x, baseline - k * LEADING, font, line)


def _stroke(canv: Any, rules: Sequence[tuple[float, float, float, float]]) -> None:
    """``canv.lines(rules)``, formatting each distinct coordinate once: a page's rules
    repeat the same few column edges and row levels hundreds of times."""
    text: dict[float, str] = {}
    code = ["n"]
    for x1, y1, x2, y2 in rules:
        for value in (x1, y1, x2, y2):
            if value not in text:
                text[value] = fp_str(value)
        code.append(f"{text[x1]} {text[y1]} m {text[x2]} {text[y2]} l")
    code.append("S")
    canv._code.extend(code)


class _Measure:
    """Wraps cell text to column widths and measures line heights."""

    def __init__(self, columns: Sequence[Column], widths: Sequence[float], fonts: PdfFonts):
        self.columns, self.widths, self.fonts = columns, widths, fonts
        self.cache: dict[tuple[str, float, str, bool], tuple[str, ...]] = {}
        self.text_widths: dict[tuple[str, str], float] = {}
        # per font: each column with its width, whether it wraps, and its cell cache
        self.plan: dict[str, list[tuple[Column, float, bool, dict[str, tuple[str, ...]]]]] = {
            font: [(c, w, c.kind == "text", {}) for c, w in zip(columns, widths, strict=True)]
            for font in (fonts.regular, fonts.bold)}

    def lines(self, text: str, width: float, font: str, wrap: bool = True) -> tuple[str, ...]:
        """``text`` wrapped to ``width`` (cached: registers repeat titles and dates)."""
        key = (text, width, font, wrap)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._lines(text, width, font, wrap)
        return hit

    def _lines(self, text: str, width: float, font: str, wrap: bool) -> tuple[str, ...]:
        room = width - 2 * PAD
        parts: list[str] = []
        for piece in text.split("\n"):
            if not wrap or self.width(piece, font) <= room:
                parts.append(piece)
            else:
                parts += self._split(piece, font, room) or [""]
        return tuple(parts)

    def width(self, text: str, font: str) -> float:
        """``stringWidth`` at ``FONT_SIZE``, cached: titles share most of their words."""
        key = (text, font)
        width = self.text_widths.get(key)
        if width is None:
            width = self.text_widths[key] = stringWidth(text, font, FONT_SIZE)
        return width

    def _split(self, piece: str, font: str, room: float) -> list[str]:
        """reportlab's ``simpleSplit`` (same lines, same arithmetic) over cached widths."""
        if not room:
            return [piece]
        lines: list[str] = []
        words: list[str] = []
        space = self.width(" ", font)
        used = -space
        for word in piece.split():
            width = self.width(word, font)
            if used + space + width <= room or not words:
                words.append(word)
                used = used + space + width
            else:
                lines.append(" ".join(words))
                words, used = [word], width
        if words:
            lines.append(" ".join(words))
        return lines

    def row(self, values: Row, kind: str) -> _Line:
        font = self.fonts.bold if kind == "total" else self.fonts.regular
        cells: list[tuple[str, ...]] = []
        most = 1
        for column, width, wrap, cache in self.plan[font]:
            value = values.get(column.key)
            if value is None or value == "":
                cells.append(())
                continue
            text = value if type(value) is str else as_text(value, column)
            lines = cache.get(text)
            if lines is None:
                lines = cache[text] = self.lines(text, width, font, wrap) if text else ()
            most = max(most, len(lines))
            cells.append(lines)
        return _Line(tuple(cells), most * LEADING + 2 * PAD, kind)

    def caption(self, text: str) -> _Line:
        lines = self.lines(text, sum(self.widths), self.fonts.bold)
        return _Line((lines,), len(lines) * LEADING + 2 * PAD, "caption")


def _paged_table(table: TableBlock, frame_width: float, fonts: PdfFonts) -> PagedTable:
    columns = table.columns
    total = sum(c.width for c in columns)
    widths = [c.width / total * frame_width for c in columns]
    measure = _Measure(columns, widths, fonts)
    depth = heading_depth(columns)
    lines_per_row = [1] * depth
    head: list[_Head] = []
    for cell in heading_cells(columns):
        width = sum(widths[cell.left: cell.right + 1])
        text = measure.lines(cell.text, width, fonts.bold)
        head.append(_Head(cell.top, cell.left, cell.bottom, cell.right, text))
        rows_spanned = cell.bottom - cell.top + 1
        needed = -(-len(text) // rows_spanned)
        for level in range(cell.top, cell.bottom + 1):
            lines_per_row[level] = max(lines_per_row[level], needed)
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
    return PagedTable(widths, head, head_heights, lines, fonts, numeric)


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
