"""One school's copies and titles as the mirror of Koha holds them, read once per build.

Conventions (README, "Sổ sách thư viện"): a copy is acquired on its 952 $d date (a
delivery's copies on the delivery note's date); stock on a day = copies acquired by
then and not withdrawn by then; a lost copy stays in stock until it is withdrawn. A
withdrawn or lost copy whose Koha date is empty is dated by its last change; a withdrawn
copy with no date at all counts as withdrawn since always (``UNKNOWN_DAY``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from koha_bridge.config import Category, RegistersConfig
from koha_bridge.store import Store
from marc.itemnote import DeliveryNote, parse_delivery_note

OTHER = ""  # the category of a copy no configured category claims
UNKNOWN_DAY = date.min  # withdrawn with no date at all: withdrawn since always
_ACCESSION = re.compile(r"^(?P<prefix>.*?)[.\-\s]*(?P<number>\d+)$")


@lru_cache(maxsize=8192)
def day(text: str | None) -> date | None:
    """The local date of an ISO date or RFC 3339 timestamp (as Koha shows it).

    Cached: a school's tens of thousands of items and loans share a few thousand dates.
    """
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def accession_key(accession: str) -> tuple[str, int, str]:
    """Accession-number order: by prefix, then by number (TK.9 before TK.10)."""
    match = _ACCESSION.match(accession)
    if not match:
        return accession, -1, accession
    return match["prefix"].upper(), int(match["number"]), accession


@dataclass(frozen=True, slots=True)
class Title:
    """What the registers print about a biblio."""

    title: str
    author: str
    publisher: str
    place: str
    year: str
    class_number: str
    language: str
    subject: str
    grade: str
    series: str

    @property
    def author_title(self) -> str:
        return f"{self.author} – {self.title}" if self.author else self.title

    @property
    def imprint(self) -> str:
        return " : ".join(part for part in (self.place, self.publisher) if part)


NO_TITLE = Title("(không có biểu ghi)", "", "", "", "", "", "", "", "", "")


@dataclass(frozen=True, slots=True)
class Copy:
    """One item, with the dates and facts the registers need."""

    item_id: int
    biblio_id: int
    accession: str
    barcode: str
    category: str
    acquired: date | None
    source: str
    note: DeliveryNote | None
    price: int
    withdrawn_on: date | None
    withdrawn_code: int
    lost_on: date | None
    damaged: bool
    last_seen: date | None
    on_loan: bool

    def held_on(self, when: date) -> bool:
        """In stock on ``when``: acquired by then (or undated) and not withdrawn by then."""
        acquired = self.acquired is None or self.acquired <= when
        return acquired and (self.withdrawn_on is None or self.withdrawn_on > when)

    def acquired_in(self, start: date, end: date) -> bool:
        return self.acquired is not None and start <= self.acquired <= end

    def withdrawn_in(self, start: date, end: date) -> bool:
        return self.withdrawn_on is not None and start <= self.withdrawn_on <= end

    def withdrawal_reason(self, config: RegistersConfig) -> str:
        """damaged | outdated | lost | other (Koha's lost and damaged flags win over "other")."""
        reason = config.withdrawn_reasons.get(str(self.withdrawn_code), "other")
        if reason == "other" and self.lost_on is not None:
            return "lost"
        if reason == "other" and self.damaged:
            return "damaged"
        return reason


REASON_LABELS = {
    "damaged": "Rách nát, hư hỏng", "outdated": "Lạc hậu (nội dung)", "lost": "Mất",
    "other": "Lý do khác",
}


@dataclass
class Holdings:
    """A library's copies (in accession order) and their titles."""

    library: str
    copies: list[Copy]
    titles: dict[int, Title]
    categories: Sequence[Category]

    def title(self, copy: Copy) -> Title:
        return self.titles.get(copy.biblio_id, NO_TITLE)

    def category_name(self, code: str) -> str:
        for category in self.categories:
            if category.code == code:
                return category.name
        return "Loại khác"


class _Categorizer:
    """Collection code (952 $8) first, then the accession prefix, then the item type."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self.by_collection: dict[str, str] = {}
        self.by_prefix: dict[str, str] = {}
        self.by_type: dict[str, str] = {}
        for cat in categories:
            self.by_collection.setdefault(cat.collection.upper(), cat.code)
            for prefix in (cat.accession_prefix, cat.code, *cat.aliases):
                self.by_prefix.setdefault(prefix.upper(), cat.code)
            self.by_type.setdefault(cat.item_type.upper(), cat.code)

    def __call__(self, collection: str | None, accession: str, item_type: str | None) -> str:
        if collection and collection.upper() in self.by_collection:
            return self.by_collection[collection.upper()]
        prefix = accession_key(accession)[0]
        if prefix in self.by_prefix:
            return self.by_prefix[prefix]
        return self.by_type.get((item_type or "").upper(), OTHER)


_ITEMS = """
SELECT item_id, biblio_id, external_id, inventory_number, collection_code, item_type_id,
       acquisition_date, acquisition_source, internal_notes, purchase_price, withdrawn,
       withdrawn_date, lost_status, lost_date, damaged_status, last_seen_date,
       checked_out_date, timestamp
FROM koha_items WHERE home_library_id = ?
"""
_TITLES = """
SELECT biblio_id, title, author, responsibility, publisher, place, year, class_number,
       language, subject, grade, series
FROM koha_biblios WHERE biblio_id IN (SELECT biblio_id FROM koha_items WHERE home_library_id = ?)
"""


def load_holdings(store: Store, library: str, categories: Sequence[Category]) -> Holdings:
    """Every copy of ``library`` in the mirror (withdrawn and lost ones included)."""
    categorize = _Categorizer(categories)
    copies: list[Copy] = []
    notes: dict[str, DeliveryNote | None] = {}
    for row in store.execute(_ITEMS, (library,)):
        accession = row["inventory_number"] or row["external_id"] or f"#{row['item_id']}"
        text = row["internal_notes"] or ""
        if text not in notes:
            notes[text] = parse_delivery_note(text)
        note = notes[text]
        stamp = day(row["timestamp"])
        withdrawn = bool(row["withdrawn"])
        lost = bool(row["lost_status"])
        acquired = day(row["acquisition_date"]) or (note.date if note else None)
        copies.append(Copy(
            item_id=row["item_id"], biblio_id=row["biblio_id"], accession=accession,
            barcode=row["external_id"] or "",
            category=categorize(row["collection_code"], accession, row["item_type_id"]),
            acquired=acquired, source=row["acquisition_source"] or "", note=note,
            price=round(row["purchase_price"] or 0),
            withdrawn_on=(day(row["withdrawn_date"]) or stamp or UNKNOWN_DAY) if withdrawn
            else None,
            withdrawn_code=int(row["withdrawn"] or 0),
            lost_on=(day(row["lost_date"]) or stamp) if lost else None,
            damaged=bool(row["damaged_status"]), last_seen=day(row["last_seen_date"]),
            on_loan=bool(row["checked_out_date"]),
        ))
    copies.sort(key=lambda c: accession_key(c.accession))
    titles = {
        row["biblio_id"]: Title(
            title=row["title"] or "", author=row["author"] or row["responsibility"] or "",
            publisher=row["publisher"] or "", place=row["place"] or "", year=row["year"] or "",
            class_number=row["class_number"] or "", language=row["language"] or "",
            subject=row["subject"] or "", grade=row["grade"] or "", series=row["series"] or "",
        )
        for row in store.execute(_TITLES, (library,))
    }
    return Holdings(library, copies, titles, categories)
