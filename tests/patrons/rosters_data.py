"""Roster fixtures written by the tests themselves (invented pupils, no real data).

``write_rosters(folder)`` writes one file per roster form schools have:

- ``csdl-nganh.xlsx``: the ministry export (title rows, header on row 4, separate
  ``Lớp học`` / ``Khối học``, text dates, a pupil who moved away, an impossible date,
  a row without identifier, a messy name, columns we must drop);
- ``lop-6A1.xlsx``: one class per file, class in a heading ``DANH SÁCH HỌC SINH LỚP 6A1``,
  ``Họ và tên đệm`` + ``Tên``, Excel date cells and serial numbers; one pupil also in the
  export (merged), one identifier taken by another person (rejected);
- ``khoi-7.xlsx``: one sheet per class (``7A1``, ``7A2``), ``Mã HS`` only, ``d/m/yy``, a
  name typed in a TCVN3 (.VnTime) font;
- ``toan-truong.csv``: one big list with a ``Lớp`` column, ISO dates, two namesakes;
- ``8A1.xls``: Excel 97-2003, the class only in the file name;
- ``giao-vien.csv``: teachers (UTF-8 with BOM), ``Mã giáo viên``, ``Tổ chuyên môn``.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import xlwt
from openpyxl import Workbook

from marc.legacy import unicode_to_tcvn3

EXPORT_HEADER = ["STT", "Mã định danh Bộ GD&ĐT", "Họ tên", "Ngày sinh", "Giới tính",
                 "Dân tộc", "Trạng thái", "SĐT liên hệ", "Tên cha", "Lớp học", "Khối học",
                 "Số định danh cá nhân"]
EXPORT = [
    ["1", "7900000001", "Nguyễn Văn An", "05/03/2013", "Nam", "Kinh", "Đang học",
     "0912345678", "Nguyễn Văn Bố", "6A1", "Khối 6", "079213000001"],
    ["2", "7900000002", "trần  thị BÌNH", "17/11/2013", "Nữ", "Kinh", "Đang học",
     "0912345679", "Trần Văn Cha", "7A2", "Khối 7", "079313000002"],
    ["3", "7900000003", "Lê Hoàng Cường", "31/02/2012", "Nam", "Kinh", "Đang học", "", "",
     "8A1", "Khối 8", ""],
    ["4", "", "Phạm Minh Đức", "01/01/2012", "Nam", "Kinh", "Đang học", "", "", "8A1",
     "Khối 8", ""],
    ["5", "7900000005", "Hoàng Thu Hà", "12/12/2010", "Nữ", "Tày", "Đã chuyển trường", "",
     "", "9A1", "Khối 9", ""],
    ["6", "7900000006", "Vũ Ngọc Ánh", "09/09/2010", "Nữ", "Kinh", "Đang học", "", "",
     "9.1", "Khối 9", ""],
]
CLASS_6A1 = [  # (id, family+middle, given, birth cell, gender)
    ("7900000011", "Đặng Văn", "Bảo", dt.datetime(2014, 4, 2), "Nam"),
    ("7900000012", "Bùi Thị", "Châu", 41800, "Nữ"),  # Excel serial → 2014-06-10
    ("7900000001", "Nguyễn Văn", "An", dt.datetime(2013, 3, 5), "Nam"),  # also in export
    ("7900000002", "Lý Văn", "Tài", dt.datetime(2014, 1, 1), "Nam"),  # id of another
    ("7900000006", "Vũ Ngọc", "Ánh", dt.datetime(2010, 9, 9), "Nữ"),  # in 9.1 in export
]
SHEETS_7 = {
    "7A1": [("HS701", "Đỗ Minh Khang", "3/4/13", "Nam")],
    "7A2": [("HS702", "Ngô Thị Lan", "20/10/13", "Nữ"), ("HS703", "Tạ Quang Huy", "", "")],
}
BIG_LIST = [  # STT, Mã định danh, Họ và tên, Ngày sinh, Giới tính, Lớp
    ["1", "7900000021", "Nguyễn Văn Nam", "2011-05-06", "Nam", "8A2"],
    ["2", "7900000022", "Nguyễn Văn Nam", "2011-08-09", "Nam", "8A3"],  # namesake
    ["3", "7900000023", "Phan Thị Mai", "2011-13-01", "Nữ", "8A2"],  # impossible month
    ["4", "7900000024", "Trịnh Văn Long", "2011-02-02", "Không rõ", "8A2"],  # gender
]
CLASS_8A1 = [("7900000031", "Mai Anh Tuấn", "15/06/2012", "Nam")]
TEACHERS = [
    ["GV001", "Nguyễn Thị Hồng", "Tổ Ngữ văn", "12/05/1985", "Nữ", "hong@example.edu.vn"],
    ["GV002", "Trần Quốc Toản", "Tổ Toán", "01/09/1979", "Nam", "toan@example.edu.vn"],
]


def write_export(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO THÀNH PHỐ MẪU"])
    ws.append(["DANH SÁCH HỌC SINH TOÀN TRƯỜNG"])
    ws.append([])
    ws.append(EXPORT_HEADER)
    for row in EXPORT:
        ws.append(row)
    wb.save(path)
    return path


def write_class_file(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.append(["TRƯỜNG THCS MẪU"])
    ws.append(["DANH SÁCH HỌC SINH LỚP 6A1"])
    ws.append(["STT", "Mã định danh", "Họ và tên đệm", "Tên", "Ngày sinh", "Giới tính"])
    for n, (card, family, given, birth, sex) in enumerate(CLASS_6A1, 1):
        ws.append([n, card, family, given, birth, sex])
        if isinstance(birth, dt.datetime):
            ws.cell(ws.max_row, 5).number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


def write_sheet_per_class(path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, pupils in SHEETS_7.items():
        ws = wb.create_sheet(name)
        ws.append(["STT", "Họ và tên", "Mã HS", "Ngày sinh", "Giới tính"])
        for n, (card, full, birth, sex) in enumerate(pupils, 1):
            ws.append([n, unicode_to_tcvn3(full) if card == "HS702" else full, card, birth,
                       sex])
    wb.save(path)
    return path


def write_big_list(path: Path) -> Path:
    lines = ["STT,Mã định danh,Họ và tên,Ngày sinh,Giới tính,Lớp"]
    lines += [",".join(row) for row in BIG_LIST]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xls(path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for col, name in enumerate(["STT", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh",
                                "Giới tính"]):
        sheet.write(0, col, name)
    for row, (card, full, birth, sex) in enumerate(CLASS_8A1, 1):
        for col, value in enumerate([row, card, full, birth, sex]):
            sheet.write(row, col, value)
    book.save(str(path))
    return path


def write_teachers(path: Path) -> Path:
    lines = ["Mã giáo viên;Họ và tên;Tổ chuyên môn;Ngày sinh;Giới tính;Email"]
    lines += [";".join(row) for row in TEACHERS]
    path.write_bytes(codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def write_rosters(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_export(folder / "csdl-nganh.xlsx"),
        write_class_file(folder / "lop-6A1.xlsx"),
        write_sheet_per_class(folder / "khoi-7.xlsx"),
        write_big_list(folder / "toan-truong.csv"),
        write_xls(folder / "8A1.xls"),
        write_teachers(folder / "giao-vien.csv"),
    ]
