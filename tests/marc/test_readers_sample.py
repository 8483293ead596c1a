"""The bundled sample delivery note is read exactly as its generator describes it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from marc.readers import ReadResult, read_acquisitions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample-delivery.xlsx"


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "sample-delivery.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="module")
def result() -> ReadResult:
    return read_acquisitions([SAMPLE])


def test_every_data_row_with_its_row_number(result: ReadResult, facts: dict[str, Any]) -> None:
    assert len(facts["rows"]) >= 60
    got = [(r.source.sheet, r.source.row) for r in result.rows]
    assert got == [(f["sheet"], f["row"]) for f in facts["rows"]]
    assert all(r.source.file == "sample-delivery.xlsx" for r in result.rows)


def test_row_values(result: ReadResult, facts: dict[str, Any]) -> None:
    for row, fact in zip(result.rows, facts["rows"], strict=True):
        values = row.values
        assert values.get("title") == fact["title"], row.source
        assert values["isbn"] == fact["isbn"], row.source
        assert values["price"] == fact["price"], row.source
        assert values["quantity"] == fact["quantity"], row.source
        assert values["year"] == fact["year"], row.source
        assert values["seq"] == fact["seq"], row.source
        assert row.category == fact["category"], row.source
        if fact.get("category_cell"):
            assert values["category"] == fact["category_cell"]
        for text in values.values():
            assert text == unicodedata.normalize("NFC", text)
            assert text == " ".join(text.split())


def test_skipped_rows_and_sheets(result: ReadResult, facts: dict[str, Any]) -> None:
    assert [(s.source.sheet, s.source.row, s.reason) for s in result.skipped] == [
        (f["sheet"], f["row"], f["reason"]) for f in facts["skipped"]
    ]
    reports = {s.sheet: s for s in result.sheets}
    for sheet, header_row in facts["header_rows"].items():
        assert reports[sheet].header_row == header_row
        assert reports[sheet].unmapped == ()
    assert reports["Sách giáo khoa"].mapping["SL (cuốn)"] == "quantity"
    assert reports["Sách tham khảo"].mapping["Đơn giá"] == "price"
    assert reports["Hướng dẫn"].header_row is None


def test_deliberate_defects_are_kept_as_data(result: ReadResult, facts: dict[str, Any]) -> None:
    rows = {(r.source.sheet, r.source.row): r for r in result.rows}
    defects = facts["defects"]
    assert all(defects[k] for k in defects)
    for kind, numbers in defects.items():
        for number in numbers:
            assert ("Sách giáo khoa", number) in rows, kind
    (no_title,) = defects["no_title"]
    assert "title" not in rows[("Sách giáo khoa", no_title)].values
    assert len(defects["duplicate_isbn"]) == 2
    (suffixed,) = defects["isbn_suffix"]
    assert rows[("Sách giáo khoa", suffixed)].values["isbn"] == "9786044017266-qt"


def test_totals_match_the_rows(result: ReadResult, facts: dict[str, Any]) -> None:
    quantities = [int(r.values["quantity"]) for r in result.rows
                  if r.source.sheet == "Sách giáo khoa" and r.values["quantity"].isdigit()]
    assert sum(quantities) == facts["totals"]["quantity"]
