"""The title model: scoring, main-class ranking, calibrated levels, the shipped file."""

from __future__ import annotations

import json

from benchmarks.train_title_model import folds, group_of, rule_examples
from classification.apply import classify_records
from classification.titlemodel import (
    FICTION,
    MODEL_FILE,
    TitleModel,
    default_model,
    features,
    number_of,
)
from koha_bridge.config import Config
from tests.classification.marcfactory import make_record

TINY = {
    "labels": ["641.5", "640", FICTION],
    "documents": [2, 1, 2],
    "token_totals": [4, 2, 4],
    "vocabulary": 6,
    "alpha": 0.5,
    "temperature": 1.0,
    "tokens": {"nau": {"0": 2}, "an": {"0": 2, "1": 1}, "meo": {"1": 1},
               "truyen": {"2": 2}, "ngan": {"2": 2}},
    "levels": {"high": 0.9, "medium": 0.7, "low": 0.5},
}


def test_scores_and_ranks_by_main_class() -> None:
    model = TitleModel(TINY)
    guess = model.guess(["nau", "an"], None)
    assert guess.number == "641.5" and guess.runner_up == "895.9223"
    assert 0.5 < guess.probability <= 1.0 and guess.runner_up_probability < guess.probability
    # 640 and 641.5 are one main class: their probabilities add up
    split = model.guess(["an", "meo"], None)
    assert split.number[0] == "6" and split.probability > 0.5


def test_fiction_follows_the_author_origin() -> None:
    model = TitleModel(TINY)
    assert model.guess(["truyen", "ngan"], "jpn").number == "895.63"
    assert model.guess(["truyen", "ngan"], "vie").number == "895.9223"
    assert number_of(FICTION, "kor") == "895.73" and number_of("741.5", "jpn") == "741.5"


def test_levels_are_thresholds() -> None:
    model = TitleModel(TINY)
    assert [model.confidence(p) for p in (0.95, 0.8, 0.6, 0.2)] == [
        "high", "medium", "low", "unconfirmed"]


def test_features_are_the_same_at_training_and_prediction() -> None:
    tokens = features("Nấu Ăn Ngon", "Cẩm Tuyết", "vie", "Phụ Nữ")
    assert tokens[:3] == ["nau", "an", "ngon"] and "nau_an" in tokens
    assert "@origin:vie" in tokens and "@author:cam tuyet" in tokens
    assert "@aw:cam" in tokens and "@aw:tuyet" in tokens  # each word of the name
    assert "@publisher:phu nu" in tokens


def test_the_shipped_model_was_trained_on_the_dev_half_and_is_calibrated() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert "titles-dev.csv" in data["trained_on"]
    levels = data["levels"]
    assert levels["high"] >= levels.get("medium", 0) >= levels.get("low", 0)
    assert MODEL_FILE.stat().st_size < 400_000  # small enough to ship
    model = default_model()
    assert model is not None and len(model.labels) == len(data["labels"])


def test_the_model_answers_where_no_rule_does() -> None:
    record = make_record("KB1", "Một cuốn sách lạ")
    [(_, done)] = list(classify_records([record], Config()))
    assert done.proposal is not None and done.proposal.source == "model"
    assert "Mô hình nhan đề" in done.proposal.why


def test_cross_validation_keeps_a_series_in_one_fold() -> None:
    titles = [f"Doraemon Truyện Ngắn Tập {n}" for n in range(6)] + [
        f"Sách số {n} khác" for n in range(14)]
    groups = [group_of(t) for t in titles]
    assert groups[0] == groups[5] == "doraemon truyen ngan" != groups[6]
    parts = folds(groups)
    assert sorted(n for part in parts for n in part) == list(range(len(titles)))
    [home] = [part for part in parts if 0 in part]
    assert set(range(6)) <= home  # no volume is scored by a model that saw a sibling
    assert all(parts)  # the other titles spread over every fold


def test_sure_rule_answers_become_training_titles() -> None:
    rows = [{"title": title, "authors": author, "supplier": "NXB Phụ Nữ", "code": "",
             "code_kind": "other"}
            for title, author in (("Nấu Ăn Ngon Mỗi Ngày", "Cẩm Tuyết"),
                                  ("Một cuốn sách lạ", "Nguyễn Văn A"))]
    [(tokens, label, main, origin, group)] = rule_examples(rows)  # no rule knows the 2nd
    assert (label, main, origin, group) == ("641.5", "600", "vie", "nau an ngon")
    assert tokens == features("Nấu Ăn Ngon Mỗi Ngày", "Cẩm Tuyết", "vie", "NXB Phụ Nữ")
