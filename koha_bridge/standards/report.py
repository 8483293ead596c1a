"""The TT16 evidence pack (minh chứng) as a ``Report``: the grid, every line, the figures."""

from __future__ import annotations

from koha_bridge.reports.model import Cell, Column, Part, Report, Signature, TableBlock, TextBlock
from koha_bridge.standards.criteria import GRADE_NAMES, GRADES, load_criteria
from koha_bridge.standards.evaluate import STATUS_VI, Assessment, Line
from koha_bridge.standards.inputs import ESTABLISHMENT
from koha_bridge.stats.report import col, data_line, header_lines, table, yearly_part
from koha_bridge.stats.school import SchoolStats
from koha_bridge.stats.sql import DEFAULT_ROLES, Roles
from marc.settings import SchoolConfig


def evidence_report(result: Assessment, school: SchoolConfig, stats: SchoolStats,
                    requested: str, roles: Roles = DEFAULT_ROLES) -> Report:
    criteria = load_criteria()
    inputs = result.inputs.path.name if result.inputs and result.inputs.path else "(không có)"
    summary = TextBlock([
        f"Kết quả: {result.reached}",
        f"Mức được kiểm tra: {GRADE_NAMES[requested]} — "
        + ("ĐẠT mọi tiêu chí" if result.passes(requested) else "CHƯA đạt mọi tiêu chí"),
    ], bold=True)
    grid_rows: list[dict[str, Cell]] = [
        {"std": label, **{g: STATUS_VI[result.standard_status(key, g)] for g in GRADES}}
        for key, label in criteria.standards.items()
    ]
    grid = table([col("std", "Tiêu chuẩn", 40), col("level_1", "Mức độ 1", 18),
                  col("level_2", "Mức độ 2", 18)], grid_rows)
    counts = {s: sum(ln.status == s for ln in result.lines) for s in STATUS_VI}
    notes = TextBlock([
        f"Thông tư {criteria.document}; đánh giá cuối năm học (Điều 25). "
        "Mức độ 1: cả năm tiêu chuẩn đạt Mức 1; Mức độ 2: cả năm tiêu chuẩn đạt Mức 2.",
        f"Số dòng: đạt {counts['pass']}, không đạt {counts['fail']}, "
        f"cần nhập thủ công {counts['needs_input']}.",
        f"Số liệu nhập tay: {inputs}. {data_line(result.data_date)}.",
        "Ngưỡng ghi \"CHƯA XÁC NHẬN\" chưa được đọc trong văn bản chính thức: phần mềm không "
        "tự đặt ngưỡng, dòng đó chỉ đạt khi thư viện tự đánh giá là đạt.",
        *(["Tiêu chí không áp dụng cho cấp học của trường: "
           + "; ".join(c.label for c in result.not_applicable) + "."]
          if result.not_applicable else []),
    ])
    return Report(
        title="MINH CHỨNG ĐÁNH GIÁ THƯ VIỆN THEO THÔNG TƯ 16/2022/TT-BGDĐT",
        subtitle=header_lines(school, result.library_name, result.library_id, result.year.label),
        header=result.library_name, landscape=True,
        parts=[
            Part("Kết quả", "KẾT QUẢ THEO TIÊU CHUẨN", [summary, grid, notes]),
            Part("Tiêu chí", "TỪNG TIÊU CHÍ: SỐ ĐO, NGƯỠNG, KẾT QUẢ, NGUỒN",
                 [_lines_table(result.lines)]),
            Part("Điều kiện NĐ 93", ESTABLISHMENT.upper(), [_lines_table(result.establishment)]),
            yearly_part(stats, roles),
        ],
        signatures=[Signature("NGƯỜI LẬP"), Signature("HIỆU TRƯỞNG")],
    )


def _lines_table(lines: list[Line]) -> TableBlock:
    criteria = load_criteria()
    rows: list[dict[str, Cell]] = []
    for number, line in enumerate(lines, start=1):
        rows.append({
            "n": number,
            "std": criteria.standards.get(line.criterion.standard, line.criterion.standard)
            .removeprefix("Tiêu chuẩn về "),
            "criterion": line.criterion.label,
            "grade": GRADE_NAMES.get(line.grade, "NĐ 93"),
            "threshold": "; ".join(t.describe() for t in line.thresholds),
            "value": line.value_text,
            "status": STATUS_VI[line.status] + (" (ngưỡng chưa xác nhận)"
                                                if line.unconfirmed else ""),
            "basis": line.basis,
            "definition": line.definition,
            "evidence": line.evidence,
        })
    columns: list[Column] = [
        col("n", "STT", 4, "int"), col("std", "Tiêu chuẩn", 12), col("criterion", "Tiêu chí", 28),
        col("grade", "Mức", 8), col("threshold", "Ngưỡng (điều, khoản; mức tin cậy)", 24),
        col("value", "Số đo", 20), col("status", "Kết quả", 12), col("basis", "Căn cứ", 16),
        col("definition", "Cách tính", 26), col("evidence", "Sổ / thống kê minh chứng", 24),
    ]
    return table(columns, rows)
