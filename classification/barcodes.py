"""Barcodes for 952 $p: Code 128 encodability and the optional numeric barcode series.

Every barcode koha-bridge writes must print as Code 128, so it may only contain
printable ASCII (``!`` … ``~``; a space is encodable but refused, scanners and
labels lose it). Prefixes and separators are checked once, when a series is set up,
so a prefix such as ``ĐK`` is refused before any number is handed out.

Numeric barcodes (``[accession] barcode = "numeric"``) are ``prefix`` + the number
zero-padded to ``barcode_width`` digits, followed, when ``barcode_check_digit`` is
on, by one GS1 mod-10 check digit (the EAN/UPC scheme): weights 3, 1, 3, … from the
rightmost digit of the number leftwards; check = (10 − sum mod 10) mod 10. The prefix
takes no part in the check digit. Example: number 40063813339, width 11 → ``400638133393``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marc.errors import ConfigError

_PRINTABLE = re.compile(r"[!-~]*")


def code128_problem(value: str) -> str | None:
    """Why ``value`` can't be a Code 128 barcode (Vietnamese), or None if it can."""
    if not value:
        return "mã vạch rỗng"
    bad = sorted({ch for ch in value if not _PRINTABLE.fullmatch(ch)})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        return (
            f"{value!r} có ký tự không in được bằng mã vạch Code 128 ({shown}); "
            "chỉ dùng chữ Latinh không dấu, chữ số và dấu câu ASCII"
        )
    return None


def check_code128_part(value: str, what: str) -> None:
    """Refuse a prefix or separator (may be empty) that can't appear in a Code 128 barcode."""
    if value and (problem := code128_problem(value)):
        raise ConfigError(f"{what}: {problem}")


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit (EAN-13, UPC-A, ITF-14) of a string of digits."""
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not a digit string: {digits!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class NumericBarcodes:
    """Format and recognise barcodes of the numeric series."""

    prefix: str = ""
    width: int = 8
    check_digit: bool = False

    def __post_init__(self) -> None:
        check_code128_part(self.prefix, "[accession] barcode_prefix")
        if not 1 <= self.width <= 18:
            raise ConfigError("[accession] barcode_width phải từ 1 đến 18")

    def format(self, number: int) -> str:
        digits = str(number).zfill(self.width)
        if self.check_digit:
            digits += str(gs1_check_digit(digits))
        return f"{self.prefix}{digits}"

    def parse(self, barcode: str) -> int | None:
        """The number a barcode of this series carries, or None if it isn't one."""
        if not barcode.startswith(self.prefix):
            return None
        digits = barcode[len(self.prefix):]
        if not (digits.isascii() and digits.isdigit()):
            return None
        if self.check_digit:
            digits = digits[:-1]
        if not digits:
            return None
        number = int(digits)
        return number if self.format(number) == barcode else None
