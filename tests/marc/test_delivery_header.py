"""The delivery note's document number, date and supplier from its header block."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from marc.readers import read_acquisitions
from marc.readers.delivery_header import read_delivery_header
from tests.conftest import FIXTURES

TABLE = [["STT", "Tên sách", "Số lượng"], [1, "Toán 6", 2]]


@pytest.mark.parametrize(
    ("above", "document", "day"),
    [
        ([["Số chứng từ: 131/PGH", "", "Ngày 02/10/2025"]], "131/PGH", dt.date(2025, 10, 2)),
        ([["Số phiếu:", "PX-09"], ["Ngày 15/09/2025"]], "PX-09", dt.date(2025, 9, 15)),
        ([["Số: 45/2025"], ["Ngày:", dt.datetime(2025, 9, 15)]], "45/2025", dt.date(2025, 9, 15)),
        ([["Mẫu số: 01GTKT3/001"], ["Ký hiệu: AA/25E"], ["Hóa đơn số 0001234"],
          ["Ngày 15 tháng 9 năm 2025"]], "0001234", dt.date(2025, 9, 15)),
        ([["HOÁ ĐƠN BÁN HÀNG"], ["Số hoá đơn: 88"], ["Ngày lập", "03/11/2025"]], "88",
         dt.date(2025, 11, 3)),
        ([["Phiếu giao hàng số 17/PGH-TV ngày 1/9/2025"]], "17/PGH-TV", dt.date(2025, 9, 1)),
        ([["Mã số thuế: 0101234567"], ["Số tài khoản: 12345"], ["Ngày … tháng … năm …"]],
         None, None),
        ([["Ngày 31/02/2025"]], None, None),  # not a date
        ([["PHIẾU XUẤT KHO   Số: PX0042", "Ngày 07/10/2025"]], "PX0042", dt.date(2025, 10, 7)),
        ([["Mẫu số: 02-VT"], ["Hợp đồng số: 125/2025/HĐMB"], ["Tài khoản số: 0011"],
          ["Mã số: 0101234567"]], None, None),
    ],
)
def test_document_and_date_variants(
    above: list[list[object]], document: str | None, day: dt.date | None
) -> None:
    header = read_delivery_header(above)
    assert (header.document, header.date) == (document, day)
    assert len(header.found) == (document is not None) + (day is not None)


@pytest.mark.parametrize(
    ("above", "supplier"),
    [
        ([["CÔNG TY TNHH SÁCH VÀ THIẾT BỊ GIÁO DỤC HÀ NỘI"], ["Mã số thuế: 0101234567"]],
         "CÔNG TY TNHH SÁCH VÀ THIẾT BỊ GIÁO DỤC HÀ NỘI"),
        ([["Cty CP Sách Giáo dục tại TP Hà Nội"]], "Cty CP Sách Giáo dục tại TP Hà Nội"),
        ([["Nhà sách Fahasa"], ["Đơn vị cung cấp: Công ty Phát hành sách Tiền Phong"]],
         "Công ty Phát hành sách Tiền Phong"),  # the labelled line wins
        ([["Bên giao (Bên A):", "Công ty Sách Đông A"], ["Bên nhận (Bên B): Trường THCS"]],
         "Công ty Sách Đông A"),
        ([["Trường THCS Lê Lợi"], ["DANH SÁCH SÁCH BỔ SUNG"]], None),
    ],
)
def test_supplier_variants(above: list[list[object]], supplier: str | None) -> None:
    assert read_delivery_header(above).supplier == supplier


def test_the_signature_block_gives_the_date_when_the_header_has_none() -> None:
    header = read_delivery_header(
        [["Số: 12"]], [*TABLE, ["Hà Nội, ngày 02 tháng 10 năm 2025"], ["Người giao"]],
        numbers=[1], below_numbers=[3, 4, 5, 6],
    )
    assert header.date == dt.date(2025, 10, 2)
    assert "ngày chứng từ 02/10/2025 (dòng 5)" in header.found
    blank = read_delivery_header([["Số: 12"]], [*TABLE, ["Hà Nội, ngày … tháng … năm …"]])
    assert blank.date is None


def test_a_csv_note_with_a_header_block(tmp_path: Path) -> None:
    path = tmp_path / "hoa-don.csv"
    path.write_text(
        "Nhà sách Minh Khai;;\nHóa đơn số: 0045;Ngày: 12/09/2025;\n;;\n"
        "STT;Tên sách;Số lượng\n1;Toán 6;2\n", encoding="utf-8")
    read = read_acquisitions([path])
    header = read.deliveries["hoa-don.csv"]
    assert (header.document, header.date, header.supplier) == (
        "0045", dt.date(2025, 9, 12), "Nhà sách Minh Khai")
    assert header.found == (
        'số chứng từ "0045" (dòng 2)', "ngày chứng từ 12/09/2025 (dòng 2)",
        'nhà cung cấp "Nhà sách Minh Khai" (dòng 1)')
    assert len(read.rows) == 1  # the header block is not data


def test_the_sample_note_gives_its_own_number_and_date() -> None:
    """Not the house number of the address (``Số 187B Giảng Võ``), not the contract's
    date (``Hợp đồng số … ngày 15/07/2025``): ``Số: 0912/BBGN`` and ``Ngày giao``."""
    read = read_acquisitions([FIXTURES / "sample-delivery.xlsx"])
    header = read.deliveries["sample-delivery.xlsx"]
    assert header.document == "0912/BBGN"
    assert header.date == dt.date(2025, 9, 5)
    assert header.supplier == "CÔNG TY CỔ PHẦN SÁCH VÀ THIẾT BỊ GIÁO DỤC MIỀN BẮC"
    # its second sheet is another document of the same delivery: said, first one kept
    assert 'số chứng từ "0913/PXK" ([Sách tham khảo] dòng 5)' in header.found
    assert 'hai số chứng từ khác nhau: dùng "0912/BBGN"' in header.found


@pytest.mark.parametrize("name", ["phieu-giao-hang", "sample-delivery"])
def test_legacy_typed_notes_give_the_same_delivery(name: str) -> None:
    """The header block of a note typed in TCVN3 or VNI (.xls and .xlsx) reads as its
    Unicode original's."""
    legacy = FIXTURES / "legacy"
    original = legacy / f"{name}.xlsx" if name != "sample-delivery" else (
        FIXTURES / "sample-delivery.xlsx")
    expected = read_acquisitions([original]).deliveries[original.name]
    assert expected.document and expected.date and expected.supplier
    for typed in ("tcvn3.xls", "tcvn3.xlsx", "vni.xls", "vni.xlsx"):
        path = legacy / f"{name}-{typed}"
        header = read_acquisitions([path]).deliveries[path.name]
        assert (header.document, header.date, header.supplier) == (
            expected.document, expected.date, expected.supplier), path.name
