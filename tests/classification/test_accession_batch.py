"""Numbering many records together gives exactly what numbering them one by one gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pymarc import Record

from classification.accession import AccessionBook, Request
from classification.assign import AssignReport, assign_accessions
from koha_bridge.config import AccessionConfig, Config
from koha_bridge.store import Store
from tests.classification.test_accession_assign import copies, item, record

PER_TITLE = dataclasses.replace(Config(), accession=AccessionConfig(
    textbook_numbering="per_title", barcode="numeric", barcode_width=6,
    barcode_check_digit=True,
))

REQUESTS = [
    Request("TK", ["a1", "a2", "a1"], "KB1"),  # a1 twice in one request: the same number
    Request("SGK", ["s1", "s2"], "KB2"),
    Request("NV", ["n1", None], "KB3"),
    Request("TK", ["a2", "t1"], "KB4"),  # a2 was numbered by an earlier request
    Request("TK", ["g1", "g2"], "KB5", ["0000109", None]),  # a given barcode (numeric: 10)
    Request("SGK", ["s3"], "KB2"),  # the same textbook title again
    Request("TK", [f"b{i}" for i in range(12)], "KB6"),  # takes barcode 10: skipped
]

LATER = [  # a title numbered before gets more copies, next to a new title
    Request("SGK", ["s4", "s5"], "KB2"),
    Request("SGK", ["u1"], "KB7"),
    Request("SGK", ["s6"], "KB2"),
]


def rows(store: Store) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.query(
        "SELECT accession, barcode, series, number, barcode_number, item_key, record_id,"
        " origin, status FROM accessions ORDER BY accession"
    )]


def test_allocate_many_equals_allocating_one_by_one(tmp_path: Path) -> None:
    with Store(tmp_path / "one.sqlite") as store:
        book = AccessionBook(store, PER_TITLE)
        book.register("TK.00003", item_key="old", record_id="KB0")  # skipped by both
        one = [[(a.accession, a.barcode, a.reused) for a in book.allocate(
            r.category, r.item_keys, record_id=r.record_id, barcodes=r.barcodes)]
            for r in REQUESTS + LATER]
        one_rows = rows(store)
    with Store(tmp_path / "many.sqlite") as store:
        book = AccessionBook(store, PER_TITLE)
        book.register("TK.00003", item_key="old", record_id="KB0")
        many = book.allocate_many(REQUESTS)
        many += book.allocate_many(LATER)
        assert rows(store) == one_rows
    assert many == [copy for request in one for copy in request]
    assert [[a for a, _, _ in request] for request in one[-3:]] == [
        ["SGK.0001.004", "SGK.0001.005"], ["SGK.0002.001"], ["SGK.0001.006"],
    ]
    assert one[0] == [("TK.00001", "0000017", False), ("TK.00002", "0000024", False),
                      ("TK.00001", "0000017", False)]
    assert one[3][0] == ("TK.00002", "0000024", True)
    assert [a for a, _, _ in one[1] + one[5]] == ["SGK.0001.001", "SGK.0001.002",
                                                  "SGK.0001.003"]
    assert "0000109" not in [b for _, b, _ in one[6]]


def delivery() -> list[Record]:
    return [
        record("KB000000000001", item("TK", 1, 2), item("TK", 2, 2), item("NV", 1, 3)),
        record("KB000000000002", item("TK", 1, 3, i="TK.00002")),  # given to KB1 just before
        record("KB000000000003", item("TK", 1, 4), item("ZZ", 2, 4)),
        record("KB000000000004", item("TK", 1, 5, p="TK.00009"), item("TK", 2, 5)),
        record("KB000000000005", item("TK", 1, 6, p="X-1"), item("TK", 2, 6, p="X-1")),
        record("KB000000000006", item("TK", 1, 7), item("TK", 1, 7)),  # same key twice
        record(None, item("TK", 1, 8)),
        record("KB000000000001", item("TK", 1, 2)),  # same 001 and key as the first record
    ]


def run(db: Path, batch: int, config: Config) -> tuple[list[object], AssignReport]:
    report = AssignReport()
    with Store(db) as store:
        out = copies(list(assign_accessions(delivery(), store, config, report=report,
                                            batch=batch)))
    return [*out, rows(Store(db))], report


def test_batches_number_like_single_records(tmp_path: Path) -> None:
    for config, name in ((Config(), "plain"), (PER_TITLE, "numeric")):
        single, single_report = run(tmp_path / f"{name}-1.sqlite", 1, config)
        batched, batched_report = run(tmp_path / f"{name}-all.sqlite", 100, config)
        assert batched == single
        assert batched_report == single_report
    plain, report = run(tmp_path / "again.sqlite", 100, Config())
    assert plain[:3] == [("TK.00001", "TK.00001"), ("TK.00002", "TK.00002"),
                         ("NV.00001", "NV.00001")]
    assert plain[3] == ("TK.00002", "TK.00002")  # kept, reported: KB1 holds it
    assert "TK.00002 đã được cấp cho bản khác" in report.problems[0]
    assert plain[6:8] == [("TK.00009", "TK.00009"), ("TK.00004", "TK.00004")]
    assert plain[10:12] == [("TK.00006", "TK.00006")] * 2
    assert plain[13] == ("TK.00001", "TK.00001")  # the first record's key again: reused
    assert (report.assigned, report.reused, report.kept) == (9, 1, 2)
