"""Sổ đăng ký tổng quát: part I intake per delivery, part II withdrawals, part III balance.

Part I has one line per delivery document (the note in 952 $x gives its number, date
and running số vào sổ tổng quát); copies entered in Koha without a note form lines by
acquisition date and source, numbered "—". Parts I and II list every school year up
to the chosen one, one section (with subtotals) per year; part III has one row per
school year: stock at the start, added, withdrawn and stock at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from koha_bridge.registers.common import Context, columns, frame, part, table, vn_date
from koha_bridge.registers.holdings import UNKNOWN_DAY, Copy, Holdings
from koha_bridge.reports.model import Report, Section
from koha_bridge.reports.schoolyear import SchoolYear

NAME = "tong-quat"
NO_DOCUMENT = "Nhập trực tiếp, không có chứng từ"
UNDATED = "Không rõ ngày (trước khi có sổ)"
REASONS = ("damaged", "outdated", "lost", "other")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_date(day: date) -> str:
    """26.XI.2007: the customary date of the paper register (month in Roman numerals)."""
    return f"{day.day}.{ROMAN[day.month - 1]}.{day.year}"


def _breakdown(copies: Iterable[Copy], holdings: Holdings, cat_keys: set[str]) -> dict:
    """Copies, value, and counts per category column and per language."""
    row: dict = defaultdict(int)
    for copy in copies:
        row["copies"] += 1
        row["value"] += copy.price
        key = f"cat_{copy.category}"
        row[key if key in cat_keys else "cat_other"] += 1
        language = holdings.title(copy).language
        row["lang_vie" if language in ("vie", "") else "lang_foreign"] += 1
    return row


def _sum(rows: Sequence[dict], label_key: str, label: str) -> dict:
    total: dict = defaultdict(int)
    for row in rows:
        for key, value in row.items():
            if isinstance(value, int) and key != "number":
                total[key] += value
    total[label_key] = label
    return total


def school_years(holdings: Holdings, year: SchoolYear, start: str) -> list[SchoolYear]:
    """Every school year from the first dated acquisition (or withdrawal) up to ``year``."""
    days = [d for c in holdings.copies for d in (c.acquired, c.withdrawn_on)
            if d and d != UNKNOWN_DAY]
    first = SchoolYear.containing(min(days), start) if days else year
    years = [year]
    while years[0].start > first.start:
        years.insert(0, years[0].previous())
    return years


@dataclass(frozen=True)
class _Line:
    key: tuple
    date: date | None
    number: int | None
    document: str
    source: str
    noted: bool


def _intake_line(copy: Copy) -> _Line:
    note = copy.note
    if note and (note.document or note.register_number is not None):
        when = note.date or copy.acquired
        document = note.document or ""
        if document and note.date:
            document += f" ngày {vn_date(note.date)}"
        return _Line(("n", note.register_number, note.document, when), when,
                     note.register_number, document, copy.source, True)
    return _Line(("d", copy.acquired, copy.source), copy.acquired, None, "", copy.source, False)


def _intake(ctx: Context, years: list[SchoolYear], cat_keys: set[str]) -> tuple[list, dict]:
    groups: dict[tuple, list[Copy]] = defaultdict(list)
    lines: dict[tuple, _Line] = {}
    for copy in ctx.holdings.copies:
        if copy.acquired is not None and copy.acquired > ctx.year.end:
            continue
        line = _intake_line(copy)
        groups[line.key].append(copy)
        lines.setdefault(line.key, line)
    by_year: dict[str, list[dict]] = defaultdict(list)
    order = sorted(lines.values(), key=lambda ln: (ln.date or date.min, ln.number or 0,
                                                   ln.document, ln.source))
    for line in order:
        row = _breakdown(groups[line.key], ctx.holdings, cat_keys)
        row.update(date=line.date, source=line.source, document=line.document,
                   number=str(line.number) if line.number is not None else "—",
                   note="" if line.noted else NO_DOCUMENT)
        label = _year_of(line.date, years)
        by_year[label].append(row)
    return _sections(by_year, years, "source"), _sum(
        [r for rows in by_year.values() for r in rows], "source", "Tổng cộng")


def _year_of(day: date | None, years: list[SchoolYear]) -> str:
    if day is None or day == UNKNOWN_DAY:
        return UNDATED
    for year in years:
        if day in year:
            return year.title
    return UNDATED


def _sections(by_year: dict[str, list[dict]], years: list[SchoolYear],
              label_key: str) -> list[Section]:
    sections = []
    for label in [UNDATED, *(y.title for y in years)]:
        rows = by_year.get(label)
        if rows:
            sections.append(Section(rows, label, _sum(rows, label_key, "Cộng")))
    return sections


def _withdrawals(ctx: Context, years: list[SchoolYear], cat_keys: set[str]) -> tuple[list, dict]:
    groups: dict[date, list[Copy]] = defaultdict(list)
    for copy in ctx.holdings.copies:
        if copy.withdrawn_on is not None and copy.withdrawn_on <= ctx.year.end:
            groups[copy.withdrawn_on].append(copy)
    by_year: dict[str, list[dict]] = defaultdict(list)
    for number, when in enumerate(sorted(groups), start=1):
        copies = groups[when]
        row = _breakdown(copies, ctx.holdings, cat_keys)
        for copy in copies:
            row[f"reason_{copy.withdrawal_reason(ctx.config.registers)}"] += 1
        row.update(date=None if when == UNKNOWN_DAY else when, number=number,
                   document=f"Xuất ngày {vn_date(when)}", note="")
        by_year[_year_of(when, years)].append(row)
    return _sections(by_year, years, "document"), _sum(
        [r for rows in by_year.values() for r in rows], "document", "Tổng cộng")


def balance(copies: Sequence[Copy], year: SchoolYear) -> dict:
    """Start, added, withdrawn and end of a school year, in copies and value.

    The tests of ``Copy.held_on``, ``acquired_in`` and ``withdrawn_in``, inlined: this runs
    over every copy once per school year.
    """
    before, first, last = year.start - timedelta(days=1), year.start, year.end
    tally = {key: [0, 0] for key in ("start", "added", "withdrawn", "end")}
    start, added, withdrawn, end = tally.values()
    for copy in copies:
        acquired, gone, price = copy.acquired, copy.withdrawn_on, copy.price
        if (acquired is None or acquired <= before) and (gone is None or gone > before):
            start[0] += 1
            start[1] += price
        if acquired is not None and first <= acquired <= last:
            added[0] += 1
            added[1] += price
        if gone is not None and first <= gone <= last:
            withdrawn[0] += 1
            withdrawn[1] += price
        if (acquired is None or acquired <= last) and (gone is None or gone > last):
            end[0] += 1
            end[1] += price
    row: dict = defaultdict(int)
    for key, (count, value) in tally.items():
        row[f"{key}_copies"] = count
        row[f"{key}_value"] = value
    return row


def build(ctx: Context) -> Report:
    layout = ctx.layout(NAME)
    start = ctx.config.registers.year_start
    years = school_years(ctx.holdings, ctx.year, start)
    cat_keys = {f"cat_{c.code}" for c in ctx.holdings.categories}
    breakdown_keys = {*cat_keys, "cat_other", "lang_vie", "lang_foreign", "copies", "value"}
    intake_cols = columns(layout.part("intake"),
                          {"date", "number", "source", "document", "note", *breakdown_keys},
                          ctx.year, NAME)
    intake_keys = {c.key for c in intake_cols if c.key.startswith("cat_")}
    intake, intake_total = _intake(ctx, years, intake_keys)
    out_cols = columns(layout.part("withdrawal"),
                       {"date", "number", "document", "note", *breakdown_keys,
                        *(f"reason_{r}" for r in REASONS)}, ctx.year, NAME)
    out_keys = {c.key for c in out_cols if c.key.startswith("cat_")}
    withdrawals, out_total = _withdrawals(ctx, years, out_keys)
    balance_cols = columns(layout.part("balance"), {"year", "date", *_balance_keys()},
                           ctx.year, NAME)
    balance_rows = []
    for year in years:
        row = balance(ctx.holdings.copies, year)
        row.update(year=year.label, date=year.end)
        balance_rows.append(row)
    cat_cols = columns(layout.part("by_category"),
                       {"category", "lost_copies", *_balance_keys()}, ctx.year, NAME)
    by_category = []
    codes = [c.code for c in ctx.holdings.categories]
    present = {c.category for c in ctx.holdings.copies}
    for code in [*codes, *sorted(present - set(codes))]:
        copies = [c for c in ctx.holdings.copies if c.category == code]
        if not copies:
            continue
        row = balance(copies, ctx.year)
        row["category"] = ctx.holdings.category_name(code)
        row["lost_copies"] = sum(
            1 for c in copies
            if c.held_on(ctx.year.end) and c.lost_on is not None and c.lost_on <= ctx.year.end)
        by_category.append(row)
    parts = [
        part(layout, "intake", [table(intake_cols, intake, intake_total)]),
        part(layout, "withdrawal", [table(out_cols, withdrawals, out_total)]),
        part(layout, "balance", [
            table(balance_cols, [Section(balance_rows)]),
            table(cat_cols, [Section(by_category)],
                  _sum(by_category, "category", "Tổng cộng"),
                  caption=f"{layout.part('by_category').heading} – {ctx.year.title}, "
                          f"đến ngày {vn_date(ctx.year.end)}"),
        ]),
    ]
    if ctx.config.registers.general_dates == "roman":
        _roman_dates(intake + withdrawals)
    return frame(ctx, layout, parts)


def _roman_dates(sections: list[Section]) -> None:
    for section in sections:
        for row in section.rows:
            when = row.get("date")
            if isinstance(row, dict) and isinstance(when, date):
                row["date"] = roman_date(when)


def _balance_keys() -> set[str]:
    return {f"{k}_{u}" for k in ("start", "added", "withdrawn", "end")
            for u in ("copies", "value")}
