"""A known dataset for the statistics' golden tests, and a loader into the store's mirror.

The rows are generated from a seed with every awkward case (no acquisition date, RFC 3339
timestamps, withdrawn without a date, copies known only by their accession prefix, other
libraries, other school years); the tests recompute every figure from these Python rows.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import astuple, dataclass, field, fields


@dataclass
class Biblio:
    biblio_id: int
    title: str
    author: str
    class_number: str | None


@dataclass
class Item:
    item_id: int
    biblio_id: int
    home_library_id: str
    collection_code: str | None
    inventory_number: str | None
    external_id: str
    acquisition_date: str | None
    purchase_price: float | None
    withdrawn: int
    withdrawn_date: str | None
    lost_status: int
    lost_date: str | None
    timestamp: str | None = None  # Koha's last change of the item


@dataclass
class Patron:
    patron_id: int
    cardnumber: str
    category_id: str
    library_id: str
    statistics_1: str | None
    statistics_2: str | None
    date_enrolled: str | None
    expiry_date: str | None


@dataclass
class Checkout:
    checkout_id: int
    patron_id: int
    item_id: int
    library_id: str
    checkout_date: str
    due_date: str
    checkin_date: str | None


@dataclass
class Dataset:
    biblios: list[Biblio] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    patrons: list[Patron] = field(default_factory=list)
    checkouts: list[Checkout] = field(default_factory=list)
    libraries: dict[str, str] = field(default_factory=dict)


COLLECTIONS = ["SGK", "NV", "TK", "TN", "BTC", "TL"]
CLASSES = ["6A1", "6A2", "6A10", "7A1", "8A1", "9A1"]


def _day(rng: random.Random, first: str, last: str) -> str:
    from datetime import date, timedelta

    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return (a + timedelta(days=rng.randint(0, (b - a).days))).isoformat()


def _stamp(rng: random.Random, day: str) -> str:
    """Half the dates as Koha's RFC 3339 timestamps."""
    return f"{day}T{rng.randint(7, 16):02d}:{rng.randint(0, 59):02d}:00+07:00" \
        if rng.random() < 0.5 else day


def make(seed: int = 7, libraries: tuple[str, ...] = ("MAU", "KHAC1")) -> Dataset:
    rng = random.Random(seed)
    ds = Dataset(libraries={lib: f"Trường THCS {lib}" for lib in libraries})
    for b in range(1, 61):
        cls = rng.choice([None, "", "8B", f"{rng.randint(0, 9)}{rng.randint(0, 99):02d}.5"])
        ds.biblios.append(Biblio(b, f"Sách số {b} – Tiếng Việt", f"Tác giả {b % 7}", cls))
    item_id = 0
    for lib in libraries:
        for _ in range(160):
            item_id += 1
            coll = rng.choice([*COLLECTIONS, None, "XX"])
            prefix = rng.choice(["SGK", "NV", "TK", "TN", "ZZ"])
            inventory = f"{prefix}.{item_id:05d}" if rng.random() < 0.9 else None
            acquired = rng.choice([None, _day(rng, "2023-01-01", "2026-12-01")])
            withdrawn = int(rng.random() < 0.15)
            wdate = _day(rng, "2024-01-01", "2026-12-01") if withdrawn and rng.random() < 0.8 \
                else None
            lost = int(rng.random() < 0.1)
            ldate = _day(rng, "2024-06-01", "2026-12-01") if lost and rng.random() < 0.7 \
                else None
            price = rng.choice([None, 25000.0, 48500.5, 120000.0])
            ds.items.append(Item(
                item_id, rng.randint(1, 60), lib, coll, inventory, f"B{item_id:06d}",
                _stamp(rng, acquired) if acquired else None, price, withdrawn,
                _stamp(rng, wdate) if wdate else None, lost, ldate,
                rng.choice([None, f"{_day(rng, '2024-01-01', '2026-12-01')}T10:00:00+07:00"]),
            ))
    patron_id = 0
    for lib in libraries:
        for _ in range(70):
            patron_id += 1
            kind = rng.choice(["HS_THCS", "HS_THCS", "HS_THCS", "GV", "NV"])
            klass = rng.choice(CLASSES) if kind.startswith("HS") else None
            enrolled = rng.choice([None, _day(rng, "2022-08-01", "2026-10-01")])
            expiry = rng.choice([None, _day(rng, "2025-01-01", "2028-01-01")])
            ds.patrons.append(Patron(
                patron_id, f"C{patron_id:05d}", kind, lib,
                klass if rng.random() < 0.95 else None, klass[0] if klass else None,
                enrolled, expiry,
            ))
    for checkout_id in range(1, 801):
        item = rng.choice(ds.items)
        lib = item.home_library_id if rng.random() < 0.9 else rng.choice(libraries)
        patron = rng.choice(ds.patrons[: len(ds.patrons) * 3 // 4])  # a quarter never borrow
        out = _day(rng, "2024-08-01", "2026-10-15")
        due = _day(rng, out, "2026-12-01")
        back = rng.choice([None, _day(rng, out, "2026-11-30")])
        ds.checkouts.append(Checkout(
            checkout_id, patron.patron_id, item.item_id, lib, _stamp(rng, out),
            _stamp(rng, due), _stamp(rng, back) if back else None,
        ))
    return ds


def load(conn: sqlite3.Connection, ds: Dataset, pulled_at: str = "2026-09-02T06:00:00") -> None:
    """Insert the dataset into the mirror tables (as ``pull`` would have left them)."""
    def insert(table: str, rows: list, extra: dict[str, object]) -> None:  # type: ignore[type-arg]
        if not rows:
            return
        names = [f.name for f in fields(rows[0])] + list(extra)
        sql = (f"INSERT INTO {table} ({', '.join(names)})"
               f" VALUES ({', '.join('?' * len(names))})")
        conn.executemany(sql, [(*astuple(r), *extra.values()) for r in rows])

    conn.executemany(
        "INSERT INTO koha_libraries (library_id, name, pulled_at) VALUES (?, ?, ?)",
        [(lib, name, pulled_at) for lib, name in ds.libraries.items()])
    insert("koha_biblios", ds.biblios, {"refreshed_at": pulled_at})
    insert("koha_items", ds.items, {"pulled_at": pulled_at})
    insert("koha_patrons", ds.patrons, {"pulled_at": pulled_at})
    insert("koha_checkouts", ds.checkouts, {"pulled_at": pulled_at})
    conn.execute(
        "INSERT INTO pull_state (resource, high_water, last_full_at, last_pull_at, rows)"
        " VALUES ('items', NULL, ?, ?, ?)", (pulled_at, pulled_at, len(ds.items)))
