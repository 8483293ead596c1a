"""Barcode labels: school name, shortened title, Code 128 barcode, accession number.

Layout inside each sticker, top to bottom: school name (bold), title (shortened with
``…`` when too long, reported), the bars, and a human-readable line: the accession
number in bold, followed by the barcode value when the two differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from classification.labels.data import LabelItem, LabelReport, nfc
from classification.labels.fonts import Fonts, TextFitter, fonts_for
from classification.labels.layout import Box, Sheet, draw_sheets
from marc.settings import LabelsConfig

_PITCH = 1.2
_ASCENT = 0.95
_MIN_SIZE = 4.5
_QUIET_MODULES = 10
_MAX_BAR = 0.40 * mm  # widest module we print
_THIN_BAR = 0.19 * mm  # below this, scanners struggle: warn
_MAX_BAR_HEIGHT = 14 * mm


def _is_ascii(text: str) -> bool:
    return all(32 <= ord(ch) < 127 for ch in text)


class BarcodeRenderer:
    """Draws barcode labels into one PDF; font metrics are cached across labels."""

    def __init__(self, sheet: Sheet, config: LabelsConfig, school: str) -> None:
        self.sheet = sheet
        self.fonts: Fonts = fonts_for(config)
        self.fitter = TextFitter(min_size=_MIN_SIZE)
        height, width = sheet.label_height, sheet.label_width
        self.pad = min(1.5 * mm, height * 0.06, width * 0.05)
        self.inner = width - 2 * self.pad
        inner_h = height - 2 * self.pad
        self.head_size = min(8.0, max(_MIN_SIZE, inner_h * 0.11))
        self.title_size = min(7.5, max(_MIN_SIZE, inner_h * 0.10))
        self.code_size = min(9.0, max(_MIN_SIZE + 0.5, inner_h * 0.13))
        # a title is shrunk a little, then shortened: tiny print helps nobody
        self.title_floor = max(_MIN_SIZE, self.title_size * 0.8)
        self.school, self.school_size = self._fit_once(
            nfc(school), self.fonts.bold, self.head_size
        )
        self.shortened: list[str] = []
        self.thin: list[str] = []

    def _fit_once(self, text: str, font: str, size: float) -> tuple[str, float]:
        size = self.fitter.size_for(text, font, size, self.inner)
        return self.fitter.ellipsize(text, font, size, self.inner), size

    def render(
        self,
        items: Sequence[LabelItem],
        out: Path | BinaryIO,
        skip: int,
        tick: Callable[[], None] | None = None,
    ) -> LabelReport:
        report = LabelReport()
        if self.school and self.school.endswith("…"):
            report.warnings.append(f"Tên trường quá dài cho nhãn, đã rút gọn: {self.school}")
        drawable = [item for item in items if item.barcode]
        for item in items:
            if not item.barcode:
                report.skipped += 1
                report.warnings.append(
                    f"Biểu ghi {item.record_id} ({item.title}): bản sách không có số ĐKCB "
                    "hay mã vạch (952 $i/$p), không in nhãn mã vạch"
                )
        pages = draw_sheets(
            out, self.sheet, "Nhãn mã vạch", drawable,
            lambda canvas, item, box: self._draw(canvas, item, box, report), skip, tick,
        )
        if self.shortened:
            sample = "; ".join(self.shortened[:5])
            report.warnings.append(
                f"{len(self.shortened)} nhan đề quá dài đã được rút gọn trên nhãn mã vạch "
                f"(ví dụ: {sample})"
            )
        if self.thin:
            report.warnings.append(
                f"{len(self.thin)} mã vạch có vạch hẹp hơn {_THIN_BAR / mm:.2f} mm, có thể khó "
                f"quét (ví dụ: {', '.join(self.thin[:5])}); hãy chọn tờ nhãn rộng hơn"
            )
        report.labels = len(drawable)
        report.pages = pages
        return report

    def _draw(self, canvas: Canvas, item: LabelItem, box: Box, report: LabelReport) -> None:
        left = box.x + self.pad
        centre = box.x + box.width / 2
        y = box.y + box.height - self.pad
        canvas.setFillColor(black)
        if self.school:
            canvas.setFont(self.fonts.bold, self.school_size)
            canvas.drawCentredString(centre, y - self.school_size * _ASCENT, self.school)
            y -= self.school_size * _PITCH
        if item.title:
            size = max(
                self.title_floor,
                self.fitter.size_for(item.title, self.fonts.regular, self.title_size, self.inner),
            )
            title = self.fitter.ellipsize(item.title, self.fonts.regular, size, self.inner)
            if title != item.title:
                self.shortened.append(item.title)
            canvas.setFont(self.fonts.regular, size)
            canvas.drawCentredString(centre, y - size * _ASCENT, title)
            y -= size * _PITCH
        bottom = box.y + self.pad
        code_size = self._draw_code_line(canvas, item, left, centre, bottom)
        bars_bottom = bottom + code_size * _PITCH
        self._draw_bars(canvas, item, box, bars_bottom, y - bars_bottom, report)

    def _draw_code_line(
        self, canvas: Canvas, item: LabelItem, left: float, centre: float, bottom: float
    ) -> float:
        """The human-readable line; returns its font size."""
        bold, regular = self.fonts.bold, self.fonts.regular
        accession = item.accession or item.barcode
        baseline_offset = 0.25  # descent, in font sizes
        if item.barcode == accession:
            size = self.fitter.size_for(accession, bold, self.code_size, self.inner)
            canvas.setFont(bold, size)
            canvas.drawCentredString(centre, bottom + size * baseline_offset, accession)
            return size
        gap = self.fitter.width("  ", regular, 1.0)
        unit = self.fitter.width(accession, bold, 1.0) + gap + self.fitter.width(
            item.barcode, regular, 1.0
        )
        size = min(self.code_size, self.inner / unit * 0.999)
        baseline = bottom + size * baseline_offset
        canvas.setFont(bold, size)
        canvas.drawString(left, baseline, accession)
        canvas.setFont(regular, size)
        canvas.drawRightString(left + self.inner, baseline, item.barcode)
        return size

    def _draw_bars(
        self, canvas: Canvas, item: LabelItem, box: Box, bottom: float, room: float,
        report: LabelReport,
    ) -> None:
        if not _is_ascii(item.barcode):
            report.warnings.append(
                f"Mã vạch {item.barcode!r} có ký tự ngoài ASCII, Code 128 không mã hoá được"
            )
            return
        gap = min(self.pad, room * 0.1)
        if draw_code128(canvas, item.barcode, box.x, box.width, bottom + gap, room - 2 * gap):
            self.thin.append(item.barcode)


def draw_code128(canvas: Canvas, value: str, x: float, width: float, bottom: float,
                 height: float) -> bool:
    """Draw ``value`` (ASCII) as Code 128 centred in ``width`` from ``x``, bars from
    ``bottom`` at most ``height`` tall, with quiet zones; True if the bars are too thin
    to scan well."""
    symbol = Code128(value, barWidth=1.0, quiet=0, humanReadable=0)
    modules = symbol.width
    bar = min(_MAX_BAR, width / (modules + 2 * _QUIET_MODULES))
    symbol.barWidth = bar
    symbol.barHeight = min(_MAX_BAR_HEIGHT, height)
    symbol.quiet = 1
    symbol.lquiet = symbol.rquiet = _QUIET_MODULES * bar
    total = bar * (modules + 2 * _QUIET_MODULES)
    symbol.drawOn(canvas, x + (width - total) / 2, bottom)
    return bar < _THIN_BAR
