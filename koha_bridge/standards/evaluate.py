"""Judge a library against TT16: one line per criterion and level, a 5 × 2 grid, a grade.

A line passes only on a figure that meets a known threshold, or on the librarian's own
judgement typed in the inputs file where the threshold is qualitative or unknown. A line
with nothing to go on "needs manual input" and is never counted as passed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards.criteria import (
    GRADE_NAMES,
    GRADES,
    Criterion,
    Threshold,
    applicable,
    establishment,
    load_criteria,
    school_levels,
)
from koha_bridge.standards.inputs import NUMBER_INPUTS, Inputs
from koha_bridge.standards.measure import Measured, measure_all
from koha_bridge.stats.keyfigures import KeyFigures, data_date, key_figures
from koha_bridge.stats.school import resolve_library
from koha_bridge.stats.sql import DEFAULT_ROLES, Roles
from marc.settings import Category

PASS, FAIL, NEEDS = "pass", "fail", "needs_input"
STATUS_VI = {PASS: "Đạt", FAIL: "Không đạt", NEEDS: "Cần nhập thủ công"}
NOT_MET = "Chưa đạt"
INCOMPLETE = "Chưa đủ số liệu (cần nhập thủ công)"


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    grade: str  # level_1 | level_2 | establishment
    thresholds: Sequence[Threshold]
    value_text: str
    status: str
    basis: str  # how the status was reached
    definition: str
    evidence: str

    @property
    def unconfirmed(self) -> bool:
        return any(t.value is None and t.operator != "qualitative" for t in self.thresholds)


@dataclass
class Assessment:
    library_id: str
    library_name: str
    year: SchoolYear
    levels: tuple[str, ...]
    data_date: str | None
    lines: list[Line]
    establishment: list[Line] = field(default_factory=list)
    not_applicable: list[Criterion] = field(default_factory=list)  # no threshold for the level
    figures: KeyFigures | None = None
    inputs: Inputs | None = None

    def standard_status(self, standard: str, grade: str) -> str:
        """pass / fail / needs_input of a standard at a level (Mức 2 includes Mức 1)."""
        grades = GRADES[: GRADES.index(grade) + 1]
        statuses = [ln.status for ln in self.lines
                    if ln.criterion.standard == standard and ln.grade in grades]
        if FAIL in statuses:
            return FAIL
        return NEEDS if NEEDS in statuses else PASS

    def passes(self, grade: str) -> bool:
        """Every line of ``grade`` (and of the levels below it) passes."""
        grades = GRADES[: GRADES.index(grade) + 1]
        return all(ln.status == PASS for ln in self.lines if ln.grade in grades)

    @property
    def reached(self) -> str:
        """``Mức độ 2``, ``Mức độ 1``, ``Chưa đạt`` (a Mức 1 line fails) or, when Mức 1
        lines still need input, ``Chưa đủ số liệu`` (the lowest standard decides)."""
        for grade in reversed(GRADES):
            if self.passes(grade):
                return GRADE_NAMES[grade]
        if any(ln.status == FAIL for ln in self.lines if ln.grade == "level_1"):
            return NOT_MET
        return INCOMPLETE


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _line(criterion: Criterion, grade: str, thresholds: Sequence[Threshold],
          measured: Measured | None, inputs: Inputs, fig: KeyFigures) -> Line:
    entry = inputs.get(criterion.key)
    where = f"{inputs.path.name if inputs.path else 'tệp số liệu nhập tay'}, mục của tiêu chí"
    typed = f"Nhập tay: {where}" + (f"; minh chứng: {entry.evidence}" if entry.evidence else "")
    value, text = None, "chưa nhập"
    definition = (f"Thư viện nhập: {NUMBER_INPUTS[criterion.key]}" if criterion.key in
                  NUMBER_INPUTS else "Thư viện tự đánh giá theo nội dung tiêu chí, có minh chứng")
    evidence = typed
    if measured is not None:
        value, text = measured.value, measured.text
        definition, evidence = measured.definition, measured.evidence
    elif entry.value is not None:
        value, text = entry.value, f"{_num(entry.value)} {criterion.unit} (nhập tay)"
    elif criterion.key == "facilities.area_per_user":
        total = inputs.get("facilities.total_area").value
        if total is not None and fig.pupils:
            value = total / fig.pupils
            text = f"{_num(round(value, 3))} m²/HS (tính: {_num(total)} m² / {fig.pupils} HS)"
            definition = "Tổng diện tích nhập tay chia cho số học sinh có thẻ trong năm học."
    if thresholds and all(t.numeric for t in thresholds):
        if value is None:
            status, basis = NEEDS, "cần số liệu để so với ngưỡng"
        else:
            ok = all(t.passes(value) for t in thresholds)
            status, basis = (PASS if ok else FAIL), "so với ngưỡng (tự động)"
    else:
        judged = entry.judgement.get(grade)
        if judged is None:
            status = NEEDS
            basis = "cần thư viện tự đánh giá (ngưỡng định tính hoặc chưa xác nhận)"
        else:
            status = PASS if judged else FAIL
            basis = "theo tự đánh giá của thư viện (" + where + ")"
        if measured is not None and criterion.key not in NUMBER_INPUTS:
            evidence = f"{evidence}. {typed}"
    return Line(criterion, grade, thresholds, text, status, basis, definition, evidence)


def assess(
    conn: sqlite3.Connection,
    year: SchoolYear,
    library: str,
    level: str,
    categories: Sequence[Category],
    inputs: Inputs,
    roles: Roles = DEFAULT_ROLES,
) -> Assessment:
    """Every TT16 line for the library's school level(s), from the store and the inputs."""
    library_id, name = resolve_library(conn, library)
    levels = school_levels(level)
    fig = key_figures(conn, year, categories, libraries=[library_id], roles=roles)[library_id]
    measured = measure_all(conn, year, library_id, fig)
    result = Assessment(library_id, name, year, levels, data_date(conn), [], figures=fig,
                        inputs=inputs)
    for criterion in load_criteria().items:
        for grade in GRADES:
            thresholds = applicable(criterion, levels, grade)
            if thresholds:
                result.lines.append(_line(criterion, grade, thresholds,
                                          measured.get(criterion.key), inputs, fig))
        legal = establishment(criterion, levels)
        if legal:
            result.establishment.append(_line(criterion, "establishment", legal,
                                              measured.get(criterion.key), inputs, fig))
        if not legal and not any(ln.criterion is criterion for ln in result.lines):
            result.not_applicable.append(criterion)
    return result


def plan_lines(level: str) -> list[tuple[Criterion, str, list[Threshold]]]:
    """The (criterion, grade, thresholds) a school of ``level`` is judged on (template)."""
    levels = school_levels(level)
    out: list[tuple[Criterion, str, list[Threshold]]] = []
    for criterion in load_criteria().items:
        for grade in GRADES:
            thresholds = applicable(criterion, levels, grade)
            if thresholds:
                out.append((criterion, grade, thresholds))
        legal = establishment(criterion, levels)
        if legal:
            out.append((criterion, "establishment", legal))
    return out
