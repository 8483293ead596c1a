"""The report model through both writers: headings, rows, totals, pages, pictures."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from classification.labels.fonts import register_fonts
from koha_bridge.exceptions import ConfigError
from koha_bridge.reports.grid import heading_cells, vn_number
from koha_bridge.reports.layout import load_layout
from koha_bridge.reports.model import (
    Column,
    ImageBlock,
    Part,
    Report,
    Section,
    Signature,
    TableBlock,
    TextBlock,
)
from koha_bridge.reports.pdf_writer import PdfFonts, write_pdf
from koha_bridge.reports.xlsx_writer import write_xlsx

COLUMNS = (
    Column("date", ("Ngày vào sổ",), 11, "date"),
    Column("acc", ("Số ĐKCB",), 10, "code"),
    Column("title", ("Tên tác giả và tên sách",), 40, "text"),
    Column("copies", ("Tổng số", "Bản"), 7, "int"),
    Column("value", ("Tổng số", "Tiền (đồng)"), 12, "money"),
    Column("note", ("Ghi chú",), 14, "text"),
)


def _fonts() -> PdfFonts:
    fonts = register_fonts()
    return PdfFonts(fonts.regular, fonts.bold)


def _report(rows: int, *, image: bytes | None = None) -> Report:
    sections = [
        Section(
            [{"date": date(2025, 10, 2), "acc": f"TK.{n:05d}",
              "title": f"Nguyễn Nhật Ánh – Tôi thấy hoa vàng trên cỏ xanh, tập {n}" * (n % 3 + 1),
              "copies": 1, "value": 85000} for n in range(start, start + rows // 2)],
            caption=f"Lớp {label}",
            subtotals={"title": "Cộng", "copies": rows // 2, "value": 85000 * (rows // 2)},
        )
        for label, start in (("6A", 1), ("6B", 1 + rows // 2))
    ]
    blocks: list = [TableBlock(COLUMNS, sections, totals={
        "title": "Tổng cộng", "copies": rows, "value": 85000 * rows})]
    if image is not None:
        blocks.append(ImageBlock(image, 80, "Biểu đồ"))
    blocks.append(TextBlock(["Số bản: đếm từng bản sách."]))
    return Report(
        title="SỔ ĐĂNG KÝ CÁ BIỆT",
        subtitle=("Trường THCS Mẫu", "Năm học 2025 - 2026"),
        parts=[Part("ĐKCB", "Phần I – Nhập", blocks), Part("Phần II", "Phần II – Xuất", [
            TableBlock(COLUMNS[:2], [Section([{"date": None, "acc": "TK.00001"}])])])],
        notes=("Ghi chú: số ĐKCB không bao giờ dùng lại.",),
        signatures=(Signature("Người lập sổ"), Signature("Hiệu trưởng", name="Trần Văn B")),
        place_date="ngày … tháng … năm …",
        landscape=True,
        header="Trường THCS Mẫu",
    )


def _png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2))
    figure.add_subplot().bar(["6A", "6B"], [3, 5])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def test_heading_cells_merge_groups_and_span_single_levels() -> None:
    cells = {(c.top, c.left, c.bottom, c.right): c.text for c in heading_cells(COLUMNS)}
    assert cells[(0, 3, 0, 4)] == "Tổng số"
    assert cells[(1, 3, 1, 3)] == "Bản" and cells[(1, 4, 1, 4)] == "Tiền (đồng)"
    assert cells[(0, 0, 1, 0)] == "Ngày vào sổ"
    assert cells[(0, 5, 1, 5)] == "Ghi chú"
    assert len(cells) == 7


def test_vietnamese_number_grouping() -> None:
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(0) == "0"


def test_xlsx_title_above_table_headings_frozen_and_totals(tmp_path: Path) -> None:
    path = write_xlsx(_report(10, image=_png()), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["ĐKCB", "Phần II"]
    sheet = book["ĐKCB"]
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ CÁ BIỆT"
    assert sheet["A2"].value == "Trường THCS Mẫu"
    assert sheet["A4"].value == "Phần I – Nhập"
    assert sheet["A6"].value == "Ngày vào sổ" and sheet["D6"].value == "Tổng số"
    assert sheet["D7"].value == "Bản" and sheet["E7"].value == "Tiền (đồng)"
    assert "D6:E6" in {str(r) for r in sheet.merged_cells.ranges}
    assert "A6:A7" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "A8"
    assert sheet["A8"].value == "Lớp 6A"
    assert sheet["B9"].value == "TK.00001" and sheet["B9"].number_format == "@"
    assert sheet["A9"].value.date() == date(2025, 10, 2)
    assert sheet["A9"].number_format == "dd/mm/yyyy"
    assert sheet["E9"].value == 85000 and sheet["E9"].number_format == "#,##0"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    totals = [row for row in values if row[2] == "Tổng cộng"]
    assert totals == [[None, None, "Tổng cộng", 10, 850000, None]]
    assert len(sheet._images) == 1
    last = [c.value for row in book["Phần II"].iter_rows() for c in row if c.value]
    assert "Hiệu trưởng" in last and "Trần Văn B" in last
    assert "Ghi chú: số ĐKCB không bao giờ dùng lại." in last
    assert "Hiệu trưởng" not in [v for row in values for v in row]


def test_pdf_repeats_headings_numbers_pages_and_keeps_diacritics(tmp_path: Path) -> None:
    path = write_pdf(_report(300, image=_png()), tmp_path / "r.pdf", _fonts())
    reader = PdfReader(path)
    pages = [unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages]
    total = len(pages)
    assert total > 5
    assert "SỔ ĐĂNG KÝ CÁ BIỆT" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text
        assert "Năm học 2025 - 2026" in text
    table_pages = [t for t in pages if "85.000" in t]
    assert len(table_pages) > 3
    assert all("Ngày vào sổ" in t and "Tiền (đồng)" in t for t in table_pages)
    accessions = {f"TK.{n:05d}" for n in range(1, 151)}
    found = {word for t in pages for word in t.split() if word.startswith("TK.")}
    assert accessions <= found  # every number whole, none lost between pages
    text = "\n".join(pages)
    assert "Tổng cộng" in text and "25.500.000" in text
    assert "Hiệu trưởng" in text and "Phần II – Xuất" in pages[-1]


def test_pdf_renders_to_png(tmp_path: Path) -> None:
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is needed"
    path = write_pdf(_report(20), tmp_path / "r.pdf", _fonts())
    subprocess.run([tool, "-png", "-r", "50", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 5000


def test_layout_yaml_multi_level_headings(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "title: SỔ X\nlandscape: true\nparts:\n  main:\n    sheet: A\n    columns:\n"
        "      - {key: a, heading: Ngày, kind: date, width: 10}\n"
        "      - {key: b, heading: [Tổng số, Bản], kind: int}\n"
        "signatures:\n  - {role: Hiệu trưởng}\n", encoding="utf-8")
    layout = load_layout(path)
    assert layout.title == "SỔ X" and layout.landscape
    assert layout.part("main").columns[1].heading == ("Tổng số", "Bản")
    assert layout.signatures[0].role == "Hiệu trưởng"


@pytest.mark.parametrize("column", [
    "{key: a, heading: X, kind: colour}", "{key: a}", "{key: a, heading: X, width: -1}",
    "{key: a, heading: X, wide: 3}",
])
def test_layout_rejects_bad_columns(tmp_path: Path, column: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"title: T\nparts:\n  main:\n    columns:\n      - {column}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_layout(path)


def test_pdf_cell_wrapping_gives_reportlabs_lines() -> None:
    """The cached-width wrapping of table cells breaks lines exactly where simpleSplit does."""
    import random

    from reportlab.lib.utils import simpleSplit

    from koha_bridge.reports.pdf_writer import FONT_SIZE, _Measure

    fonts = _fonts()
    measure = _Measure([], [], fonts)
    words = ("Tiếng Việt", "Dế Mèn phiêu lưu ký", "Nguyễn Nhật Ánh –", "Khoa học tự nhiên",
             "Kết nối tri thức với cuộc sống", "ĐỊA LÍ", "1.234.000", "(không có biểu ghi)",
             "Supercalifragilisticexpialidocious", "  ", "x\ty")
    rng = random.Random(7)
    wrapped = 0
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12)))
        for font in (fonts.regular, fonts.bold):
            room = rng.choice((12.0, 31.5, 55.25, 90.0, 140.7))
            lines = measure._split(text, font, room)
            assert lines == simpleSplit(text, font, FONT_SIZE, room)
            wrapped += len(lines) > 1
    assert wrapped > 1000  # the widths chosen do make most texts wrap
