"""The figures the registers must show, computed straight from the dataset's plain data."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tests.registers.dataset import ITEMS, LIBRARY, LOANS, PATRONS, Item

START, END = date(2025, 9, 1), date(2026, 8, 31)
YEARS = [(date(y, 9, 1), date(y + 1, 8, 31)) for y in (2022, 2023, 2024, 2025)]
MINE = [i for i in ITEMS if i.library == LIBRARY]


def held(item: Item, day: date) -> bool:
    return (item.acquired is None or item.acquired <= day) and (
        item.withdrawn is None or item.withdrawn > day)


def year_balance(start: date, end: date) -> dict[str, int]:
    from datetime import timedelta

    before = start - timedelta(days=1)
    groups = {
        "start": [i for i in MINE if held(i, before)],
        "added": [i for i in MINE if i.acquired and start <= i.acquired <= end],
        "withdrawn": [i for i in MINE if i.withdrawn and start <= i.withdrawn <= end],
        "end": [i for i in MINE if held(i, end)],
    }
    out = {}
    for key, items in groups.items():
        out[f"{key}_copies"] = len(items)
        out[f"{key}_value"] = sum(i.price for i in items)
    return out


def reason(item: Item) -> str:
    if item.withdrawn_code == 2:
        return "damaged"
    if item.withdrawn_code == 3:
        return "outdated"
    return "lost" if item.lost else "other"


def intake_lines(until: date) -> dict[tuple, tuple[int, int]]:
    """(date, number) → (copies, value) for each part I line up to ``until``."""
    lines: dict[tuple, list[Item]] = defaultdict(list)
    for item in MINE:
        if item.acquired and item.acquired > until:
            continue
        if item.note:
            lines[(item.note.date, str(item.note.register_number))].append(item)
        else:
            lines[(item.acquired, "—")].append(item)
    return {k: (len(v), sum(i.price for i in v)) for k, v in lines.items()}


def loans_in_year() -> list[tuple]:
    return [loan for loan in LOANS if START <= loan[2] <= END]


def is_staff(patron: int) -> bool:
    return PATRONS[patron][2] in ("GV", "NVTV")
