"""Grouping books into titles, and the one-outcome-per-row invariant."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import replace

import pytest

from koha_bridge.config import DEFAULT_CATEGORIES, AcquisitionsConfig
from marc.group import group_titles, rejection_outcome, title_key
from marc.model import AcquisitionRow, Book, Outcome, SourceRef, Status
from marc.normalize import Rejection, normalize_row


def check13(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


ISBN_A = check13("978604000123")
ISBN_B = check13("978632111222")
EAN = check13("893523522627")


def src(n: int, sheet: str = "SGK") -> SourceRef:
    return SourceRef("ds-2025.xlsx", sheet, n)


def mk(n: int, title: str = "Toán 6", *, quantity: int = 1, **fields: object) -> Book:
    base: dict[str, object] = {"category": "SGK", "quantity": quantity}
    base.update(fields)
    return Book(source=src(n), title=title, **base)  # type: ignore[arg-type]


def test_same_isbn_merges_and_sums_copies() -> None:
    first = mk(2, isbn=ISBN_A, quantity=3, price=22000, category="SGK")
    second = mk(7, isbn=ISBN_A, quantity=2, price=22000, category="NV")
    titles, outcomes = group_titles([first, second])
    assert len(titles) == 1
    title = titles[0]
    assert title.book is first
    assert title.sources == [src(2), src(7)]
    assert [c.copy_number for c in title.copies] == [1, 2, 3, 4, 5]
    assert [c.source.row for c in title.copies] == [2, 2, 2, 7, 7]
    assert [c.category for c in title.copies] == ["SGK"] * 3 + ["NV"] * 2
    assert [c.price for c in title.copies] == [22000] * 5
    assert outcomes[0] == Outcome(src(2), Status.CONVERTED, title="Toán 6", copies=3)
    assert outcomes[1] == Outcome(
        src(7), Status.MERGED, merged_into=src(2), title="Toán 6", copies=2
    )


def test_merged_row_keeps_its_own_price_and_is_warned() -> None:
    titles, outcomes = group_titles(
        [mk(2, isbn=ISBN_A, price=22000, year=2023, publisher="Giáo dục Việt Nam"),
         mk(3, isbn=ISBN_A, price=25000, year=2024, publisher="Đại học Sư phạm")]
    )
    assert [c.price for c in titles[0].copies] == [22000, 25000]
    warnings = outcomes[1].warnings
    assert len(warnings) == 3
    assert warnings[0].startswith("Khác giá với dòng gộp") and "25.000 đ" in warnings[0]
    assert "2024" in warnings[1] and "2023" in warnings[1]
    assert '"Đại học Sư phạm"' in warnings[2]
    assert outcomes[0].warnings == ()


def test_same_isbn_with_another_title_is_warned() -> None:
    _, outcomes = group_titles([mk(2, "Toán 6", isbn=ISBN_A), mk(3, "Ngữ văn 6", isbn=ISBN_A)])
    assert outcomes[1].status is Status.MERGED
    assert len(outcomes[1].warnings) == 1 and '"Ngữ văn 6"' in outcomes[1].warnings[0]


def test_book_warnings_are_carried_into_outcomes() -> None:
    _, outcomes = group_titles([mk(2, warnings=("Giá trống: chưa có giá",))])
    assert outcomes[0].warnings == ("Giá trống: chưa có giá",)


def test_same_isbn_other_volume_stays_apart() -> None:
    titles, outcomes = group_titles(
        [mk(2, isbn=ISBN_A, volume="Tập 1"), mk(3, isbn=ISBN_A, volume="Tập 2")]
    )
    assert len(titles) == 2
    assert [o.status for o in outcomes] == [Status.CONVERTED, Status.CONVERTED]


def test_ean_is_the_key_when_there_is_no_isbn() -> None:
    titles, _ = group_titles([mk(2, "Vở ô li", ean=EAN), mk(3, "Vở ô li lớp 1", ean=EAN)])
    assert len(titles) == 1 and len(titles[0].copies) == 2
    assert title_key(mk(2, ean=EAN)).startswith("ean:")


def test_isbn_wins_over_title() -> None:
    titles, _ = group_titles([mk(2, "Toán 6", isbn=ISBN_A), mk(3, "Toán 6", isbn=ISBN_B)])
    assert len(titles) == 2


def test_title_key_folds_case_diacritics_punctuation_and_author_order() -> None:
    a = mk(2, "Toán 6 - Tập 1", authors=("Hà Huy Khoái|tổng chủ biên", "Cung Thế Anh"),
           year=2023)
    b = mk(3, unicodedata.normalize("NFD", "TOÁN 6 (TẬP 1)"),
           authors=("Cung Thế Anh", "Hà Huy Khoái"), year=2023)
    assert title_key(a) == title_key(b)
    titles, outcomes = group_titles([a, b])
    assert len(titles) == 1 and outcomes[1].merged_into == src(2)


@pytest.mark.parametrize(
    "change",
    [{"year": 2024}, {"edition": "Tái bản lần thứ 2"}, {"volume": "Tập 2"},
     {"authors": ("Nguyễn Văn A",)}, {"title": "Toán 7"}],
)
def test_without_isbn_these_differences_keep_titles_apart(change: dict[str, object]) -> None:
    a = mk(2, year=2023, authors=("Hà Huy Khoái",))
    b = replace(a, source=src(3), **change)  # type: ignore[arg-type]
    assert title_key(a) != title_key(b)


def test_a_source_fed_twice_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="hai lần"):
        group_titles([mk(2), mk(2, "Khác")])


def test_rejection_outcome() -> None:
    rejection = Rejection(src(9), ("thiếu số lượng",), ("Giá trống",), "Tin học 6")
    assert rejection_outcome(rejection) == Outcome(
        src(9), Status.REJECTED, reasons=("thiếu số lượng",), warnings=("Giá trống",),
        title="Tin học 6", copies=0,
    )


def _rows() -> list[AcquisitionRow]:
    """A realistic mixed list: duplicates, rejects, ISBN-less titles, EANs, three sheets."""
    cells: list[dict[str, str]] = [
        {"title": "Toán 6 - Tập 1", "isbn": ISBN_A, "quantity": "40", "price": "22.000"},
        {"title": "Toán 6 - Tập 1", "isbn": f"978-604-0-00123-{ISBN_A[-1]}", "quantity": "5",
         "price": "22000"},
        {"title": "Ngữ văn 6 - Tập 1", "isbn": ISBN_B, "quantity": "35", "price": "25.000đ"},
        {"title": "", "isbn": ISBN_B, "quantity": "2", "price": "25.000"},
        {"title": "Dế Mèn phiêu lưu ký", "author": "Tô Hoài", "year": "2022", "quantity": "3",
         "price": "45.000"},
        {"title": "DẾ MÈN PHIÊU LƯU KÝ", "author": "Tô Hoài", "year": "2022.0", "quantity": "2",
         "price": "45,000"},
        {"title": "Dế Mèn phiêu lưu ký", "author": "Tô Hoài", "year": "2019", "quantity": "1",
         "price": "40.000"},
        {"title": "Harry Potter và hòn đá phù thủy", "author": "Rowling, J. K.",
         "quantity": "2,5", "price": "150.000"},
        {"title": "Vở bài tập Tiếng Việt 1", "isbn": EAN, "quantity": "10", "price": "15.000"},
        {"title": "Vở bài tập Tiếng Việt 1", "isbn": EAN, "quantity": "", "price": "15.000"},
        {"title": "Tin học 6", "isbn": "9786044017266-qt", "quantity": "4", "price": "abc"},
        {"title": "Tin học 6", "isbn": "9786044017266-qt", "quantity": "4", "price": "30.000"},
        {"title": "Lịch sử và Địa lí 6", "year": "1850", "quantity": "1", "price": "30.000"},
        {"title": "Toán 6 - Tập 1", "isbn": ISBN_A, "quantity": "1", "price": "22.000"},
    ]
    sheets = ["SGK", "TK", "TN"]
    return [
        AcquisitionRow(src(i + 2, sheets[i % 3]), c, category=("SGK", "TK", "TN")[i % 3])
        for i, c in enumerate(cells)
    ]


def test_every_row_ends_in_exactly_one_state() -> None:
    rows = _rows()
    config = AcquisitionsConfig()
    books: list[Book] = []
    outcomes: list[Outcome] = []
    for r in rows:
        result = normalize_row(r, config, DEFAULT_CATEGORIES, this_year=2025)
        if isinstance(result, Book):
            books.append(result)
        else:
            outcomes.append(rejection_outcome(result))
    titles, grouped = group_titles(books)
    outcomes.extend(grouped)

    counts = Counter(o.status for o in outcomes)
    assert counts[Status.CONVERTED] + counts[Status.MERGED] + counts[Status.REJECTED] == len(rows)
    assert sorted(o.source for o in outcomes) == sorted(r.source for r in rows)  # no loss, no dup
    assert counts == {Status.CONVERTED: 6, Status.MERGED: 3, Status.REJECTED: 5}
    rejected = {o.source.row for o in outcomes if o.status is Status.REJECTED}
    # no title, "2,5" copies, empty quantity, price "abc", year 1850
    assert rejected == {5, 9, 11, 12, 14}
    merged = {o.source.row: o.merged_into for o in outcomes if o.status is Status.MERGED}
    assert merged == {3: src(2, "SGK"), 7: src(6, "TK"), 15: src(2, "SGK")}
    assert len(titles) == 6
    assert sum(len(t.copies) for t in titles) == sum(o.copies for o in outcomes)
    assert sum(len(t.copies) for t in titles) == 40 + 5 + 35 + 3 + 2 + 1 + 10 + 4 + 1
    for o in outcomes:
        if o.status is Status.MERGED:
            assert o.merged_into in {t.book.source for t in titles}
    every_copy_source = {c.source for t in titles for c in t.copies}
    assert every_copy_source == {o.source for o in outcomes if o.status is not Status.REJECTED}
