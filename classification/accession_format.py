"""How accession numbers look: prefixes, separator, widths; checked once from the config.

See ``classification.accession`` for the formats. ``match`` recognises a number of ours
found on a copy; it reads no store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from classification.accession_series import BARCODE_SERIES, Series
from classification.barcodes import NumericBarcodes, check_code128_part
from koha_bridge.config import Config
from koha_bridge.exceptions import AccessionError
from marc.errors import ConfigError

TEXTBOOK_CATEGORY = "SGK"
TITLE_WIDTH = 4
TITLE_COPY_WIDTH = 3


class AccessionFormat:
    """The number formats of one config; refuses prefixes a Code 128 barcode can't carry."""

    def __init__(self, config: Config) -> None:
        acc = config.accession
        check_code128_part(acc.separator, "[accession] separator")
        if not 1 <= acc.width <= 12:
            raise ConfigError("[accession] width phải từ 1 đến 12")
        self.separator = acc.separator
        self.width = acc.width
        self.title_separator = acc.separator or "-"
        self.per_title = acc.textbook_numbering == "per_title"
        self.barcodes = (
            NumericBarcodes(acc.barcode_prefix, acc.barcode_width, acc.barcode_check_digit)
            if acc.barcode == "numeric"
            else None
        )
        self.prefixes: dict[str, str] = {}
        for cat in config.categories:
            where = f"[categories.{cat.code}] accession_prefix"
            if not cat.accession_prefix:
                raise ConfigError(f"{where}: tiền tố số ĐKCB không được để trống")
            check_code128_part(cat.accession_prefix, where)
            if cat.accession_prefix in self.prefixes.values():
                raise ConfigError(f"{where}: tiền tố {cat.accession_prefix!r} bị trùng")
            self.prefixes[cat.code] = cat.accession_prefix
        self._patterns = self._compile_patterns()
        self._series = {
            code: Series(code, "category", prefix + self.separator, self.width)
            for code, prefix in self.prefixes.items()
        }

    def series(self, key: str) -> Series:
        """The configured shape of a category series (or of the barcode series)."""
        if key == BARCODE_SERIES:
            return Series(key, "barcode", "", 0)
        if key not in self._series:
            raise AccessionError(f"Loại sách {key!r} không có trong cấu hình")
        return self._series[key]

    def numbers_titles(self, category: str) -> bool:
        """True when ``category``'s series hands out textbook title numbers."""
        return self.per_title and category == TEXTBOOK_CATEGORY

    def title_stem(self, category: str, title: int) -> str:
        """``SGK.0012``: the name of a textbook title's copy series."""
        return f"{self.prefixes[category]}{self.title_separator}{str(title).zfill(TITLE_WIDTH)}"

    def display(self, series: Series) -> Callable[[int], str]:
        """How a number of ``series`` is shown (title numbers as stems)."""
        if series.kind == "barcode":
            return self.barcodes.format if self.barcodes else str
        if series.kind == "category" and self.numbers_titles(series.key):
            return lambda n: self.title_stem(series.key, n)
        return series.format

    def match(self, accession: str) -> tuple[str, int, int | None] | None:
        """(category, number, None) or (category, title, copy) for a number of ours."""
        for pattern, code in self._patterns:
            found = pattern.fullmatch(accession)
            if found is None:
                continue
            if found.lastindex == 1:
                number = int(found[1])
                ok = self.series(code).format(number) == accession
                return (code, number, None) if ok else None
            title, copy = int(found[1]), int(found[2])
            ok = f"{self.title_stem(code, title)}{self.title_separator}" + str(copy).zfill(
                TITLE_COPY_WIDTH
            ) == accession
            return (code, title, copy) if ok else None
        return None

    def _compile_patterns(self) -> list[tuple[re.Pattern[str], str]]:
        patterns = []
        for code, prefix in self.prefixes.items():
            patterns.append((re.compile(re.escape(prefix + self.separator) + r"(\d+)"), code))
            if code == TEXTBOOK_CATEGORY:
                sep = re.escape(self.title_separator)
                patterns.append((re.compile(rf"{re.escape(prefix)}{sep}(\d+){sep}(\d+)"), code))
        return patterns
