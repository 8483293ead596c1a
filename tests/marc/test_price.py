"""Prices in integer đồng."""

from __future__ import annotations

import pytest

from marc.price import format_price, parse_price


@pytest.mark.parametrize(
    "text",
    [
        "45.000",
        "45.000đ",
        "45,000 VNĐ",
        "45 000",
        "45\u00a0000 ₫",
        "45000",
        "45000.0",
        "45.000 đồng",
        "45.000 vnd",
        "45k",
        "45 nghìn",
        "45.000,00",
        "45,000.00",
    ],
)
def test_forms_of_45000(text: str) -> None:
    assert parse_price(text) == 45000


def test_millions_with_several_separators() -> None:
    assert parse_price("1.234.000") == 1234000
    assert parse_price("1,234,000đ") == 1234000


@pytest.mark.parametrize("text", ["abc", "2,5", "45.000.00", "12.50", "45,00,000", "45.0000", "đ"])
def test_unreadable(text: str) -> None:
    assert parse_price(text) is None


def test_small_excel_number_is_read_as_written() -> None:
    assert parse_price("45.0") == 45  # the caller warns that it is suspiciously low


def test_format_price() -> None:
    assert format_price(45000) == "45.000 đ"
    assert format_price(1234567) == "1.234.567 đ"
    assert format_price(500) == "500 đ"
