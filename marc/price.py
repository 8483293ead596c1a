"""Prices as integer đồng.

In Vietnamese lists ``.`` and ``,`` (and spaces) separate thousands and prices have no
decimals: ``45.000``, ``45,000 VNĐ``, ``45 000``, ``45.000đ`` are all 45000. A trailing
``.0`` comes from an Excel number (``45000.0``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_CURRENCY = re.compile(r"(?:vn[đd]|đồng|dong|đ|₫|d)\.?$", re.IGNORECASE)
_THOUSANDS_WORD = re.compile(r"(?:k|nghìn|ngàn)\.?$", re.IGNORECASE)
_PLAIN = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_EXCEL = re.compile(r"(\d+)[.,]0{1,2}")
# "45.000,00" / "45,000.00": grouped thousands then zero decimals in the other separator.
_GROUPED_ZERO = re.compile(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)(?!\2)[.,]0{1,2}")


@lru_cache(maxsize=16384)
def parse_price(text: str) -> int | None:
    """Đồng from a price cell; None when it cannot be read (the caller handles empty)."""
    value = _SPACES.sub("", text)
    value = _CURRENCY.sub("", value)
    factor = 1
    if _THOUSANDS_WORD.search(value):
        value = _THOUSANDS_WORD.sub("", value)
        factor = 1000
    if _PLAIN.fullmatch(value):
        return int(value) * factor
    if _GROUPED.fullmatch(value):
        return int(value.replace(".", "").replace(",", "")) * factor
    match = _EXCEL.fullmatch(value)
    if match:
        return int(match.group(1)) * factor
    match = _GROUPED_ZERO.fullmatch(value)
    if match:
        return int(match.group(1).replace(".", "").replace(",", "")) * factor
    return None


def format_price(amount: int) -> str:
    """``45000`` → ``"45.000 đ"`` (the form printed on Vietnamese outputs)."""
    return f"{amount:,} đ".replace(",", ".")
