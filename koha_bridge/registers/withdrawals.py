"""Biên bản thanh lý: the copies withdrawn in the school year, ready for signature."""

from __future__ import annotations

from collections import Counter
from typing import Any

from koha_bridge.registers.common import Context, columns, frame, part, table, vn_date
from koha_bridge.registers.holdings import REASON_LABELS
from koha_bridge.reports.grid import vn_number
from koha_bridge.reports.model import Report, Section, TextBlock

NAME = "thanh-ly"
KEYS = {"number", "accession", "title", "author", "publisher", "year", "price", "reason",
        "note"}


def build(ctx: Context) -> Report:
    layout = ctx.layout(NAME)
    cols = columns(layout.part("copies"), KEYS, ctx.year, NAME)
    rows: list[dict[str, Any]] = []
    reasons, value = Counter[str](), 0
    withdrawn = [c for c in ctx.holdings.copies if c.withdrawn_in(ctx.year.start, ctx.year.end)]
    for number, copy in enumerate(withdrawn, start=1):
        title = ctx.holdings.title(copy)
        reason = REASON_LABELS[copy.withdrawal_reason(ctx.config.registers)]
        reasons[reason] += 1
        value += copy.price
        rows.append({"number": number, "accession": copy.accession, "title": title.title,
                     "author": title.author, "publisher": title.publisher, "year": title.year,
                     "price": copy.price, "reason": reason,
                     "note": f"Xuất ngày {vn_date(copy.withdrawn_on)}"})
    summary = [
        f"Thời gian: {ctx.year.title} (từ {vn_date(ctx.year.start)} đến "
        f"{vn_date(ctx.year.end)}).",
        f"Tổng số: {len(rows)} bản, trị giá {vn_number(value)} đồng.",
        *(f"– {reason}: {count} bản" for reason, count in sorted(reasons.items())),
    ]
    totals: dict[str, Any] = {"title": f"Tổng cộng: {len(rows)} bản", "price": value}
    parts = [part(layout, "copies", [TextBlock(summary),
                                     table(cols, [Section(rows)], totals)])]
    return frame(ctx, layout, parts)
