"""Realistic supplier lists at scale, for the benchmarks (deterministic with a seed)."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "STT", "Tên sách", "Tác giả", "Nhà xuất bản", "Nơi XB", "Năm XB", "ISBN",
    "Đơn giá", "Số lượng", "Thành tiền", "Môn loại", "Lớp", "Loại sách", "Số trang", "Khổ",
]
_TEXT = (
    "Tuổi thơ dữ dội Cánh đồng bất tận Mắt biếc Những ngày thơ ấu Góc sân và khoảng trời "
    "Kể chuyện lịch sử Việt Nam Khoa học vui Em yêu biển đảo quê hương Truyện cổ tích "
    "Toán nâng cao Bồi dưỡng học sinh giỏi Ngữ văn Tiếng Anh Vật lí Hóa học Sinh học "
    "Địa lí Lịch sử Kỹ năng sống Từ điển Tiếng Việt Chuyện kể Bác Hồ"
)
WORDS = _TEXT.split()
AUTHORS = (
    "Nguyễn Nhật Ánh", "Tô Hoài", "Phạm Văn Đồng", "Trần Đăng Khoa", "Lê Minh Khuê",
    "Võ Quảng", "Nguyễn Huy Thiệp", "Phan Thị Vàng Anh", "Bùi Văn Nam Sơn", "Đỗ Hoàng Tường",
)
PUBLISHERS = (
    ("NXB Giáo dục Việt Nam", "H."), ("NXB Kim Đồng", "H."), ("NXB Trẻ", "Tp. Hồ Chí Minh"),
    ("NXB Đại học Sư phạm", "H."), ("NXB Văn học", "H."), ("NXB Hội Nhà văn", "H."),
)
SUBJECTS = ("Toán", "Ngữ văn", "Tiếng Anh", "Vật lí", "Lịch sử", "Địa lí", "Tin học", "")
CATEGORIES = ("SGK", "NV", "TK", "TN")


def isbn13(rng: random.Random) -> str:
    body = "978604" + "".join(str(rng.randrange(10)) for _ in range(6))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def rows(count: int, seed: int = 2026) -> Iterator[list[object]]:
    """``count`` data rows averaging 5.5 copies each (so 20,000 rows ≈ 110,000 copies)."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        publisher, place = rng.choice(PUBLISHERS)
        price = rng.randrange(15, 250) * 1000
        quantity = rng.randrange(1, 11)
        title = " ".join(rng.sample(WORDS, rng.randrange(2, 6))) + f" {n}"
        yield [
            n, title, rng.choice(AUTHORS), publisher, place, rng.randrange(2015, 2026),
            isbn13(rng), f"{price:,}".replace(",", "."), quantity, price * quantity,
            rng.choice(SUBJECTS), rng.randrange(1, 13), rng.choice(CATEGORIES),
            rng.randrange(60, 400), "17x24 cm",
        ]


def write_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows(count))


def write_xlsx(path: Path, count: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["CÔNG TY CỔ PHẦN SÁCH VÀ THIẾT BỊ GIÁO DỤC"])
    sheet.append(["BIÊN BẢN GIAO NHẬN SÁCH"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    workbook.save(path)
