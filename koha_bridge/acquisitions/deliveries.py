"""Deliveries: each supplier's note is a batch the store knows (migration ``020_deliveries``).

A delivery is found again, never duplicated:

* the same document number and date: the same delivery; if its files changed, it is a
  corrected note (its revision goes up and what changed is said);
* no document number: the same content (the files' SHA-256) is the same delivery;
* anything else is a new delivery with the next *số vào sổ tổng quát* (register
  number), which runs on over the years and is never given twice.

A copy's identity is (delivery, title, copy index): its accession item key is
``<001>|TQ<register number>|<copy>``, so a second delivery of the same titles, under the
same file name and rows, gets new numbers, and converting a note again gets its own.
A title's copies are 1..n, so a corrected note that has fewer copies of a title (or
drops it) drops its copies n+1..; ``record_delivery`` finds them by comparing the titles
it records with those recorded before (so a correction interrupted before its titles
were recorded still drops them when run again). The copies of a legacy
delivery (numbered before deliveries existed, migration ``021_delivery_item_keys``)
are adopted by the first note of that file name whose titles, rows and copies are
exactly theirs.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from classification.assign import copy_key
from koha_bridge.store import Store
from marc.itemnote import DeliveryNote, document_text

#: Longest supplier kept (952 $e, Koha's ``acquisition_source``) and document number.
SUPPLIER_LENGTH = 120
DOCUMENT_LENGTH = 40


@dataclass(frozen=True)
class DeliveryFile:
    """One file of a delivery note, by name and content."""

    name: str
    sha256: str
    size: int

    @classmethod
    def of(cls, path: Path) -> DeliveryFile:
        data = path.read_bytes()
        return cls(path.name, hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class DeliveryFacts:
    """What a conversion knows of its delivery before the store: read from the note or
    given on the command line (``found`` says which, in Vietnamese)."""

    files: tuple[DeliveryFile, ...]
    document: str | None = None
    date: date | None = None
    supplier: str | None = None
    found: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        joined = "\n".join(sorted(f.sha256 for f in self.files))
        return hashlib.sha256(joined.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class TitleLine:
    """One title of a delivery: what ``deliveries show`` lists and a correction compares."""

    record_id: str
    title: str
    copies: int
    price: int | None
    value: int


@dataclass(frozen=True)
class Delivery:
    """A delivery as the store keeps it."""

    id: int
    register_number: int
    document: str | None
    delivery_date: date | None
    acquired_on: date  # 952 $d: the note's date, or the day it was first converted
    supplier: str | None
    titles: int
    copies: int
    value: int
    revision: int
    files: tuple[str, ...] = ()

    @property
    def note(self) -> DeliveryNote:
        return DeliveryNote(self.document, self.delivery_date, self.register_number)


class Resolution(StrEnum):
    NEW = "phiếu mới"
    SAME = "phiếu đã chuyển trước đây"
    CORRECTED = "phiếu sửa lại"
    ADOPTED = "phiếu đã đánh số trước khi có sổ phiếu"


@dataclass
class DeliveryRun:
    """The delivery of one conversion, how it was found, and what changed."""

    delivery: Delivery
    resolution: Resolution
    changes: list[str]


def open_delivery(
    store: Store,
    facts: DeliveryFacts,
    lines: Sequence[TitleLine],
    copies: Sequence[tuple[str, int, str]],
    *,
    today: date,
) -> DeliveryRun:
    """Find (or create) the delivery of a conversion and record its files.

    ``copies`` gives each copy as (record id, copy index, "sheet|row") for adopting a
    legacy delivery. Its titles are recorded by ``record_delivery`` once numbered.
    """
    document = _short(facts.document, DOCUMENT_LENGTH)
    supplier = _short(facts.supplier, SUPPLIER_LENGTH)
    digest = facts.content_hash
    when = facts.date.isoformat() if facts.date else None
    with store.atomic() as conn:
        row = None
        resolution = Resolution.NEW
        if document:
            row = conn.execute(
                "SELECT * FROM deliveries WHERE document = ? AND delivery_date IS ?",
                (document, when),
            ).fetchone()
            if row is not None:
                same = row["content_hash"] == digest
                resolution = Resolution.SAME if same else Resolution.CORRECTED
        if row is None:
            # the same content: the same note, unless it now names another document
            row = conn.execute(
                "SELECT * FROM deliveries WHERE content_hash = ?"
                " AND (?2 IS NULL OR document IS NULL) ORDER BY register_number",
                (digest, document),
            ).fetchone()
            resolution = Resolution.SAME
        if row is None:
            row = _legacy(conn, [f.name for f in facts.files], copies)
            resolution = Resolution.ADOPTED
        stamp = datetime.now().isoformat(timespec="seconds")
        changes: list[str] = []
        if row is None:
            resolution = Resolution.NEW
            register = conn.execute(
                "SELECT COALESCE(MAX(register_number), 0) + 1 FROM deliveries"
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO deliveries (register_number, document, delivery_date,"
                " acquired_on, supplier, content_hash, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (register, document, when, when or today.isoformat(), supplier, digest,
                 stamp, stamp),
            )
            delivery_id = int(cursor.lastrowid or 0)
        else:
            delivery_id = int(row["id"])
            if resolution is Resolution.CORRECTED:
                changes = _changes(conn, delivery_id, lines)
                conn.execute(
                    "UPDATE deliveries SET supplier = COALESCE(?, supplier), content_hash = ?,"
                    " revision = revision + 1, updated_at = ? WHERE id = ?",
                    (supplier, digest, stamp, delivery_id),
                )
            elif resolution is Resolution.ADOPTED or (document and row["document"] is None):
                conn.execute(
                    "UPDATE deliveries SET document = ?, delivery_date = ?, acquired_on = ?,"
                    " supplier = COALESCE(?, supplier), content_hash = ?, legacy_file = NULL,"
                    " updated_at = ? WHERE id = ?",
                    (document, when, when or row["acquired_on"], supplier, digest, stamp,
                     delivery_id),
                )
        conn.execute("DELETE FROM delivery_files WHERE delivery_id = ?", (delivery_id,))
        conn.executemany(
            "INSERT OR REPLACE INTO delivery_files (delivery_id, name, sha256, size)"
            " VALUES (?, ?, ?, ?)",
            [(delivery_id, f.name, f.sha256, f.size) for f in facts.files],
        )
        delivery = _delivery(conn, delivery_id)
    return DeliveryRun(delivery, resolution, changes)


def record_delivery(
    store: Store, run: DeliveryRun, lines: Sequence[tuple[TitleLine, Sequence[str]]]
) -> list[str]:
    """Record a delivery's titles with the accession numbers of their copies (in copy
    order), and its totals. Returns the numbers of the copies it had before and has no
    more (a corrected note dropped them)."""
    delivery_id = run.delivery.id
    register = run.delivery.register_number
    now = {t.record_id: t.copies for t, _ in lines}
    with store.atomic() as conn:
        gone = [
            copy_key(rid, register, copy)
            for rid, before in conn.execute(
                "SELECT record_id, copies FROM delivery_titles WHERE delivery_id = ?",
                (delivery_id,),
            )
            for copy in range(now.get(rid, 0) + 1, before + 1)
        ]
        conn.execute("DELETE FROM delivery_titles WHERE delivery_id = ?", (delivery_id,))
        conn.executemany(
            "INSERT INTO delivery_titles (delivery_id, record_id, title, copies, price, value,"
            " accessions) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(delivery_id, t.record_id, t.title, t.copies, t.price, t.value, " ".join(numbers))
             for t, numbers in lines],
        )
        conn.execute(
            "UPDATE deliveries SET titles = ?, copies = ?, value = ? WHERE id = ?",
            (len(lines), sum(t.copies for t, _ in lines), sum(t.value for t, _ in lines),
             delivery_id),
        )
        dropped: list[str] = []
        for start in range(0, len(gone), 900):
            chunk = gone[start:start + 900]
            dropped += [r[0] for r in conn.execute(
                "SELECT accession FROM accessions WHERE status = 'assigned' AND item_key IN"
                f" ({', '.join('?' * len(chunk))})", chunk,
            )]
        run.delivery = _delivery(conn, delivery_id)
    return dropped


def list_deliveries(store: Store) -> list[tuple[Delivery, list[str]]]:
    """Every delivery in register order, with the accession numbers of its copies."""
    with store.atomic() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM deliveries ORDER BY register_number")]
        return [(_delivery(conn, i), _accessions(conn, i)) for i in ids]


def find_deliveries(store: Store, document: str) -> list[Delivery]:
    """The deliveries of document number ``document`` (or register number ``TQ<n>``)."""
    wanted = document_text(document)
    with store.atomic() as conn:
        if wanted.upper().startswith("TQ") and wanted[2:].strip().isdigit():
            rows = conn.execute("SELECT id FROM deliveries WHERE register_number = ?",
                                (int(wanted[2:]),)).fetchall()
        else:
            rows = conn.execute(
                "SELECT id FROM deliveries WHERE document = ? ORDER BY register_number",
                (wanted,),
            ).fetchall()
        return [_delivery(conn, r[0]) for r in rows]


def delivery_lines(store: Store, delivery: Delivery) -> list[tuple[TitleLine, list[str]]]:
    """The titles of a delivery with the accession numbers of their copies, in order."""
    with store.atomic() as conn:
        return [
            (TitleLine(r["record_id"], r["title"] or r["record_id"], r["copies"], r["price"],
                       r["value"]), r["accessions"].split())
            for r in conn.execute(
                "SELECT * FROM delivery_titles WHERE delivery_id = ? ORDER BY rowid",
                (delivery.id,),
            )
        ]


def _short(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _delivery(conn: sqlite3.Connection, delivery_id: int) -> Delivery:
    row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    files = tuple(r[0] for r in conn.execute(
        "SELECT name FROM delivery_files WHERE delivery_id = ? ORDER BY name", (delivery_id,)
    ))
    return Delivery(
        id=row["id"],
        register_number=row["register_number"],
        document=row["document"],
        delivery_date=date.fromisoformat(row["delivery_date"]) if row["delivery_date"] else None,
        acquired_on=date.fromisoformat(row["acquired_on"]),
        supplier=row["supplier"],
        titles=row["titles"],
        copies=row["copies"],
        value=row["value"],
        revision=row["revision"],
        files=files,
    )


def _accessions(conn: sqlite3.Connection, delivery_id: int) -> list[str]:
    return [n for r in conn.execute(
        "SELECT accessions FROM delivery_titles WHERE delivery_id = ?", (delivery_id,)
    ) for n in r[0].split()]


def _legacy(
    conn: sqlite3.Connection, names: list[str], copies: Sequence[tuple[str, int, str]]
) -> sqlite3.Row | None:
    """The legacy delivery whose copies are exactly ``copies`` under one of ``names``."""
    wanted: list[tuple[str, int, str]] | None = None  # sorted once a legacy file is found
    for name in names:
        row = conn.execute(
            "SELECT * FROM deliveries WHERE legacy_file = ? ORDER BY register_number", (name,)
        ).fetchone()
        if row is None:
            continue
        if wanted is None:
            wanted = sorted((rid, copy, source) for rid, copy, source in copies)
        have = sorted(
            (r[0], r[1], r[2]) for r in conn.execute(
                "SELECT record_id, copy_number, source FROM legacy_copies"
                " WHERE delivery_id = ?", (row["id"],),
            )
        )
        if have == wanted:
            return row
    return None


def _changes(conn: sqlite3.Connection, delivery_id: int, lines: Sequence[TitleLine]) -> list[str]:
    """What a corrected note changed, title by title, in Vietnamese."""
    before = {
        r["record_id"]: TitleLine(r["record_id"], r["title"], r["copies"], r["price"], r["value"])
        for r in conn.execute("SELECT * FROM delivery_titles WHERE delivery_id = ?",
                              (delivery_id,))
    }
    now = {line.record_id: line for line in lines}
    changes: list[str] = []
    for rid, line in now.items():
        old = before.get(rid)
        if old is None:
            changes.append(f'thêm nhan đề "{line.title}" ({line.copies} bản)')
            continue
        if old.copies != line.copies:
            changes.append(f'"{line.title}": số bản {old.copies} → {line.copies}')
        if old.price != line.price:
            changes.append(f'"{line.title}": giá {old.price or "?"} → {line.price or "?"}')
    for rid, old in before.items():
        if rid not in now:
            changes.append(f'bỏ nhan đề "{old.title}" ({old.copies} bản)')
    return changes
