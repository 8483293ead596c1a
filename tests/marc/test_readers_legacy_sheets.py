"""Legacy sheets decoded as a whole: TCVN3 / VNI copies give what the Unicode original gives.

The fixtures are the Unicode lists re-typed in TCVN3 and VNI by
``tests/fixtures/make_legacy_fixtures.py`` (see there), as .xlsx and .xls (BIFF8).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
import xlrd
from python_calamine import CalamineWorkbook

from koha_bridge.acquisitions.pipeline import Conversion, prepare, records
from koha_bridge.config import AccessionConfig, ClassificationConfig, Config
from marc.legacy import TCVN3, VNI, texts_encoding, unicode_to_tcvn3, unicode_to_vni
from marc.readers import ReadResult, read_acquisitions, workbook
from marc.readers.fonts import FontsUnreadable, capital_cells
from tests.conftest import FIXTURES

LEGACY = FIXTURES / "legacy"
ORIGINALS = {"sample-delivery": FIXTURES / "sample-delivery.xlsx",
             "phieu-giao-hang": LEGACY / "phieu-giao-hang.xlsx"}
CONFIG = Config(
    accession=dataclasses.replace(AccessionConfig(), enabled=False),
    classification=dataclasses.replace(ClassificationConfig(), enabled=False),
)
COPIES = [(base, enc, fmt) for base in ORIGINALS for enc in ("tcvn3", "vni")
          for fmt in ("xlsx", "xls")]


def _rows(result: ReadResult) -> list[tuple]:
    return [(r.source.sheet, r.source.row, r.values, r.category, r.notes) for r in result.rows]


def _skipped(result: ReadResult) -> list[tuple]:
    return [(s.source.sheet, s.source.row, s.reason) for s in result.skipped]


def _row_report(conversion: Conversion) -> list[tuple]:
    return [(o.source.sheet, o.source.row, o.status, o.reasons) for o in conversion.outcomes]


def _marc(conversion: Conversion, file: str) -> list[str]:
    built = records(conversion, CONFIG, store=None, today=date(2025, 10, 2))
    return [  # 005 is the time of building: the two conversions may straddle a second
        "\n".join(line for line in str(record).replace(file, "<file>").splitlines()
                  if not line.startswith("=005"))
        for record in built
    ]


@pytest.mark.parametrize(("base", "encoding", "fmt"), COPIES)
def test_legacy_copy_reads_like_the_unicode_original(base: str, encoding: str, fmt: str) -> None:
    original = read_acquisitions([ORIGINALS[base]])
    copy = read_acquisitions([LEGACY / f"{base}-{encoding}.{fmt}"])
    assert _rows(copy) == _rows(original)
    assert _skipped(copy) == _skipped(original)
    assert [s.encoding for s in copy.sheets] == [encoding.upper()] * len(copy.sheets)
    assert all(f"trang mã {encoding.upper()}" in s.notes[0] for s in copy.sheets)
    assert [s.mapping for s in copy.sheets] == [s.mapping for s in original.sheets]


@pytest.mark.parametrize(("base", "encoding", "fmt"), COPIES)
def test_legacy_copy_converts_to_the_same_records(base: str, encoding: str, fmt: str) -> None:
    path = LEGACY / f"{base}-{encoding}.{fmt}"
    original, copy = prepare([ORIGINALS[base]], CONFIG), prepare([path], CONFIG)
    assert _row_report(copy) == _row_report(original)
    assert len(copy.titles) == len(original.titles) > 0
    assert _marc(copy, path.name) == _marc(original, ORIGINALS[base].name)


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_delivery_note_details_survive_tcvn3(fmt: str) -> None:
    """The defects the issue saw: prices ``45.000®``, ``Số trang``, the ``Tổng cộng`` row."""
    path = LEGACY / f"phieu-giao-hang-tcvn3.{fmt}"
    result = read_acquisitions([path])
    sheet = result.sheets[0]
    assert sheet.mapping["Số trang"] == "pages" and sheet.unmapped == ()
    by_seq = {r.values["seq"]: r for r in result.rows}
    assert by_seq["1"].values["price"] == "45.000đ"
    assert by_seq["2"].values["title"] == "Ở nhà vẫn học tốt Ngữ văn 7"  # .VnTimeH initial
    assert by_seq["2"].values["author"] == "Trần Thị Ánh"
    skipped = {s.source.row: s.reason for s in result.skipped}
    totals = [row for row, reason in skipped.items() if reason == "dòng tổng cộng"]
    assert len(totals) == 1 and all(r.source.row != totals[0] for r in result.rows)
    assert "dòng tiêu đề mục: A. SÁCH THAM KHẢO" in skipped.values()
    conversion = prepare([path], CONFIG)
    assert conversion.copies == 55 - 3 - 2  # the totals row's 55, less two rejected rows
    assert len(result.rows) == 12


def test_capitals_font_cells_are_read_from_both_formats() -> None:
    for fmt in ("xlsx", "xls"):
        cells = capital_cells(LEGACY / f"phieu-giao-hang-tcvn3.{fmt}", "Phiếu giao hàng")
        whole = [runs for runs in cells.values() if len(runs) == 1]
        assert (0, 0) in cells and cells[(0, 0)][0].capitals  # company line, row 1
        assert len(whole) >= 4  # company, title of the note, sub-headings
        assert any(len(runs) > 1 for runs in cells.values())  # rich text: "Ở", "Ánh"


def test_short_legacy_cells_follow_the_sheet() -> None:
    texts = [unicode_to_tcvn3(t) for t in ("Tiếng Việt lớp một", "Người giao hàng",
                                           "Tổng cộng")] + ["45.000®"]
    assert texts_encoding(texts) == TCVN3
    assert texts_encoding(["45.000®"]) is None  # alone, a price is not Vietnamese text
    assert texts_encoding([unicode_to_vni(t) for t in ("Tiếng Việt", "45.000đ")]) == VNI
    assert texts_encoding(["Toán", "Café", "Tô Hoài"]) is None
    assert texts_encoding(["Toán 6", "Ngữ văn", unicode_to_tcvn3("Tiếng Việt")]) is None


def test_western_lists_are_not_taken_for_legacy_vietnamese() -> None:
    french = ["Le Petit Prince", "Antoine de Saint-Exupéry", "Café au lait", "Élève",
              "Les Misérables", "Hachette Éducation", "À la recherche du temps perdu", "Noël"]
    german = ["Die Verwandlung", "Märchen", "Grüße aus München", "Straße"]
    spanish = ["Don Quijote de la Mancha", "España", "Canción", "Niño"]
    for texts in (french, german, spanish):
        assert texts_encoding(texts) is None


def test_mixed_sheet_is_decoded_cell_by_cell_and_reported() -> None:
    result = read_acquisitions([FIXTURES / "readers" / "legacy-cells.xlsx"])
    sheet = result.sheets[0]
    assert sheet.encoding is None
    assert sheet.encoding_note == (
        "trang lẫn Unicode và mã cũ: đã chuyển mã từng ô (4 ô TCVN3, 2 ô VNI)")
    assert sheet.notes[0] == sheet.encoding_note


def test_unicode_list_is_left_alone() -> None:
    result = read_acquisitions([ORIGINALS["sample-delivery"]])
    assert all(s.encoding is None for s in result.sheets)
    assert not any("bảng mã" in n or "trang mã" in n for s in result.sheets for n in s.notes)


@pytest.mark.parametrize(("base", "encoding", "fmt"), COPIES)
def test_copies_hold_legacy_text_only(base: str, encoding: str, fmt: str) -> None:
    """No cell of a copy is Unicode Vietnamese; the .xls copies are BIFF8."""
    path = LEGACY / f"{base}-{encoding}.{fmt}"
    workbook = CalamineWorkbook.from_path(str(path))
    texts = [v for name in workbook.sheet_names
             for row in workbook.get_sheet_by_name(name).to_python() for v in row
             if isinstance(v, str)]
    assert texts and not any(re.search("[ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]",
                                       t.lower()) for t in texts)
    if fmt == "xls":
        assert xlrd.open_workbook(str(path)).biff_version == 80


def test_unreadable_fonts_fall_back_to_guessed_capitals(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: object, sheet: str) -> None:
        raise FontsUnreadable("BadZipFile: File is not a zip file")

    monkeypatch.setattr(workbook, "capital_cells", broken)
    result = read_acquisitions([LEGACY / "phieu-giao-hang-tcvn3.xlsx"])
    note = result.sheets[0].encoding_note
    assert note.startswith("trang mã TCVN3: đã chuyển toàn bộ 103 ô chữ sang Unicode")
    assert note.endswith("không đọc được phông chữ (BadZipFile: File is not a zip file): "
                         "chữ in hoa được đoán")
    by_seq = {r.values["seq"]: r.values for r in result.rows}
    assert by_seq["1"]["price"] == "45.000đ" and len(result.rows) == 12
    assert "dòng tổng cộng" in {s.reason for s in result.skipped}
