"""School titles: series, kind, subject, grade, part, volume; and what they get."""

from __future__ import annotations

import pytest

from classification.apply import classify_records
from classification.schooltitle import parse_school_title
from koha_bridge.config import ClassificationConfig, Config
from tests.classification.marcfactory import make_record, subfields

#: The titles quoted in issue 10, each with the number (default config) and grade.
QUOTED = [
    ("Âm Nhạc 10 (Kết Nối) (Chuẩn)", "780.712", "Lớp 10", "Âm nhạc"),
    ("Bài Tập Lịch Sử Và Địa Lí 8 - Phần Lịch Sử (Chân Trời) (Chuẩn)", "907.12", "Lớp 8",
     "Lịch sử"),
    ("Vở Thực Hành Hoạt Động Trải Nghiệm 2 (Cánh Diều)", "371.89", "Lớp 2",
     "Hoạt động trải nghiệm"),
]


@pytest.mark.parametrize(("title", "number", "grade", "subject"), QUOTED)
def test_quoted_titles_are_shelf_ready_with_their_grade(
    title: str, number: str, grade: str, subject: str
) -> None:
    record = make_record("KB1", title, category="TK")
    [(out, done)] = list(classify_records([record], Config()))
    assert not done.needs_review
    assert subfields(out, "082", "a") == [number]
    assert all(o.startswith(number + " ") for o in subfields(out, "952", "o"))
    assert (done.grade, done.subject) == (grade, subject)
    assert subfields(out, "521", "a") == [grade]  # target audience
    assert subfields(out, "653", "a") == [subject]


@pytest.mark.parametrize(("title", "series"), [
    ("Âm Nhạc 10 (Kết Nối) (Chuẩn)", "Kết nối tri thức với cuộc sống"),
    ("Bài Tập Lịch Sử Và Địa Lí 8 - Phần Lịch Sử (Chân Trời) (Chuẩn)", "Chân trời sáng tạo"),
    ("Vở Thực Hành Hoạt Động Trải Nghiệm 2 (Cánh Diều)", "Cánh Diều"),
    ("Ngữ Văn 8 - Tập 2 (Kết Nối Tri Thức) (Chuẩn)", "Kết nối tri thức với cuộc sống"),
])
def test_series_long_and_short(title: str, series: str) -> None:
    assert parse_school_title(title).series == series


def test_short_series_only_counts_as_a_segment() -> None:
    assert parse_school_title("Kết Nối Yêu Thương Lớp 5").series is None


@pytest.mark.parametrize(("title", "kind"), [
    ("Bài Tập Toán 7 - Tập 2 (Cánh Diều)", "Sách bài tập"),
    ("Vở Bài Tập Tiếng Việt 1 - Tập 2 (Chân Trời Sáng Tạo)", "Vở bài tập"),
    ("Vở Thực Hành Tiếng Việt 5 - Tập 1 (Chân Trời)", "Vở thực hành"),
    ("Sách Giáo Viên Toán 6 (Kết Nối Tri Thức)", "Sách giáo viên"),
    ("Tập Bản Đồ Lịch Sử Và Địa Lí 7 - Phần Địa Lí", "Tập bản đồ"),
    ("Bồi Dưỡng Học Sinh Giỏi Toán 5", "Bồi dưỡng học sinh giỏi"),
    ("Đề Kiểm Tra Tiếng Anh 8", "Đề kiểm tra"),
])
def test_kinds(title: str, kind: str) -> None:
    assert parse_school_title(title).kind_label == kind


