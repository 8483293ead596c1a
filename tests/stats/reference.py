"""Figures recomputed in plain Python from the dataset's rows (the golden tests' oracle)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from tests.stats.dataset import Checkout, Dataset, Item, Patron

BOOKS = ("SGK", "NV", "TK", "TN")


@dataclass(frozen=True)
class Year:
    start: date
    end: date


Y2526 = Year(date(2025, 9, 1), date(2026, 8, 31))


def d(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def category(item: Item) -> str:
    if item.collection_code in ("SGK", "NV", "TK", "TN", "BTC", "TL"):
        return item.collection_code
    for number in (item.inventory_number, item.external_id):
        if number:
            m = re.match(r"([A-Za-z]+)", number)
            if m and m.group(1) in ("SGK", "NV", "TK", "TN", "BTC", "TL"):
                return m.group(1)
    return "KHAC"


def bucket(item: Item) -> str:
    code = category(item)
    return code if code in BOOKS else "KHAC"


def held(item: Item, day: date) -> bool:
    acquired = d(item.acquisition_date)
    if acquired and acquired > day:
        return False
    if item.withdrawn:
        gone = d(item.withdrawn_date or item.timestamp)
        return gone is not None and gone > day
    return True


def lost(item: Item, day: date) -> bool:
    when = d(item.lost_date or item.timestamp)
    return bool(item.lost_status) and (when is None or when <= day)


def in_year(text: str | None, year: Year) -> bool:
    day = d(text)
    return day is not None and year.start <= day <= year.end


def role(p: Patron) -> str:
    return "pupil" if p.category_id.startswith("HS") else \
        "teacher" if p.category_id.startswith("GV") else "other"


def registered(p: Patron, year: Year) -> bool:
    enrolled, expiry = d(p.date_enrolled), d(p.expiry_date)
    return (enrolled is None or enrolled <= year.end) and (expiry is None or expiry >= year.start)


def loans(ds: Dataset, lib: str, year: Year) -> list[Checkout]:
    return [c for c in ds.checkouts if c.library_id == lib and in_year(c.checkout_date, year)]


def stock(ds: Dataset, lib: str, year: Year) -> Counter[str]:
    return Counter(bucket(i) for i in ds.items if i.home_library_id == lib and held(i, year.end))


def usable(ds: Dataset, lib: str, year: Year) -> Counter[str]:
    return Counter(bucket(i) for i in ds.items if i.home_library_id == lib
                   and held(i, year.end) and not lost(i, year.end))


def added(ds: Dataset, lib: str, year: Year) -> tuple[Counter[str], Counter[str]]:
    n: Counter[str] = Counter()
    v: Counter[str] = Counter()
    for i in ds.items:
        if i.home_library_id == lib and in_year(i.acquisition_date, year):
            n[bucket(i)] += 1
            v[bucket(i)] += i.purchase_price or 0
    return n, v


def withdrawn(ds: Dataset, lib: str, year: Year) -> Counter[str]:
    return Counter(bucket(i) for i in ds.items if i.home_library_id == lib and i.withdrawn
                   and in_year(i.withdrawn_date or i.timestamp, year))


def people(ds: Dataset, lib: str, year: Year, kind: str) -> tuple[int, int]:
    """(registered, of whom borrowed at least once in the year anywhere)."""
    borrowers = {c.patron_id for c in ds.checkouts if in_year(c.checkout_date, year)}
    group = [p for p in ds.patrons if p.library_id == lib and role(p) == kind
             and registered(p, year)]
    return len(group), sum(p.patron_id in borrowers for p in group)
