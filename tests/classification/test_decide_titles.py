"""Deciding titles before building (in a worker process for a long list) writes what
classifying the built records writes."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pymarc import Record

from benchmarks.generate import write_csv
from classification import titles as titles_module
from classification.apply import Classifier, Hints, classify_records
from classification.titles import TitleDecider, book_hints
from koha_bridge.acquisitions.pipeline import prepare, records
from koha_bridge.config import Config
from marc.build import build_record, record_id
from marc.model import Title

TODAY = date(2026, 9, 5)


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("list") / "list.csv"
    write_csv(path, 2600)  # five batches and a part
    return path


def no_numbering() -> Config:
    config = Config()
    return replace(config, accession=replace(config.accession, enabled=False))


def hints_of(titles: list[Title]) -> dict[str, Hints]:
    return {record_id(t): book_hints(t.book) for t in titles}


def test_the_worker_decides_what_this_process_decides(
    delivery: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = no_numbering()
    titles = prepare([delivery], config).titles
    here = list(TitleDecider(Classifier(config)).decide(titles, today=TODAY))
    local_batches = []
    decide = titles_module._decide

    def counted(classifier, jobs, today):  # type: ignore[no-untyped-def]
        local_batches.append(len(jobs))
        time.sleep(0.5)  # this process is busy: the worker starts meanwhile
        return decide(classifier, jobs, today)

    monkeypatch.setattr(titles_module, "_decide", counted)
    with TitleDecider(Classifier(config)) as decider:
        decider.start()
        there = list(decider.decide(titles, today=TODAY))
    assert there == here
    assert len(here) == len(titles)
    batches = -(-len(titles) // titles_module.BATCH_TITLES)
    assert len(local_batches) < batches  # the worker decided the others
    assert sum(d.classified.needs_review for d in here) < len(here) // 2
    assert sum(d.number is not None for d in here) > len(here) // 2


def without_008(record: Record) -> list[str]:
    return [str(f) for f in record.fields if f.tag not in ("005", "008")]


@pytest.mark.parametrize("every", [False, True])
def test_conversion_writes_what_classifying_the_built_records_writes(
    delivery: Path, monkeypatch: pytest.MonkeyPatch, every: bool
) -> None:
    config = no_numbering()
    if every:  # every proposal written, 942 $h too
        config = replace(config, classification=replace(
            config.classification, min_confidence="unconfirmed", class_in_942h=True))
    monkeypatch.setattr(titles_module, "WORKER_TITLES", 1)
    conversion = prepare([delivery], config, classify_ahead=True)
    assert conversion.decider is not None
    converted = list(records(conversion, config, store=None, today=TODAY))
    plain = prepare([delivery], config)
    built = [build_record(t, config, today=TODAY) for t in plain.titles]
    classified = list(classify_records(built, config, hints_of(plain.titles)))
    assert [without_008(r) for r in converted] == [without_008(r) for r, _ in classified]
    assert conversion.review == [c for _, c in classified if c.needs_review]
    with_952_o = [r for r in converted if r.get_fields("952")[0].get("o")]
    assert len(with_952_o) > len(converted) // 2
    for record in with_952_o:
        field = record.get("082") or record.get("084")
        assert field is not None and record.get_fields("952")[-1].get("o", "").startswith(
            field.get("a") or "?")


def test_the_classified_number_gives_008_its_literary_form(delivery: Path) -> None:
    config = no_numbering()
    converted = list(records(prepare([delivery], config), config, store=None, today=TODAY))
    fiction = [r for r in converted
               if (r.get("082") or {}).get("a", "").startswith("895.9223")]  # type: ignore[union-attr]
    assert fiction
    assert {r["008"].data[33] for r in fiction} <= {"1", "f", "j", "p"}  # type: ignore[index]
    assert "1" in {r["008"].data[33] for r in fiction}  # type: ignore[index]


def test_a_scheme_s_own_cn_source_reaches_every_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    config = no_numbering()
    classifier = Classifier(config)
    monkeypatch.setattr(classifier, "cn_sources", {"ddc": "ddc23"})
    from marc.model import Book, Copy, SourceRef

    source = SourceRef("list.csv", None, 2)
    book = Book(source, "Tiểu thuyết Mắt biếc", "TK", quantity=2, class_number="895.9223")
    title = Title("k", book, [Copy(source, "TK", 1), Copy(source, "TK", 2)])
    [decided] = TitleDecider(classifier).decide([title], today=TODAY)
    assert decided.number is not None
    shelved = replace(title, class_number=decided.number,
                      call_number=decided.classified.call_number)
    record = build_record(shelved, config, today=TODAY)
    classifier.write_built(record, decided)
    assert [f.get("2") for f in record.get_fields("952")] == ["ddc23", "ddc23"]
    assert record["942"].get("2") == "ddc23"  # type: ignore[index]
