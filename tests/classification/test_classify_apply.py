"""classify_records: what is written into 082/084, 942 and every 952, and what is not."""

from __future__ import annotations

import random

import pytest
from pymarc import Field, Indicators, Subfield

from classification.apply import Hints, classify_records
from koha_bridge.config import ClassificationConfig, Config
from koha_bridge.exceptions import ConfigError
from marc.build import set_item_subfield, set_item_subfields
from tests.classification.marcfactory import make_record, subfields

#: These tests are about what the stage writes; the title model is tested on its own.
RULES_ONLY = Config(classification=ClassificationConfig(model=False, min_confidence="medium"))


def run(records: list, config: Config | None = None, hints: dict | None = None) -> list:
    return list(classify_records(records, config or RULES_ONLY, hints))


def test_accepted_ddc_goes_to_082_942_and_every_952() -> None:
    record = make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh", copies=3)
    config = Config(classification=ClassificationConfig(ddc_indicator="1", ddc_edition="14"))
    [(out, done)] = run([record], config)
    assert not done.needs_review
    assert (done.record_id, done.title, done.author) == (
        "KB1", "Mắt biếc : truyện dài", "Nguyễn Nhật Ánh")
    [f082] = out.get_fields("082")
    assert (f082.indicator1, f082.indicator2) == ("1", "4")
    assert f082.get_subfields("a", "2") == ["895.9223", "14"]
    assert subfields(out, "942", "2") == ["ddc"]
    assert subfields(out, "942", "h") == ["895.9223"]
    assert subfields(out, "942", "c") == ["STK"]  # what build wrote stays
    assert subfields(out, "952", "o") == ["895.9223 NGU"] * 3
    assert subfields(out, "952", "2") == ["ddc"] * 3
    assert subfields(out, "952", "y") == ["STK"] * 3


def test_class_in_942h_can_be_switched_off() -> None:
    record = make_record("KB1", "Mắt biếc : truyện dài")
    [(out, _)] = run([record], Config(classification=ClassificationConfig(class_in_942h=False)))
    assert subfields(out, "942", "h") == []
    assert subfields(out, "942", "2") == ["ddc"]


def test_below_min_confidence_goes_to_review_and_writes_nothing() -> None:
    record = make_record("KB1", "Harry Potter và hòn đá phù thủy", author="Marsh, Ellen",
                         category="TN", original="eng")
    [(out, done)] = run([record])
    assert done.needs_review
    assert done.proposal is not None
    assert (done.proposal.number, done.proposal.confidence) == ("823", "low")
    assert done.call_number is None
    assert done.author_mark == "MAR"
    assert out.get_fields("082") == []
    assert subfields(out, "952", "o") == []
    assert subfields(out, "942", "h") == []


def test_lower_min_confidence_lets_the_same_proposal_through() -> None:
    record = make_record("KB1", "Harry Potter và hòn đá phù thủy", category="TN", original="eng")
    config = Config(classification=ClassificationConfig(min_confidence="low", model=False))
    [(out, done)] = run([record], config)
    assert not done.needs_review
    assert subfields(out, "082", "a") == ["823"]


def test_no_proposal_at_all_needs_review() -> None:
    [(out, done)] = run([make_record("KB1", "Một cuốn sách lạ")])
    assert done.needs_review and done.proposal is None
    assert out.get_fields("082") == []


def test_list_number_by_record_id_is_written() -> None:
    record = make_record("KB7", "Một cuốn sách lạ", author="Tô Hoài")
    [(out, done)] = run([record], hints={"KB7": Hints(class_number="895.9228")})
    assert done.proposal is not None and done.proposal.source == "list"
    assert subfields(out, "082", "a") == ["895.9228"]
    assert subfields(out, "952", "o") == ["895.9228 TOH"] * 2


def test_list_19_class_number_goes_to_084_with_local_code_and_z() -> None:
    record = make_record("KB1", "Vật lí 6", category="SGK")
    config = Config(classification=ClassificationConfig(local_scheme_code="vn19"))
    [(out, done)] = run([record], config, {"KB1": Hints(class_number="53(075)")})
    assert done.proposal is not None and done.proposal.scheme == "bbk19"
    assert out.get_fields("082") == []
    [f084] = out.get_fields("084")
    assert f084.get_subfields("a", "2") == ["53(075)", "vn19"]
    assert subfields(out, "952", "o") == ["53(075) VAT"] * 2
    assert subfields(out, "952", "2") == ["z"] * 2
    assert subfields(out, "942", "2") == ["z"]


def test_legacy_084_is_kept_and_never_converted() -> None:
    record = make_record("KB1", "Vật lí 6", category="SGK", f084="53(075)")
    before = [str(f) for f in record.get_fields("084")]
    [(out, done)] = run([record])
    assert done.proposal is not None and done.proposal.source == "record"
    assert out.get_fields("082") == []
    assert [str(f) for f in out.get_fields("084")] == before
    assert subfields(out, "952", "o") == ["53(075) VAT"] * 2


