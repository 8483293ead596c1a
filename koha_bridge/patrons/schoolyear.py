"""The school year of a sync and the expiry dates it implies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from koha_bridge.config import PatronsConfig
from koha_bridge.exceptions import ConfigError

_YEAR = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")
LAST_GRADES = {"MN": 0, "TH": 5, "THCS": 9, "THPT": 12}


@dataclass(frozen=True)
class SchoolYear:
    start: int  # 2025 for 2025-2026
    end: int

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        match = _YEAR.match(text.strip())
        if match is None or int(match.group(2)) != int(match.group(1)) + 1:
            raise ConfigError(f"--school-year {text!r}: cần dạng 2025-2026")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True)
class ExpiryRules:
    """Expiry dates (ISO) for one sync, from ``[patrons]`` and the school's level."""

    continuing: str
    last_grade: str
    leaver: str
    teacher: str
    final_grade: int  # the grade that leaves the school (0: none, e.g. a preschool)

    @classmethod
    def of(cls, year: SchoolYear, config: PatronsConfig, level: str) -> ExpiryRules:
        final = config.last_grade or last_grade_of(level)
        return cls(
            continuing=f"{year.end}-{config.pupil_expiry}",
            last_grade=f"{year.end}-{config.last_grade_expiry}",
            leaver=f"{year.start}-{config.leaver_expiry}",
            teacher=config.teacher_expiry,
            final_grade=final,
        )

    def pupil(self, grade: int | None) -> str:
        if grade is not None and self.final_grade and grade >= self.final_grade:
            return self.last_grade
        return self.continuing


def last_grade_of(level: str) -> int:
    """The top grade of a school level; a multi-level school (``TH-THCS``) its highest."""
    grades = [LAST_GRADES.get(part.strip().upper(), 0) for part in re.split(r"[-–+/ ]", level)]
    return max(grades, default=0)
