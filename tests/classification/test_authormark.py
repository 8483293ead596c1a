"""Author marks: the yaml examples, title fallback, folding, and the strategy registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from pymarc import Field, Indicators, Record, Subfield

from classification.apply import classify_records
from classification.authormark import (
    STRATEGIES,
    author_mark,
    main_heading,
    mark_letters,
)
from koha_bridge.config import ClassificationConfig, Config
from koha_bridge.exceptions import ConfigError
from tests.classification.marcfactory import make_record, subfields

MARKS = Path(__file__).resolve().parents[2] / "classification" / "data" / "author-marks.yaml"


def _examples(strategy: str) -> list[tuple[str, str]]:
    data = yaml.safe_load(MARKS.read_text(encoding="utf-8"))
    found = data["author_mark"]["strategies"][strategy]["examples"]
    return [(e["heading"], e["mark"]) for e in found]


def _record_for(heading: str) -> Record:
    if heading.startswith("(no author; title) "):
        return make_record("KB1", heading.removeprefix("(no author; title) "))
    return make_record("KB1", "Một cuốn sách", author=heading)


@pytest.mark.parametrize(("heading", "mark"), _examples("first3"))
def test_first3_yaml_examples(heading: str, mark: str) -> None:
    assert author_mark(_record_for(heading), "first3") == mark


@pytest.mark.parametrize(("heading", "mark"), _examples("first3_given_name"))
def test_first3_given_name_yaml_examples(heading: str, mark: str) -> None:
    assert author_mark(_record_for(heading), "first3_given_name") == mark


def test_the_shipped_yaml_has_the_examples_the_brief_names() -> None:
    assert ("Tô Hoài", "TOH") in _examples("first3")
    assert ("Nguyễn Nhật Ánh", "ANH") in _examples("first3_given_name")


def test_title_fallback_skips_non_filing_characters() -> None:
    assert author_mark(make_record("KB1", "The Hobbit", nonfiling=4)) == "HOB"
    assert author_mark(make_record("KB1", "The Hobbit", nonfiling=0)) == "THE"


def test_folding_of_vietnamese_letters() -> None:
    assert author_mark(make_record("KB1", "x", author="Đỗ Hoàng Tường")) == "DOH"
    assert author_mark(make_record("KB1", "Ước mơ của Ư")) == "UOC"
    assert mark_letters("ơ-ư đ", 3) == "OUD"


def test_corporate_heading_and_given_name_fallbacks() -> None:
    corporate = make_record("KB1", "x", author="Bộ Giáo dục và Đào tạo", author_tag="110")
    assert main_heading(corporate) == ("110", "Bộ Giáo dục và Đào tạo")
    assert author_mark(corporate, "first3_given_name") == "BOG"
    inverted = make_record("KB1", "x", author="Rowling, J. K.")
    assert author_mark(inverted, "first3_given_name") == "ROW"


def test_no_heading_and_no_title_gives_none() -> None:
    record = make_record("KB1", "...")
    assert author_mark(record) is None


def test_unknown_strategy_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="author_mark_strategy"):
        author_mark(make_record("KB1", "x"), "cutter_sanborn")


def test_a_new_strategy_can_be_registered_without_touching_callers() -> None:
    strategies = STRATEGIES.copy()

    def surname_and_year(record: Record) -> str | None:
        heading = main_heading(record)
        letters = mark_letters(heading[1], 2) if heading else None
        f008 = record.get("008")
        return f"{letters}{f008.data[9:11]}" if letters and f008 and f008.data else None

    strategies.register("surname_and_year", surname_and_year)
    with pytest.raises(ValueError, match="already registered"):
        strategies.register("surname_and_year", surname_and_year)
    assert "surname_and_year" not in STRATEGIES.names()  # the shared registry is untouched

    record = make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh", year="2019")
    assert author_mark(record, "surname_and_year", strategies=strategies) == "NG19"
    config = Config(classification=ClassificationConfig(author_mark_strategy="surname_and_year"))
    [(out, done)] = list(classify_records([record], config, strategies=strategies))
    assert done.author_mark == "NG19"
    assert subfields(out, "952", "o") == ["895.9223 NG19", "895.9223 NG19"]


def test_config_strategy_given_name_reaches_the_call_number() -> None:
    record = make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh")
    config = dataclasses.replace(
        Config(), classification=ClassificationConfig(author_mark_strategy="first3_given_name"))
    [(out, _)] = list(classify_records([record], config))
    assert subfields(out, "952", "o") == ["895.9223 ANH", "895.9223 ANH"]


def test_main_heading_reads_only_the_first_field_of_each_tag() -> None:
    record = make_record("KB1", "Một cuốn sách", author=" ")  # an empty first 100
    record.add_ordered_field(Field(tag="100", indicators=Indicators("0", " "),
                                   subfields=[Subfield("a", "Tô Hoài")]))
    record.add_ordered_field(Field(tag="111", indicators=Indicators("2", " "),
                                   subfields=[Subfield("a", "Hội nghị")]))
    assert main_heading(record) == ("111", "Hội nghị")
    record.fields.insert(0, Field(tag="110", indicators=Indicators("2", " "),
                                  subfields=[Subfield("b", "no $a")]))
    assert main_heading(record) == ("111", "Hội nghị")
    record["100"].subfields = [Subfield("a", "Nguyễn Nhật Ánh")]
    assert main_heading(record) == ("100", "Nguyễn Nhật Ánh")
    assert author_mark(record, "first3") == "NGU"
