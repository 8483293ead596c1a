"""Class-number proposals: each source in order, with its recorded provenance."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from pymarc import Field, Indicators, Subfield

from classification.classnumber import Hints, hints_from_record, propose, school_level
from classification.recordscan import scan_record
from classification.rules import Rule, RuleSet, compile_rules, default_rules
from classification.tables import (
    _NON_WORD,
    fold,
    fold_letters,
    fold_words,
    parse_class_number,
    spelling_key,
)
from koha_bridge.config import ClassificationConfig, Config, SchoolConfig
from koha_bridge.exceptions import ConfigError
from tests.classification.marcfactory import make_record


def config(**settings: object) -> Config:
    return Config(classification=ClassificationConfig(**settings))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("895.9223", ("895.9223", "ddc")),
        ("895.922 34", ("895.92234", "ddc")),
        ("895.922'34", ("895.92234", "ddc")),
        ("510", ("510", "ddc")),
        ("3K", ("3K", "bbk19")),
        ("53(075)", ("53(075)", "bbk19")),
        ("53", ("53", "bbk19")),
        ("abc", None),
        ("", None),
        ("5102", None),
        ("x12", None),
    ],
)
def test_parse_class_number(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_class_number(text) == expected


def test_list_number_comes_first() -> None:
    record = make_record("KB1", "Toán 6", category="SGK", f082="510")
    found = propose(record, Hints(class_number="895.9223"), Config())
    assert found is not None
    assert (found.number, found.scheme, found.source, found.confidence) == (
        "895.9223", "ddc", "list", "high")


def test_record_082_before_textbook_and_rules() -> None:
    record = make_record("KB1", "Toán 6", category="SGK", f082="510.76")
    found = propose(record, hints_from_record(record), Config())
    assert found is not None
    assert (found.number, found.source, found.confidence) == ("510.76", "record", "high")


def test_legacy_084_is_kept_not_converted() -> None:
    record = make_record("KB1", "Vật lí 6", category="SGK", f084="53(075)")
    found = propose(record, hints_from_record(record), Config())
    assert found is not None
    assert (found.number, found.scheme, found.source) == ("53(075)", "bbk19", "record")


def test_textbook_policy_cip_lowers_confidence_and_says_so() -> None:
    record = make_record("KB1", "Toán 6", category="SGK")
    found = propose(record, hints_from_record(record), config(textbook_policy="cip"))
    assert found is not None
    assert (found.number, found.source, found.confidence) == ("510.712", "subject", "medium")
    assert "CIP" in found.why


def test_textbook_policy_subject_plus_level_uses_csv_confidence() -> None:
    record = make_record("KB1", "Toán 6", category="SGK")
    found = propose(record, hints_from_record(record), config(textbook_policy="subject_plus_level"))
    assert found is not None
    assert (found.number, found.confidence) == ("510.712", "high")


def test_textbook_policy_subject_gives_the_discipline_number() -> None:
    record = make_record("KB1", "Vật lý 10", category="SGK")
    found = propose(record, hints_from_record(record), config(textbook_policy="subject"))
    assert found is not None
    assert (found.number, found.confidence) == ("530", "high")


def test_grade_hint_picks_the_primary_row() -> None:
    record = make_record("KB1", "Bài tập", category="NV", subject="Toán", grade="Lớp 3")
    found = propose(record, hints_from_record(record), config(textbook_policy="subject_plus_level"))
    assert found is not None
    assert found.number == "372.7"


def test_school_level_from_config_when_no_grade() -> None:
    record = make_record("KB1", "Sách giáo viên Tiếng Anh", category="NV")
    primary = dataclasses.replace(
        config(textbook_policy="subject_plus_level"), school=SchoolConfig(level="TH"))
    found = propose(record, hints_from_record(record), primary)
    assert found is not None
    assert found.number == "372.6521"


def test_unconfirmed_csv_row_stays_lowest_under_cip() -> None:
    record = make_record("KB1", "Ngữ văn 7", category="SGK")
    found = propose(record, hints_from_record(record), config(textbook_policy="cip"))
    assert found is not None
    assert (found.number, found.confidence) == ("807.12", "unconfirmed")


def test_gdpt_series_makes_a_textbook_whatever_the_category() -> None:
    record = make_record("KB1", "Khoa học tự nhiên 7", category="TK",
                         series="Kết nối tri thức với cuộc sống")
    found = propose(record, hints_from_record(record), config(textbook_policy="subject_plus_level"))
    assert found is not None
    assert (found.number, found.source) == ("507.12", "subject")


@pytest.mark.parametrize(
    ("title", "kwargs", "number", "rule"),
    [
        ("Từ điển Anh - Việt", {}, "423.95922", "tu_dien_anh_viet"),
        ("Tu dien Viet - Anh", {}, "495.922321", "tu_dien_viet_anh"),
        ("Doraemon : truyện tranh", {"category": "TN"}, "741.5", "truyen_tranh"),
        ("Mắt biếc : truyện dài", {}, "895.9223", "vhvn_truyen"),
        ("Góc sân và khoảng trời : thơ", {}, "895.9221", "vhvn_tho"),
        ("Búp sen xanh : tiểu thuyết", {"original": "rus"}, "891.73", "vhnn_nga"),
        ("Totto-chan bên cửa sổ", {"original": "jpn", "category": "TN"}, "895.63", "vhnn_nhat"),
        ("Tư tưởng Hồ Chí Minh về giáo dục", {}, "335.4346", "tu_tuong_ho_chi_minh"),
        ("Lịch sử Việt Nam bằng tranh", {}, "959.7", "lich_su_vn"),
        ("Hỏi đáp pháp luật cho học sinh", {}, "349.597", "phap_luat_vn"),
        ("Rèn kỹ năng sống cho học sinh", {}, "158.1", "ky_nang_song"),
        ("Dế mèn phiêu lưu ký", {"category": "TN"}, "895.9223", "truyen_thieu_nhi_vn"),
        ("Tạp chí Toán tuổi thơ số 245", {}, "059.95922", "bao_tap_chi"),
        ("Tự truyện của một cầu thủ", {}, "920", "tieu_su"),
        ("Cẩm nang tuổi dậy thì cho bạn gái", {}, "613.9071", "gioi_tinh_tuoi_day_thi"),
        ("Thấu hiểu trẻ tự kỷ", {}, "618.92", "tre_tu_ky"),
        ("60 hoạt động Montessori tại nhà", {}, "649.1", "phuong_phap_giao_duc_tre"),
        ("Làm việc cùng ChatGPT", {}, "006.3", "tri_tue_nhan_tao"),
        ("Bộ luật lao động và tiền lương trong doanh nghiệp", {}, "349.597", "phap_luat_vn"),
        ("Kế toán tài chính doanh nghiệp", {}, "657", "ke_toan"),
        ("Hướng dẫn áp dụng luật kế toán sửa đổi", {}, "349.597", "phap_luat_vn"),
        ("Thám hiểm vùng băng - Tập 12", {"original": "jpn"}, "741.5", "manga_tap"),
        ("Phong thủy nhà ở và văn phòng kinh doanh", {}, "133.3", "phong_thuy_tu_vi"),
        ("Kỳ môn độn giáp nhập môn", {}, "133.3", "phong_thuy_tu_vi"),
        ("Cẩm nang mang thai 40 tuần", {}, "649.1", "mang_thai_nuoi_con"),
        ("Văn chương và thời đại", {}, "809", "nghien_cuu_van_hoc"),
        ("Oxford Learner's Pocket Dictionary", {}, "423", "tu_dien_anh"),
        ("English Idioms in Use - Intermediate", {}, "428", "hoc_tieng_anh"),
        ("Tintin ở Tây Tạng", {}, "741.5", "manga_series"),
        ("Em bảo vệ môi trường - Giảm rác thải nhựa", {}, "363.7", "moi_truong"),
        ("Giải toán cùng Einstein", {}, "510", "toan_hoc_pho_thong"),
        ("Tranh dân gian Đông Hồ", {}, "700", "my_thuat"),
    ],
)
def test_default_rules(title: str, kwargs: dict[str, Any], number: str, rule: str) -> None:
    record = make_record("KB1", title, **kwargs)
    found = propose(record, hints_from_record(record), config(model=False))  # the rules alone
    assert found is not None
    assert (found.number, found.source) == (number, f"rule:{rule}")
    assert found.why


@pytest.mark.parametrize(
    "title", ["Tuổi thơ dữ dội", "Địa chí Thành phố Hồ Chí Minh", "Truyền thống nhà trường"]
)
def test_rules_do_not_fire_on_look_alike_words(title: str) -> None:
    record = make_record("KB1", title)
    assert propose(record, hints_from_record(record), config(model=False)) is None
    found = propose(record, hints_from_record(record), Config())  # the title model may guess
    assert found is None or found.source == "model"


def test_language_hint_from_the_list() -> None:
    record = make_record("KB1", "Những người khốn khổ : tiểu thuyết")
    found = propose(record, Hints(language="tiếng Pháp"), Config())
    assert found is not None
    assert found.number == "843"


def test_subject_of_a_reference_book_is_the_last_resort() -> None:
    record = make_record("KB1", "Tuyển tập đề thi học sinh giỏi", subject="Hóa học")
    found = propose(record, hints_from_record(record), Config())
    assert found is not None
    assert (found.number, found.source, found.confidence) == ("540", "subject", "medium")


def test_school_rules_are_tried_first(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: truyen_dai_truong\n"
        "    label: Truyện dài (quy ước của trường)\n"
        "    match: {any: [truyện dài]}\n"
        "    number: '895.92234'\n"
        "    confidence: high\n"
        "    basis: quyết định của tổ thư viện\n",
        encoding="utf-8",
    )
    school = dataclasses.replace(
        config(rules_file="rules.yaml"), source=tmp_path / "koha-bridge.toml")
    record = make_record("KB1", "Mắt biếc : truyện dài")
    found = propose(record, hints_from_record(record), school)
    assert found is not None
    assert (found.number, found.source, found.confidence) == (
        "895.92234", "rule:truyen_dai_truong", "high")


def test_bad_school_rules_report_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rules:\n"
        "  - {id: a, label: A, match: {any: [x], colour: [red]}, number: '53(075)',"
        " confidence: high, basis: b}\n"
        "  - {id: b, label: B, match: {any: [y]}, number: '510', confidence: sure, basis: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        propose(make_record("KB1", "x"), Hints(), config(rules_file=str(path)))
    message = str(info.value)
    assert "colour" in message and "DDC" in message and "confidence" in message


def test_default_rules_compile_and_cite_a_basis() -> None:
    rules = default_rules()
    assert len(rules) > 25
    assert all(rule.basis and rule.label for rule in rules)
    assert len({rule.id for rule in rules}) == len(rules)


def test_hints_from_record() -> None:
    record = make_record("KB1", "Toán 6", category="SGK", subject="Toán", grade="Lớp 6",
                         series="Cánh Diều", lang="vie")
    assert hints_from_record(record) == Hints(
        subject="Toán", grade="Lớp 6", category="SGK", series="Cánh Diều", language="vie")


@pytest.mark.parametrize(
    ("grade", "level"),
    [("Lớp 3", "TH"), ("6", "THCS"), ("Khối 11", "THPT"), ("Mầm non", "MN"), (None, "THCS")],
)
def test_school_level(grade: str | None, level: str) -> None:
    assert school_level(grade, "THCS") == level


def test_a_none_phrase_that_blocks_an_any_phrase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dead.yaml"
    path.write_text(
        "rules:\n"
        "  - {id: tho, label: Thơ, match: {any: [thơ], none: [thợ]}, number: '895.9221',"
        " confidence: medium, basis: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="chặn"):
        propose(make_record("KB1", "x"), Hints(), config(rules_file=str(path)))


# -- the fast paths give what the plain definitions give -------------------------------


def _plain_fold(text: str) -> str:
    """``fold`` as first written: the whole text at once, no cache."""
    return _NON_WORD.sub(" ", fold_letters(text).lower()).strip()


FOLD_SAMPLES = [
    "Tiếng Việt 1 (Tập một)",
    "  Đất nước\u00a0đứng lên\t— NGUYÊN NGỌC  ",
    "Lịch sử\u2000và\u2001Địa lí 4",  # spaces that NFC/NFD change into other spaces
    "a \u0301b c\u0301",  # a combining mark after a space, and after a letter
    "Kelvin \u212a İstanbul ﬁn",  # lower() and NFD turning non-ASCII into ASCII
    "ABC-123_x/y:z 2024",
    "",
    " \n ",
    "Toán " * 60,  # longer than the cached length
]


@pytest.mark.parametrize("text", FOLD_SAMPLES)
def test_fold_and_fold_words_equal_the_plain_fold(text: str) -> None:
    assert fold(text) == _plain_fold(text)
    assert fold(text) == _plain_fold(text)  # again, from the cache
    assert fold_words(text) == _plain_fold(text)


def test_scan_reads_what_the_record_says_in_one_pass() -> None:
    record = make_record(
        "KB1", "Toán 6", author="Nguyễn Văn A", category="SGK", copies=2,
        subject="Toán", grade="Lớp 6", series="Cánh Diều", original="eng",
        f084="3K", extra=[Field(tag="650", indicators=Indicators(" ", "7"),
                                subfields=[Subfield("a", "Toán học")])],
    )
    # An empty 952 $8 and an empty 653 come first: the first non-empty ones count.
    record.fields.insert(1, Field(tag="952", indicators=Indicators(" ", " "),
                                  subfields=[Subfield("8", " "), Subfield("a", "MAU")]))
    record.fields.insert(1, Field(tag="653", indicators=Indicators(" ", " "),
                                  subfields=[Subfield("a", "  ")]))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                           subfields=[Subfield("a", "Second title")]))
    scan = scan_record(record)
    assert scan.hints == Hints(subject="Toán", grade="Lớp 6", category="SGK",
                               series="Cánh Diều", language="vie")
    assert hints_from_record(record) == scan.hints
    assert scan.title_a == ["Toán 6"]
    assert scan.subject_texts == ["  ", "Cánh Diều", "Toán học", "Toán"]
    assert scan.original_languages == {"eng"}
    assert [f.tag for f in scan.class_fields] == ["084"]
    assert sorted(scan.headings) == ["100"]


def test_completed_hints_take_only_what_is_missing() -> None:
    scan = scan_record(make_record("KB1", "x", subject="Toán", grade="Lớp 6", category="SGK"))
    given = Hints(subject="Ngữ văn", grade="Lớp 7", category="TK", language="eng")
    assert scan.completed(given) is given  # nothing to add: the same object
    assert scan.completed(Hints(class_number="510")) == Hints(
        class_number="510", subject="Toán", grade="Lớp 6", category="SGK", language="vie")
    assert scan.completed(None) == scan.hints


def test_082_wins_over_an_earlier_084() -> None:
    record = make_record("KB1", "x", f084="3K")
    record.add_ordered_field(Field(tag="082", indicators=Indicators("0", "4"),
                                   subfields=[Subfield("a", "510")]))
    record.fields.sort(key=lambda f: f.tag != "084")  # 084 first in the record
    found = propose(record, hints_from_record(record), Config())
    assert found is not None
    assert (found.number, found.scheme, found.source) == ("510", "ddc", "record")


def test_title_subject_is_used_when_the_list_subject_has_no_row() -> None:
    record = make_record("KB1", "Vở bài tập Toán 7", category="SGK", subject="Môn không có")
    found = propose(record, hints_from_record(record), config(textbook_policy="subject"))
    assert found is not None
    assert (found.number, found.source) == ("510", "subject")


def _brute_first_match(
    rules: tuple[Rule, ...], text: str, category: str | None, languages: frozenset[str]
) -> Rule | None:
    """Every condition of every rule in order, with its regexes only (no index)."""
    for rule in rules:
        for c in rule.conditions:
            if c.categories and category not in c.categories:
                continue
            if c.languages and c.languages.isdisjoint(languages):
                continue
            if c.any_of is not None and not c.any_of.search(text):
                continue
            if not all(p.search(text) for p in c.all_of):
                continue
            if c.none_of is not None and c.none_of.search(text):
                continue
            return rule
    return None


def test_rule_index_agrees_with_trying_every_rule() -> None:
    extra = compile_rules({"rules": [{
        "id": "all_none", "label": "x", "number": "500", "confidence": "low", "basis": "test",
        "match": {"all": ["khoa học", "vui"], "none": ["sách giáo khoa"]},
    }]}, "test")
    rules = extra + default_rules()
    patterns = [p for r in rules for c in r.conditions for p in (c.any_of, c.none_of) if p]
    # The folded phrases back from the patterns (r"\b(?:a b|c)\b"), as they are and with
    # their words reversed (same words, no phrase).
    phrases = [p.replace("\\", "") for pattern in patterns
               for p in pattern.pattern[5:-3].split("|")]
    phrases += [" ".join(reversed(p.split())) for p in phrases]
    phrases += [fold(p) for p in ("truyện ngắn Anh", "tuổi thơ dữ dội", "khoa học vui",
                                  "sách giáo khoa khoa học vui", "Bác Hồ ở Thành phố Hồ Chí Minh")]
    texts = [f"mot {p} hai" for p in phrases] + [f"{a} {b}" for a, b in pairwise(phrases)]
    ruleset = RuleSet(rules)
    for category in (None, "TN", "SGK", "TK"):
        for languages in (frozenset(), frozenset({"vie"}), frozenset({"eng", "fre"})):
            for text in texts:
                assert ruleset.first_match(text, category, languages) == _brute_first_match(
                    rules, text, category, languages), (text, category, languages)


@pytest.mark.parametrize(
    ("author", "vietnamese"),
    [
        ("Tô Hoài", True),
        ("Nguyễn Nhật Ánh", True),
        ("Đoàn Giỏi", True),
        ("Phùng Quán", True),
        ("Lê Linh", True),
        ("Antoine de Saint-Exupéry", False),
        ("Hector Malot", False),
        ("Kuroyanagi Tetsuko", False),
    ],
)
def test_a_translation_without_041h_is_not_vietnamese_literature(
    author: str, vietnamese: bool
) -> None:
    record = make_record("KB1", "Hoàng tử bé", author=author, category="TN")
    proposal = propose(record, hints_from_record(record), config())
    if vietnamese:
        assert proposal is not None and proposal.number == "895.9223"
    else:
        assert proposal is None or not proposal.number.startswith("895.92")


def test_a_rule_wrong_on_the_dev_half_only_proposes() -> None:
    """Rules that were mostly wrong on the dev half stay as unconfirmed proposals: with
    no model they are still the proposal, but never written without review."""
    record = make_record("KB1", "Chuyện kể về Bác Hồ")
    found = propose(record, hints_from_record(record), config(model=False))
    assert found is not None
    assert (found.number, found.source, found.confidence) == (
        "959.704092", "rule:ho_chi_minh_tieu_su", "unconfirmed")


@pytest.mark.parametrize(
    ("title", "not_rule"),
    [
        ("Tâm lý học về tiền", "to_mau_ve"),  # "học về" folds like "học vẽ"
        ("Địa chí các tỉnh thời Pháp thuộc", "y_hoc_suc_khoe"),  # "thuộc" like "thuốc"
        ("Nghệ thuật đàm phán", "my_thuat"),  # the art of anything
        ("Ngân hàng câu hỏi trắc nghiệm Vật lí", "tai_chinh_ca_nhan"),  # a question bank
        ("Kĩ năng viết văn nghị luận", "ky_nang_song"),  # a writing skill
        ("Thợ săn quái vật - Tập 3", "vhvn_tho"),  # "thợ" folds like "thơ"
        ("Việt Nam - lãnh thổ và các vùng địa lý", "vhvn_tho"),  # "thổ" too
        ("Cánh chim bất tử", "phong_thuy_tu_vi"),  # "bất tử" folds like "bát tự"
        ("Một số học sinh cá biệt", "toan_hoc_pho_thong"),  # "số học" across two words
        ("Visual Korean English Dictionary", "tu_dien_anh"),  # another language named
    ],
)
def test_words_that_only_look_like_a_rule(title: str, not_rule: str) -> None:
    record = make_record("KB1", title)
    found = propose(record, hints_from_record(record), config(model=False))
    assert found is None or found.source != f"rule:{not_rule}"


@pytest.mark.parametrize(
    ("title", "author", "number"),
    [
        ("Không gia đình", "Hector Malot", "843"),  # French: 843, not the 823 guess
        ("Án mạng trên sông Nile", "Christie, Agatha", "823"),  # inverted heading
        ("Ông già và biển cả", "Ernest Hemingway", "813"),
        ("Phía sau nghi can X", "Keigo Higashino", "895.63"),  # either name order
        ("Mắt biếc", "Nguyễn Nhật Ánh", "895.9223"),
        ("Góc sân và khoảng trời", "Trần Đăng Khoa", "895.9221"),  # a poet
        ("Mắt biếc", "Nguyen Nhat Anh", "895.9223"),  # a name written without diacritics
        ("Thơ chọn lọc", "Tú Xương", "895.9221"),  # an alias
        ("Bức tranh kỳ quái", "Uketsu", "895.63"),
        ("Romeo và Juliet", "Shakespeare, William", "822.33"),
        ("Hoàng đế xứ Gladness", "Ocean Vuong", "813"),
    ],
)
def test_a_known_writer_makes_literature(title: str, author: str, number: str) -> None:
    record = make_record("KB1", title, author=author)
    found = propose(record, hints_from_record(record), Config())
    assert found is not None
    assert (found.number, found.source, found.confidence) == (number, "author", "medium")
    assert author.split(",")[0] in found.why


def test_a_sure_rule_still_beats_a_known_writer() -> None:
    record = make_record("KB1", "Từ điển tiếng Việt cho học sinh", author="Nguyễn Nhật Ánh")
    found = propose(record, hints_from_record(record), Config())
    assert found is not None and found.source == "rule:tu_dien_tieng_viet"


@pytest.mark.parametrize("author", ["Nguyễn Đình Tư", "Kim Dũng"])
def test_a_name_with_other_tones_is_another_person(author: str) -> None:
    """Folded, "Nguyễn Đình Tư" (a historian) is the writer "Nguyễn Đình Tú": a name
    written with Vietnamese letters must carry the writer's letters and tones."""
    record = make_record("KB1", "Địa chí hành chính các tỉnh Nam Kỳ", author=author)
    found = propose(record, hints_from_record(record), Config())
    assert found is None or found.source != "author"


def test_tone_marks_count_wherever_they_are_placed() -> None:
    assert spelling_key("Lê Thị Hoà") == spelling_key("Lê Thị Hòa")
    assert spelling_key("Thuỵ") == spelling_key("Thụy")
    assert spelling_key("Tư") != spelling_key("Tú")

