"""Sticker-sheet geometry: presets for common A4 label sheets, config overrides, boxes.

All lengths in the config and the preset table are millimetres; a resolved ``Sheet``
works in PDF points with the origin at the bottom-left corner of the page.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, TypeVar

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from marc.errors import ConfigError
from marc.settings import LabelsConfig

T = TypeVar("T")

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (A4[0] / mm, A4[1] / mm),
    "A5": (A5[0] / mm, A5[1] / mm),
    "LETTER": (LETTER[0] / mm, LETTER[1] / mm),
}
_PAGE_MM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*$")
_TOLERANCE_MM = 0.05


@dataclass(frozen=True)
class Preset:
    """One sticker sheet as sold: page, grid, sticker size, margins and gaps (mm)."""

    name: str
    page: str
    columns: int
    rows: int
    label_width_mm: float
    label_height_mm: float
    margin_top_mm: float
    margin_left_mm: float
    gap_x_mm: float
    gap_y_mm: float
    description: str


@dataclass(frozen=True)
class Box:
    """One sticker on the page, in points (x, y = bottom-left corner)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float, tolerance: float = 0.01) -> bool:
        return (
            self.x - tolerance <= x <= self.x + self.width + tolerance
            and self.y - tolerance <= y <= self.y + self.height + tolerance
        )


@dataclass(frozen=True)
class Sheet:
    """A resolved sheet layout in points; stickers are numbered row by row from top left."""

    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    margin_top: float
    margin_left: float
    gap_x: float
    gap_y: float
    name: str = ""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def box(self, slot: int) -> Box:
        """The sticker at position ``slot`` (0-based, row-major) of a page."""
        row, col = divmod(slot % self.per_page, self.columns)
        x = self.margin_left + col * (self.label_width + self.gap_x)
        top = self.page_height - self.margin_top - row * (self.label_height + self.gap_y)
        return Box(x, top - self.label_height, self.label_width, self.label_height)

    def boxes(self) -> list[Box]:
        return [self.box(i) for i in range(self.per_page)]


@cache
def presets() -> dict[str, Preset]:
    """The shipped sheet presets (``classification/data/label-presets.csv``)."""
    text = (DATA_DIR / "label-presets.csv").read_text(encoding="utf-8")
    result: dict[str, Preset] = {}
    for row in csv.DictReader(text.splitlines()):
        result[row["name"]] = Preset(
            name=row["name"],
            page=row["page"],
            columns=int(row["columns"]),
            rows=int(row["rows"]),
            label_width_mm=float(row["label_width_mm"]),
            label_height_mm=float(row["label_height_mm"]),
            margin_top_mm=float(row["margin_top_mm"]),
            margin_left_mm=float(row["margin_left_mm"]),
            gap_x_mm=float(row["gap_x_mm"]),
            gap_y_mm=float(row["gap_y_mm"]),
            description=row["description"],
        )
    return result


def page_size_mm(spec: str) -> tuple[float, float]:
    """``"A4"``, ``"A5"``, ``"Letter"`` or ``"210x297"`` (mm) → (width, height) in mm."""
    named = PAGE_SIZES.get(spec.strip().upper())
    if named is not None:
        return named
    match = _PAGE_MM.match(spec)
    if match is None:
        raise ConfigError(
            f"[labels] page_size = {spec!r}: cần A4, A5, Letter hoặc 'rộng x cao' (mm), "
            "ví dụ '210x297'"
        )
    return float(match.group(1)), float(match.group(2))


