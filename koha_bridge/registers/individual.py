"""Sổ đăng ký cá biệt: one line per non-textbook copy, in accession order, a sheet per category.

The register of a school year lists every copy registered by the year's end, withdrawn
ones included (marked with the withdrawal date and reason), lost ones marked "Mất".
"""

from __future__ import annotations

from typing import Any

from koha_bridge.config import RegistersConfig
from koha_bridge.registers.common import Context, columns, frame, part, table, vn_date
from koha_bridge.registers.holdings import REASON_LABELS, Copy
from koha_bridge.reports.model import Report, Section
from koha_bridge.reports.schoolyear import SchoolYear

NAME = "ca-biet"
KEYS = {"date", "accession", "author_title", "imprint", "year", "price", "register_number",
        "class_number", "check", "note"}


def registered(copy: Copy, year: SchoolYear) -> bool:
    """Entered in the register by the end of ``year`` (undated legacy copies always)."""
    return copy.acquired is None or copy.acquired <= year.end


def note(copy: Copy, year: SchoolYear, config: RegistersConfig) -> str:
    """The withdrawal or loss note as of the year's end."""
    if copy.withdrawn_on is not None and copy.withdrawn_on <= year.end:
        reason = REASON_LABELS[copy.withdrawal_reason(config)]
        return f"Đã xuất ngày {vn_date(copy.withdrawn_on)} – {reason}"
    if copy.lost_on is not None and copy.lost_on <= year.end:
        return f"Mất (báo ngày {vn_date(copy.lost_on)})"
    return ""


def check_mark(copy: Copy, year: SchoolYear) -> str:
    """C when Koha saw the copy during the year, M when it was lost by its end."""
    if copy.withdrawn_on is not None and copy.withdrawn_on < year.start:
        return ""
    if copy.lost_on is not None and copy.lost_on <= year.end:
        return "M"
    if copy.last_seen is not None and copy.last_seen in year:
        return "C"
    return ""


def build(ctx: Context) -> Report:
    layout = ctx.layout(NAME)
    cols = columns(layout.part("copies"), KEYS, ctx.year, NAME)
    wanted = ctx.config.registers.individual_categories
    by_category: dict[str, list[dict]] = {code: [] for code in wanted}
    for copy in ctx.holdings.copies:
        if copy.category not in by_category or not registered(copy, ctx.year):
            continue
        title = ctx.holdings.title(copy)
        number = copy.note.register_number if copy.note else None
        by_category[copy.category].append({
            "date": copy.acquired, "accession": copy.accession,
            "author_title": title.author_title, "imprint": title.imprint, "year": title.year,
            "price": copy.price,
            "register_number": str(number) if number is not None else "—",
            "class_number": title.class_number, "check": check_mark(copy, ctx.year),
            "note": note(copy, ctx.year, ctx.config.registers),
        })
    parts = []
    for code, rows in by_category.items():
        name = ctx.holdings.category_name(code)
        totals: dict[str, Any] = {"author_title": f"Cộng: {len(rows)} bản",
                  "price": sum(int(r["price"]) for r in rows)}
        parts.append(part(layout, "copies", [table(cols, [Section(rows)], totals)],
                          sheet=f"{code} - {name}", heading=name.upper()))
    return frame(ctx, layout, parts)
