"""CSV reading: encodings, delimiters, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from koha_bridge.exceptions import FatalInputError
from marc.readers import read_acquisitions

READERS = Path(__file__).resolve().parents[1] / "fixtures" / "readers"

EXPECTED = [
    (2, {"seq": "1", "title": "Dế Mèn phiêu lưu ký", "author": "Tô Hoài",
         "publisher": "NXB Kim Đồng", "year": "2023", "isbn": "978-604-2-49019-0",
         "price": "50.000", "quantity": "5"}),
    (3, {"seq": "2", "title": "Tiếng Việt 1, tập một", "author": "Bùi Mạnh Hùng",
         "publisher": "NXB Giáo dục Việt Nam", "year": "2024", "isbn": "9786040350107",
         "price": "21.000", "quantity": "30"}),
    (4, {"seq": "3", "title": "Trường Tiểu học Nguyễn Du: kỷ yếu", "author": "Nhiều tác giả",
         "publisher": "NXB Hà Nội", "year": "2020", "price": "120.000", "quantity": "1"}),
]


@pytest.mark.parametrize(
    ("name", "encoding", "converted"),
    [
        ("cp1258.csv", "cp1258", None),
        ("tcvn3.csv", "TCVN3", "TCVN3"),
        ("vni.csv", "VNI", "VNI"),
        ("utf16.csv", "utf-16", None),
    ],
)
def test_encodings_and_delimiters(name: str, encoding: str, converted: str | None) -> None:
    result = read_acquisitions([READERS / name])
    (sheet,) = result.sheets
    assert (sheet.file, sheet.sheet, sheet.header_row, sheet.encoding) == (name, None, 1,
                                                                            encoding)
    assert [(r.source.row, dict(r.values)) for r in result.rows] == EXPECTED
    assert all(r.source.sheet is None and r.source.file == name for r in result.rows)
    notes = result.rows[0].notes
    if converted is None:
        assert notes == ()
    else:
        assert f'Chuyển mã {converted} → Unicode ở cột "Tên sách"' in notes
        assert any(converted in n for n in sheet.notes)


def test_utf8_bom_semicolons_line_numbers() -> None:
    result = read_acquisitions([READERS / "utf8-bom-semicolon.csv"])
    (sheet,) = result.sheets
    assert sheet.encoding == "utf-8-sig"
    assert sheet.header_row == 4
    assert sheet.mapping == {
        "STT": "seq", "Nhan đề": "title", "Tác giả": "author", "NXB": "publisher",
        "Năm XB": "year", "Mã ISBN": "isbn", "Giá bìa": "price", "SL (cuốn)": "quantity",
    }
    assert sheet.unmapped == ("Số ĐKCB",)
    # Line 5 holds a quoted cell with a line break, so the next record starts on line 7.
    assert [(r.source.row, r.values["title"]) for r in result.rows] == [
        (5, "Cho tôi xin một vé đi tuổi thơ"),
        (7, "Hoàng tử bé"),
        (9, "Café và những câu chuyện"),
    ]
    assert result.rows[2].values["price"] == "45,000 VNĐ"
    assert [(s.source.row, s.reason) for s in result.skipped] == [(10, "dòng tổng cộng")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_detection(tmp_path: Path, delimiter: str) -> None:
    lines = [["Tên sách", "Tác giả", "Giá"], ["Mắt biếc", "Nguyễn Nhật Ánh", "110.000,5"],
             ["Hoàng tử bé", "Saint-Exupéry", "60"]]
    quote = '"' if delimiter == "," else ""
    text = "\n".join(delimiter.join(f"{quote}{c}{quote}" if "," in c else c for c in row)
                     for row in lines)
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    result = read_acquisitions([path])
    assert result.sheets[0].encoding == "utf-8"
    assert [dict(r.values) for r in result.rows] == [
        {"title": "Mắt biếc", "author": "Nguyễn Nhật Ánh", "price": "110.000,5"},
        {"title": "Hoàng tử bé", "author": "Saint-Exupéry", "price": "60"},
    ]


def test_binary_file_named_csv_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00\x00binary")
    with pytest.raises(FatalInputError, match=r"list\.csv"):
        read_acquisitions([path])


def test_csv_without_header_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(FatalInputError, match=r"notes\.csv"):
        read_acquisitions([path])
