"""The yearly report's figures (báo cáo tổng kết): each one with its definition beside it.

The same list feeds the statistics workbook, the TT16 evidence pack and the roll-up, so
a figure means the same thing everywhere it is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.keyfigures import KeyFigures
from koha_bridge.stats.sql import DEFAULT_ROLES, OTHER_NAME, Roles

BUCKET_NAMES: dict[str, str] = {
    "SGK": "Sách giáo khoa", "NV": "Sách nghiệp vụ", "TK": "Sách tham khảo",
    "TN": "Sách thiếu nhi", "KHAC": OTHER_NAME,
}
STOCK = ("Bản sách có trong kho ngày {end}: đã nhập (952 $d; không ghi ngày: có từ trước) "
         "đến hết ngày đó và chưa xuất (952 $0 = 0, hoặc ngày xuất sau ngày đó); bản mất "
         "chưa xuất vẫn tính.")
CATEGORY = ("Loại của bản: loại có mã bộ sưu tập (952 $8) trùng, nếu không thì theo tiền tố "
            "số đăng ký cá biệt (952 $i), nếu không thì theo kiểu tài liệu (952 $y).")


@dataclass(frozen=True)
class Figure:
    """One line of the yearly report."""

    key: str
    label: str
    unit: str
    kind: str  # int | money | decimal
    value: Callable[[KeyFigures], float | int | None]
    definition: str


def _of(attribute: str, bucket: str) -> Callable[[KeyFigures], int]:
    return lambda f: int(getattr(f, attribute)[bucket])


def _per_pupil(bucket: str) -> Callable[[KeyFigures], float | None]:
    return lambda f: _ratio(f.per_pupil(bucket))


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def yearly_figures(year: SchoolYear, roles: Roles = DEFAULT_ROLES) -> list[Figure]:
    end = year.end.strftime("%d/%m/%Y")
    span = f"{year.start.strftime('%d/%m/%Y')} – {end}"
    out = [Figure("stock", f"Tổng số bản sách (đến {end})", "bản", "int",
                  lambda f: f.total_stock, STOCK.format(end=end))]
    for code, name in BUCKET_NAMES.items():
        out.append(Figure(f"stock_{code}", f"– {name}", "bản", "int",
                          _of("stock", code),
                          CATEGORY if code == "SGK" else "Như trên, theo loại."))
    out += [
        Figure("stock_value", "Giá trị kho sách", "đồng", "money",
               lambda f: sum(f.stock_value.values()),
               "Tổng giá mua (952 $g) của các bản trong kho ngày cuối năm học."),
        Figure("added", "Số bản bổ sung trong năm học", "bản", "int", lambda f: f.total_added,
               f"Bản có ngày nhập (952 $d) trong {span}."),
    ]
    for code, name in BUCKET_NAMES.items():
        out.append(Figure(f"added_{code}", f"– {name}", "bản", "int",
                          _of("added", code), "Như trên, theo loại."))
    out += [
        Figure("added_value", "Giá trị sách bổ sung", "đồng", "money",
               lambda f: sum(f.added_value.values()),
               "Tổng giá mua (952 $g) của các bản bổ sung trong năm (bản không ghi giá: 0)."),
        Figure("withdrawn", "Số bản xuất kho (thanh lọc) trong năm", "bản", "int",
               lambda f: sum(f.withdrawn.values()),
               f"Bản đã xuất (952 $0 ≠ 0) có ngày xuất trong {span}."),
        Figure("withdrawn_value", "Giá trị sách xuất kho", "đồng", "money",
               lambda f: sum(f.withdrawn_value.values()),
               "Tổng giá mua (952 $g) của các bản xuất trong năm."),
        Figure("loans", "Lượt mượn", "lượt", "int", lambda f: f.loans,
               f"Số lần cho mượn có ngày mượn trong {span}, tại thư viện này "
               "(mỗi bản một lượt; gia hạn không tính thêm)."),
        Figure("borrowers", "Số bạn đọc có mượn sách", "người", "int", lambda f: f.borrowers,
               "Số bạn đọc khác nhau có ít nhất một lượt mượn trong năm."),
        Figure("pupils", "Số học sinh có thẻ trong Koha", "người", "int", lambda f: f.pupils,
               f"Bạn đọc loại học sinh (mã loại bắt đầu bằng {roles.pupil_prefix}) của thư "
               "viện, đăng ký trước ngày cuối và chưa hết hạn trước ngày đầu năm học."),
        Figure("active_pupils", "Học sinh có mượn sách", "người", "int",
               lambda f: f.active_pupils,
               "Trong số học sinh trên, những em mượn ít nhất một lần trong năm học."),
        Figure("pupil_share", "Tỉ lệ học sinh có mượn sách", "%", "decimal",
               lambda f: _pct(f.pupil_share), "Học sinh có mượn / số học sinh có thẻ × 100."),
        Figure("teachers", "Số giáo viên có thẻ trong Koha", "người", "int",
               lambda f: f.teachers,
               f"Bạn đọc loại giáo viên (mã loại bắt đầu bằng {roles.teacher_prefix}), "
               "cùng quy ước như học sinh."),
        Figure("active_teachers", "Giáo viên có mượn sách", "người", "int",
               lambda f: f.active_teachers, "Giáo viên mượn ít nhất một lần trong năm học."),
        Figure("teacher_share", "Tỉ lệ giáo viên có mượn sách", "%", "decimal",
               lambda f: _pct(f.teacher_share), "Giáo viên có mượn / số giáo viên × 100."),
        Figure("per_pupil", "Số bản sách bình quân trên một học sinh", "bản/HS", "decimal",
               lambda f: _ratio(f.per_pupil()),
               "Bản SGK, NV, TK, TN trong kho ngày cuối năm học và không bị mất (952 $1 = 0) "
               "chia cho số học sinh có thẻ (TT 16/2022, NĐ 93/2020 Điều 17)."),
    ]
    for code, name in BUCKET_NAMES.items():
        out.append(Figure(f"per_pupil_{code}", f"– {name}", "bản/HS", "decimal",
                          _per_pupil(code),
                          "Như trên, chỉ tính loại này."))
    return out
