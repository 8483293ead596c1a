"""Class numbers by ISBN from the configured SRU targets, cached in the store.

Targets are asked in the configured order; the first record with a usable DDC 082
wins. Every answer (a number, a record without 082, no record) is cached in
``sru_cache`` so a re-run asks nothing again; a target that fails (timeout, HTTP
error, not SRU) is reported and not cached. Off by default (``[copy_cataloguing]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from classification.tables import parse_class_number
from koha_bridge.config import CopyCataloguingConfig
from koha_bridge.copycat.sru import SruClient, SruError, SruTarget
from koha_bridge.store import Store
from marc.model import ClassNumber


@dataclass
class CopyReport:
    asked: int = 0  # requests sent
    cached: int = 0  # answers taken from the store
    found: int = 0  # ISBNs that got a number
    problems: list[str] = field(default_factory=list)


class CopyCataloguer:
    def __init__(self, settings: CopyCataloguingConfig, store: Store) -> None:
        self.targets = settings.targets
        self.store = store
        self.client = SruClient(settings.timeout)
        self.report = CopyReport()
        self._down: set[str] = set()  # targets that failed in this run: not asked again

    def close(self) -> None:
        self.client.close()

    def number(self, isbn: str) -> ClassNumber | None:
        """The DDC number other catalogues give this ISBN, with its source, or None."""
        for target in self.targets:
            if target.name in self._down:
                continue
            cached = self._cached(target, isbn)
            if cached is not None:
                self.report.cached += 1
                found = cached[0]
            else:
                try:
                    self.report.asked += 1
                    fields = self.client.search_isbn(target, isbn)
                except SruError as exc:
                    self.report.problems.append(f"ISBN {isbn}: {exc}")
                    self._down.add(target.name)
                    continue
                found = fields.class_number if fields is not None else None
                self._store(target, isbn, found, fields.record_xml if fields else None)
            parsed = parse_class_number(found)
            if parsed is not None and parsed[1] == "ddc":
                self.report.found += 1
                return ClassNumber(
                    parsed[0], "ddc", f"sru:{target.name}", target.confidence,
                    f"Biên mục sao chép: số 082 của {target.name} cho ISBN {isbn}",
                )
        return None

    def _cached(self, target: SruTarget, isbn: str) -> tuple[str | None] | None:
        rows = self.store.query(
            "SELECT class_number FROM sru_cache WHERE target = ? AND isbn = ?",
            (target.name, isbn),
        )
        return (rows[0][0],) if rows else None

    def _store(self, target: SruTarget, isbn: str, number: str | None, xml: str | None) -> None:
        with self.store.atomic() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO sru_cache (target, isbn, class_number, record_xml,"
                " fetched_at) VALUES (?, ?, ?, ?, ?)",
                (target.name, isbn, number, xml, datetime.now().isoformat(timespec="seconds")),
            )


def copied_numbers(
    isbns: Iterable[tuple[str, str]], settings: CopyCataloguingConfig, store: Store
) -> tuple[dict[str, ClassNumber], CopyReport]:
    """``{record id: number}`` for (record id, ISBN) pairs; empty when switched off."""
    if not settings.enabled or not settings.targets:
        return {}, CopyReport()
    cataloguer = CopyCataloguer(settings, store)
    found: dict[str, ClassNumber] = {}
    try:
        for rid, isbn in isbns:
            number = cataloguer.number(isbn)
            if number is not None:
                found[rid] = number
    finally:
        cataloguer.close()
    return found, cataloguer.report
