"""A generated THCS school for the kill test and the benchmark (invented people).

Last year (2024-2025) Koha held ``continuing + leavers`` pupils of grades 6–9 and some
teachers; this year's rosters (a ministry export as XLSX, a teachers' CSV) carry
everyone who continues (most moved up a grade, some repeating in the same class) plus
the new pupils of grade 6 and new teachers. ``BigSchool`` records who is which.
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from tests.fakekoha import FakeKoha
from tests.fakekoha.routes_patrons import new_patron

GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hưng", "Khánh", "Linh", "Minh",
         "Ngọc", "Phương", "Quân", "Thảo", "Trung", "Vy", "Yến", "Đạt", "Ánh", "Ân")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Gia", "Quốc")
# Leavers were given Koha's 12-month enrolment period by hand during the year, so the
# sync has to expire them (the worst case: every leaver is a write).
LEAVER_EXPIRY = "2026-05-31"
TEAMS = ("Tổ Toán", "Tổ Ngữ văn", "Tổ Ngoại ngữ", "Tổ Khoa học tự nhiên", "Tổ Văn phòng")


@dataclass
class Pupil:
    card: str
    surname: str
    firstname: str
    birth: dt.date
    gender: str  # "Nam" / "Nữ"
    old_class: str | None  # last year's class in Koha (None: new this year)
    new_class: str | None  # this year's class (None: left)


@dataclass
class BigSchool:
    pupils: list[Pupil] = field(default_factory=list)
    teachers: list[tuple[str, str, str, str, bool, bool]] = field(default_factory=list)
    # (card, surname, firstname, team, in Koha last year, on this year's list)

    def count(self, what: str) -> int:
        tests = {
            "new": lambda p: p.old_class is None,
            "left": lambda p: p.new_class is None,
            "moved": lambda p: p.old_class and p.new_class and p.old_class != p.new_class,
            "same": lambda p: p.old_class and p.old_class == p.new_class,
        }
        return sum(1 for p in self.pupils if tests[what](p))


def make_school(pupils: int = 2500, teachers: int = 120, *, new: float = 0.20,
                moved: float = 0.75, left: float = 0.05, seed: int = 7) -> BigSchool:
    """``pupils`` on this year's roster: ``new`` of them new, ``moved`` moved to another
    class, the rest repeating; ``left`` × pupils more in Koha who left."""
    rng = random.Random(seed)
    school = BigSchool()
    n_new, n_moved = round(pupils * new), round(pupils * moved)
    for n in range(pupils + round(pupils * left)):
        surname = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}"
        firstname = rng.choice(GIVEN)
        gender = "Nữ" if "Thị" in surname or rng.random() < 0.4 else "Nam"
        section = f"A{rng.randint(1, 9)}"
        if n < n_new:
            old, grade = None, 6
        else:
            grade = rng.randint(7, 9) if n < pupils else rng.randint(6, 9)
            old = f"{grade - 1}{section}" if n < n_new + n_moved else f"{grade}{section}"
        new_class = f"{grade}{section}" if n < pupils else None
        if n >= pupils:
            old = f"{grade}{section}"
        birth = dt.date(2025 - grade - 5, rng.randint(1, 12), rng.randint(1, 28))
        school.pupils.append(Pupil(f"79{n + 1:08d}", surname, firstname, birth, gender,
                                   old, new_class))
    n_left_t = max(1, round(teachers * 0.05))
    for n in range(teachers + n_left_t):
        on_list, in_koha = n < teachers, n >= round(teachers * 0.08)
        school.teachers.append((f"GV{n + 1:04d}", f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}",
                                rng.choice(GIVEN), rng.choice(TEAMS), in_koha, on_list))
    return school


def seed_koha(fake: FakeKoha, school: BigSchool, pupil_category: str = "HS_THCS") -> None:
    """Last year's patrons, written straight into the fake's state."""
    for p in school.pupils:
        if p.old_class is None:
            continue
        new_patron(fake.state, {
            "cardnumber": p.card, "surname": p.surname, "firstname": p.firstname,
            "category_id": pupil_category, "library_id": "MAU", "statistics_1": p.old_class,
            "statistics_2": p.old_class[0], "date_of_birth": p.birth.isoformat(),
            "gender": "F" if p.gender == "Nữ" else "M",
            "expiry_date": "2025-07-31" if p.new_class else LEAVER_EXPIRY,
            "date_enrolled": "2024-09-05"})
    for card, surname, firstname, team, in_koha, _ in school.teachers:
        if in_koha:
            new_patron(fake.state, {
                "cardnumber": card, "surname": surname, "firstname": firstname,
                "category_id": "GV", "library_id": "MAU", "statistics_1": team,
                "expiry_date": "2099-12-31", "date_enrolled": "2020-09-05"})


def write_rosters(school: BigSchool, folder: Path) -> list[Path]:
    """This year's ministry export (XLSX) and teachers' list (CSV with BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO THÀNH PHỐ MẪU"])
    sheet.append(["DANH SÁCH HỌC SINH"])
    sheet.append([])
    sheet.append(["STT", "Mã định danh Bộ GD&ĐT", "Họ tên", "Ngày sinh", "Giới tính",
                  "Trạng thái", "Lớp học", "Khối học"])
    on_roster = [p for p in school.pupils if p.new_class]
    for n, p in enumerate(on_roster, 1):
        assert p.new_class is not None
        sheet.append([n, p.card, f"{p.surname} {p.firstname}", p.birth.strftime("%d/%m/%Y"),
                      p.gender, "Đang học", p.new_class, f"Khối {p.new_class[0]}"])
    export = folder / "csdl-nganh.xlsx"
    book.save(export)
    lines = ["Mã giáo viên;Họ và tên;Tổ chuyên môn"]
    lines += [f"{c};{s} {f};{t}" for c, s, f, t, _, on in school.teachers if on]
    staff = folder / "giao-vien.csv"
    staff.write_bytes(codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return [export, staff]
