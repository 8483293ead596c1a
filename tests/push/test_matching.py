"""Match keys and ISBN comparison."""

from __future__ import annotations

from koha_bridge.push.matching import (
    isbn_key,
    isbn_pattern,
    koha_facts,
    match_key,
    record_facts,
    same_title,
)
from tests.fakekoha.query import like
from tests.push.conftest import book, isbn13


def test_isbn_key_normalises_hyphens_qualifiers_and_isbn10() -> None:
    assert isbn_key("978-604-0-12345-?") is None
    assert isbn_key("978-604-1-23456-7 (tập 1)") == "9786041234567"
    assert isbn_key("ISBN 0-306-40615-2") == "9780306406157"
    assert isbn_key("0306406152") == isbn_key("9780306406157")
    assert isbn_key("không có") is None
    assert isbn_key("1)") is None


def test_isbn_pattern_finds_every_stored_form() -> None:
    pattern = isbn_pattern("9780306406157")
    for stored in ("9780306406157", "978-0-306-40615-7", "0-306-40615-2",
                   "X | 978 0 306 40615 7 (bìa mềm)"):
        assert like(stored, pattern), stored
    assert not like("9780306406164", pattern)


def test_match_key_folds_case_diacritics_and_punctuation() -> None:
    assert match_key("Truyện Kiều /", "Nguyễn Du,", "c2019.") == "truyen kieu|nguyen du|2019"
    assert match_key("TRUYỆN KIỀU", "Nguyen Du", 2019) == match_key("Truyện Kiều", "Nguyễn Du",
                                                                   "2019")
    assert match_key("Đất rừng phương Nam", "", None) == "dat rung phuong nam||"


def test_record_and_koha_facts_agree() -> None:
    record = book(7, isbn="604-0-00007-X")
    facts = record_facts(record)
    assert facts.record_id == "KB000000000007"
    assert facts.title == "Tuyển tập truyện ngắn số 7"
    assert facts.main_title == facts.title
    assert facts.year == "2024."
    koha = {"biblio_id": 3, "title": "Tuyển tập truyện ngắn số 7 /", "author": "Nguyễn Văn An,",
            "copyright_date": 2024, "isbn": None}
    assert koha_facts(koha)[1] == facts.key


def test_same_title_uses_isbn_when_we_have_one() -> None:
    ours = record_facts(book(1))
    assert same_title(ours, {"isbn": "Sách | 978-604-000001-" + isbn13(1)[-1]})
    assert not same_title(ours, {"isbn": isbn13(2), "title": ours.title,
                                 "author": ours.author, "copyright_date": 2024})
    bare = record_facts(book(1, isbn=None))
    assert same_title(bare, {"title": bare.title, "author": "Nguyễn Văn An",
                             "copyright_date": 2024})
    assert not same_title(bare, {"title": bare.title, "author": "Nguyễn Văn An",
                                 "copyright_date": 2019})
