"""The statistics of one school year as a ``Report`` (tables + charts): XLSX and PDF."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache

from classification.tables import DATA_DIR
from koha_bridge.reports import charts
from koha_bridge.reports.model import (
    Cell,
    Column,
    ImageBlock,
    Kind,
    Part,
    Report,
    Section,
    Signature,
    TableBlock,
    TextBlock,
)
from koha_bridge.stats.breakdowns import NO_DDC
from koha_bridge.stats.school import SchoolStats
from koha_bridge.stats.sql import DEFAULT_ROLES, OTHER, OTHER_NAME, Roles
from koha_bridge.stats.yearly import BUCKET_NAMES, yearly_figures
from marc.settings import Category, SchoolConfig

CHART_MM = 170.0


@cache
def ddc_names() -> dict[str, str]:
    with (DATA_DIR / "ddc-main-classes.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name_vi"] for row in csv.DictReader(fh)}


def col(key: str, heading: str, width: float = 12, kind: Kind = "text") -> Column:
    return Column(key, (heading,), width, kind)


def table(columns: Sequence[Column], rows: Sequence[dict[str, Cell]], *, caption: str = "",
          totals: dict[str, Cell] | None = None) -> TableBlock:
    return TableBlock(columns, [Section(list(rows))], totals=totals, caption=caption)


def data_line(stats_date: str | None) -> str:
    return f"Số liệu lấy từ Koha lúc: {stats_date or 'không rõ (chưa kéo dữ liệu)'}"


def header_lines(school: SchoolConfig, name: str, library_id: str, label: str) -> list[str]:
    lines = [school.managing_body.upper()] if school.managing_body else []
    return [*lines, f"{name} (mã thư viện {library_id})", f"Năm học {label}"]


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{int(number)}/{year}"


def stats_report(
    stats: SchoolStats, school: SchoolConfig, categories: Sequence[Category],
    roles: Roles = DEFAULT_ROLES,
) -> Report:
    """Every statistic of the issue, each table with a chart beside it."""
    names = {c.code: c.name for c in categories} | {OTHER: OTHER_NAME}
    report = Report(
        title="THỐNG KÊ HOẠT ĐỘNG THƯ VIỆN",
        subtitle=header_lines(school, stats.library_name, stats.library_id, stats.year.label),
        header=stats.library_name,
        notes=[data_line(stats.data_date),
               "Quy ước: năm học từ " + stats.year.start.strftime("%d/%m/%Y") + " đến "
               + stats.year.end.strftime("%d/%m/%Y") + "; một lượt mượn thuộc năm học của "
               "ngày mượn; bạn đọc tích cực = mượn ít nhất một lần trong năm học."],
        signatures=[Signature("NGƯỜI LẬP BIỂU"), Signature("HIỆU TRƯỞNG")],
    )
    report.parts += [
        yearly_part(stats, roles),
        _loans_part(stats),
        _kinds_part(stats, names),
        _readers_part(stats),
        _collection_part(stats),
        _top_part(stats),
        _overdue_part(stats),
    ]
    return charts.render_report(report)


def yearly_part(stats: SchoolStats, roles: Roles = DEFAULT_ROLES) -> Part:
    """The ready-to-paste yearly report table, a definition beside every figure."""
    rows: list[dict[str, Cell]] = []
    for number, figure in enumerate(yearly_figures(stats.year, roles), start=1):
        value = figure.value(stats.figures)
        rows.append({"n": number, "label": figure.label, "unit": figure.unit,
                     "value": value, "definition": figure.definition})
    columns = [col("n", "STT", 5, "int"), col("label", "Chỉ tiêu", 34),
               col("value", "Số liệu", 14, "decimal"), col("unit", "Đơn vị", 8),
               col("definition", "Cách tính", 60)]
    return Part("Báo cáo năm", f"SỐ LIỆU BÁO CÁO TỔNG KẾT NĂM HỌC {stats.year.label}", [
        table(columns, rows),
        TextBlock([data_line(stats.data_date)]),
    ])


def _series(heading: str, items: Sequence[tuple[str, int]], label: str,
                 chart_title: str, *, horizontal: bool = False) -> list[TableBlock | ImageBlock]:
    total = sum(n for _, n in items)
    rows: list[dict[str, Cell]] = [
        {"k": k, "n": n, "pct": round(100 * n / total, 2) if total else None} for k, n in items
    ]
    block = table([col("k", label, 30), col("n", "Lượt mượn", 12, "int"),
                   col("pct", "Tỉ lệ (%)", 10, "decimal")], rows,
                  caption=heading, totals={"k": "Tổng cộng", "n": total})
    picture = charts.Chart(tuple(k for k, _ in items), tuple(n for _, n in items), chart_title,
                           "lượt mượn", horizontal,
                           (8.0, min(9.0, max(3.0, 0.22 * len(items)))) if horizontal
                           else (8.0, 3.6))
    return [ImageBlock(picture, CHART_MM), block]


def _loans_part(stats: SchoolStats) -> Part:
    months = [(month_label(m), n) for m, n in stats.by_month]
    blocks: list[TableBlock | ImageBlock | TextBlock] = []
    blocks += _series("Lượt mượn theo tháng", months, "Tháng",
                           "Lượt mượn theo tháng của năm học")
    blocks += _series("Lượt mượn theo lớp (học sinh)", stats.by_class, "Lớp",
                           "Lượt mượn theo lớp", horizontal=True)
    grades = [(f"Khối {k}" if k[:1].isdigit() else k, n) for k, n in stats.by_grade]
    blocks += _series("Lượt mượn theo khối", grades, "Khối", "Lượt mượn theo khối")
    return Part("Lượt mượn", "LƯỢT MƯỢN THEO THÁNG, LỚP VÀ KHỐI", list(blocks))


def _kinds_part(stats: SchoolStats, names: dict[str, str]) -> Part:
    kinds = [(names.get(k, k), n) for k, n in stats.by_category]
    ddc = ddc_names()
    classes = [(f"{k} {ddc.get(k, '')}".strip() if k != NO_DDC else k, n)
               for k, n in stats.by_ddc]
    blocks: list[TableBlock | ImageBlock | TextBlock] = []
    blocks += _series("Lượt mượn theo loại sách", kinds, "Loại sách",
                           "Lượt mượn theo loại sách", horizontal=True)
    blocks += _series("Lượt mượn theo lớp chính DDC", classes, "Lớp DDC",
                           "Lượt mượn theo lớp chính DDC", horizontal=True)
    return Part("Loại và DDC", "LƯỢT MƯỢN THEO LOẠI SÁCH VÀ MÔN LOẠI (DDC)", list(blocks))


def _readers_part(stats: SchoolStats) -> Part:
    f = stats.figures
    rows: list[dict[str, Cell]] = [
        {"k": "Học sinh", "all": f.pupils, "active": f.active_pupils,
         "pct": None if f.pupil_share is None else round(100 * f.pupil_share, 2)},
        {"k": "Giáo viên", "all": f.teachers, "active": f.active_teachers,
         "pct": None if f.teacher_share is None else round(100 * f.teacher_share, 2)},
    ]
    columns = [col("k", "Bạn đọc", 16), col("all", "Có thẻ trong năm học", 14, "int"),
               col("active", "Có mượn ít nhất 1 lần", 14, "int"),
               col("pct", "Tỉ lệ (%)", 10, "decimal")]
    picture = charts.Chart(
        ("Học sinh", "Giáo viên"),
        (100 * (f.pupil_share or 0), 100 * (f.teacher_share or 0)),
        "Tỉ lệ bạn đọc có mượn sách (%)", "%", size=(6.0, 3.0))
    return Part("Bạn đọc", "BẠN ĐỌC TÍCH CỰC", [
        table(columns, rows),
        TextBlock([f"Tổng số bạn đọc khác nhau có mượn tại thư viện: {f.borrowers}"]),
        ImageBlock(picture, 120.0),
    ])


def _collection_part(stats: SchoolStats) -> Part:
    f = stats.figures
    rows: list[dict[str, Cell]] = []
    for code, name in BUCKET_NAMES.items():
        per = f.per_pupil(code)
        rows.append({"k": name, "stock": f.stock[code], "usable": f.usable[code],
                     "per": None if per is None else round(per, 2),
                     "added": f.added[code], "value": f.added_value[code]})
    per_all = f.per_pupil()
    columns = [col("k", "Loại", 22), col("stock", "Trong kho cuối năm", 12, "int"),
               col("usable", "Không bị mất", 12, "int"),
               col("per", "Bản/học sinh", 10, "decimal"),
               col("added", "Bổ sung trong năm (bản)", 12, "int"),
               col("value", "Giá trị bổ sung (đồng)", 16, "money")]
    totals: dict[str, Cell] = {
        "k": "Tổng cộng", "stock": f.total_stock, "usable": sum(f.usable.values()),
        "added": f.total_added, "value": sum(f.added_value.values())}
    labels = list(BUCKET_NAMES.values())
    per_chart = charts.Chart(tuple(labels), tuple(f.per_pupil(c) or 0 for c in BUCKET_NAMES),
                             "Số bản sách bình quân trên một học sinh, theo loại", "bản/HS")
    added_chart = charts.Chart(tuple(labels), tuple(f.added[c] for c in BUCKET_NAMES),
                               "Số bản bổ sung trong năm học, theo loại", "bản")
    note = ("Bản sách (SGK, NV, TK, TN) bình quân trên một học sinh: "
            + ("không tính được (không có học sinh)" if per_all is None
               else f"{per_all:.2f}".replace(".", ",")))
    return Part("Kho sách", "KHO SÁCH, BỔ SUNG VÀ SỐ BẢN TRÊN HỌC SINH", [
        table(columns, rows, totals=totals), TextBlock([note], bold=True),
        ImageBlock(per_chart, CHART_MM), ImageBlock(added_chart, CHART_MM),
    ])


def _top_part(stats: SchoolStats) -> Part:
    rows: list[dict[str, Cell]] = [
        {"n": i, "title": t.title, "author": t.author, "loans": t.loans}
        for i, t in enumerate(stats.top_titles, start=1)
    ]
    columns = [col("n", "STT", 5, "int"), col("title", "Nhan đề", 50),
               col("author", "Tác giả", 24), col("loans", "Lượt mượn", 10, "int")]
    return Part("Mượn nhiều", f"{len(rows)} NHAN ĐỀ ĐƯỢC MƯỢN NHIỀU NHẤT", [table(columns, rows)])


def _overdue_part(stats: SchoolStats) -> Part:
    day = stats.as_of.strftime("%d/%m/%Y")
    by_class: dict[str, int] = {}
    for loan in stats.overdue:
        key = loan.class_name or "Giáo viên, nhân viên và bạn đọc khác"
        by_class[key] = by_class.get(key, 0) + 1
    rows: list[dict[str, Cell]] = [
        {"n": i, "barcode": o.barcode, "title": o.title, "class": o.class_name,
         "out": o.checkout_date, "due": o.due_date, "days": o.days_overdue}
        for i, o in enumerate(stats.overdue, start=1)
    ]
    columns = [col("n", "STT", 5, "int"), Column("barcode", ("Mã vạch",), 14, "code"),
               col("title", "Nhan đề", 44), col("class", "Lớp", 8),
               col("out", "Ngày mượn", 11), col("due", "Hạn trả", 11),
               col("days", "Số ngày quá hạn", 9, "int")]
    summary = table([col("k", "Lớp", 30), col("n", "Lượt quá hạn", 12, "int")],
                    [{"k": k, "n": n} for k, n in sorted(by_class.items())],
                    totals={"k": "Tổng cộng", "n": len(stats.overdue)})
    return Part("Quá hạn", f"SÁCH MƯỢN QUÁ HẠN NGÀY {day}", [
        TextBlock([f"Số lượt mượn chưa trả và đã quá hạn ngày {day}: {len(stats.overdue)} "
                   "(không in tên bạn đọc)."], bold=True),
        summary, table(columns, rows),
    ])
