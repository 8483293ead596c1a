"""classify_aside: the same records and outcomes as classify_records, with a worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from pymarc import Record

from benchmarks.bench_classify import build
from classification import aside
from classification.apply import classify_records
from classification.recordscan import RecordScan, scan_record
from koha_bridge.config import Config
from tests.classification.marcfactory import make_record


def _slowly(records: list[Record]) -> Iterator[Record]:
    """Records as a slow build gives them, so the worker starts before the last batch."""
    for record in records:
        time.sleep(0.002)
        yield record


def test_worker_decisions_match_classify_records(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config()
    expected_records, hints = build(1600)
    expected = list(classify_records(expected_records, config, hints))
    records, _ = build(1600)
    sent = []
    pack = aside._pack

    def counted(scan: RecordScan) -> tuple[Any, ...]:
        sent.append(scan)
        return pack(scan)

    monkeypatch.setattr(aside, "_pack", counted)
    got = list(aside.classify_aside(_slowly(records), config, hints, count=len(records)))
    assert sent, "no batch went to the worker"
    assert [done for _, done in got] == [done for _, done in expected]
    assert [str(r) for r, _ in got] == [str(r) for r, _ in expected]


def test_a_short_run_needs_no_worker() -> None:
    records, hints = build(20)
    expected = list(classify_records(build(20)[0], Config(), hints))
    got = list(aside.classify_aside(records, Config(), hints, count=20))
    assert [done for _, done in got] == [done for _, done in expected]


def test_a_packed_scan_comes_back_whole() -> None:
    record = make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh",
                         original="eng", f082="895.9223", f084="V23", subject="Văn học",
                         grade="Lớp 7", series="Tủ sách")
    scan = scan_record(record)
    back = aside._unpack(aside._pack(scan))
    assert RecordScan.__slots__ == (
        "found", "language", "title_a", "title_more", "title_parts", "subject_texts",
        "original_languages", "class_fields", "headings", "publisher",
    ), "a new RecordScan field must be packed too"
    for name in RecordScan.__slots__:
        if name in ("class_fields", "headings"):
            continue
        assert getattr(back, name) == getattr(scan, name)
    assert [str(f) for f in back.class_fields] == [str(f) for f in scan.class_fields]
    assert {t: str(f) for t, f in back.headings.items()} == {
        t: str(f) for t, f in scan.headings.items()}
    assert back.class_fields and back.headings
