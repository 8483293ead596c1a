"""Sổ đăng ký sách giáo khoa: textbooks by title, one section per grade.

A title's row carries its copies at the start of the year, added and withdrawn in the
year, and held at its end; titles with no copy in stock during the year are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from koha_bridge.registers.common import Context, columns, frame, part, table
from koha_bridge.registers.holdings import Copy
from koha_bridge.reports.collation import class_key, vn_key
from koha_bridge.reports.grid import vn_number
from koha_bridge.reports.model import Report, Section

NAME = "sach-giao-khoa"
KEYS = {"number", "title", "subject", "grade", "series", "year", "class_number", "start",
        "added", "withdrawn", "end", "price", "value", "register_numbers", "note"}
COUNTS = ("start", "added", "withdrawn", "end", "value")


def build(ctx: Context) -> Report:
    layout = ctx.layout(NAME)
    cols = columns(layout.part("titles"), KEYS, ctx.year, NAME)
    year = ctx.year
    before = year.start - timedelta(days=1)
    wanted = set(ctx.config.registers.textbook_categories)
    by_title: dict[int, list[Copy]] = defaultdict(list)
    for copy in ctx.holdings.copies:
        if copy.category in wanted:
            by_title[copy.biblio_id].append(copy)
    by_grade: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for biblio_id, copies in by_title.items():
        held = [c for c in copies if c.held_on(year.end)]
        row: dict[str, Any] = {
            "start": sum(c.held_on(before) for c in copies),
            "added": sum(c.acquired_in(year.start, year.end) for c in copies),
            "withdrawn": sum(c.withdrawn_in(year.start, year.end) for c in copies),
            "end": len(held), "value": sum(c.price for c in held),
        }
        if not (row["start"] or row["added"]):
            continue
        title = ctx.holdings.titles.get(biblio_id)
        prices = sorted({c.price for c in held or copies})
        numbers = sorted({c.note.register_number for c in copies
                          if c.note and c.note.register_number is not None})
        row.update(
            title=title.title if title else "", subject=title.subject if title else "",
            grade=title.grade if title else "", series=title.series if title else "",
            year=title.year if title else "", class_number=title.class_number if title else "",
            price=prices[0] if len(prices) == 1 else None,
            register_numbers=", ".join(str(n) for n in numbers),
            note="" if len(prices) <= 1 else
            f"Nhiều giá: {vn_number(prices[0])} – {vn_number(prices[-1])}",
        )
        by_grade[str(row["grade"])].append(row)
    sections, number = [], 0
    for grade in sorted(by_grade, key=lambda g: (g == "", class_key(g))):
        rows = sorted(by_grade[grade], key=lambda r: (vn_key(r["subject"]), vn_key(r["title"])))
        for row in rows:
            number += 1
            row["number"] = number
        caption = f"Lớp {grade}" if grade else "Không rõ lớp"
        sections.append(Section(rows, caption, _total(rows, "Cộng")))
    all_rows = [r for rows in by_grade.values() for r in rows]
    parts = [part(layout, "titles", [table(cols, sections, _total(all_rows, "Tổng cộng"))])]
    return frame(ctx, layout, parts)


def _total(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    total: dict[str, Any] = {key: sum(int(r[key]) for r in rows) for key in COUNTS}
    total["title"] = f"{label}: {len(rows)} tên sách"
    return total
