"""Numeric barcodes, the GS1 mod-10 check digit and Code 128 encodability."""

from __future__ import annotations

import pytest
from barcode import EAN13, Code128
from barcode.errors import IllegalCharacterError

from classification.barcodes import (
    NumericBarcodes,
    check_code128_part,
    code128_problem,
    gs1_check_digit,
)
from koha_bridge.exceptions import ConfigError


@pytest.mark.parametrize(
    "digits", ["400638133393", "893604509999", "000000000001", "123456789012", "978604123456"]
)
def test_check_digit_matches_python_barcode_ean13(digits: str) -> None:
    assert EAN13(digits).get_fullcode() == digits + str(gs1_check_digit(digits))


def test_check_digit_hand_example() -> None:
    # UPC-A 03600029145 → check 2: (0+6+0+2+1+5)*3 + (3+0+0+9+4) = 42 + 16 = 58 → 2
    assert gs1_check_digit("03600029145") == 2
    # leading zeros do not change a GS1 check digit (weights run from the right)
    assert gs1_check_digit("00012345") == gs1_check_digit("12345")
    with pytest.raises(ValueError):
        gs1_check_digit("12a4")


def test_numeric_series_format_and_parse() -> None:
    plain = NumericBarcodes(prefix="", width=8)
    assert plain.format(42) == "00000042"
    assert plain.parse("00000042") == 42
    assert plain.parse("000000042") is None  # not what format() writes
    assert plain.format(123456789) == "123456789"  # wider numbers just grow
    checked = NumericBarcodes(prefix="TV", width=6, check_digit=True)
    code = checked.format(1532)
    assert code == "TV001532" + str(gs1_check_digit("001532"))
    assert checked.parse(code) == 1532
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert checked.parse(wrong) is None
    assert checked.parse("XX0015320") is None
    # the digits after the prefix, padded to 12, form a valid EAN-13 body + check
    body = code[2:-1].zfill(12)
    assert EAN13(body).get_fullcode()[-1] == code[-1]


def test_code128_accepts_our_formats() -> None:
    for value in ("TK.00001", "SGK.0012.003", "SGK-0012-003", "TV0015323"):
        assert code128_problem(value) is None
        assert Code128(value).get_fullcode() == value


def test_code128_refuses_vietnamese_letters() -> None:
    problem = code128_problem("ĐK.00001")
    assert problem is not None and "Code 128" in problem and "'Đ'" in problem
    with pytest.raises(IllegalCharacterError):
        Code128("ĐK.00001")
    assert code128_problem("TK 1") is not None  # spaces refused
    assert code128_problem("") is not None


def test_prefix_checks_raise_config_errors() -> None:
    check_code128_part("", "[accession] barcode_prefix")  # empty is fine
    with pytest.raises(ConfigError, match="barcode_prefix"):
        NumericBarcodes(prefix="Mã")
    with pytest.raises(ConfigError, match="barcode_width"):
        NumericBarcodes(width=0)
