"""SQL pieces shared by every statistic: a copy's category, stock on a day, patron roles.

All dates in the mirror are ISO text (``YYYY-MM-DD`` or RFC 3339), so a day range is a
pair of text comparisons on the column itself (``>= start`` and ``< day after end``),
which an index on the column can serve.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from koha_bridge.registers.holdings import _Categorizer
from marc.settings import Category

#: The report's buckets for the yearly figures; every other category falls in ``OTHER``.
REPORT_CATEGORIES: tuple[str, ...] = ("SGK", "NV", "TK", "TN")
OTHER = "KHAC"
OTHER_NAME = "Loại khác"
#: Categories counted as "books" for copies per pupil (TT16 / NĐ 93: SGK, SNV, STK, STN).
BOOK_CATEGORIES: tuple[str, ...] = REPORT_CATEGORIES


@dataclass(frozen=True)
class Roles:
    """How patron categories map to pupils and teachers (Koha category code prefixes)."""

    pupil_prefix: str = "HS"
    teacher_prefix: str = "GV"


DEFAULT_ROLES = Roles()


def category_case(
    conn: sqlite3.Connection, categories: Sequence[Category], alias: str = "i"
) -> tuple[str, list[str]]:
    """An SQL expression giving an item's category code, and its parameters.

    The registers' rule, so that a copy counts in the same category everywhere: the
    category whose collection is the item's collection code (952 $8), else the one whose
    prefix (or code, or alias) heads the accession number (952 $i, else the barcode),
    else the one of its item type; ``KHAC`` when none claims it. It runs as a function
    registered on the connection (one call per item row).
    """
    categorize = _Categorizer(categories)

    def category(collection: str | None, accession: str | None, item_type: str | None) -> str:
        return categorize(collection, accession or "", item_type) or OTHER

    conn.create_function("kb_category", 3, category, deterministic=True)
    return (
        f"kb_category({alias}.collection_code,"
        f" COALESCE({alias}.inventory_number, {alias}.external_id), {alias}.item_type_id)",
        [],
    )


def _glob(text: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[]" else ch for ch in text)


def category_keys(alias: str = "i") -> str:
    """What decides a copy's category, as three grouping columns: collection code, the
    accession prefix (the number's trailing digits and separators cut, upper case, as the
    registers read it) and item type. Grouping on these and naming the category of each
    group once (``CategoryOfKeys``) is set-wise: no function call per item."""
    number = f"COALESCE({alias}.inventory_number, {alias}.external_id, '')"
    return (f"{alias}.collection_code,"
            f" upper(rtrim(rtrim({number}, '0123456789'), '.- ')), {alias}.item_type_id")


class CategoryOfKeys:
    """The category of a group of ``category_keys`` (the registers' rule, same tables)."""

    def __init__(self, categories: Sequence[Category]) -> None:
        self._rule = _Categorizer(categories)

    def __call__(self, collection: str | None, prefix: str, item_type: str | None) -> str:
        rule = self._rule
        if collection and collection.upper() in rule.by_collection:
            return rule.by_collection[collection.upper()]
        if prefix in rule.by_prefix:
            return rule.by_prefix[prefix]
        return rule.by_type.get((item_type or "").upper(), OTHER) or OTHER


def report_bucket(code: str) -> str:
    """The yearly report's column for a category code (SGK, NV, TK, TN or KHAC)."""
    return code if code in REPORT_CATEGORIES else OTHER


def next_day(day: date) -> str:
    return (day + timedelta(days=1)).isoformat()


def in_stock(day: date, alias: str = "i") -> tuple[str, list[str]]:
    """Acquired by ``day`` (no date = held before records began) and not withdrawn by it.

    A withdrawn copy without a withdrawal date is dated by its last change in Koha (the
    registers' rule); with neither date it counts as withdrawn on every day.
    """
    after = next_day(day)
    sql = (
        f"({alias}.acquisition_date IS NULL OR {alias}.acquisition_date < ?)"
        f" AND (COALESCE({alias}.withdrawn, 0) = 0"
        f" OR COALESCE({alias}.withdrawn_date, {alias}.timestamp) >= ?)"
    )
    return sql, [after, after]


def lost_by(day: date, alias: str = "i") -> tuple[str, list[str]]:
    """Marked lost (952 $1) on or before ``day`` (no lost date: its last change; no date
    at all: lost on every day)."""
    sql = (
        f"(COALESCE({alias}.lost_status, 0) <> 0"
        f" AND COALESCE(COALESCE({alias}.lost_date, {alias}.timestamp) < ?, 1))"
    )
    return sql, [next_day(day)]


def role_case(roles: Roles, alias: str = "p") -> tuple[str, list[str]]:
    """``'pupil'``, ``'teacher'`` or ``'other'`` for a patron row."""
    sql = (
        f"CASE WHEN {alias}.category_id GLOB ? THEN 'pupil'"
        f" WHEN {alias}.category_id GLOB ? THEN 'teacher' ELSE 'other' END"
    )
    return sql, [_glob(roles.pupil_prefix) + "*", _glob(roles.teacher_prefix) + "*"]


def enrolled_in(start: date, end: date, alias: str = "p") -> tuple[str, list[str]]:
    """A patron registered in Koha during the year: enrolled by its end, not expired
    before its start (missing dates do not exclude)."""
    sql = (
        f"({alias}.date_enrolled IS NULL OR {alias}.date_enrolled < ?)"
        f" AND ({alias}.expiry_date IS NULL OR {alias}.expiry_date >= ?)"
    )
    return sql, [next_day(end), start.isoformat()]