def test_a_number_in_the_record_passes_the_strictest_gate() -> None:
    record = make_record("KB1", "Ngữ văn 7", category="SGK", f082="895.922")
    config = Config(classification=ClassificationConfig(min_confidence="high"))
    [(out, done)] = run([record], config)
    assert not done.needs_review  # a record number is high
    assert subfields(out, "082", "a") == ["895.922"]


def test_classifying_twice_changes_nothing_more() -> None:
    record = make_record("KB1", "Toán 6", author="Hà Huy Khoái", category="SGK", subject="Toán")
    [(once, _)] = run([record])
    first = str(once)
    [(twice, done)] = run([once])
    assert str(twice) == first
    assert done.proposal is not None and done.proposal.source == "record"
    assert len(twice.get_fields("082")) == 1


def test_list_hints_fill_what_the_record_does_not_say() -> None:
    record = make_record("KB1", "Bài tập", category="TK")
    hints = {"KB1": Hints(subject="Toán", grade="Lớp 2", category="SGK")}
    config = Config(classification=ClassificationConfig(textbook_policy="subject_plus_level"))
    [(out, done)] = run([record], config, hints)
    assert done.grade == "Lớp 2"
    assert subfields(out, "082", "a") == ["372.7"]


def test_streams_one_record_at_a_time() -> None:
    seen: list[str] = []

    def source():
        for n in range(3):
            seen.append(f"KB{n}")
            yield make_record(f"KB{n}", "Mắt biếc : truyện dài")

    stream = classify_records(source(), Config())
    next(stream)
    assert seen == ["KB0"]


@pytest.mark.parametrize(
    "settings",
    [{"min_confidence": "sure"}, {"call_number_parts": ("classification", "shelf")},
     {"author_mark_strategy": "cutter"}],
)
def test_bad_settings_fail_before_any_record(settings: dict) -> None:
    config = Config(classification=ClassificationConfig(**settings))
    with pytest.raises(ConfigError):
        next(classify_records([make_record("KB1", "x")], config))


def _layouts() -> list[list[Subfield]]:
    """952 subfield lists: build's order, shuffled, with old $o/$2, unknown codes, repeats."""
    rng = random.Random(952)
    codes = [*"abcdegvy8tipo2x", "w", "z"]
    found = [[Subfield(c, f"v{c}") for c in "abcdy8tp"], [], [Subfield("o", "old")]]
    for _ in range(300):
        picked = rng.sample(codes, rng.randrange(1, 9)) + rng.choices(["o", "2", "w"], k=2)
        found.append([Subfield(c, f"{c}{n}") for n, c in enumerate(picked)])
    return found


@pytest.mark.parametrize(
    "values",
    [{"o": "895.9223 NGU", "2": "ddc"}, {"2": "ddc", "o": "510 TOA"}, {"o": " ", "2": "ddc"},
     {"o": "Tập\u00a01\n", "w": "x", "z": "y"}, {"o": ""}, {}],
)
def test_set_item_subfields_equals_setting_them_one_by_one(values: dict[str, str]) -> None:
    layouts = _layouts()
    batch = [Field(tag="952", indicators=Indicators(" ", " "), subfields=list(s))
             for s in layouts]
    set_item_subfields(batch, values)
    for subs, got in zip(layouts, batch, strict=True):
        one = Field(tag="952", indicators=Indicators(" ", " "), subfields=list(subs))
        for code, value in values.items():
            set_item_subfield(one, code, value)
        assert got.subfields == one.subfields, subs


def test_set_item_subfields_refuses_koha_owned_codes() -> None:
    item = Field(tag="952", indicators=Indicators(" ", " "), subfields=[Subfield("a", "MAU")])
    with pytest.raises(ValueError, match="952 \\$9"):
        set_item_subfields([item], {"o": "510 TOA", "9": "1"})
    assert item.subfields == [Subfield("a", "MAU")]


def test_942_keeps_its_other_subfields_and_gets_one_2_and_h() -> None:
    record = make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh")
    record["942"].subfields = [Subfield("2", "udc"), Subfield("c", "STK"), Subfield("h", "8"),
                               Subfield("2", "x")]
    [(out, done)] = run([record])
    assert not done.needs_review
    assert [(s.code, s.value) for s in out["942"].subfields] == [
        ("c", "STK"), ("2", "ddc"), ("h", "895.9223")]


def test_title_and_author_come_from_the_first_fields() -> None:
    record = make_record("KB1", "Toán 6 /", author="Nguyễn Văn A")
    record["100"].subfields = [Subfield("a", " ")]
    record.add_ordered_field(Field(tag="110", indicators=Indicators("2", " "),
                                   subfields=[Subfield("a", "Bộ Giáo dục và Đào tạo")]))
    record["245"].subfields += [Subfield("b", "sách giáo khoa ;"), Subfield("n", "Tập 1.")]
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                           subfields=[Subfield("a", "Not this one")]))
    [(_, done)] = run([record])
    assert done.title == "Toán 6 sách giáo khoa Tập 1"
    assert done.author == "Bộ Giáo dục và Đào tạo"
    assert done.author_mark == "BOG"
