"""The roll-up as a ``Report``: the schools' table with its ``Tổng cộng`` row and charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from koha_bridge.reports import charts
from koha_bridge.reports.model import (
    Cell,
    Column,
    ImageBlock,
    Part,
    Report,
    Section,
    Signature,
    TableBlock,
    TextBlock,
)
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards.rollup import SchoolRow, totals
from koha_bridge.stats.keyfigures import BUCKETS, KeyFigures
from koha_bridge.stats.report import col
from koha_bridge.stats.yearly import BUCKET_NAMES

NO_DATA = "Không có số liệu năm học"
CHART_LIMIT = 40  # above this many schools, charts show how schools are spread instead


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def figures_row(f: KeyFigures) -> dict[str, Cell]:
    """A school's (or the totals') numbers, keyed like the table's columns."""
    per = f.per_pupil()
    return {
        "stock": f.total_stock, **{f"stock_{b}": f.stock[b] for b in BUCKETS},
        "added": f.total_added, "added_value": sum(f.added_value.values()),
        "withdrawn": sum(f.withdrawn.values()), "loans": f.loans,
        "pupils": f.pupils, "active_pupils": f.active_pupils, "pupil_pct": _pct(f.pupil_share),
        "teachers": f.teachers, "active_teachers": f.active_teachers,
        "teacher_pct": _pct(f.teacher_share),
        "per_pupil": None if per is None else round(per, 2),
    }


COLUMNS: list[Column] = [
    col("n", "STT", 4, "int"), Column("library", ("Mã thư viện",), 10, "code"),
    col("name", "Trường", 20),
    Column("stock", ("Số bản cuối năm", "Tổng"), 9, "int"),
    *[Column(f"stock_{b}", ("Số bản cuối năm", BUCKET_NAMES[b]), 8, "int") for b in BUCKETS],
    Column("added", ("Bổ sung", "Bản"), 8, "int"),
    Column("added_value", ("Bổ sung", "Giá trị (đồng)"), 14, "money"),
    col("withdrawn", "Xuất (bản)", 8, "int"), col("loans", "Lượt mượn", 9, "int"),
    Column("pupils", ("Học sinh", "Có thẻ"), 8, "int"),
    Column("active_pupils", ("Học sinh", "Có mượn"), 8, "int"),
    Column("pupil_pct", ("Học sinh", "Tỉ lệ %"), 8, "decimal"),
    Column("teachers", ("Giáo viên", "Có thẻ"), 8, "int"),
    Column("active_teachers", ("Giáo viên", "Có mượn"), 8, "int"),
    Column("teacher_pct", ("Giáo viên", "Tỉ lệ %"), 8, "decimal"),
    col("per_pupil", "Bản/HS", 8, "decimal"), col("level", "Mức TT16", 12),
    col("date", "Ngày số liệu", 12, "date"), col("note", "Ghi chú", 12),
]


def rollup_report(rows: Sequence[SchoolRow], year: SchoolYear, managing_body: str) -> Report:
    body = managing_body or "Cơ quan quản lý (chưa khai báo [school] managing_body)"
    table_rows: list[dict[str, Cell]] = []
    for number, row in enumerate(rows, start=1):
        data = row.figures.has_data
        table_rows.append({
            "n": number, "library": row.library_id, "name": row.name,
            **(figures_row(row.figures) if data else {}),
            "level": row.level, "date": _day(row.data_date),
            "note": "" if data else NO_DATA,
        })
    total = totals(rows)
    table = TableBlock(COLUMNS, [Section(table_rows)],
                       totals={"name": "Tổng cộng", **figures_row(total)})
    levels = Counter(row.level for row in rows)
    empty = sum(not row.figures.has_data for row in rows)
    summary = TextBlock([
        f"Số trường: {len(rows)}; không có số liệu năm học: {empty}.",
        "Mức TT16 (theo lần chạy 'standards check' gần nhất của từng trường): "
        + "; ".join(f"{level}: {n}" for level, n in sorted(levels.items())),
        "Dòng Tổng cộng là tổng các dòng; các tỉ lệ của dòng này tính trên các tổng "
        "(không phải tổng các tỉ lệ). Số bản của một trường là số bản trong kho ngày cuối "
        "năm học.",
    ])
    return Report(
        title="TỔNG HỢP SỐ LIỆU THƯ VIỆN CÁC TRƯỜNG",
        subtitle=[body.upper(), f"Năm học {year.label}"], header=body, landscape=True,
        parts=[
            Part("Tổng hợp", "SỐ LIỆU TỪNG TRƯỜNG", [summary, table]),
            Part("Biểu đồ", "SO SÁNH CÁC TRƯỜNG", _charts(rows)),
        ],
        signatures=[Signature("NGƯỜI TỔNG HỢP"), Signature("THỦ TRƯỞNG CƠ QUAN")],
    )


def _charts(rows: Sequence[SchoolRow]) -> list[TableBlock | ImageBlock | TextBlock]:
    with_data = [r for r in rows if r.figures.has_data]
    if not with_data:
        return [TextBlock(["Không trường nào có số liệu năm học."])]
    if len(with_data) <= CHART_LIMIT:
        labels = [r.library_id or r.name for r in with_data]
        per = charts.bar_chart(labels, [r.figures.per_pupil() or 0 for r in with_data],
                               title="Số bản sách bình quân trên một học sinh", ylabel="bản/HS")
        loans = charts.grouped_bars(labels, [
            ("Lượt mượn", [r.figures.loans for r in with_data]),
            ("Bản bổ sung", [r.figures.total_added for r in with_data]),
        ], title="Lượt mượn và số bản bổ sung trong năm học")
        return [ImageBlock(per, 240.0), ImageBlock(loans, 240.0)]
    bands = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 7), (7, 10), (10, 10**9)]
    counts = [sum(lo <= (r.figures.per_pupil() or 0) < hi for r in with_data) for lo, hi in bands]
    labels = [f"{lo}–{hi}" if hi < 10**9 else f"≥ {lo}" for lo, hi in bands]
    spread = charts.bar_chart(labels, counts, ylabel="số trường",
                              title="Số trường theo số bản sách bình quân trên một học sinh")
    return [ImageBlock(spread, 240.0)]
