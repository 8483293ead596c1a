"""``koha-bridge classify``: classify, write the sheet, apply it, all through the CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from classification.review import COL_ACCEPT, COL_CORRECTION, COL_ID, SHEET
from cli.main import cli
from marc.io import read_records, write_mrc
from tests.classification.marcfactory import make_record, subfields


def _input(tmp_path: Path) -> tuple[Path, Path]:
    records = [
        make_record("KB1", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh"),
        make_record("KB2", "Harry Potter và hòn đá phù thủy", author="Marsh, Ellen",
                    category="TN", original="eng"),
        make_record("KB3", "Một cuốn sách lạ", author="Trần Thị Mai"),
        make_record("KB4", "Toán 6", category="SGK", f082="510.712"),
    ]
    source = tmp_path / "in.mrc"
    write_mrc(records, source)
    config = tmp_path / "koha-bridge.toml"
    config.write_text('[classification]\nmodel = false\nmin_confidence = "medium"\n'
                      'call_number_parts = ["classification", "author_mark", "year"]\n',
                      encoding="utf-8")
    return source, config


def test_classify_review_then_apply(tmp_path: Path) -> None:
    source, config = _input(tmp_path)
    runner = CliRunner()
    out, sheet, xml = tmp_path / "out.mrc", tmp_path / "review.xlsx", tmp_path / "out.xml"
    result = runner.invoke(cli, ["--config", str(config), "classify", str(source),
                                 "--out", str(out), "--review", str(sheet),
                                 "--marcxml", str(xml)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Đã ghi 4 biểu ghi" in result.output
    assert "theo quy tắc: 1" in result.output
    assert "đã có trong biểu ghi: 1" in result.output
    assert "Cần thủ thư duyệt (chưa ghi số phân loại): 2" in result.output
    assert str(sheet) in result.output
    first = {r["001"].data: r for r in read_records(out)}
    assert subfields(first["KB1"], "952", "o") == ["895.9223 NGU 2024"] * 2
    assert first["KB2"].get_fields("082") == []
    assert [r["001"].data for r in read_records(xml)] == ["KB1", "KB2", "KB3", "KB4"]

    book = load_workbook(sheet)
    rows = book[SHEET]
    header = [c.value for c in rows[1]]
    ids = [r[0].value for r in rows.iter_rows(min_row=2)]
    assert sorted(ids) == ["KB1", "KB2", "KB3"]  # KB4's number came from the record
    kb3_row = ids.index("KB3") + 2
    for row in rows.iter_rows(min_row=2):
        if row[header.index(COL_ID)].value == "KB2":
            row[header.index(COL_ACCEPT)].value = "x"
        if row[header.index(COL_ID)].value == "KB3":
            row[header.index(COL_CORRECTION)].value = "khong-phai-so"
    book.save(sheet)

    final = tmp_path / "final.mrc"
    args = ["--config", str(config), "classify", "--apply", str(sheet), str(out),
            "--out", str(final)]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output  # one correction was not applied
    assert "chấp nhận 1" in result.output and "không áp dụng 1" in result.output
    assert f"dòng {kb3_row}" in result.output
    done = {r["001"].data: r for r in read_records(final)}
    assert subfields(done["KB2"], "082", "a") == ["823"]
    assert subfields(done["KB2"], "952", "o") == ["823 MAR 2024"] * 2
    assert done["KB3"].get_fields("082") == []

    again = tmp_path / "again.mrc"
    args[-1] = str(again)
    args[5] = str(final)
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert "chấp nhận 0" in result.output and "không đổi 1" in result.output
    assert again.read_bytes() == final.read_bytes()


def test_review_and_apply_together_is_a_usage_error(tmp_path: Path) -> None:
    source, config = _input(tmp_path)
    sheet = tmp_path / "x.xlsx"
    sheet.write_bytes(b"")
    result = CliRunner().invoke(cli, ["--config", str(config), "classify", str(source),
                                      "--out", str(tmp_path / "o.mrc"), "--review", str(sheet),
                                      "--apply", str(sheet)])
    assert result.exit_code == 2


def test_default_config_counts_every_source(tmp_path: Path) -> None:
    source = tmp_path / "in.mrc"
    write_mrc([
        make_record("KB1", "Âm Nhạc 10 (Kết Nối) (Chuẩn)"),
        make_record("KB2", "Thám Tử Lừng Danh Conan - Tập 105", author="Gosho Aoyama"),
        make_record("KB3", "Những Đứa Trẻ Lớn Lên Không Ốm", author="Trương Minh Đạt"),
    ], source)
    out = tmp_path / "out.mrc"
    result = CliRunner().invoke(cli, ["classify", str(source), "--out", str(out)],
                                catch_exceptions=False)
    assert "Số phân loại theo môn học: 1" in result.output
    assert "Số phân loại theo quy tắc: 1" in result.output
    written = {r["001"].data: subfields(r, "082", "a") for r in read_records(out)}
    assert written["KB1"] == ["780.712"] and written["KB2"] == ["741.5"]
    assert "Số phân loại theo mô hình nhan đề: 1" in result.output  # KB3: child health
    assert written["KB3"] == ["649.3"]
