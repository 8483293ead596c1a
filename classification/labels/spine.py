"""Spine labels (nhãn gáy): colour band for the DDC main class, then the call number.

Lines top to bottom (``author-marks.yaml`` ``spine_label``): collection prefix,
classification number, author mark, then optionally year and volume, and ``× n`` when
one label stands for several copies. A collection colour, when configured, is a stripe
along the bottom edge.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import Color, HexColor, black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from classification.labels.data import LabelItem, LabelReport
from classification.labels.fonts import Fonts, TextFitter, fonts_for
from classification.labels.layout import DATA_DIR, Box, Sheet, draw_sheets
from marc.errors import ConfigError
from marc.settings import LabelsConfig

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_MAX_SIZE = 14.0
_MIN_SIZE = 5.0
_PITCH = 1.2  # line height / font size
_ASCENT = 0.95  # baseline below the line top, in font sizes


@dataclass(frozen=True)
class SpineOptions:
    show_year: bool = False
    show_volume: bool = True


@dataclass(frozen=True)
class Palette:
    """Band colour per DDC main class and stripe colour per collection code."""

    main: dict[str, Color]
    collection: dict[str, Color]


@cache
def default_colours() -> dict[str, str]:
    """DDC main class → default hex colour (``classification/data/ddc-main-classes.csv``)."""
    text = (DATA_DIR / "ddc-main-classes.csv").read_text(encoding="utf-8")
    return {row["code"]: row["spine_colour_hex"] for row in csv.DictReader(text.splitlines())}


def _colour(value: str, where: str) -> Color:
    if not isinstance(value, str) or not _HEX.match(value):
        raise ConfigError(f"[labels] {where} = {value!r}: cần mã màu dạng #RRGGBB")
    return HexColor(value)


def palette(config: LabelsConfig) -> Palette:
    """Defaults from the shipped table, overridden by ``[labels] colours``."""
    hexes = dict(default_colours())
    for key, value in config.colours.items():
        code = f"{key}00" if re.fullmatch(r"\d", key) else key
        if code not in hexes:
            raise ConfigError(
                f"[labels] colours: {key!r} không phải lớp chính DDC (000, 100, … 900)"
            )
        hexes[code] = value
    main = {code: _colour(value, f"colours.{code}") for code, value in hexes.items()}
    collection = {
        code: _colour(value, f"collection_colours.{code}")
        for code, value in config.collection_colours.items()
    }
    return Palette(main, collection)


@dataclass(frozen=True)
class _Line:
    text: str
    font: str
    size: float


class SpineRenderer:
    """Draws spine labels into one PDF; metrics and colours are computed once per run."""

    def __init__(self, sheet: Sheet, config: LabelsConfig, options: SpineOptions) -> None:
        self.sheet = sheet
        self.options = options
        self.fonts: Fonts = fonts_for(config)
        self.palette = palette(config)
        self.fitter = TextFitter(min_size=_MIN_SIZE)
        height = sheet.label_height
        self.pad = min(1.5 * mm, height * 0.06, sheet.label_width * 0.06)
        self.band = max(min(height * 0.16, 5 * mm), 1.5 * mm)
        self.stripe = self.band * 0.6 if self.palette.collection else 0.0
        self.text_height = (
            height - 3 * self.pad - self.band - (self.stripe + self.pad if self.stripe else 0.0)
        )
        self.base = _MAX_SIZE
        self.warned: set[str] = set()

    def render(
        self,
        items: Sequence[LabelItem],
        out: Path | BinaryIO,
        skip: int,
        tick: Callable[[], None] | None = None,
    ) -> LabelReport:
        report = LabelReport()
        self.base = self._base_size(items)
        report.pages = draw_sheets(
            out, self.sheet, "Nhãn gáy sách", items,
            lambda canvas, item, box: self._draw(canvas, item, box, report), skip, tick,
        )
        report.labels = len(items)
        return report

    def _text_lines(self, item: LabelItem) -> list[tuple[str, str, float]]:
        regular, bold = self.fonts.regular, self.fonts.bold
        lines = [
            (item.collection, regular, 0.85),
            (item.classification, bold, 1.0),
            (item.author_mark, bold, 1.0),
        ]
        if self.options.show_year and item.year:
            lines.append((item.year, regular, 0.85))
        if self.options.show_volume and item.volume:
            lines.append((item.volume, regular, 0.85))
        if item.count > 1:
            lines.append((f"× {item.count}", regular, 0.75))
        return [line for line in lines if line[0]]

    def _base_size(self, items: Sequence[LabelItem]) -> float:
        """One size for the whole run, so that labels on a sheet look alike."""
        weight = max((sum(w for _, _, w in self._text_lines(i)) for i in items), default=1.0)
        return min(_MAX_SIZE, self.text_height / (_PITCH * weight))

    def _layout(
        self, item: LabelItem, width: float, height: float, report: LabelReport
    ) -> list[_Line]:
        spec = self._text_lines(item)
        base = self.base
        lines: list[_Line] = []
        for text, font, weight in spec:
            size = self.fitter.size_for(text, font, base * weight, width)
            if self.fitter.fits(text, font, size, width):
                lines.append(_Line(text, font, size))
                continue
            parts = self.fitter.wrap(text, font, size, width)
            self._warn_once(
                report, text,
                f"Nhãn gáy {item.accession or item.record_id}: {text!r} quá dài, "
                f"ngắt thành {len(parts)} dòng",
            )
            lines.extend(_Line(part, font, size) for part in parts)
        total = sum(line.size * _PITCH for line in lines)
        if total > height:
            factor = height / total
            lines = [_Line(line.text, line.font, line.size * factor) for line in lines]
            self._warn_once(
                report, "\n".join(line.text for line in lines),
                f"Nhãn gáy {item.accession or item.record_id}: nhiều dòng, chữ thu nhỏ "
                f"còn {lines[-1].size:.1f} pt",
            )
        return lines

    def _warn_once(self, report: LabelReport, key: str, message: str) -> None:
        """One warning per distinct text, not one per copy of the same title."""
        if key not in self.warned:
            self.warned.add(key)
            report.warnings.append(message)

    def _draw(self, canvas: Canvas, item: LabelItem, box: Box, report: LabelReport) -> None:
        top = box.y + box.height
        band = self.palette.main.get(item.main_class or "")
        if band is not None:
            canvas.setFillColor(band)
            canvas.rect(
                box.x + self.pad, top - self.pad - self.band, box.width - 2 * self.pad,
                self.band, stroke=0, fill=1,
            )
        stripe = self.palette.collection.get(item.collection)
        if stripe is not None:
            canvas.setFillColor(stripe)
            canvas.rect(
                box.x + self.pad, box.y + self.pad, box.width - 2 * self.pad, self.stripe,
                stroke=0, fill=1,
            )
        area_top = top - 2 * self.pad - self.band
        width = box.width - 2 * self.pad
        lines = self._layout(item, width, self.text_height, report)
        block = sum(line.size * _PITCH for line in lines)
        y = area_top - (self.text_height - block) / 2
        centre = box.x + box.width / 2
        canvas.setFillColor(black)
        for line in lines:
            canvas.setFont(line.font, line.size)
            canvas.drawCentredString(centre, y - line.size * _ASCENT, line.text)
            y -= line.size * _PITCH
