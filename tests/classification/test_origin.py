"""Author-name origin: the original language of a translation."""

from __future__ import annotations

import pytest

from classification.apply import classify_records
from classification.origin import first_author, name_origin
from koha_bridge.config import ClassificationConfig, Config
from tests.classification.marcfactory import make_record, subfields


@pytest.mark.parametrize(("name", "origin"), [
    ("Nguyễn Nhật Ánh", "vie"), ("Tô Hoài", "vie"), ("Jun Phạm", "vie"),
    ("Gosho Aoyama", "jpn"), ("Masashi Kishimoto", "jpn"), ("Higashino Keigo", "jpn"),
    ("Moon Ju-Jeong", "kor"), ("Song Young Kwan", "kor"),
    ("Agatha Christie", "und"), ("Dale Carnegie", "und"), ("TS Ross W. Greene", "und"),
    ("Nhiều Tác Giả", None), ("", None), ("Dopamine", None),
])
def test_name_origin(name: str, origin: str | None) -> None:
    assert name_origin(name) == origin


def test_first_author() -> None:
    assert first_author("Touko Shino; Hyuganatsu") == "Touko Shino"
    assert first_author("Lê Đức Hùng, Mai Chi") == "Lê Đức Hùng"


RULES_ONLY = Config(classification=ClassificationConfig(model=False, min_confidence="low"))


def test_japanese_author_with_vietnamese_title_is_japanese_fiction() -> None:
    record = make_record("KB1", "Rượu độc : tiểu thuyết", author="Higashino Keigo")
    [(out, done)] = list(classify_records([record], RULES_ONLY))
    assert subfields(out, "082", "a") == ["895.63"], done.proposal


def test_many_authors_is_no_author() -> None:
    record = make_record("KB1", "Quê hương : truyện ngắn", author="Nhiều Tác Giả")
    [(out, _)] = list(classify_records([record], RULES_ONLY))
    assert subfields(out, "082", "a") == ["895.9223"]


@pytest.mark.parametrize(("title", "author", "number"), [
    ("Ehon Nhật Bản - Chú Mèo Đi Hia", "Nguyễn Thu Hà", "895.63"),
    ("Sách tranh - Bạn thân của bé", "Miyanishi Tatsuya", "895.63"),
    ("Sách tranh - Một ngày của mèo", "Moon Ju-Jeong", "895.73"),
    ("Sách tranh - Chú cún nhỏ", "Trần Thu Trang", "895.9223"),
])
def test_picture_books_by_original_language(title: str, author: str, number: str) -> None:
    record = make_record("KB1", title, author=author)
    [(out, _)] = list(classify_records([record], RULES_ONLY))
    assert subfields(out, "082", "a") == [number]
