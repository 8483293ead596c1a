"""The fake Koha's data: documents in memory, written through to SQLite.

Every change is committed to the SQLite file inside ``State.transaction()`` before the
handler sends its response, so a restart from the same file loses nothing committed.
All access goes through one re-entrant lock; readers take snapshots (documents are
replaced, never mutated in place) and filter outside the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.fakekoha.marcview import duplicate_keys
from tests.fakekoha.query import fold

KINDS = (
    "biblio", "item", "patron", "checkout", "old_checkout", "library", "item_type",
    "patron_category", "authorised_value", "token",
)
Doc = dict[str, Any]


def now_iso() -> str:
    """Current UTC time as RFC 3339 (Koha's date-time format)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _key(kind: str, doc: Doc) -> str:
    field = {
        "biblio": "biblio_id", "item": "item_id", "patron": "patron_id",
        "checkout": "checkout_id", "old_checkout": "checkout_id", "library": "library_id",
        "item_type": "item_type_id", "patron_category": "patron_category_id",
        "authorised_value": "authorised_value_id", "token": "access_token",
    }[kind]
    return str(doc[field])


class State:
    """Thread-safe, persisted store of the fake's records."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(db_path)
        self.lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS docs (kind TEXT, key TEXT, body TEXT, "
            "PRIMARY KEY (kind, key))"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS seq (kind TEXT PRIMARY KEY, last INTEGER)")
        self._in_tx = 0
        self.version = 0  # bumped by every change; keys the list memo
        self.list_memo: dict[Any, list[Doc]] = {}
        self._load()

    # -- persistence ---------------------------------------------------------------

    def _load(self) -> None:
        self.docs: dict[str, dict[str, Doc]] = {kind: {} for kind in KINDS}
        self.seq: dict[str, int] = {}
        rows = self._db.execute("SELECT kind, key, body FROM docs").fetchall()
        rows.sort(key=lambda r: (r[0], len(r[1]), r[1]) if r[1].isdigit() else (r[0], 0, r[1]))
        self.version += 1
        for kind, key, body in rows:
            self.docs[kind][key] = json.loads(body)
        for kind, last in self._db.execute("SELECT kind, last FROM seq"):
            self.seq[kind] = last
        self._reindex()

    def _reindex(self) -> None:
        self.barcodes: dict[str, int] = {}
        self.biblio_items: dict[int, set[int]] = {}
        for item in self.docs["item"].values():
            self._index_item(item, add=True)
        self.isbns: dict[str, int] = {}
        self.titles: dict[str, dict[int, str]] = {}
        for doc in self.docs["biblio"].values():
            self._index_biblio(doc["view"], add=True)
        self.cardnumbers = {fold(p["cardnumber"]).rstrip(" "): p["patron_id"]
                            for p in self.docs["patron"].values() if p.get("cardnumber")}
        self.userids = {fold(p["userid"]).rstrip(" "): p["patron_id"]
                        for p in self.docs["patron"].values() if p.get("userid")}

    def _index_item(self, item: Doc, add: bool) -> None:
        barcode = item.get("external_id")
        items = self.biblio_items.setdefault(item["biblio_id"], set())
        if add:
            items.add(item["item_id"])
            if barcode:
                self.barcodes[fold(barcode).rstrip(" ")] = item["item_id"]
        else:
            items.discard(item["item_id"])
            if barcode:
                self.barcodes.pop(fold(barcode).rstrip(" "), None)

    def _index_biblio(self, view: Doc, add: bool) -> None:
        isbns, title, author = duplicate_keys(view)
        biblio_id = view["biblio_id"]
        for isbn in isbns:
            if add:
                self.isbns.setdefault(isbn, biblio_id)
            elif self.isbns.get(isbn) == biblio_id:
                del self.isbns[isbn]
        same_title = self.titles.setdefault(fold(title), {})
        if add:
            same_title[biblio_id] = fold(author)
        else:
            same_title.pop(biblio_id, None)

    def find_duplicate(self, view: Doc) -> int | None:
        """Koha's FindDuplicate: by ISBN when the record has one, else title (+ author)."""
        isbns, title, author = duplicate_keys(view)
        with self.lock:
            if isbns:
                return next((self.isbns[i] for i in sorted(isbns) if i in self.isbns), None)
            if not title:
                return None
            candidates = self.titles.get(fold(title), {})
            wanted = fold(author)
            return next((b for b, a in sorted(candidates.items())
                         if not wanted or a == wanted), None)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[State]:
        """Hold the lock; commit on success, roll back (and reload) on error."""
        with self.lock:
            outer = self._in_tx == 0
            if outer:
                self._db.execute("BEGIN")
            self._in_tx += 1
            try:
                yield self
            except BaseException:
                self._in_tx -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                    self._load()
                raise
            self._in_tx -= 1
            if outer:
                self._db.execute("COMMIT")

    def next_id(self, kind: str) -> int:
        with self.transaction():
            value = self.seq.get(kind, 0) + 1
            self.seq[kind] = value
            self._db.execute("INSERT OR REPLACE INTO seq (kind, last) VALUES (?, ?)",
                             (kind, value))
            return value

    def put(self, kind: str, doc: Doc) -> Doc:
        """Insert or replace a document (the stored copy is ``doc`` itself)."""
        key = _key(kind, doc)
        with self.transaction():
            old = self.docs[kind].get(key)
            self._db.execute("INSERT OR REPLACE INTO docs (kind, key, body) VALUES (?, ?, ?)",
                             (kind, key, json.dumps(doc, ensure_ascii=False)))
            self.docs[kind][key] = doc
            self.version += 1
            if kind == "item":
                if old is not None:
                    self._index_item(old, add=False)
                self._index_item(doc, add=True)
            elif kind == "biblio":
                if old is not None:
                    self._index_biblio(old["view"], add=False)
                self._index_biblio(doc["view"], add=True)
            elif kind == "patron":
                self._index_patron(old, doc)
        return doc

    def _index_patron(self, old: Doc | None, new: Doc | None) -> None:
        for index, field in ((self.cardnumbers, "cardnumber"), (self.userids, "userid")):
            if old is not None and old.get(field):
                index.pop(fold(old[field]).rstrip(" "), None)
            if new is not None and new.get(field):
                index[fold(new[field]).rstrip(" ")] = new["patron_id"]

    def delete(self, kind: str, key: str | int) -> Doc | None:
        with self.transaction():
            old = self.docs[kind].pop(str(key), None)
            self.version += 1
            self._db.execute("DELETE FROM docs WHERE kind = ? AND key = ?", (kind, str(key)))
            if old is not None and kind == "item":
                self._index_item(old, add=False)
            elif old is not None and kind == "biblio":
                self._index_biblio(old["view"], add=False)
            elif old is not None and kind == "patron":
                self._index_patron(old, None)
        return old

    def close(self) -> None:
        with self.lock:
            self._db.close()

    # -- reads -----------------------------------------------------------------------

    def get(self, kind: str, key: str | int) -> Doc | None:
        with self.lock:
            return self.docs[kind].get(str(key))

    def all(self, kind: str) -> list[Doc]:
        """Snapshot of one kind in insertion (= id) order."""
        with self.lock:
            return list(self.docs[kind].values())

    def count(self, kind: str) -> int:
        with self.lock:
            return len(self.docs[kind])

    def items_of(self, biblio_id: int) -> list[Doc]:
        with self.lock:
            ids = sorted(self.biblio_items.get(biblio_id, ()))
            return [self.docs["item"][str(i)] for i in ids]

    def item_by_barcode(self, barcode: str) -> Doc | None:
        with self.lock:
            item_id = self.barcodes.get(fold(barcode).rstrip(" "))
            return None if item_id is None else self.docs["item"].get(str(item_id))

    def is_empty(self) -> bool:
        with self.lock:
            return not any(self.docs.values()) and not self.seq

    # -- reference data ------------------------------------------------------------

    def seed_defaults(self) -> None:
        """Library MAU, the school item types, patron categories, LOC/CCODE values."""
        with self.transaction():
            self.put("library", library("MAU", "Trường THCS Mẫu"))
            for code, name in (
                ("SGK", "Sách giáo khoa"), ("SNV", "Sách nghiệp vụ"),
                ("STK", "Sách tham khảo"), ("STN", "Sách thiếu nhi"),
                ("BTC", "Báo, tạp chí"), ("TL", "Bản đồ, tranh ảnh, băng đĩa, tài liệu số"),
            ):
                self.put("item_type", item_type(code, name))
            for code, name, kind in (
                ("HS_TH", "Học sinh tiểu học", "C"), ("HS_THCS", "Học sinh THCS", "C"),
                ("HS_THPT", "Học sinh THPT", "C"), ("GV", "Giáo viên", "A"),
                ("NV", "Nhân viên", "S"),
            ):
                self.put("patron_category", patron_category(code, name, kind))
            for category, value, description in (
                ("LOC", "KHOMO", "Kho mở"), ("LOC", "KHODOC", "Kho đọc"),
                ("LOC", "KHOSGK", "Kho sách giáo khoa"),
                ("CCODE", "SGK", "Sách giáo khoa"), ("CCODE", "NV", "Sách nghiệp vụ"),
                ("CCODE", "TK", "Sách tham khảo"), ("CCODE", "TN", "Sách thiếu nhi"),
                ("CCODE", "BTC", "Báo, tạp chí"), ("CCODE", "TL", "Tài liệu khác"),
            ):
                self.put("authorised_value", {
                    "authorised_value_id": self.next_id("authorised_value"),
                    "category_name": category, "value": value, "description": description,
                    "opac_description": None, "image_url": None,
                })


def library(library_id: str, name: str) -> Doc:
    doc: Doc = {"library_id": library_id, "name": name}
    for key in ("address1", "address2", "address3", "postal_code", "city", "state",
                "country", "phone", "fax", "email", "ill_email", "reply_to_email",
                "return_path_email", "url", "ip", "notes", "geolocation", "marc_org_code"):
        doc[key] = None
    doc.update(pickup_location=True, public=True, needs_override=False)
    return doc


def item_type(code: str, name: str) -> Doc:
    return {
        "item_type_id": code, "parent_type": None, "description": name, "bookable": False,
        "rentalcharge": 0, "daily_rental_charge": 0, "daily_rental_charge_calendar": True,
        "hourly_rental_charge": 0, "hourly_rental_charge_calendar": True,
        "default_replacement_cost": None, "process_fee": None,
        "not_for_loan_status": code == "BTC", "image_url": None, "summary": None,
        "checkin_message": None, "checkin_message_type": "message", "sip_media_type": None,
        "hide_in_opac": False, "searchcategory": None, "automatic_checkin": False,
    }


def patron_category(code: str, name: str, kind: str) -> Doc:
    return {
        "patron_category_id": code, "name": name, "enrolment_period": 12,
        "enrolment_period_date": None, "password_expiry_days": None,
        "upper_age_limit": None, "lower_age_limit": None, "enrolment_fee": 0,
        "overdue_notice_required": False, "reserve_fee": 0, "hide_lost_items": False,
        "category_type": kind, "block_expired_patron_opac_actions": "-1",
        "default_privacy": "default", "check_prev_checkout": "inherit",
        "can_place_ill_in_opac": True, "can_be_guarantee": kind == "C",
        "reset_password": None, "change_password": None, "min_password_length": None,
        "require_strong_password": None, "exclude_from_local_holds_priority": None,
        "no_issues_charge": None, "no_issues_charge_guarantees": None,
        "no_issues_charge_guarantors_with_guarantees": None,
        "force_password_reset_when_set_by_staff": False, "enforce_expiry_notice": False,
    }