def sheet_from_config(config: LabelsConfig) -> Sheet:
    """Resolve the preset plus overrides (0 / -1 = take from the preset) and validate."""
    preset = presets().get(config.preset)
    if preset is None:
        names = ", ".join(sorted(presets()))
        raise ConfigError(f"[labels] preset = {config.preset!r} không có; chọn một trong: {names}")
    page_w, page_h = page_size_mm(config.page_size or preset.page)

    def pick(value: float, default: float, unset: float) -> float:
        return default if value == unset else value

    columns = int(pick(config.columns, preset.columns, 0))
    rows = int(pick(config.rows, preset.rows, 0))
    label_w = pick(config.label_width_mm, preset.label_width_mm, 0)
    label_h = pick(config.label_height_mm, preset.label_height_mm, 0)
    top = pick(config.margin_top_mm, preset.margin_top_mm, -1)
    left = pick(config.margin_left_mm, preset.margin_left_mm, -1)
    gap_x = pick(config.gap_x_mm, preset.gap_x_mm, -1)
    gap_y = pick(config.gap_y_mm, preset.gap_y_mm, -1)
    _validate(page_w, page_h, columns, rows, label_w, label_h, top, left, gap_x, gap_y)
    return Sheet(
        page_width=page_w * mm,
        page_height=page_h * mm,
        columns=columns,
        rows=rows,
        label_width=label_w * mm,
        label_height=label_h * mm,
        margin_top=top * mm,
        margin_left=left * mm,
        gap_x=gap_x * mm,
        gap_y=gap_y * mm,
        name=config.preset,
    )


def _validate(
    page_w: float, page_h: float, columns: int, rows: int, label_w: float, label_h: float,
    top: float, left: float, gap_x: float, gap_y: float,
) -> None:
    if columns < 1 or rows < 1:
        raise ConfigError("[labels] rows và columns phải ít nhất là 1")
    if label_w <= 0 or label_h <= 0:
        raise ConfigError("[labels] kích thước nhãn (label_width_mm, label_height_mm) phải > 0")
    if min(top, left, gap_x, gap_y) < 0:
        raise ConfigError("[labels] lề và khoảng cách giữa các nhãn không được âm")
    used_w = left + columns * label_w + (columns - 1) * gap_x
    used_h = top + rows * label_h + (rows - 1) * gap_y
    if used_w > page_w + _TOLERANCE_MM:
        raise ConfigError(
            f"[labels] {columns} cột nhãn rộng {label_w:g} mm (lề trái {left:g} mm, "
            f"cách nhau {gap_x:g} mm) cần {used_w:g} mm, nhưng trang chỉ rộng {page_w:g} mm"
        )
    if used_h > page_h + _TOLERANCE_MM:
        raise ConfigError(
            f"[labels] {rows} hàng nhãn cao {label_h:g} mm (lề trên {top:g} mm, "
            f"cách nhau {gap_y:g} mm) cần {used_h:g} mm, nhưng trang chỉ cao {page_h:g} mm"
        )


def placements(count: int, sheet: Sheet, skip: int = 0) -> list[tuple[int, Box]]:
    """(page number from 0, sticker box) for ``count`` labels, leaving ``skip`` used stickers."""
    if not 0 <= skip < sheet.per_page:
        raise ConfigError(
            f"--skip phải từ 0 đến {sheet.per_page - 1} (một tờ {sheet.name} có "
            f"{sheet.per_page} nhãn), nhận được {skip}"
        )
    boxes = sheet.boxes()
    result = []
    for index in range(skip, skip + count):
        page, slot = divmod(index, sheet.per_page)
        result.append((page, boxes[slot]))
    return result


def draw_sheets(
    out: Path | BinaryIO,
    sheet: Sheet,
    title: str,
    items: Sequence[T],
    draw: Callable[[Canvas, T, Box], None],
    skip: int = 0,
    tick: Callable[[], None] | None = None,
) -> int:
    """Draw one label per item across as many sheets as needed; returns the page count.

    ``tick`` is called after each label (for a progress bar).
    """
    canvas = open_canvas(out, sheet, title)
    page = 0
    for item, (page_no, box) in zip(items, placements(len(items), sheet, skip), strict=True):
        if page_no != page:
            canvas.showPage()
            page = page_no
        draw(canvas, item, box)
        if tick is not None:
            tick()
    canvas.save()
    return page + 1 if items else 0


def open_canvas(out: Path | BinaryIO, sheet: Sheet, title: str) -> Canvas:
    """A reportlab canvas for ``out`` (a path or a binary file object) sized to the sheet."""
    target = str(out) if isinstance(out, Path) else out
    canvas = Canvas(target, pagesize=(sheet.page_width, sheet.page_height))
    canvas.setTitle(title)
    canvas.setCreator("koha-bridge")
    return canvas
