"""Author cells: splitting, relators, direct order, corporate and collective authors."""

from __future__ import annotations

import unicodedata

import pytest

from marc.names import clean, fold, is_collective, is_corporate, parse_authors, split_relator


def authors(text: str) -> tuple[str, ...]:
    return parse_authors(text)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Nhật Ánh", ("Nguyễn Nhật Ánh",)),
        ("Tô Hoài, Nam Cao", ("Tô Hoài", "Nam Cao")),
        ("Xuân Diệu; Huy Cận", ("Xuân Diệu", "Huy Cận")),
        ("Nguyễn Du - Hồ Xuân Hương", ("Nguyễn Du", "Hồ Xuân Hương")),
        ("Bùi Mạnh Hùng – Phan Huy Dũng", ("Bùi Mạnh Hùng", "Phan Huy Dũng")),
        ("Trần Thị Bình và Lê Văn Cường", ("Trần Thị Bình", "Lê Văn Cường")),
        ("Phạm Hùng & Vũ Trọng Phụng", ("Phạm Hùng", "Vũ Trọng Phụng")),
        ("Trần B, Lê C", ("Trần B", "Lê C")),
        ("Nguyễn A | Trần B", ("Nguyễn A", "Trần B")),
        (" Nguyễn  Văn   An ,, ; ", ("Nguyễn Văn An",)),
    ],
)
def test_split_on_separators(text: str, expected: tuple[str, ...]) -> None:
    assert authors(text) == expected


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Nhật Ánh", "Hà Huy Khoái", "Đỗ Hoàng Tường", "Lê Minh Hòa", "Trường Chinh"],
)
def test_vietnamese_names_stay_in_direct_order(name: str) -> None:
    assert authors(name) == (name,)
    assert "," not in authors(name)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn A (chủ biên)", ("Nguyễn Văn A|chủ biên",)),
        ("Trần B chủ biên", ("Trần B|chủ biên",)),
        ("Lê C (Tổng Chủ biên)", ("Lê C|tổng chủ biên",)),
        ("Nguyễn Văn A, chủ biên", ("Nguyễn Văn A|chủ biên",)),
        ("Đỗ Hoàng Tường (minh hoạ)", ("Đỗ Hoàng Tường|minh hoạ",)),
        ("Nguyễn Thị Hồng (ch.b.)", ("Nguyễn Thị Hồng|chủ biên",)),
        ("Lê Văn Hưng dịch", ("Lê Văn Hưng|dịch",)),
        (
            "Hà Huy Khoái (Tổng chủ biên), Cung Thế Anh, Nguyễn Huy Đoan (chủ biên)",
            ("Hà Huy Khoái|tổng chủ biên", "Cung Thế Anh", "Nguyễn Huy Đoan|chủ biên"),
        ),
        ("Chủ biên: Nguyễn A; Dịch: Trần B", ("Nguyễn A|chủ biên", "Trần B|dịch")),
    ],
)
def test_relators_are_kept_separately(text: str, expected: tuple[str, ...]) -> None:
    assert authors(text) == expected


def test_name_that_ends_like_a_relator_is_not_cut() -> None:
    # "Hòa"/"Hoạ" fold alike; a capitalised "Minh Hòa" is part of the name.
    assert authors("Nguyễn Minh Hòa") == ("Nguyễn Minh Hòa",)
    assert authors("Phạm Văn Dịch") == ("Phạm Văn Dịch",)


def test_split_relator() -> None:
    assert split_relator("Nguyễn Văn A|chủ biên") == ("Nguyễn Văn A", "chủ biên")
    assert split_relator("Tô Hoài") == ("Tô Hoài", None)
    assert split_relator("Rowling, J. K.") == ("Rowling, J. K.", None)


@pytest.mark.parametrize(
    "text",
    ["Rowling, J. K.", "Rowling, J.K.", "King, Stephen", "Le Guin, Ursula K.", "Verne, Jules"],
)
def test_foreign_inverted_name_stays_one_author(text: str) -> None:
    assert authors(text) == (text,)


def test_inverted_foreign_name_among_others() -> None:
    assert authors("Rowling, J. K.; Lý Lan (dịch)") == ("Rowling, J. K.", "Lý Lan|dịch")
    assert authors("Rowling, J. K., Nguyễn Văn A") == ("Rowling, J. K.", "Nguyễn Văn A")


def test_lc_inverted_vietnamese_name_is_written_direct_with_warning() -> None:
    names, warnings = parse_authors("Nguyễn, Du")
    assert names == ("Nguyễn Du",)
    assert len(warnings) == 1 and '"Nguyễn, Du"' in warnings[0]


@pytest.mark.parametrize("text", ["Nhiều tác giả", "Nhiều TG", "nhiều tác giả", "Tập thể tác giả"])
def test_collective_words_give_no_author(text: str) -> None:
    assert authors(text) == ()
    assert is_collective(text)


def test_collective_word_beside_a_real_name() -> None:
    assert authors("Nguyễn Văn A; Nhiều tác giả") == ("Nguyễn Văn A",)


def test_corporate_bodies_are_kept_whole() -> None:
    assert authors("Bộ Giáo dục và Đào tạo") == ("Bộ Giáo dục và Đào tạo",)
    assert authors("Bộ GD&ĐT") == ("Bộ Giáo dục và Đào tạo",)
    assert authors("Viện Khoa học và Kỹ thuật") == ("Viện Khoa học và Kỹ thuật",)


@pytest.mark.parametrize(
    "name",
    ["Bộ Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo Hà Nội", "UNICEF", "Vụ Giáo dục Trung học"],
)
def test_is_corporate(name: str) -> None:
    assert is_corporate(name)


@pytest.mark.parametrize(
    "name",
    ["Vũ Trọng Phụng", "Trường Chinh", "Đoàn Giỏi", "Nguyễn Văn A|chủ biên", "Rowling, J. K."],
)
def test_persons_are_not_corporate(name: str) -> None:
    assert not is_corporate(name)


def test_nfd_input_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Nhật Ánh")
    assert authors(nfd) == ("Nguyễn Nhật Ánh",)
    assert unicodedata.is_normalized("NFC", authors(nfd)[0])


def test_clean_and_fold() -> None:
    assert clean("  Tiếng\u00a0 Việt \n") == "Tiếng Việt"
    assert fold("Đường Kách Mệnh!") == "duong kach menh"
    assert fold(unicodedata.normalize("NFD", "Ệ")) == fold("Ệ") == "e"