@pytest.mark.parametrize(("title", "subject", "grade", "volume", "part"), [
    ("Toán 9 - Tập 1 (Kết Nối)", "Toán", 9, "1", None),
    ("Tiếng Việt 1 - Tập hai", "Tiếng Việt", 1, "2", None),
    ("Lớp 6 - Khoa Học Tự Nhiên (Cánh Diều)", "Khoa học tự nhiên", 6, None, None),
    ("Tập Bản Đồ Lịch Sử Và Địa Lí 7 - Phần Địa Lí", "Địa lí", 7, None, "Địa lí"),
    ("Vật Lý 12/1 - Tuyệt Kỹ Giải Nhanh", "Vật lí", 12, None, None),
    ("Mỹ Thuật 8 - Bản 1 (Chân Trời Sáng Tạo)", "Mĩ thuật", 8, None, None),
    ("Hoạt Động Trải Nghiệm 8 (Kết Nối)", "Hoạt động trải nghiệm, hướng nghiệp", 8, None, None),
    ("Bộ Đề Thi Vào Lớp 10 Chuyên Hóa", "Hóa học", 9, None, None),
    ("Chuẩn Bị Cho Bé Vào Lớp 1 - Vở Tập Viết", "Giáo dục mầm non", None, None, None),
    ("Vở Luyện Viết Lớp 2 - Tập 1 (Chân Trời Sáng Tạo)", "Tiếng Việt", 2, "1", None),
])
def test_subject_grade_volume_part(
    title: str, subject: str | None, grade: int | None, volume: str | None, part: str | None
) -> None:
    found = parse_school_title(title)
    assert (found.subject, found.grade, found.volume, found.part) == (subject, grade, volume, part)


def test_short_subject_words_need_a_grade() -> None:
    assert parse_school_title("Hoa Học Trò Số 1458").subject is None
    assert parse_school_title("Sinh Tố Và Nước Ép").subject is None
    assert parse_school_title("Hóa 9 - Tổng Ôn").subject == "Hóa học"


def test_preschool_entrance_books_are_preschool() -> None:
    assert parse_school_title("Bé Chuẩn Bị Vào Lớp 1 - Tập Tô").level == "MN"
    record = make_record("KB1", "Bé Chuẩn Bị Vào Lớp 1 - Vở Tập Viết Nét Cơ Bản")
    [(out, _)] = list(classify_records([record], Config()))
    assert subfields(out, "082", "a") == ["372.21"]


def test_works_on_cleaned_titles_with_the_series_in_490() -> None:
    record = make_record("KB1", "Âm nhạc 10", series="Kết nối tri thức với cuộc sống")
    [(out, done)] = list(classify_records([record], Config()))
    assert subfields(out, "082", "a") == ["780.712"] and done.grade == "Lớp 10"
    assert "Kết nối tri thức với cuộc sống" in done.found


def test_the_list_grade_wins_and_is_not_written_twice() -> None:
    record = make_record("KB1", "Toán 6 (Cánh Diều)", grade="Lớp 7")
    [(out, done)] = list(classify_records([record], Config()))
    assert done.grade == "Lớp 7" and subfields(out, "521", "a") == ["Lớp 7"]


def test_policies() -> None:
    record = make_record("KB1", "Toán 6 (Cánh Diều)")
    subject = Config(classification=ClassificationConfig(textbook_policy="subject"))
    [(out, _)] = list(classify_records([record], subject))
    assert subfields(out, "082", "a") == ["510"]
    record = make_record("KB1", "Toán 6 (Cánh Diều)")
    cip = Config(classification=ClassificationConfig(textbook_policy="cip"))
    [(_, done)] = list(classify_records([record], cip))
    assert done.proposal is not None and "CIP" in done.proposal.why
    assert done.proposal.confidence == "medium"  # one step below the CSV's, never raised


def test_primary_and_secondary_numbers_by_default() -> None:
    primary = make_record("KB1", "Toán 3 - Tập 1 (Kết Nối)")
    secondary = make_record("KB2", "Bài Tập Toán 7 - Tập 2 (Cánh Diều)")
    numbers = [subfields(r, "082", "a") for r, _ in classify_records([primary, secondary],
                                                                      Config())]
    assert numbers == [["372.7"], ["510.712"]]
