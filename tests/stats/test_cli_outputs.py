"""The three commands end to end: files written, PDF text and charts, XLSX figures, exit codes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pypdf
import pytest
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.store import Store
from tests.stats import dataset
from tests.stats import reference as ref

YEAR = "2025-2026"


def _store(path: Path, ds: dataset.Dataset) -> Path:
    with Store(path) as store, store.atomic() as conn:
        dataset.load(conn, ds)
    return path


def _small_school(lib: str = "NHO") -> dataset.Dataset:
    """Ten pupils, two teachers, 60 textbooks and reference books: 6 copies per pupil."""
    ds = dataset.Dataset(libraries={lib: f"Trường TH–THCS {lib}"})
    ds.biblios = [dataset.Biblio(1, "Toán 6", "Nhiều tác giả", "510")]
    ds.items = [dataset.Item(i, 1, lib, "SGK" if i % 2 else "TK", None, f"X{i}", "2025-10-01",
                             10000.0, 0, None, 0, None) for i in range(1, 61)]
    ds.patrons = [dataset.Patron(p, f"C{p}", "HS_THCS" if p <= 10 else "GV", lib, "6A1", "6",
                                 "2025-08-20", "2026-07-31") for p in range(1, 13)]
    ds.checkouts = [dataset.Checkout(c, c % 12 + 1, c, lib, "2025-11-03", "2025-11-17",
                                     "2025-11-10") for c in range(1, 21)]
    return ds


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text), sum(len(page.images) for page in reader.pages)


def _sheet_values(path: Path, sheet: str) -> dict[str, object]:
    """Label → value of the yearly report sheet (column B label, column C value)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return {str(row[1]): row[2] for row in ws.iter_rows(values_only=True)
            if len(row) > 2 and row[1]}


