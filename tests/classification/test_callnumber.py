"""Call numbers: parts from the config, year and volume."""

from __future__ import annotations

import pytest
from pymarc import Field, Indicators, Subfield

from classification.apply import classify_records
from classification.callnumber import (
    call_number,
    check_parts,
    format_volume,
    publication_year,
    volume_of,
)
from koha_bridge.config import ClassificationConfig, Config
from koha_bridge.exceptions import ConfigError
from tests.classification.marcfactory import make_record, subfields

ALL = ("classification", "author_mark", "year", "volume")


def test_default_parts() -> None:
    text = call_number("895.9223", "NGU", year="2024", volume="Tập 1",
                       parts=("classification", "author_mark"), volume_prefix="T.")
    assert text == "895.9223 NGU"


def test_all_parts_in_configured_order() -> None:
    assert call_number("895.9223", "NGU", year="2024", volume="Tập 1", parts=ALL,
                       volume_prefix="T.") == "895.9223 NGU 2024 T.1"
    assert call_number("510.712", "TOA", year=None, volume="Tập 2",
                       parts=("classification", "volume", "author_mark"),
                       volume_prefix="Q.") == "510.712 Q.2 TOA"


def test_missing_parts_leave_no_double_space() -> None:
    assert call_number("53(075)", None, year=None, volume=None, parts=ALL,
                       volume_prefix="T.") == "53(075)"


@pytest.mark.parametrize(
    ("volume", "expected"),
    [("Tập 1", "T.1"), ("T.2", "T.2"), ("tập 3", "T.3"), ("Quyển II", "T.II"), ("4", "T.4"),
     ("Phần đầu", "Phần đầu"), (None, None), ("", None)],
)
def test_format_volume(volume: str | None, expected: str | None) -> None:
    assert format_volume(volume, "T.") == expected


def test_publication_year_sources() -> None:
    assert publication_year(make_record("KB1", "x", year="2023")) == "2023"
    old = make_record("KB1", "x", year=None, extra=[Field(
        tag="260", indicators=Indicators(" ", " "), subfields=[Subfield("c", "c1998.")])])
    assert publication_year(old) == "1998"
    assert publication_year(make_record("KB1", "x", year=None)) is None


def test_volume_of_reads_245n() -> None:
    assert volume_of(make_record("KB1", "Toán 6", volume="Tập 1.")) == "Tập 1"
    assert volume_of(make_record("KB1", "Toán 6")) is None


def test_unknown_part_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="call_number_parts"):
        check_parts(("classification", "colour"))


def test_classify_writes_year_and_volume_into_every_copy() -> None:
    record = make_record("KB1", "Kính vạn hoa : truyện dài", author="Nguyễn Nhật Ánh",
                         year="2024", volume="Tập 1", copies=3)
    config = Config(classification=ClassificationConfig(call_number_parts=ALL))
    [(out, done)] = list(classify_records([record], config))
    assert done.call_number == "895.9223 NGU 2024 T.1"
    assert subfields(out, "952", "o") == ["895.9223 NGU 2024 T.1"] * 3
