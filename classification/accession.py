"""Accession numbers (số đăng ký cá biệt, 952 $i) and their barcodes, kept in the store.

Formats
  * Per category: accession prefix + separator + number zero-padded to ``width``:
    ``TK.00001`` (``[accession] separator``/``width``, prefix from the category).
  * Textbooks per title (``textbook_numbering = "per_title"``): each textbook title
    (record 001) draws a *title number* from the SGK series and gets its own copy
    series restarting at 1, as in the paper Sổ đăng ký sách giáo khoa:
    ``SGK.0012.003`` = title 12 of the SGK series, copy 3. Title numbers have 4
    digits, copy numbers 3; wider numbers just grow (``SGK.0012.1000``), the two
    separators keep every number unique. With an empty separator, ``-`` is used:
    ``SGK-0012-003``. The copy series of a title is named by its stem (``SGK.0012``).
  * Barcodes (952 $p): the accession number itself (``barcode = "accession"``) or a
    numeric series named ``barcode`` (see ``classification.barcodes``).

Rules
  * Every series lives in the store; ``next_number`` only matters as a starting
    point: a number that was ever given (assigned or void, title numbers included)
    is skipped, so it is never given again, by any process. Allocation runs inside
    ``store.atomic()`` (``BEGIN IMMEDIATE``), which serialises concurrent runs.
  * Allocation is keyed by the caller's ``item_key``: asking again returns the same
    number. Voiding a number detaches it from its key, so that key gets a new one.

Use one ``AccessionBook(store, config)`` per run; its methods are the public API.
``allocate_many`` numbers many records' copies at once (one ``take`` per series, one
insert), with the same outcome as ``allocate`` called for each in turn.
Formats live in ``accession_format``, the store's series rows in ``accession_series``.
Schema (migration ``002_accession``): ``accession_series`` (one row per series, with
``next_number``; title rows carry ``parent``, ``record_id``, ``title_number``) and
``accessions`` (one row per number ever given: accession, barcode, series, number,
barcode_number, item_key, record_id, origin allocated|registered|voided, status
assigned|void, void_reason, voided_at, created_at, updated_at).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from classification.accession_format import (
    TEXTBOOK_CATEGORY,
    TITLE_COPY_WIDTH,
    AccessionFormat,
)
from classification.accession_series import (
    BARCODE_SERIES,
    Series,
    ensure_barcode_series,
    get_series,
    insert_title,
    insert_titles,
    last_given,
    next_free,
    now,
    series_of,
    set_next_number,
    take,
    taken_from,
    title_series,
    upsert_category,
)
from koha_bridge.config import Config
from koha_bridge.exceptions import AccessionError
from koha_bridge.store import Store

_FIELDS = (
    "accession", "barcode", "series", "number", "barcode_number", "item_key", "record_id",
    "origin", "status", "void_reason", "voided_at", "created_at", "updated_at",
)
_COLUMNS = ", ".join(_FIELDS)
_INSERT_ROW = f"INSERT INTO accessions ({_COLUMNS}) VALUES ({', '.join('?' * len(_FIELDS))})"
#: New numbers: (accession, barcode, series, number, barcode_number, item_key, record_id,
#: stamp); with ``_INSERT_PLAIN`` the barcode is the accession and there is no barcode_number.
_INSERT = (
    f"INSERT INTO accessions ({_COLUMNS}) VALUES"
    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'allocated', 'assigned', NULL, NULL, ?8, ?8)"
)
_INSERT_PLAIN = (
    f"INSERT INTO accessions ({_COLUMNS}) VALUES"
    " (?1, ?1, ?2, ?3, NULL, ?4, ?5, 'allocated', 'assigned', NULL, NULL, ?6, ?6)"
)
_KEYS_PER_QUERY = 900

#: What ``allocate_many`` gives one copy: (accession, barcode, reused).
Issued = tuple[str, str | None, bool]


class Request(NamedTuple):
    """One ``allocate`` call: copies of one record in one category."""

    category: str
    item_keys: Sequence[str | None]
    record_id: str | None = None
    barcodes: Sequence[str | None] | None = None


@dataclass(frozen=True)
class Allocation:
    """One accession number given to (or registered for) one copy."""

    accession: str
    barcode: str | None
    series: str
    number: int
    item_key: str | None
    record_id: str | None
    status: str  # "assigned" | "void"
    created_at: str
    reused: bool = False  # the item_key already had this number


@dataclass(frozen=True)
class SeriesState:
    """What ``accession show`` prints for one series."""

    series: str
    kind: str  # "category", "titles" (SGK numbering titles), "title" (its copies), "barcode"
    prefix: str  # text before the number, separator included ("" for plain digits)
    pattern: str  # what a number of this series looks like, e.g. "TK.00001"
    last_given: str | None
    next: str
    assigned: int
    void: int
    titles: int = 0  # textbook titles numbered from this series


class AccessionBook:
    """Accession and barcode series of one store, shaped by one config."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.format = AccessionFormat(config)
        self.barcodes = self.format.barcodes
        self.per_title = self.format.per_title
        self._ensured: set[str] = set()  # category series known to exist in the store

    # -- allocation ------------------------------------------------------------------
    def allocate(
        self,
        category: str,
        item_keys: Sequence[str | None],
        *,
        record_id: str | None = None,
        barcodes: Sequence[str | None] | None = None,
    ) -> list[Allocation]:
        """Numbers for the copies ``item_keys`` (one each, in order) of one record.

        A key that already holds a number gets it back. ``barcodes`` optionally gives
        each copy's existing barcode to keep (None: make one). Textbooks numbered per
        title need ``record_id``. All in one transaction.
        """
        with self.store.atomic() as conn:
            issued = self._issue(conn, [Request(category, item_keys, record_id, barcodes)])
            rows: dict[str, sqlite3.Row] = {}
            accessions = list({accession for accession, _, _ in issued})
            for start in range(0, len(accessions), _KEYS_PER_QUERY):
                chunk = accessions[start:start + _KEYS_PER_QUERY]
                rows.update((r[0], r) for r in conn.execute(
                    f"SELECT {_COLUMNS} FROM accessions WHERE accession IN"
                    f" ({', '.join('?' * len(chunk))})", chunk,
                ))
        return [_allocation(rows[accession], reused=reused) for accession, _, reused in issued]

    def allocate_many(self, requests: Sequence[Request]) -> list[Issued]:
        """``allocate`` for many requests in one transaction, as if made one after another.

        Returns ``(accession, barcode, reused)`` for every copy, requests and copies in
        order. The numbers of a series (and the barcodes) are taken in one step for all.
        """
        with self.store.atomic() as conn:
            return self._issue(conn, requests)

    def register(
        self,
        accession: str,
        *,
        item_key: str | None,
        record_id: str | None = None,
        barcode: str | None = None,
    ) -> str:
        """Record an accession number found on a copy as taken, so it is never given.

        Returns "known" (already ours for this copy), "registered", "foreign" (matches
        no series: left alone) or "conflict" (the store gave it, or this copy's key,
        to something else).
        """
        with self.store.atomic() as conn:
            row = conn.execute(
                "SELECT item_key FROM accessions WHERE accession = ?", (accession,)
            ).fetchone()
            if row is not None:
                return "known" if row[0] in (None, item_key) else "conflict"
            if item_key is not None and self._by_keys(conn, [item_key]):
                return "conflict"
            if self.format.match(accession) is None:
                return "foreign"
            parsed = self._locate(conn, accession, record_id)
            if parsed is None:
                return "conflict"
            series, number = parsed
            if barcode is not None and conn.execute(
                "SELECT 1 FROM accessions WHERE barcode = ?", (barcode,)
            ).fetchone():
                barcode = None
            barcode_number = self.barcodes.parse(barcode) if self.barcodes and barcode else None
            stamp = now()
            conn.execute(_INSERT_ROW, (accession, barcode, series, number, barcode_number, item_key,
                                   record_id, "registered", "assigned", None, None, stamp, stamp))
            return "registered"

    def barcode_owner(self, barcode: str) -> str | None:
        """The item_key (or accession, if it has none) already holding ``barcode``."""
        row = self.store.query(
            "SELECT item_key, accession FROM accessions WHERE barcode = ?", (barcode,)
        )
        return (row[0][0] or row[0][1]) if row else None

    # -- corrections ------------------------------------------------------------------
    def void(self, accession: str, reason: str) -> Allocation:
        """Mark a number (or a barcode's number) void; it is kept, never given again."""
        reason = reason.strip()
        if not reason:
            raise AccessionError("Cần ghi lý do huỷ số ĐKCB (--reason)")
        with self.store.atomic() as conn:
            row = conn.execute(
                "SELECT id, accession, status, voided_at FROM accessions"
                " WHERE accession = ? OR barcode = ?",
                (accession, accession),
            ).fetchone()
            stamp = now()
            if row is not None:
                if row["status"] == "void":
                    raise AccessionError(
                        f"Số {row['accession']} đã bị huỷ từ {_vn_date(row['voided_at'])}"
                    )
                conn.execute(
                    "UPDATE accessions SET status = 'void', void_reason = ?, voided_at = ?,"
                    " updated_at = ? WHERE id = ?",
                    (reason, stamp, stamp, row["id"]),
                )
            else:
                parsed = self._locate(conn, accession, None)
                if parsed is None:
                    raise AccessionError(f"{accession!r} không thuộc dãy số ĐKCB nào")
                series, number = parsed
                conn.execute(_INSERT_ROW, (accession, None, series, number, None, None, None,
                                       "voided", "void", reason, stamp, stamp, stamp))
            got = conn.execute(
                f"SELECT {_COLUMNS} FROM accessions WHERE accession = ? OR barcode = ?",
                (accession, accession),
            ).fetchone()
        return _allocation(got)

    def set_next(self, series: str, number: int) -> None:
        """Continue ``series`` at ``number``; refused if that would reuse a given number."""
        if number < 1:
            raise AccessionError("Số kế tiếp phải lớn hơn hoặc bằng 1")
        with self.store.atomic() as conn:
            current = get_series(conn, series)
            if current is None:
                if series in self.format.prefixes:
                    current = self._ensure_category(conn, series)
                elif series == BARCODE_SERIES and self.barcodes is not None:
                    current = ensure_barcode_series(conn)
                else:
                    known = ", ".join(self._series_keys())
                    raise AccessionError(f"Không có dãy số {series!r} (có: {known})")
            last = last_given(conn, current)
            if last is not None and number <= last:
                show = self.format.display(current)
                raise AccessionError(
                    f"Không thể cho dãy {current.key} tiếp tục từ {show(number)}: số "
                    f"{show(last)} đã được cấp và số đã cấp không bao giờ được dùng lại. "
                    f"Số kế tiếp nhỏ nhất có thể đặt là {last + 1}."
                )
            set_next_number(conn, current, number)

    # -- reporting ----------------------------------------------------------------------
    def series_states(self) -> list[SeriesState]:
        """Every configured series (used or not) and every series found in the store."""
        with self.store.atomic() as conn:
            rows = {r["series"]: r for r in conn.execute("SELECT * FROM accession_series")}
            counts: dict[tuple[str, str], int] = {
                (r[0], r[1]): r[2]
                for r in conn.execute(
                    "SELECT series, status, count(*) FROM accessions GROUP BY series, status"
                    " UNION ALL SELECT ?, status, count(*) FROM accessions"
                    " WHERE barcode_number IS NOT NULL GROUP BY status",
                    (BARCODE_SERIES,),
                )
            }
            titles: dict[str, int] = {r[0]: r[1] for r in conn.execute(
                "SELECT parent, count(*) FROM accession_series WHERE parent IS NOT NULL"
                " GROUP BY parent"
            )}
            keys = self._series_keys()
            keys += sorted(k for k in rows if k not in keys)
            states = []
            for key in keys:
                row = rows.get(key)
                series = series_of(row) if row else self.format.series(key)
                show = self.format.display(series)
                last = last_given(conn, series) if row else None
                states.append(SeriesState(
                    series=key,
                    kind="titles" if self.format.numbers_titles(key) else series.kind,
                    prefix=self._prefix(series),
                    pattern=show(1),
                    last_given=show(last) if last is not None else None,
                    next=show(next_free(conn, series, row["next_number"]) if row else 1),
                    assigned=counts.get((key, "assigned"), 0),
                    void=counts.get((key, "void"), 0),
                    titles=titles.get(key, 0),
                ))
        return states

    # -- internals ----------------------------------------------------------------------
    def _by_keys(
        self, conn: sqlite3.Connection, keys: list[str]
    ) -> dict[str, tuple[str, str | None]]:
        """(accession, barcode) of the keys that hold a number (assigned), by key."""
        found: dict[str, tuple[str, str | None]] = {}
        cursor = conn.cursor()
        cursor.row_factory = None
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            for key, accession, barcode in cursor.execute(
                "SELECT item_key, accession, barcode FROM accessions"
                f" WHERE status = 'assigned' AND item_key IN ({marks})",
                chunk,
            ):
                found[key] = (accession, barcode)
        return found

    def _issue(self, conn: sqlite3.Connection, requests: Sequence[Request]) -> list[Issued]:
        """What every copy of ``requests`` gets, requests and copies in order.

        Requests without given barcodes are numbered together (``_issue_run``); one with
        given barcodes alone, after the ones before it are written, so that the barcode
        checks and the barcode series see exactly what one-by-one allocation would.
        """
        for request in requests:
            if request.barcodes is not None and len(request.barcodes) != len(request.item_keys):
                raise ValueError("barcodes and item_keys differ in length")
        held = self._by_keys(conn, [k for r in requests for k in r.item_keys if k is not None])
        issued: list[Issued] = []
        run: list[Request] = []
        for request in requests:
            if request.barcodes is not None and any(request.barcodes):
                self._issue_run(conn, run, held, issued)
                self._issue_run(conn, [request], held, issued)
                run = []
            else:
                run.append(request)
        self._issue_run(conn, run, held, issued)
        return issued

    def _issue_run(
        self, conn: sqlite3.Connection, run: list[Request],
        held: dict[str, tuple[str, str | None]], issued: list[Issued],
    ) -> None:
        """Number ``run`` with one ``take`` per series and one insert, adding what each copy
        gets to ``issued``; ``held`` (key → accession and barcode) gets the new keys."""
        new: list[bool] = []  # per copy: gets a new number
        series_of_request: list[Series | None] = []
        need: dict[str, int] = {}
        shapes: dict[str, Series] = {}
        claimed: dict[str, int] = {}  # key → the request of this run that numbers it
        titled: dict[str, int] = {}  # textbook numbered per title: record id → new copies
        barcodes_needed = 0
        for n, request in enumerate(run):
            start = len(new)
            for key in request.item_keys:
                fresh = key is None or (key not in held and key not in claimed)
                new.append(fresh)
                if fresh and key is not None:
                    claimed[key] = n
            count = sum(new[start:])
            series = None
            if count:
                given = request.barcodes
                if given is not None:
                    mine = [b for b, f in zip(given, new[start:], strict=True) if f]
                    self._check_free(conn, mine)
                    barcodes_needed += mine.count(None)
                else:
                    barcodes_needed += count
                if self.format.numbers_titles(request.category):
                    if not request.record_id:
                        raise AccessionError(
                            "Đánh số sách giáo khoa theo đầu sách cần mã biểu ghi (001)"
                        )
                    titled[request.record_id] = titled.get(request.record_id, 0) + count
                else:
                    series = self._ensure_category(conn, request.category)
                    need[series.key] = need.get(series.key, 0) + count
                    shapes[series.key] = series
            series_of_request.append(series)
        numbers: dict[str, Iterator[int]] = {}
        if titled:
            titles = self._titles(conn, titled)
            for textbook, (series, created) in titles.items():
                if created:  # a new title's copies are numbered from 1
                    numbers[series.key] = iter(range(1, titled[textbook] + 1))
                else:
                    need[series.key], shapes[series.key] = titled[textbook], series
            for n, request in enumerate(run):
                if request.record_id in titled and self.format.numbers_titles(request.category):
                    series_of_request[n] = titles[request.record_id][0]
        for key, count in need.items():
            numbers[key] = iter(self._take(conn, shapes[key], count))
        made = iter(self._new_barcodes(conn, barcodes_needed))  # empty unless numeric
        numeric = self.barcodes
        plain = numeric is None and all(r.barcodes is None for r in run)
        stamp = now()
        rows: list[tuple[Any, ...]] = []
        add, give = rows.append, issued.append
        numbered: dict[str, Issued] = {}
        fresh_copies = iter(new)
        for n, (request, series) in enumerate(zip(run, series_of_request, strict=True)):
            given, rid = request.barcodes, request.record_id
            if series is not None:
                prefix, width, key_of = series.prefix, series.width, series.key
                taking = numbers[key_of]
            for i, key in enumerate(request.item_keys):
                if next(fresh_copies):
                    number = next(taking)
                    accession = prefix + str(number).zfill(width)
                    if plain:
                        barcode: str | None = accession
                        add((accession, key_of, number, key, rid, stamp))
                    else:
                        barcode = given[i] if given is not None else None
                        if barcode is None:
                            barcode, barcode_number = next(made) if numeric else (accession, None)
                        else:
                            barcode_number = numeric.parse(barcode) if numeric else None
                        add((accession, barcode, key_of, number, barcode_number, key, rid,
                             stamp))
                    issue = (accession, barcode, False)
                    if key is not None:
                        numbered[key] = issue
                elif key in numbered:  # numbered in this run: by this request or an earlier one
                    issue = numbered[key]
                    if claimed[key] != n:
                        issue = (issue[0], issue[1], True)
                else:
                    assert key is not None
                    accession, barcode = held[key]
                    issue = (accession, barcode, True)
                give(issue)
        for key, (accession, barcode, _) in numbered.items():
            held[key] = (accession, barcode)
        try:
            conn.executemany(_INSERT_PLAIN if plain else _INSERT, rows)
        except sqlite3.IntegrityError as exc:
            raise AccessionError(f"Không ghi được số ĐKCB vào kho: {exc}") from exc

    def _check_free(self, conn: sqlite3.Connection, barcodes: list[str | None]) -> None:
        seen: set[str] = set()
        for barcode in filter(None, barcodes):
            if barcode in seen or conn.execute(
                "SELECT 1 FROM accessions WHERE barcode = ?", (barcode,)
            ).fetchone():
                raise AccessionError(f"Mã vạch {barcode} đã thuộc một bản khác")
            seen.add(barcode)

    def _prefix(self, series: Series) -> str:
        if series.kind == "barcode":
            return self.barcodes.prefix if self.barcodes else ""
        if self.format.numbers_titles(series.key):
            return self.format.prefixes[series.key] + self.format.title_separator
        return series.prefix

    def _series_keys(self) -> list[str]:
        return [*self.format.prefixes, *([BARCODE_SERIES] if self.barcodes else [])]

    def _ensure_category(self, conn: sqlite3.Connection, code: str) -> Series:
        series = self.format.series(code)
        if code not in self._ensured:
            upsert_category(conn, series)
            self._ensured.add(code)
        return series

    def _titles(
        self, conn: sqlite3.Connection, wanted: dict[str, int]
    ) -> dict[str, tuple[Series, bool]]:
        """The copy series of the textbook titles ``wanted`` (record id → copies to number,
        in order of first need); a new title (True) has those copy numbers taken already."""
        parent = self._ensure_category(conn, TEXTBOOK_CATEGORY)
        found: dict[str, tuple[Series, bool]] = {}
        rids = list(wanted)
        for start in range(0, len(rids), _KEYS_PER_QUERY):
            chunk = rids[start:start + _KEYS_PER_QUERY]
            for row in conn.execute(
                "SELECT * FROM accession_series WHERE parent = ? AND record_id IN"
                f" ({', '.join('?' * len(chunk))})", [parent.key, *chunk],
            ):
                found[row["record_id"]] = (series_of(row), False)
        fresh = [rid for rid in rids if rid not in found]
        if fresh:
            made = insert_titles(conn, parent.key, self.format.title_separator,
                                 TITLE_COPY_WIDTH, [
                (self.format.title_stem(parent.key, title), rid, title, wanted[rid] + 1)
                for rid, title in zip(fresh, self._take(conn, parent, len(fresh)), strict=True)
            ])
            found.update((rid, (series, True)) for rid, series in zip(fresh, made, strict=True))
        return found

    def _new_title(
        self, conn: sqlite3.Connection, parent: Series, record_id: str, title: int
    ) -> Series:
        stem = self.format.title_stem(parent.key, title)
        return insert_title(conn, parent.key, stem, self.format.title_separator,
                            TITLE_COPY_WIDTH, record_id, title)

    def _take(self, conn: sqlite3.Connection, series: Series, count: int) -> list[int]:
        numbers = take(conn, series, count)
        if numbers is None:  # its row was created by a transaction rolled back since
            self._ensured.discard(series.key)
            self._ensure_category(conn, series.key)
            numbers = take(conn, series, count)
        assert numbers is not None
        return numbers

    def _new_barcodes(self, conn: sqlite3.Connection, count: int) -> list[tuple[str, int]]:
        if self.barcodes is None or count == 0:
            return []
        numbers = self._take(conn, ensure_barcode_series(conn), count)
        return [(self.barcodes.format(n), n) for n in numbers]

    def _locate(
        self, conn: sqlite3.Connection, accession: str, record_id: str | None
    ) -> tuple[str, int] | None:
        """(series, number) of a number of ours; None if foreign or held by another title.

        A per-title textbook number of an unknown title is adopted for ``record_id``.
        """
        found = self.format.match(accession)
        if found is None:
            return None
        code, number, copy = found
        parent = self._ensure_category(conn, code)
        if copy is None:
            return code, number
        row = title_series(conn, code, title=number)
        if row is None:
            if (
                record_id is None
                or number in taken_from(conn, parent, number)
                or title_series(conn, code, record_id=record_id) is not None
            ):
                return None
            return self._new_title(conn, parent, record_id, number).key, copy
        if record_id is not None and row["record_id"] != record_id:
            return None
        return row["series"], copy


def _allocation(row: sqlite3.Row, *, reused: bool = False) -> Allocation:
    """An ``Allocation`` from a row in ``_FIELDS`` order."""
    return Allocation(
        accession=row[0],
        barcode=row[1],
        series=row[2],
        number=row[3],
        item_key=row[5],
        record_id=row[6],
        status=row[8],
        created_at=row[11],
        reused=reused,
    )


def _vn_date(iso: str | None) -> str:
    """``2026-11-29T15:00:00`` → ``29/11/2026``."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y")
