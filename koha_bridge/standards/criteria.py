"""The criteria of Thông tư 16/2022 (bundled YAML) and which thresholds apply to a school.

Levels of a school come from ``[school] level``: ``MN``, ``TH``, ``THCS``, ``THPT``, or
several joined by ``-`` (``TH-THCS``) for a multi-level school. For such a school a
criterion's own ``multi_level`` thresholds win; otherwise Mức 1 takes the thresholds of
the highest level taught and Mức 2 those of every level (TT16 Art. 23, assumed for the
other standards as the YAML says).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from koha_bridge.exceptions import ConfigError

LEVEL_CODES = {"MN": "preschool", "TH": "primary", "THCS": "lower_secondary",
               "THPT": "upper_secondary"}
ORDER = ("preschool", "primary", "lower_secondary", "upper_secondary")
GRADES = ("level_1", "level_2")
GRADE_NAMES = {"level_1": "Mức độ 1", "level_2": "Mức độ 2"}
STATUS_NAMES = {
    "confirmed": "đã xác nhận", "partially_confirmed": "xác nhận một phần",
    "inferred": "suy luận", "unconfirmed": "CHƯA XÁC NHẬN",
}


@dataclass(frozen=True)
class Threshold:
    levels: tuple[str, ...]  # school levels it is for; ("any",) for all
    grade: str  # level_1 | level_2 | any | establishment
    operator: str | None  # ">=", "between", "qualitative", "rule" or None
    value: Any
    article: str
    status: str
    note: str = ""

    @property
    def numeric(self) -> bool:
        """A figure to compare with (the only kind decided without the librarian)."""
        return self.operator in (">=", "between") and self.value is not None

    def describe(self) -> str:
        if self.operator == ">=" and self.value is not None:
            text = f"≥ {_num(self.value)}"
        elif self.operator == "between" and self.value is not None:
            text = f"từ {_num(self.value[0])} đến {_num(self.value[1])}"
        elif self.operator == "qualitative":
            text = "định tính (thư viện tự đánh giá)"
        elif self.operator == "rule":
            text = str(self.value)
        else:
            text = "chưa có ngưỡng trong dữ liệu (không tự đặt ngưỡng)"
        where = f"; {self.article}" if self.article else ""
        return f"{text}{where}; mức tin cậy: {STATUS_NAMES.get(self.status, self.status)}"

    def passes(self, value: float) -> bool:
        if self.operator == ">=":
            return value >= float(self.value)
        low, high = self.value
        return float(low) <= value <= float(high)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    standard: str
    data_source: str  # ils | roster | ils+roster | manual | event_log
    unit: str
    computation: str
    thresholds: tuple[Threshold, ...]

    @property
    def manual(self) -> bool:
        return self.data_source in ("manual", "event_log")


@dataclass(frozen=True)
class Criteria:
    document: str
    standards: dict[str, str]  # key → Vietnamese label, in the Circular's order
    items: tuple[Criterion, ...]


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _num(value: Any) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, (int, float)) else str(value)


@cache
def load_criteria() -> Criteria:
    """The bundled ``tt16-2022-criteria.yaml``."""
    text = resources.files("koha_bridge.standards").joinpath(
        "data/tt16-2022-criteria.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    items = []
    for spec in data["criteria"]:
        thresholds = []
        for t in spec.get("thresholds", []):
            levels = t["school_level"]
            thresholds.append(Threshold(
                tuple(levels) if isinstance(levels, list) else (levels,), t["grade"],
                t.get("operator"), t.get("value"), _text(t.get("article")), t["status"],
                _text(t.get("note")),
            ))
        items.append(Criterion(
            spec["key"], spec["label_vi"], spec["standard"], spec["data_source"],
            _text(spec.get("unit")), _text(spec.get("computation") or spec.get("measure")),
            tuple(thresholds),
        ))
    standards = {key: value["label_vi"] for key, value in data["standards"].items()}
    return Criteria(data["document"]["number"], standards, tuple(items))


def school_levels(level: str) -> tuple[str, ...]:
    """``THCS`` → ("lower_secondary",); ``TH-THCS`` → both, lowest first."""
    parts = [p.strip().upper() for p in level.replace("+", "-").split("-") if p.strip()]
    unknown = [p for p in parts if p not in LEVEL_CODES]
    if not parts or unknown:
        raise ConfigError(
            f"[school] level = {level!r}: cần MN, TH, THCS, THPT hoặc ghép bằng '-' (TH-THCS)"
        )
    return tuple(sorted({LEVEL_CODES[p] for p in parts}, key=ORDER.index))


def _for(t: Threshold, level: str, grade: str) -> bool:
    return (level in t.levels or "any" in t.levels) and t.grade in (grade, "any")


def applicable(criterion: Criterion, levels: tuple[str, ...], grade: str) -> list[Threshold]:
    """The thresholds of ``criterion`` a school of ``levels`` must meet for ``grade``."""
    if len(levels) > 1:
        own = [t for t in criterion.thresholds
               if "multi_level" in t.levels and t.grade in (grade, "any")]
        if own:
            return own
        wanted = levels[-1:] if grade == "level_1" else levels
    else:
        wanted = levels
    out: list[Threshold] = []
    for t in criterion.thresholds:
        if "multi_level" not in t.levels and any(_for(t, lv, grade) for lv in wanted) \
                and t not in out:
            out.append(t)
    return out


def establishment(criterion: Criterion, levels: tuple[str, ...]) -> list[Threshold]:
    """Decree 93's conditions for having a library at all (shown, not part of a grade)."""
    return [t for t in criterion.thresholds if t.grade == "establishment"
            and any(lv in t.levels for lv in levels)]
