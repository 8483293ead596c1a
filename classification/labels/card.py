"""Library cards: school, school year, name, class, card number as Code 128, photo box.

Cards are drawn on a sticker-sheet preset (``a4-2x5-card``: 10 cards of 85.6 × 54 mm
on A4) with the labels' fonts, text fitting, sheet layout and barcode drawing. Layout
of a card: a bold school name and the line ``THẺ THƯ VIỆN · Năm học …`` on top, an
optional photo box at the left, name and class beside it, the bars and the card number
at the bottom; a thin frame shows where to cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import black, grey
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from classification.labels.barcode import draw_code128
from classification.labels.data import nfc
from classification.labels.fonts import TextFitter, fonts_for
from classification.labels.layout import Box, Sheet, draw_sheets
from marc.settings import LabelsConfig

_PITCH = 1.25
_PHOTO_W, _PHOTO_H = 20 * mm, 26 * mm


@dataclass(frozen=True)
class Card:
    """One card's text (the card number must be ASCII for Code 128)."""

    cardnumber: str
    name: str
    class_name: str = ""
    role: str = "Lớp"  # the label before class_name; "" shows class_name alone (a team)


class CardRenderer:
    """Draws cards into one PDF."""

    def __init__(self, sheet: Sheet, labels: LabelsConfig, school: str, school_year: str,
                 photo: bool = False) -> None:
        self.sheet = sheet
        self.fonts = fonts_for(labels)
        self.fitter = TextFitter(min_size=5.0)
        self.school = nfc(school)
        self.heading = f"THẺ THƯ VIỆN · Năm học {school_year}" if school_year else "THẺ THƯ VIỆN"
        self.photo = photo
        self.pad = min(3 * mm, sheet.label_height * 0.06)

    def render(self, cards: Sequence[Card], out: Path | BinaryIO,
               tick: Callable[[], None] | None = None) -> int:
        """Draw every card; returns the number of pages."""
        return draw_sheets(out, self.sheet, "Thẻ thư viện", list(cards), self._draw, 0, tick)

    def _line(self, canvas: Canvas, text: str, font: str, size: float, x: float,
              top: float, width: float, centred: bool = False) -> float:
        """One fitted line whose top is at ``top``; returns the next line's top."""
        size = self.fitter.size_for(text, font, size, width)
        text = self.fitter.ellipsize(text, font, size, width)
        canvas.setFont(font, size)
        baseline = top - size * 0.95
        if centred:
            canvas.drawCentredString(x + width / 2, baseline, text)
        else:
            canvas.drawString(x, baseline, text)
        return top - size * _PITCH

    def _draw(self, canvas: Canvas, card: Card, box: Box) -> None:
        pad, bold, regular = self.pad, self.fonts.bold, self.fonts.regular
        canvas.setStrokeColor(grey)
        canvas.setLineWidth(0.3)
        canvas.roundRect(box.x + 1, box.y + 1, box.width - 2, box.height - 2, 2 * mm)
        canvas.setFillColor(black)
        inner = box.width - 2 * pad
        top = box.y + box.height - pad
        top = self._line(canvas, self.school, bold, 9.5, box.x + pad, top, inner, True)
        top = self._line(canvas, self.heading, regular, 7.5, box.x + pad, top, inner, True)
        top -= 1 * mm
        bars_h = 11 * mm
        number_size = 8.0
        bottom = box.y + pad
        left = box.x + pad
        if self.photo:
            photo_top = min(top, bottom + number_size * _PITCH + bars_h + _PHOTO_H)
            canvas.setStrokeColor(grey)
            canvas.rect(left, photo_top - _PHOTO_H, _PHOTO_W, _PHOTO_H)
            canvas.setFont(regular, 6)
            canvas.drawCentredString(left + _PHOTO_W / 2, photo_top - _PHOTO_H / 2, "Ảnh 2×3")
            left += _PHOTO_W + 2 * mm
        text_w = box.x + box.width - pad - left
        top = self._line(canvas, nfc(card.name), bold, 11.0, left, top, text_w)
        if card.class_name:
            line = f"{card.role}: {card.class_name}" if card.role else card.class_name
            top = self._line(canvas, nfc(line), regular, 9.0, left, top, text_w)
        canvas.setFont(bold, number_size)
        canvas.drawCentredString(left + text_w / 2, bottom + number_size * 0.25,
                                 card.cardnumber)
        bars_bottom = bottom + number_size * _PITCH
        room = max(4 * mm, min(bars_h, top - bars_bottom - 1 * mm))
        draw_code128(canvas, card.cardnumber, left, text_w, bars_bottom, room)
