"""Biên bản kiểm kê: what should be on the shelf, what was found, what is missing.

Expected on the shelf = in stock on the day (acquired, not withdrawn) and neither on
loan nor lost. Found = expected copies whose barcode (or accession number) was scanned,
or, without a scan file, seen by Koha (952 $r) since a given day. Missing = expected,
not found. A copy on loan, lost or withdrawn is never missing; scanned barcodes Koha
does not know are listed with their line in the file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from koha_bridge.exceptions import FatalInputError
from koha_bridge.registers.common import Context, columns, frame, part, table, vn_date
from koha_bridge.registers.holdings import Copy
from koha_bridge.reports.model import Report, Section, TextBlock

NAME = "kiem-ke"
RESULT_KEYS = {"category", "book_copies", "book_value", "on_loan", "lost", "expected",
               "found_copies", "found_value", "missing_copies", "missing_value", "damaged",
               "note"}


@dataclass(frozen=True)
class Scan:
    """Barcodes read on the day: code → first line number in the file."""

    codes: dict[str, int]

    @classmethod
    def read(cls, path: Path) -> Scan:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise FatalInputError(f"Không đọc được tệp mã vạch {path}: {exc}") from exc
        return cls.from_lines(text.splitlines())

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Scan:
        codes: dict[str, int] = {}
        for number, line in enumerate(lines, start=1):
            code = line.strip().upper()
            if code:
                codes.setdefault(code, number)
        return cls(codes)


@dataclass
class Inventory:
    """The outcome of a count, copy by copy."""

    on: date
    method: str
    held: list[Copy] = field(default_factory=list)
    on_loan: list[Copy] = field(default_factory=list)
    lost: list[Copy] = field(default_factory=list)
    found: list[Copy] = field(default_factory=list)
    missing: list[Copy] = field(default_factory=list)
    status: list[tuple[Copy, str]] = field(default_factory=list)  # scanned, not shelf copies
    unknown: list[tuple[str, int]] = field(default_factory=list)


def take(copies: Iterable[Copy], on: date, scan: Scan | None,
         seen_since: date | None) -> Inventory:
    """Compare the register with the shelf (a scan file, or Koha's last-seen dates)."""
    if scan is None and seen_since is None:
        raise ValueError("a scan or a seen-since date is needed")
    method = ("Quét mã vạch trên giá" if scan is not None
              else f"Theo ngày Koha ghi nhận thấy sách, từ {vn_date(seen_since)}")
    result = Inventory(on, method)
    known: set[str] = set()
    for copy in copies:
        codes = {copy.barcode.upper(), copy.accession.upper()} - {""}
        known |= codes
        scanned = scan is not None and bool(codes & scan.codes.keys())
        if not copy.held_on(on):
            if scanned:
                result.status.append((copy, f"Đã xuất ngày {vn_date(copy.withdrawn_on)}"))
            continue
        result.held.append(copy)
        if copy.lost_on is not None and copy.lost_on <= on:
            result.lost.append(copy)
            if scanned:
                result.status.append((copy, f"Đã báo mất ngày {vn_date(copy.lost_on)}"))
        elif copy.on_loan:
            result.on_loan.append(copy)
            if scanned:
                result.status.append((copy, "Đang cho mượn"))
        elif scanned or (scan is None and seen_since is not None and copy.last_seen is not None
                         and seen_since <= copy.last_seen <= on):
            result.found.append(copy)
        else:
            result.missing.append(copy)
    if scan is not None:
        result.unknown = sorted(
            ((code, line) for code, line in scan.codes.items() if code not in known),
            key=lambda pair: pair[1])
    return result


def build(ctx: Context, inventory: Inventory) -> Report:
    layout = ctx.layout(NAME)
    holdings = ctx.holdings
    groups: dict[str, dict[str, list[Copy]]] = defaultdict(lambda: defaultdict(list))
    for key in ("held", "on_loan", "lost", "found", "missing"):
        for copy in getattr(inventory, key):
            groups[copy.category][key].append(copy)
    order = [c.code for c in holdings.categories if c.code in groups]
    order += sorted(set(groups) - set(order))
    rows: list[dict[str, Any]] = []
    for code in order:
        g = groups[code]
        expected = len(g["held"]) - len(g["on_loan"]) - len(g["lost"])
        rows.append({
            "category": holdings.category_name(code),
            "book_copies": len(g["held"]), "book_value": sum(c.price for c in g["held"]),
            "on_loan": len(g["on_loan"]), "lost": len(g["lost"]), "expected": expected,
            "found_copies": len(g["found"]), "found_value": sum(c.price for c in g["found"]),
            "missing_copies": len(g["missing"]),
            "missing_value": sum(c.price for c in g["missing"]),
            "damaged": sum(c.damaged for c in g["held"]),
        })
    totals: dict = {k: sum(r[k] for r in rows) for k in RESULT_KEYS - {"category", "note"}}
    totals["category"] = "Tổng cộng"

    def title(copy: Copy) -> str:
        return holdings.title(copy).title

    missing: list[dict[str, Any]] = [{"number": n, "accession": c.accession, "title": title(c),
                "category": holdings.category_name(c.category), "price": c.price,
                "last_seen": c.last_seen} for n, c in enumerate(inventory.missing, 1)]
    status: list[dict[str, Any]] = [
        {"number": n, "accession": c.accession, "title": title(c), "status": s}
        for n, (c, s) in enumerate(inventory.status, 1)]
    unknown: list[dict[str, Any]] = [{"number": n, "barcode": code, "line": line}
               for n, (code, line) in enumerate(inventory.unknown, 1)]
    intro = TextBlock([
        f"Ngày kiểm kê: {vn_date(inventory.on)}. Cách kiểm kê: {inventory.method}.",
        f"Cần có trên giá {totals.get('expected', 0)} bản; tìm thấy "
        f"{totals.get('found_copies', 0)} bản; thiếu {len(missing)} bản.",
    ])
    result_cols = columns(layout.part("result"), RESULT_KEYS, ctx.year, NAME)
    parts = [
        part(layout, "result", [intro, table(result_cols, [Section(rows)], totals)]),
        part(layout, "missing", [table(columns(layout.part("missing"), set(
            ("number", "accession", "title", "category", "price", "last_seen")), ctx.year,
            NAME), [Section(missing)], {"title": f"Cộng: {len(missing)} bản",
                                        "price": sum(int(r["price"]) for r in missing)})]),
        part(layout, "status", [table(columns(layout.part("status"), set(
            ("number", "accession", "title", "status")), ctx.year, NAME), [Section(status)])]),
        part(layout, "unknown", [table(columns(layout.part("unknown"), set(
            ("number", "barcode", "line")), ctx.year, NAME), [Section(unknown)])]),
    ]
    return frame(ctx, layout, parts)
