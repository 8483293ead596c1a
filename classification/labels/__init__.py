"""Printable labels: spine labels and barcode labels as PDF sticker sheets.

The seam for every input kind is a function taking pymarc ``Record``s:
``write_spine_labels(records, config, out, options)`` and ``write_barcode_labels(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pymarc import Record

from classification.labels.barcode import BarcodeRenderer
from classification.labels.data import (
    LabelItem,
    LabelReport,
    SortKey,
    group_per_title,
    items_from_records,
    sort_items,
)
from classification.labels.layout import Sheet, presets, sheet_from_config
from classification.labels.spine import SpineOptions, SpineRenderer
from marc.errors import FatalInputError
from marc.settings import Settings

__all__ = [
    "LabelItem",
    "LabelOptions",
    "LabelReport",
    "Sheet",
    "presets",
    "sheet_from_config",
    "write_barcode_labels",
    "write_spine_labels",
]


@dataclass(frozen=True)
class LabelOptions:
    """Run options shared by both label kinds (``per_title`` and the lines: spine only)."""

    skip: int = 0
    sort: SortKey = "shelf"
    per_title: bool = False
    show_year: bool = False
    show_volume: bool = True


def _items(records: Iterable[Record], config: Settings, options: LabelOptions) -> tuple[
    list[LabelItem], list[str]
]:
    data = items_from_records(records, config.classification.volume_prefix)
    if not data.items:
        raise FatalInputError("Không có bản sách nào (trường 952) để in nhãn")
    items = sort_items(data.items, options.sort)
    return items, data.warnings


def write_spine_labels(
    records: Iterable[Record], config: Settings, out: Path | BinaryIO,
    options: LabelOptions = LabelOptions(),
    tick: Callable[[], None] | None = None,
) -> LabelReport:
    """Write spine labels for every copy (or every title with ``per_title``) to ``out``."""
    sheet = sheet_from_config(config.labels)
    renderer = SpineRenderer(
        sheet, config.labels, SpineOptions(options.show_year, options.show_volume)
    )
    items, warnings = _items(records, config, options)
    items, held, held_warnings = _classified_only(items)
    warnings += held_warnings
    if options.per_title:
        items = group_per_title(items)
    try:
        report = renderer.render(items, out, options.skip, tick)
    except OSError as exc:
        raise FatalInputError(f"Không ghi được tệp PDF {out}: {exc}") from exc
    report.warnings[:0] = warnings
    report.skipped += held
    return report


def _classified_only(items: list[LabelItem]) -> tuple[list[LabelItem], int, list[str]]:
    """A spine label needs a class number: hold back the copies of unclassified titles."""
    kept: list[LabelItem] = []
    held: dict[str, list[LabelItem]] = {}
    for item in items:
        if item.classification:
            kept.append(item)
        else:
            held.setdefault(item.record_id, []).append(item)
    warnings = [
        f"Biểu ghi {record_id} ({copies[0].title}): chưa có số phân loại, "
        f"{len(copies)} bản chưa in nhãn gáy (duyệt bảng phân loại rồi in lại)"
        for record_id, copies in held.items()
    ]
    return kept, len(items) - len(kept), warnings


def write_barcode_labels(
    records: Iterable[Record], config: Settings, out: Path | BinaryIO,
    options: LabelOptions = LabelOptions(sort="accession"),
    tick: Callable[[], None] | None = None,
) -> LabelReport:
    """Write one barcode label per copy to ``out`` (copies without a barcode are reported)."""
    sheet = sheet_from_config(config.labels)
    renderer = BarcodeRenderer(sheet, config.labels, config.school.name)
    items, warnings = _items(records, config, options)
    try:
        report = renderer.render(items, out, options.skip, tick)
    except OSError as exc:
        raise FatalInputError(f"Không ghi được tệp PDF {out}: {exc}") from exc
    report.warnings[:0] = warnings
    return report
