"""School years: ``2025-2026`` runs from 1 September 2025 to 31 August 2026 (configurable)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from koha_bridge.exceptions import ConfigError

_YEAR = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")


@dataclass(frozen=True)
class SchoolYear:
    """A school year as a closed range of dates ``[start, end]``."""

    label: str
    start: date
    end: date

    @classmethod
    def parse(cls, text: str, start_month_day: str = "09-01") -> SchoolYear:
        """``2025-2026`` → 2025-09-01 .. 2026-08-31 (``start_month_day`` moves the start)."""
        match = _YEAR.match(text.strip())
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise ConfigError(f"Năm học không hợp lệ: {text!r} (cần dạng 2025-2026)")
        try:
            month, day = (int(part) for part in start_month_day.split("-"))
            start = date(int(match.group(1)), month, day)
            end = date(int(match.group(2)), month, day) - timedelta(days=1)
        except ValueError as exc:
            raise ConfigError(
                f"Ngày bắt đầu năm học không hợp lệ: {start_month_day!r} (cần dạng MM-DD)"
            ) from exc
        return cls(f"{match.group(1)}-{match.group(2)}", start, end)

    @classmethod
    def containing(cls, day: date, start_month_day: str = "09-01") -> SchoolYear:
        """The school year a day falls in."""
        first = day.year if day >= cls.parse(f"{day.year}-{day.year + 1}",
                                             start_month_day).start else day.year - 1
        return cls.parse(f"{first}-{first + 1}", start_month_day)

    def previous(self) -> SchoolYear:
        first = self.start.year - 1
        return SchoolYear(f"{first}-{first + 1}", self.start.replace(year=first),
                          self.end.replace(year=self.end.year - 1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def title(self) -> str:
        """``Năm học 2025 - 2026`` for headers."""
        return f"Năm học {self.start.year} - {self.start.year + 1}"
