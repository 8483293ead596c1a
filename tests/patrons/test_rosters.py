"""Reading rosters: every form, every row accounted for, names, dates, classes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from koha_bridge.exceptions import FatalInputError
from koha_bridge.patrons.model import Kind
from koha_bridge.patrons.names import clean_name, collation_key, sort_key, split_name
from koha_bridge.patrons.rosters import _class_from, read_rosters
from koha_bridge.patrons.values import ValueProblem, class_name, grade_of, parse_date


def _by_row(result, file: str) -> dict[int, tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {o.source.row: (o.status, o.reason, o.cardnumber)
            for o in result.outcomes if o.source.file == file}


def test_counts_add_up_and_every_data_row_has_an_outcome(roster_files: list[Path]) -> None:
    result = read_rosters(roster_files)
    data_rows = 6 + 5 + 3 + 4 + 1 + 2  # rows below the header in each fixture
    assert len(result.outcomes) == data_rows
    converted, merged, rejected = (result.count(s) for s in ("converted", "merged", "rejected"))
    assert converted + merged + rejected == data_rows
    assert converted == len(result.people)
    assert (converted, merged, rejected) == (14, 1, 6)
    assert result.kinds == {Kind.PUPIL, Kind.TEACHER}


def test_ministry_export_header_on_row_4_and_its_rejections(roster_files: list[Path]) -> None:
    result = read_rosters(roster_files[:1])
    rows = _by_row(result, "csdl-nganh.xlsx")
    assert min(rows) == 5  # header on row 4
    assert rows[5][0] == rows[6][0] == rows[10][0] == "converted"
    assert rows[7] == ("rejected", "ngày sinh không có thật: '31/02/2012'", "7900000003")
    assert rows[8][0] == "rejected" and "không có mã định danh" in rows[8][1]
    assert rows[9][0] == "rejected" and "Đã chuyển trường" in rows[9][1]
    assert rows[9][2] == ""  # a pupil who moved away is a leaver, not a protected card
    binh = result.people["7900000002"]
    assert (binh.surname, binh.firstname) == ("Trần Thị", "Bình")
    assert (binh.date_of_birth, binh.gender, binh.class_name, binh.grade) == (
        "2013-11-17", "F", "7A2", 7)
    anh = result.people["7900000006"]
    assert (anh.class_name, anh.grade) == ("9.1", 9)  # TP.HCM style class, grade from it


def test_dropped_columns_never_reach_a_person(roster_files: list[Path]) -> None:
    result = read_rosters(roster_files)
    text = repr(result)
    for private in ("0912345678", "Nguyễn Văn Bố", "079213000001", "Kinh", "hong@example"):
        assert private not in text


def test_class_from_heading_serial_dates_and_merge(roster_files: list[Path]) -> None:
    result = read_rosters(roster_files[:2])
    rows = _by_row(result, "lop-6A1.xlsx")
    assert min(rows) == 4  # heading on row 2, header on row 3
    bao, chau = result.people["7900000011"], result.people["7900000012"]
    assert (bao.class_name, bao.grade, bao.date_of_birth) == ("6A1", 6, "2014-04-02")
    assert chau.date_of_birth == "2014-06-10"  # Excel serial 41800
    assert rows[6][0] == "merged" and "csdl-nganh.xlsx [Sheet1] dòng 5" in rows[6][1]
    assert rows[7][0] == "rejected" and "đã thuộc về một người khác" in rows[7][1]
    assert rows[8][0] == "rejected" and "khác lớp" in rows[8][1]


def test_one_sheet_per_class_short_years_and_local_codes(roster_files: list[Path]) -> None:
    result = read_rosters([roster_files[2]], local_prefix="T1-")
    khang = result.people["T1-HS701"]
    assert (khang.class_name, khang.grade, khang.date_of_birth) == ("7A1", 7, "2013-04-03")
    lan = result.people["T1-HS702"]  # typed in a TCVN3 font
    assert (lan.surname, lan.firstname) == ("Ngô Thị", "Lan")
    huy = result.people["T1-HS703"]
    assert (huy.class_name, huy.source.sheet, huy.source.row) == ("7A2", "7A2", 3)
    assert huy.date_of_birth is None and huy.gender is None


def test_big_list_namesakes_are_two_pupils_xls_class_from_file_name(
        roster_files: list[Path]) -> None:
    result = read_rosters(roster_files[3:5])
    namesakes = [p for p in result.people.values() if p.full_name == "Nguyễn Văn Nam"]
    assert sorted(p.class_name for p in namesakes) == ["8A2", "8A3"]
    rows = _by_row(result, "toan-truong.csv")
    assert rows[4][0] == "rejected" and "2011-13-01" in rows[4][1]
    assert rows[5][0] == "converted" and result.people["7900000024"].gender is None
    tuan = result.people["7900000031"]
    assert (tuan.class_name, tuan.grade, tuan.source.file) == ("8A1", 8, "8A1.xls")


def test_teachers_list_with_bom_is_its_own_kind(roster_files: list[Path]) -> None:
    result = read_rosters([roster_files[5]])
    assert result.kinds == {Kind.TEACHER}
    hong = result.people["GV001"]
    assert (hong.kind, hong.surname, hong.firstname, hong.class_name) == (
        Kind.TEACHER, "Nguyễn Thị", "Hồng", "Tổ Ngữ văn")


def test_a_file_without_roster_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ghi-chu.csv"
    path.write_text("Ghi chú\nkhông có gì\n", encoding="utf-8")
    with pytest.raises(FatalInputError, match=r"ghi-chu\.csv"):
        read_rosters([path])


def test_names_are_normalised_and_split_the_vietnamese_way() -> None:
    assert clean_name("nguyễn  văn AN") == "Nguyễn Văn An"
    assert split_name(" trần thị   thu  hà ") == ("Trần Thị Thu", "Hà")
    assert split_name("Hà") == ("Hà", "")
    decomposed = "Nguye\u0302\u0303n"  # NFD input
    assert clean_name(decomposed) == "Nguyễn"


def test_vietnamese_collation_letters_then_tones() -> None:
    words = ["Đức", "Dũng", "Ân", "Ăn", "An", "Ánh", "Anh", "Ảnh", "Ành", "Bình", "Ơn", "Ôn"]
    assert sorted(words, key=collation_key) == [
        "An", "Anh", "Ành", "Ánh", "Ảnh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Ôn", "Ơn"]
    people = [("Trần Văn", "An"), ("Nguyễn Thị", "Bình"), ("Lê Văn", "An")]
    assert sorted(people, key=lambda p: sort_key(*p)) == [
        ("Lê Văn", "An"), ("Trần Văn", "An"), ("Nguyễn Thị", "Bình")]


@pytest.mark.parametrize(("value", "expected"), [
    ("05/03/2013", "2013-03-05"), ("5/3/13", "2013-03-05"), ("05-03-2013", "2013-03-05"),
    ("2013-03-05", "2013-03-05"), (41338, "2013-03-05"), ("41338", "2013-03-05"),
    (dt.datetime(2013, 3, 5), "2013-03-05"), ("29/02/2012", "2012-02-29"),
])
def test_dates_of_birth(value: object, expected: str) -> None:
    assert parse_date(value, today=dt.date(2025, 9, 1)) == expected


@pytest.mark.parametrize("value", ["31/02/2013", "29/02/2013", "2013-13-01", "00/01/2013",
                                   "hôm qua", "01/01/2030", 12.5])
def test_impossible_dates_are_refused(value: object) -> None:
    with pytest.raises(ValueProblem):
        parse_date(value, today=dt.date(2025, 9, 1))


def test_class_names_and_grades() -> None:
    assert class_name("lớp  6a1") == "6A1"
    assert (grade_of("12.6", "Khối 12"), grade_of("10A2", None), grade_of("Lá 1", None)) == (
        12, 10, None)
    assert grade_of("Chuyên Anh", "Khối 11") == 11


@pytest.mark.parametrize(("heading", "sheet", "stem", "expected"), [
    ("DANH SÁCH HỌC SINH LỚP 12.6", None, "x", "12.6"),
    ("", "Lớp 5B", "x", "5B"),
    ("", None, "Lop6A1", "6A1"),
    ("", None, "ds_lop_9a3", "9A3"),
    ("", None, "danh-sach-2025-10", None),  # a year and a number are not a class
    ("", None, "DS lớp Lá 1", "Lá 1"),
])
def test_class_of_a_sheet_without_a_class_column(heading: str, sheet: str | None, stem: str,
                                                 expected: str | None) -> None:
    assert _class_from(heading, sheet, stem) == expected