def test_stats_writes_xlsx_and_pdf_with_charts(tmp_path: Path, runner: CliRunner) -> None:
    known = dataset.make()
    db = _store(tmp_path / "s.sqlite", known)
    out = tmp_path / "out"
    done = runner.invoke(cli, ["--db", str(db), "stats", "--school-year", YEAR, "--out",
                               str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    text, images = _pdf_text(out / f"thongke-MAU-{YEAR}.pdf")
    assert "THỐNG KÊ HOẠT ĐỘNG THƯ VIỆN" in text and "Lượt mượn theo tháng" in text
    assert images == 8  # month, class, grade, category, DDC, readers, per pupil, additions
    loans = len(ref.loans(known, "MAU", ref.Y2526))
    values = _sheet_values(out / f"thongke-MAU-{YEAR}.xlsx", "Báo cáo năm")
    assert values["Lượt mượn"] == loans
    stock = ref.stock(known, "MAU", ref.Y2526)
    assert values["Tổng số bản sách (đến 31/08/2026)"] == sum(stock.values())
    assert re.search(rf"Tổng cộng\s*{loans}", text)
    # another library of the same store, by --library
    other = runner.invoke(cli, ["--db", str(db), "stats", "--school-year", YEAR, "--library",
                                "KHAC1", "--out", str(out)], catch_exceptions=False)
    assert other.exit_code == 0 and (out / f"thongke-KHAC1-{YEAR}.pdf").exists()
    unknown = runner.invoke(cli, ["--db", str(db), "stats", "--school-year", YEAR,
                                  "--library", "NOPE", "--out", str(out)])
    assert unknown.exit_code == 2 and "NOPE" in unknown.output


def _fill(template: str) -> str:
    """Every judgement 'đạt', every figure 100 (what a school meeting Mức 1 would type)."""
    text = template.replace('danh_gia_muc_1 = ""', 'danh_gia_muc_1 = "đạt"')
    return text.replace('gia_tri = ""', "gia_tri = 100")


def test_standards_check_exit_codes_and_template(tmp_path: Path, runner: CliRunner) -> None:
    db = _store(tmp_path / "s.sqlite", _small_school())
    out = tmp_path / "out"
    args = ["--db", str(db), "standards", "check", "--school-year", YEAR, "--library", "NHO",
            "--out", str(out)]
    first = runner.invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 1
    inputs = out / f"tt16-nhap-tay-{YEAR}.toml"
    assert inputs.exists() and "# Số liệu nhập tay" in inputs.read_text(encoding="utf-8")
    text, _ = _pdf_text(out / f"tt16-minhchung-NHO-{YEAR}.pdf")
    assert "MINH CHỨNG ĐÁNH GIÁ THƯ VIỆN THEO THÔNG TƯ 16/2022/TT-BGDĐT" in text
    assert "Cần nhập thủ công" in text and "CHƯA XÁC NHẬN" in text
    # the untouched template, given explicitly, is accepted and changes nothing
    again = runner.invoke(cli, [*args, "--inputs", str(inputs)], catch_exceptions=False)
    def counts(output: str) -> str:
        return next(line for line in output.splitlines() if line.startswith("Đạt:"))

    assert again.exit_code == 1 and counts(again.output) == counts(first.output)
    assert "đã ghi tệp mẫu" not in again.output
    inputs.write_text(_fill(inputs.read_text(encoding="utf-8")), encoding="utf-8")
    met = runner.invoke(cli, [*args, "--inputs", str(inputs)], catch_exceptions=False)
    assert met.exit_code == 0, met.output
    assert "Mức độ 1" in met.output
    level2 = runner.invoke(cli, [*args, "--inputs", str(inputs), "--level", "2"],
                           catch_exceptions=False)
    assert level2.exit_code == 1  # Mức 2 lines were left empty


def test_rollup_over_stores_lists_every_school(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "stores"
    folder.mkdir()
    big = dataset.make(seed=3, libraries=("TRUONGA",))
    _store(folder / "a.sqlite", big)
    _store(folder / "b.sqlite", _small_school("TRUONGB"))
    with Store(folder / "c.sqlite"):
        pass  # a school that has not pulled anything yet
    out = tmp_path / "out"
    done = runner.invoke(cli, ["rollup", "--school-year", YEAR, "--store", str(folder),
                               "--out", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    ws = openpyxl.load_workbook(out / f"tonghop-{YEAR}.xlsx", read_only=True)["Tổng hợp"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    names = [r[2] for r in rows[header + 2:]]
    assert names[-1] == "Tổng cộng"
    body = rows[header + 2:-1]
    assert [r[1] for r in body] == ["TRUONGA", "TRUONGB", None]
    assert body[2][-1] == "Không có số liệu năm học"
    total = rows[-1]
    counts = [*range(3, 15), 16, 17]  # copies … loans, pupils, teachers (not the ratios)
    for index in counts:
        assert total[index] == sum(r[index] or 0 for r in body) > 0, index
    assert total[15] == round(100 * total[14] / total[13], 2)  # shares from the sums
    assert total[18] == round(100 * total[17] / total[16], 2)
    assert body[0][3] == sum(ref.stock(big, "TRUONGA", ref.Y2526).values())
    assert body[1][3] == 60 and body[1][12] == 20
    text, images = _pdf_text(out / f"tonghop-{YEAR}.pdf")
    assert "TỔNG HỢP SỐ LIỆU THƯ VIỆN CÁC TRƯỜNG" in text and "Tổng cộng" in text
    assert images == 2


@pytest.mark.parametrize("level", ["Mức độ 1"])
def test_rollup_shows_the_recorded_level(tmp_path: Path, runner: CliRunner, level: str) -> None:
    db = _store(tmp_path / "s.sqlite", _small_school())
    out = tmp_path / "out"
    args = ["--db", str(db), "standards", "check", "--school-year", YEAR, "--library", "NHO",
            "--out", str(out)]
    runner.invoke(cli, args, catch_exceptions=False)
    inputs = out / f"tt16-nhap-tay-{YEAR}.toml"
    inputs.write_text(_fill(inputs.read_text(encoding="utf-8")), encoding="utf-8")
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    done = runner.invoke(cli, ["--db", str(db), "rollup", "--school-year", YEAR, "--out",
                               str(out)], catch_exceptions=False)
    assert done.exit_code == 0
    ws = openpyxl.load_workbook(out / f"tonghop-{YEAR}.xlsx", read_only=True)["Tổng hợp"]
    nho = next(r for r in ws.iter_rows(values_only=True) if r[1] == "NHO")
    assert level in nho
