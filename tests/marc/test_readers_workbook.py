"""Workbook reading: header detection, cell values, row sorting, categories, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from koha_bridge.exceptions import ConfigError, FatalInputError
from marc.model import SourceRef
from marc.readers import read_acquisitions

READERS = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def make_xlsx(path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None
              = None) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for cell_range in (merges or {}).get(name, []):
            ws.merge_cells(cell_range)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("above", "header", "expected"),
    [
        (0, ["Nhan đề", "TÁC GIẢ", "NXB", "Năm", "Giá bìa", "SL"],
         ["title", "author", "publisher", "year", "price", "quantity"]),
        (11, ["Ten sach", "Tac gia", "Nha xuat ban", "Ma ISBN"],
         ["title", "author", "publisher", "isbn"]),
        (4, ["Số TT", "Tên\nsách", "Tác giả /\nChủ biên", "Đơn giá (đồng)", "SL (cuốn)"],
         ["seq", "title", "author", "price", "quantity"]),
        (1, ["Tên sách", "Tác giả / Dịch giả", "Ký hiệu phân loại/DDC", "Lần XB/Tái bản"],
         ["title", "author", "class_number", "edition"]),
        (2, ["Tên tài liệu", "Lần xuất bản", "Ký hiệu phân loại", "Ngôn ngữ", "Nhà cung cấp",
             "Phụ đề", "Khổ", "Tập", "Tùng thư", "Số trang", "Môn loại", "Khối", "Nơi XB"],
         ["title", "edition", "class_number", "language", "supplier", "subtitle", "size",
          "volume", "series", "pages", "subject", "grade", "place"]),
    ],
)
def test_header_found_on_different_rows(
    tmp_path: Path, above: int, header: list[str], expected: list[str]
) -> None:
    rows: list[list[Any]] = [["Công ty Sách", None, "Ngày 05/09/2025"] for _ in range(above)]
    rows += [header, ["Dế Mèn phiêu lưu ký", "x", "y", "z"]]
    result = read_acquisitions([make_xlsx(tmp_path / "a.xlsx", {"DS": rows})])
    (sheet,) = result.sheets
    assert sheet.header_row == above + 1
    assert list(sheet.mapping.values()) == expected
    assert sheet.unmapped == ()
    (row,) = result.rows
    assert row.source == SourceRef("a.xlsx", "DS", above + 2)


def test_merged_title_rows_above_header(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", None, None, None, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["BIÊN BẢN GIAO NHẬN SÁCH"],
        ["Tên sách và tác giả theo hợp đồng số 12/HĐ"],
        [],
        ["STT", "Tên sách", "Tác giả", "Số lượng", "Thành tiền"],
        [1, "Hoàng tử bé", "Antoine de Saint-Exupéry", 3, 180000],
    ]
    path = make_xlsx(tmp_path / "b.xlsx", {"Trang 1": rows},
                     {"Trang 1": ["A1:D1", "E1:G1", "A2:G2", "A3:G3"]})
    result = read_acquisitions([path])
    assert result.sheets[0].header_row == 5
    assert [r.source.row for r in result.rows] == [6]
    assert result.skipped == []


def test_cell_values(tmp_path: Path) -> None:
    header = ["Tên sách", "ISBN", "Giá", "Số lượng", "Năm XB", "Khổ", "Ghi chú", "Tập"]
    rows: list[list[Any]] = [
        header,
        ["  Toán   6,\ntập  một ", 9786040350039, 45000.0, 40, 2024, 24.5, dt.date(2024, 1, 2),
         "045"],
        ["Tiếng Việt 1", "978-604-0-35010-7", "45.000đ", "2,5", "2024", 0.00001,
         dt.datetime(2024, 1, 2, 10, 30), 1],
    ]
    result = read_acquisitions([make_xlsx(tmp_path / "c.xlsx", {"DS": rows})])
    first, second = (dict(r.values) for r in result.rows)
    assert first == {
        "title": "Toán 6, tập một", "isbn": "9786040350039", "price": "45000",
        "quantity": "40", "year": "2024", "size": "24.5", "note": "2024-01-02", "volume": "045",
    }
    assert second == {
        "title": "Tiếng Việt 1", "isbn": "978-604-0-35010-7", "price": "45.000đ",
        "quantity": "2,5", "year": "2024", "size": "0.00001", "note": "2024-01-02 10:30:00",
        "volume": "1",
    }


def test_rows_are_sorted_into_data_and_skipped(tmp_path: Path) -> None:
    header = ["STT", "Tên sách", "Tác giả", "Số lượng", "Thành tiền"]
    rows: list[list[Any]] = [
        ["DANH MỤC SÁCH"],                                    # 1
        header,                                               # 2
        ["(1)", "(2)", "(3)", "(4)", "(5)"],                  # 3 column numbers
        ["I. SÁCH GIÁO KHOA LỚP 6"],                          # 4 sub-heading
        [1, "Toán 6", "Hà Huy Khoái", 10, 200000],            # 5
        [],                                                   # 6 empty: dropped
        [2, None, "Bùi Mạnh Hùng", 5, 100000],                # 7 no title: still data
        ["II. Sách tham khảo"],                               # 8 sub-heading
        header,                                               # 9 repeated header
        [3, "Tổng ôn tập Ngữ văn 9", "Nhiều tác giả", 2, 90000],  # 10 a title, not a total
        [4, "Cộng đồng và em"],                               # 11 a title, not a total
        [None, "Tổng cộng", None, 17, 390000],                # 12
        [None, None, None, None, None],                       # 13 empty
        ["Cộng:", "3 đầu sách", None, 17, 390000],            # 14
        [None, "Người giao hàng", None, "Người nhận hàng"],   # 15 signatures
        [5, "Mắt biếc"],                                      # 16 title only
    ]
    result = read_acquisitions([make_xlsx(tmp_path / "d.xlsx", {"DS": rows})])
    assert [r.source.row for r in result.rows] == [5, 7, 10, 11, 16]
    assert [(s.source.row, s.reason) for s in result.skipped] == [
        (3, "dòng đánh số cột"),
        (4, "dòng tiêu đề mục: I. SÁCH GIÁO KHOA LỚP 6"),
        (8, "dòng tiêu đề mục: II. Sách tham khảo"),
        (9, "dòng tiêu đề lặp lại"),
        (12, "dòng tổng cộng"),
        (14, "dòng tổng cộng"),
        (15, "dòng chữ ký / chân trang"),
    ]
    assert "title" not in result.rows[1].values
    assert [r.category for r in result.rows] == ["SGK", "SGK", "TK", "TK", "TK"]


def test_category_sources(tmp_path: Path) -> None:
    header = ["Tên sách", "Loại sách", "SL"]
    sheets: dict[str, list[list[Any]]] = {
        "SGK lớp 6": [header, ["Toán 6", None, 1], ["Mắt biếc", "thiếu nhi", 1],
                      ["Doraemon", "Truyện tranh", 1], ["Từ điển", "STK", 1],
                      ["Văn 6", "SÁCH GIÁO KHOA", 1]],
        "Sách tham khảo": [["Tên sách", "SL"], ["Đắc nhân tâm", 1]],
        "Trang 3": [["Tên sách", "SL"], ["Không rõ", 1]],
    }
    path = make_xlsx(tmp_path / "e.xlsx", sheets)
    result = read_acquisitions([path])
    assert [r.category for r in result.rows] == ["SGK", "TN", None, "TK", "SGK", "TK", None]
    assert result.rows[2].values["category"] == "Truyện tranh"
    forced = read_acquisitions([path], forced_category="NV")
    assert {r.category for r in forced.rows} == {"NV"}
    with pytest.raises(ConfigError):
        read_acquisitions([path], forced_category="XYZ")


def test_two_row_header_with_group_cell(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["STT", "Tên sách", "Giá", None, "Số lượng"],
        [None, None, "Bìa", "Thành tiền", None],
        [1, "Mắt biếc", 110000, 220000, 2],
    ]
    path = make_xlsx(tmp_path / "f.xlsx", {"DS": rows}, {"DS": ["C1:D1", "A1:A2", "B1:B2"]})
    result = read_acquisitions([path])
    assert result.sheets[0].mapping == {
        "STT": "seq", "Tên sách": "title", "Giá Bìa": "price", "Thành tiền": "total",
        "Số lượng": "quantity",
    }
    (row,) = result.rows
    assert row.source.row == 3
    assert row.values == {"seq": "1", "title": "Mắt biếc", "price": "110000",
                          "total": "220000", "quantity": "2"}


def test_unmapped_columns_and_extra_aliases(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Tên đầu sách", "Tác giả", "Số ĐKCB", "Người kiểm", "Tác giả chính"],
        ["Mắt biếc", "Nguyễn Nhật Ánh", "TN.00012", "Lan", "x"],
    ]
    path = make_xlsx(tmp_path / "g.xlsx", {"DS": rows, "Khác": [["Ghi nhớ"]]})
    with pytest.raises(FatalInputError) as info:
        read_acquisitions([path])
    assert "g.xlsx" in str(info.value) and "Tên sách" in str(info.value)
    result = read_acquisitions([path], aliases={"title": ["Tên đầu sách"]})
    sheet, other = result.sheets
    assert sheet.mapping == {"Tên đầu sách": "title", "Tác giả": "author"}
    assert sheet.unmapped == ("Số ĐKCB", "Người kiểm", "Tác giả chính")
    assert any("Tác giả chính" in note for note in sheet.notes)
    assert other.header_row is None
    assert other.notes == ("không tìm thấy dòng tiêu đề: bỏ qua trang",)
    assert result.rows[0].values == {"title": "Mắt biếc", "author": "Nguyễn Nhật Ánh"}
    with pytest.raises(ConfigError):
        read_acquisitions([path], aliases={"titel": ["Tên đầu sách"]})


def test_legacy_encoded_cells(tmp_path: Path) -> None:
    result = read_acquisitions([READERS / "legacy-cells.xlsx"])
    assert result.sheets[0].mapping == {
        "STT": "seq", "Tên sách": "title", "Tác giả": "author", "Nhà xuất bản": "publisher",
    }
    by_seq = {r.values["seq"]: r for r in result.rows}
    assert by_seq["1"].values["title"] == "Dế Mèn phiêu lưu ký"
    assert by_seq["1"].values["publisher"] == "NXB Kim Đồng"
    assert by_seq["1"].notes[0] == 'Chuyển mã TCVN3 → Unicode ở cột "Tên sách"'
    assert by_seq["2"].values["author"] == "Nguyễn Nhật Ánh"
    assert by_seq["2"].notes == ('Chuyển mã VNI → Unicode ở cột "Tên sách"',
                                 'Chuyển mã VNI → Unicode ở cột "Tác giả"')
    assert by_seq["3"].notes == () and by_seq["4"].notes == ()
    assert by_seq["4"].values["author"] == "Émile Zola"
    assert by_seq["5"].values["title"] == "TRƯỜNG TIỂU HỌC NGUYỄN DU"


def test_xls_and_ods(tmp_path: Path) -> None:
    result = read_acquisitions([READERS / "old-format.xls", READERS / "list.ods"])
    assert [(s.file, s.sheet, s.header_row) for s in result.sheets] == [
        ("old-format.xls", "Sách thiếu nhi", 3), ("list.ods", "Tham khảo", 2),
    ]
    assert [(r.source.file, r.source.row, r.values["title"], r.values["price"], r.category)
            for r in result.rows] == [
        ("old-format.xls", 4, "Dế Mèn phiêu lưu ký", "50000", "TN"),
        ("old-format.xls", 5, "Hoàng tử bé", "60000", "TN"),
        ("list.ods", 3, "Từ điển Tiếng Việt", "280000", "TK"),
        ("list.ods", 4, "Đắc nhân tâm", "86000", "TK"),
    ]
    assert [(s.source.row, s.reason) for s in result.skipped] == [(6, "dòng tổng cộng")]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("corrupt.xlsx", b"PK\x03\x04 this is not a workbook", "corrupt.xlsx"),
        ("fake.xls", b"\x00\x01\x02 garbage" * 20, "fake.xls"),
        ("list.pdf", b"%PDF-1.4", "không được hỗ trợ"),
    ],
)
def test_unreadable_files_are_fatal(tmp_path: Path, name: str, content: bytes,
                                    words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FatalInputError) as info:
        read_acquisitions([path])
    assert words in str(info.value)
    assert info.value.exit_code == 3


def test_missing_file_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(FatalInputError, match=r"missing\.xlsx"):
        read_acquisitions([tmp_path / "missing.xlsx"])


def test_grade_from_sheet_name_and_sub_heading(tmp_path: Path) -> None:
    header = ["TT", "Nhan đề", "TG", "Mã số ISBN", "SL"]
    sheets = {
        "Khối 6": [header, [1, "Bồi dưỡng Toán 6", "Vũ Hữu Bình", "", 5]],
        "Sách tham khảo": [
            header,
            ["II. SÁCH THAM KHẢO LỚP 9", None, None, None, None],
            [1, "Ôn thi vào lớp 10", "Nguyễn Văn A", "", 2],
            ["III. TRUYỆN THIẾU NHI", None, None, None, None],
            [2, "Dế Mèn phiêu lưu ký", "Tô Hoài", "", 1],
        ],
    }
    result = read_acquisitions([make_xlsx(tmp_path / "k.xlsx", sheets)])
    grades = {row.values["title"]: row.values.get("grade") for row in result.rows}
    assert grades == {
        "Bồi dưỡng Toán 6": "6", "Ôn thi vào lớp 10": "9", "Dế Mèn phiêu lưu ký": None,
    }
    assert {row.values["title"]: row.values.get("author") for row in result.rows}[
        "Dế Mèn phiêu lưu ký"] == "Tô Hoài"  # "TG" is the author column
    assert all(not s.unmapped for s in result.sheets)
