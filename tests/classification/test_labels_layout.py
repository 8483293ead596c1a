"""Sheet presets and geometry validation."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from classification.labels.layout import page_size_mm, placements, presets, sheet_from_config
from koha_bridge.config import LabelsConfig
from koha_bridge.exceptions import ConfigError

EXPECTED = {
    "a4-3x8": (3, 8, 70.0, 37.0),
    "a4-4x10": (4, 10, 48.5, 25.4),
    "a4-5x13": (5, 13, 38.1, 21.2),
    "a4-2x7": (2, 7, 99.1, 38.1),
    "a4-3x7": (3, 7, 63.5, 38.1),
    "a4-4x12": (4, 12, 45.7, 21.2),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_presets_fit_a4_and_are_centred(name: str) -> None:
    sheet = sheet_from_config(LabelsConfig(preset=name))
    columns, rows, width, height = EXPECTED[name]
    assert (sheet.columns, sheet.rows) == (columns, rows)
    assert sheet.label_width == pytest.approx(width * mm)
    assert sheet.label_height == pytest.approx(height * mm)
    boxes = sheet.boxes()
    assert len(boxes) == columns * rows
    right = max(b.x + b.width for b in boxes)
    bottom = min(b.y for b in boxes)
    assert min(b.x for b in boxes) >= 0 and right <= sheet.page_width + 0.01
    assert bottom >= -0.01 and max(b.y + b.height for b in boxes) <= sheet.page_height + 0.01
    # real sheets are symmetric: left margin == right margin (within 0.1 mm)
    assert min(b.x for b in boxes) == pytest.approx(sheet.page_width - right, abs=0.1 * mm)


def test_boxes_do_not_overlap() -> None:
    sheet = sheet_from_config(LabelsConfig(preset="a4-5x13"))
    boxes = sheet.boxes()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_x = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
            overlap_y = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
            assert overlap_x <= 0.01 or overlap_y <= 0.01


def test_config_overrides_preset() -> None:
    config = LabelsConfig(preset="a4-3x8", rows=6, label_height_mm=40, margin_top_mm=10)
    sheet = sheet_from_config(config)
    assert (sheet.columns, sheet.rows) == (3, 6)
    assert sheet.label_height == pytest.approx(40 * mm)
    assert sheet.box(0).y + sheet.box(0).height == pytest.approx(sheet.page_height - 10 * mm)


def test_labels_that_do_not_fit_give_a_vietnamese_error() -> None:
    with pytest.raises(ConfigError, match="trang chỉ rộng 210 mm"):
        sheet_from_config(LabelsConfig(preset="a4-3x8", columns=4))
    with pytest.raises(ConfigError, match="trang chỉ cao"):
        sheet_from_config(LabelsConfig(preset="a4-3x8", rows=9))


def test_bad_values_are_rejected() -> None:
    with pytest.raises(ConfigError, match="preset"):
        sheet_from_config(LabelsConfig(preset="a4-9x99"))
    with pytest.raises(ConfigError, match="page_size"):
        sheet_from_config(LabelsConfig(page_size="giấy to"))
    with pytest.raises(ConfigError, match="âm"):
        sheet_from_config(LabelsConfig(gap_x_mm=-3))


def test_page_sizes() -> None:
    assert page_size_mm("A4") == pytest.approx((210, 297), abs=0.1)
    assert page_size_mm("100x150") == (100.0, 150.0)


def test_placements_skip_and_pages() -> None:
    sheet = sheet_from_config(LabelsConfig(preset="a4-3x8"))
    placed = placements(30, sheet, skip=20)
    assert placed[0] == (0, sheet.box(20))
    assert placed[3] == (0, sheet.box(23))
    assert placed[4] == (1, sheet.box(0))
    with pytest.raises(ConfigError, match="--skip"):
        placements(1, sheet, skip=24)


def test_preset_table_lists_descriptions() -> None:
    assert all(p.description for p in presets().values())
