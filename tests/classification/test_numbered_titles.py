"""Numbering titles before building (worker process) gives what numbering records gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from classification import assign
from classification.assign import AssignReport, assign_accessions, numbered_titles
from koha_bridge.config import Config
from koha_bridge.store import Store
from marc.build import ItemOrigin, build_record
from marc.itemnote import DeliveryNote
from marc.model import Book, Copy, SourceRef, Title

TODAY = date(2026, 9, 5)
ORIGIN = ItemOrigin(TODAY, None, DeliveryNote("12/PGH", TODAY, 7))


def titles(count: int) -> list[Title]:
    made = []
    for n in range(count):
        source = SourceRef("giao-nhan.xlsx", "Sheet1", n + 2)
        category = ("SGK", "TK", "TN")[n % 3]
        book = Book(source, f"Sách số {n}", category, quantity=1 + n % 4)
        copies = [Copy(source, category, k + 1, price=45000) for k in range(book.quantity)]
        made.append(Title(f"key-{n}", book, copies, [source]))
    return made


@pytest.mark.parametrize("textbooks", ["per_category", "per_title"])
def test_worker_numbering_equals_numbering_the_built_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, textbooks: str
) -> None:
    from dataclasses import replace

    config = Config()
    config = replace(config, accession=replace(config.accession, textbook_numbering=textbooks))
    monkeypatch.setattr(assign, "FIRST_BATCH_TITLES", 50)
    report = AssignReport()
    with Store(tmp_path / "a.sqlite") as store:
        numbered = list(numbered_titles(titles(700), store, config, report=report, batch=200,
                                        register_number=7))
    early = [build_record(t, config, today=TODAY, origin=ORIGIN) for t in numbered]
    with Store(tmp_path / "b.sqlite") as store:
        plain = [build_record(t, config, today=TODAY, origin=ORIGIN) for t in titles(700)]
        late = list(assign_accessions(plain, store, config))

    def keys(path: Path) -> list[str]:
        with Store(path) as store:
            return [r[0] for r in store.query("SELECT item_key FROM accessions ORDER BY id")]

    assert keys(tmp_path / "a.sqlite") == keys(tmp_path / "b.sqlite")
    assert keys(tmp_path / "a.sqlite")[0].split("|")[1:] == ["TQ7", "1"]

    def numbers(records: list) -> list[tuple[str | None, str | None]]:
        return [(f.get("i"), f.get("p")) for r in records for f in r.get_fields("952")]

    assert numbers(early) == numbers(late)
    assert len(set(numbers(early))) == report.assigned == report.copies
    with Store(tmp_path / "a.sqlite") as store:  # the same titles again reuse their numbers
        again_report = AssignReport()
        again = list(numbered_titles(titles(700), store, config, report=again_report, batch=200,
                                     register_number=7))
    assert [c.accession for t in again for c in t.copies] == [n for n, _ in numbers(early)]
    assert again_report.reused == report.assigned and again_report.assigned == 0
