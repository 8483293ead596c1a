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


@pytest.mark.parametrize(("title", "subject", "grade"), [
    # the grade ends the segment that names the subject, after other words
    ("Toán Nâng Cao 5 (Theo Chương Trình Mới - Dùng Chung Các Bộ Sách)", "Toán", 5),
    ("Luyện Giải Đề Vật Lí Trọng Tâm 11 - Có Đáp Án", "Vật lí", 11),
    ("Hoạt Động Trải Nghiệm, Hướng Nghiệp, Hn 6 (Chân Trời)", "Hoạt động trải nghiệm, hướng nghiệp",
     6),
    ("Luyện Viết 4 - Tập 2 (Kết Nối)", "Tiếng Việt", 4),
    # a short subject word counts with a kind of book and a grade
    ("Bồi Dưỡng Văn Chọn Lọc 8", "Ngữ văn", 8),
    # English-language course books and subject names
    ("Tiếng Anh Happy Hearts 4 - Student's Book", "Tiếng Anh", 4),
    ("i-Discover 6 - Workbook", "Tiếng Anh", 6),
    ("I-Learn Smart Start 4 Special Edition (Student's Book)", "Tiếng Anh", 4),
    ("Math Adventures 4", "Toán", 4),
    ("Fun Science 3 (2024)", "Khoa học", 3),
    ("Giáo Dục Quốc Phòng An Ninh 10 (Cánh Diều)", "Giáo dục quốc phòng và an ninh", 10),
])
def test_grade_after_the_subject_and_other_words(title: str, subject: str, grade: int) -> None:
    found = parse_school_title(title)
    assert (found.subject, found.grade) == (subject, grade)


@pytest.mark.parametrize(("title", "grade", "volume"), [
    ("Tập Viết 2 - Tập 1 (Cánh Diều)", 2, "1"),  # "Tập 1" stays the volume
    ("Ôn Luyện Lịch Sử - Tập 2", None, "2"),
    ("Đề Kiểm Tra Toán Cuối Học Kì 1", None, None),  # a term, not a grade
    ("Luyện Đề Toán (2024)", None, None),  # a year
    ("Chinh Phục 8+ Môn Toán", None, None),  # a score
    ("Đạt Điểm 8,5+ Ngữ Văn", None, None),
    ("Vật Lý 11/2 - Giải Nhanh", 11, None),
])
def test_volumes_terms_years_and_scores_are_no_grades(
    title: str, grade: int | None, volume: str | None
) -> None:
    found = parse_school_title(title)
    assert (found.grade, found.volume) == (grade, volume)


@pytest.mark.parametrize(("title", "grade"), [
    ("Luyện Thi Vào 10 - Môn Toán", 9),
    ("Bứt Phá 8+ Điểm Thi Vào 10 Môn Tiếng Anh", 9),
    ("Tuyển Sinh 10 - Các Đề Ngữ Văn Trọng Tâm", 9),
    ("Ôn Thi Tuyển Sinh Lớp 10 Môn Toán", 9),
    ("Đề Thi Vào Lớp 6 Môn Tiếng Anh", 5),
])
def test_entrance_exams_are_for_the_grade_before(title: str, grade: int) -> None:
    assert parse_school_title(title).grade == grade


def test_tuyen_sinh_is_no_biology() -> None:
    assert parse_school_title("Ôn Thi Tuyển Sinh Lớp 10 Môn Toán").subject == "Toán"


@pytest.mark.parametrize(("title", "level"), [
    ("Sổ Tay Tiếng Anh Tiểu Học (Lớp 1 - 5)", "TH"),
    ("Tổng Ôn Kiến Thức Hóa Học 10-11-12", "THPT"),
    ("Từ Vựng Tiếng Anh Lớp 5-9", None),  # across two levels
])
def test_a_range_of_grades_gives_only_its_level(title: str, level: str | None) -> None:
    found = parse_school_title(title)
    assert (found.grade, found.level) == (None, level)


@pytest.mark.parametrize("title", [
    "Khám Phá Khoa Học Quanh Em 2",  # a volume of a popular-science series
    "Bộ Thẻ Học 3 - Vui Học Tiếng Anh",  # the number is not in the subject's segment
    "Very Easy TOEIC 2 - Reading",  # an exam level, not a school grade
    "Học Sinh Lớp 3 Kể Chuyện",  # "học sinh" is no Sinh học
])
def test_no_school_subject_and_grade(title: str) -> None:
    found = parse_school_title(title)
    assert found.subject is None or found.grade is None


def test_subject_names_that_fold_like_other_words() -> None:
    assert parse_school_title("Sổ Tay Toàn Diện Hóa Học Lớp 9").subject == "Hóa học"
    assert parse_school_title("Bảng Âm Vần Lớp 1").subject == "Tiếng Việt"  # văn/vần, at TH
    social = parse_school_title("Đề Ôn Thi THPT - Khoa Học Xã Hội (Lịch Sử - GDCD)")
    assert social.subject == "Lịch sử"


def test_olympia_quiz_books_are_thpt() -> None:
    found = parse_school_title("Chinh Phục Đỉnh Olympia - Câu Hỏi Và Lời Giải Địa Lí")
    assert (found.subject, found.level) == ("Địa lí", "THPT")


def test_english_subject_books_get_a_primary_number() -> None:
    record = make_record("KB1", "Tiếng Anh Happy Hearts 4 - Workbook", category="TK")
    [(out, done)] = list(classify_records([record], Config()))
    assert subfields(out, "082", "a") == ["372.6521"]
    assert (done.grade, done.subject) == ("Lớp 4", "Tiếng Anh")
    assert subfields(out, "521", "a") == ["Lớp 4"]
