"""``acquisitions convert`` and ``demo`` end to end on the bundled sample delivery note."""

from __future__ import annotations

import filecmp
import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pymarc import MARCReader

from cli.main import cli
from tests.conftest import FIXTURES, REPO, require_tool

SAMPLE = FIXTURES / "sample-delivery.xlsx"
FACTS = json.loads((FIXTURES / "sample-delivery.json").read_text(encoding="utf-8"))


def _detail_rows(report: Path) -> list[tuple]:
    sheet = load_workbook(report, read_only=True)["Chi tiết"]
    return [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]


def test_every_row_is_accounted_for_in_the_report(runner, tmp_path: Path) -> None:
    out, report = tmp_path / "sach.mrc", tmp_path / "baocao.xlsx"
    result = runner.invoke(
        cli,
        ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert", str(SAMPLE),
         "--out", str(out), "--marcxml", str(tmp_path / "sach.xml"), "--report", str(report)],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output  # the sample carries rejected rows
    rows = _detail_rows(report)
    expected = {(r["sheet"], r["row"]) for r in FACTS["rows"]}
    assert {(r[1], r[2]) for r in rows} == expected  # every data row, once, nothing else
    assert len(rows) == len(expected)
    by_status: dict[str, list[tuple]] = {}
    for row in rows:
        by_status.setdefault(row[3], []).append(row)
    rejected = {r[2] for r in by_status["Bị loại"]}
    defects = FACTS["defects"]
    assert rejected == {*defects["no_title"], *defects["bad_quantity"], *defects["bad_price"],
                        *defects["impossible_year"]}
    assert all(r[8] for r in by_status["Bị loại"])  # each with a reason
    merged = by_status["Đã gộp"]
    assert [r[2] for r in merged] == [max(defects["duplicate_isbn"])]
    assert merged[0][6] == min(defects["duplicate_isbn"])  # "merged into" row number
    summary = [r[0] for r in load_workbook(report, read_only=True)["Tổng hợp"].iter_rows(
        values_only=True)]
    assert f"Số dòng dữ liệu đọc được: {len(expected)}" in summary
    # every copy of a converted or merged row got an accession number, listed per row
    records = list(MARCReader(out.open("rb"), to_unicode=True, force_utf8=True))
    copies = sum(len(r.get_fields("952")) for r in records)
    accepted = [r for r in rows if r[3] != "Bị loại"]
    assert copies == sum(r[5] for r in accepted)
    assert all(r[7] for r in accepted)
    assert "Bị loại: 5" in result.output


def test_output_passes_yaz_marcdump(runner, tmp_path: Path) -> None:
    yaz = require_tool("yaz-marcdump")
    out = tmp_path / "sach.mrc"
    runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert",
                        str(SAMPLE), "--out", str(out)])
    done = subprocess.run([yaz, "-f", "UTF-8", "-t", "UTF-8", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    assert done.stdout.count("\n001 ") == 59


def test_strict_writes_nothing_when_a_row_is_rejected(runner, tmp_path: Path) -> None:
    out = tmp_path / "sach.mrc"
    result = runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions",
                                 "convert", str(SAMPLE), "--out", str(out), "--strict"])
    assert result.exit_code == 1
    assert not out.exists()
    assert (tmp_path / "sach-baocao.xlsx").exists()  # the report says why


def test_clean_list_exits_0_and_numbers_continue_across_deliveries(
    runner, tmp_path: Path
) -> None:
    clean = tmp_path / "giao-nhan.csv"
    clean.write_text(
        "STT;Tên sách;Tác giả;NXB;Năm XB;ISBN;Đơn giá;SL\n"
        "1;Dế Mèn phiêu lưu ký;Tô Hoài;Kim Đồng;2023;978-604-2-12345-6;45.000đ;2\n",
        encoding="utf-8-sig",
    )
    store = str(tmp_path / "kb.sqlite")
    args = ["--db", store, "acquisitions", "convert", "--category", "TN"]
    first = runner.invoke(cli, [*args, str(clean), "--out", str(tmp_path / "a.mrc")])
    assert first.exit_code == 0, first.output
    second_list = tmp_path / "dot-2.csv"
    second_list.write_text(clean.read_text(encoding="utf-8-sig").replace("Dế Mèn", "Dế Mèn và"),
                           encoding="utf-8")
    runner.invoke(cli, [*args, str(second_list), "--out", str(tmp_path / "b.mrc")])
    numbers = [f.get("i") for path in ("a.mrc", "b.mrc")
               for r in MARCReader((tmp_path / path).open("rb"), to_unicode=True)
               for f in r.get_fields("952")]
    assert numbers == ["TN.00001", "TN.00002", "TN.00003", "TN.00004"]


def test_unknown_category_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["acquisitions", "convert", str(SAMPLE), "--out",
                                 str(tmp_path / "x.mrc"), "--category", "XYZ"])
    assert result.exit_code == 2


def test_demo_bundles_the_sample_and_writes_every_output(runner, tmp_path: Path) -> None:
    assert filecmp.cmp(REPO / "cli" / "data" / "sample-delivery.xlsx", SAMPLE, shallow=False)
    out = tmp_path / "demo"
    result = runner.invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("records.mrc", "records.xml", "baocao.xlsx", "nhan-gay.pdf",
                 "nhan-ma-vach.pdf"):
        assert (out / name).stat().st_size > 0, name
        assert name in result.output
    # the review sheet is written exactly when some title waits for a class number
    waiting = "bản chờ duyệt số phân loại" in result.output
    assert (out / "duyet-phan-loai.xlsx").exists() == waiting
    assert ("duyet-phan-loai.xlsx" in result.output) == waiting
    assert waiting or "Bảng duyệt số phân loại: không cần" in result.output


def test_nfd_input_comes_out_nfc(runner, tmp_path: Path) -> None:
    import unicodedata

    source = tmp_path / "nfd.csv"
    text = "Tên sách;Tác giả;Số lượng\nTiếng Việt lớp 2;Nguyễn Thị Ngọc Ánh;1\n"
    source.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    out, xml = tmp_path / "o.mrc", tmp_path / "o.xml"
    result = runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert",
                                 str(source), "--out", str(out), "--marcxml", str(xml)])
    assert result.exit_code == 0, result.output
    for data in (out.read_bytes().decode("utf-8"), xml.read_text(encoding="utf-8")):
        assert unicodedata.is_normalized("NFC", data)
        assert "Nguyễn Thị Ngọc Ánh" in data


def test_numbering_during_conversion_equals_numbering_the_records_after(
    runner, tmp_path: Path
) -> None:
    """The conversion numbers titles before building; `accession assign` numbers records."""
    direct = tmp_path / "direct.mrc"
    runner.invoke(cli, ["--db", str(tmp_path / "a.sqlite"), "acquisitions", "convert",
                        str(SAMPLE), "--out", str(direct)], catch_exceptions=False)
    plain_config = tmp_path / "plain.toml"
    plain_config.write_text("[accession]\nenabled = false\n", encoding="utf-8")
    plain = tmp_path / "plain.mrc"
    runner.invoke(cli, ["--config", str(plain_config), "--db", str(tmp_path / "p.sqlite"),
                        "acquisitions", "convert", str(SAMPLE), "--out", str(plain)],
                  catch_exceptions=False)
    later = tmp_path / "later.mrc"
    result = runner.invoke(cli, ["--db", str(tmp_path / "b.sqlite"), "accession", "assign",
                                 str(plain), "--out", str(later)], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    def items(path: Path) -> list[list[tuple[str, str]]]:
        return [[(s.code, s.value) for s in f.subfields]
                for r in MARCReader(path.open("rb"), to_unicode=True)
                for f in r.get_fields("952")]

    numbered = items(direct)
    assert numbered == items(later)
    assert all(dict(f).get("i") and dict(f).get("p") for f in numbered)


def test_accession_ranges_in_the_report_cell() -> None:
    from koha_bridge.acquisitions.pipeline import accession_ranges

    assert accession_ranges(["TK.00003", "TK.00001", "TK.00002", "TK.00009"]) == (
        "TK.00001–TK.00003, TK.00009"
    )
    assert accession_ranges(["SGK.0012.001", "SGK.0012.002", "SGK.0013.001"]) == (
        "SGK.0012.001–SGK.0012.002, SGK.0013.001"
    )
    assert accession_ranges(["TN-00004", "TN-00005", "VOID"]) == "TN-00004–TN-00005, VOID"
    assert accession_ranges([]) == ""


def test_long_review_sheet_is_written_beside_the_report(
    runner, tmp_path: Path, monkeypatch
) -> None:
    from koha_bridge.acquisitions import report as report_module

    monkeypatch.setattr(report_module, "SIDE_PROCESS_ROWS", 1)
    out = tmp_path / "sach.mrc"
    strict = tmp_path / "koha-bridge.toml"  # most titles are shelf-ready by default
    strict.write_text('[classification]\nmin_confidence = "high"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(strict), "--db", str(tmp_path / "kb.sqlite"),
                                 "acquisitions", "convert", str(SAMPLE), "--out", str(out)],
                           catch_exceptions=False)
    review = tmp_path / "sach-duyet.xlsx"
    assert str(review) in result.output
    rows = list(load_workbook(review, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) > 10 and rows[0][0] == "Mã biểu ghi (001)"


@pytest.mark.parametrize("command", [["classify"], ["accession", "assign"]])
def test_a_command_may_write_over_its_own_input(runner, tmp_path: Path, command: list) -> None:
    out = tmp_path / "sach.mrc"
    runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert",
                        str(SAMPLE), "--out", str(out)], catch_exceptions=False)
    before = len(list(MARCReader(out.open("rb"), to_unicode=True)))
    result = runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), *command, str(out),
                                 "--out", str(out)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert len(list(MARCReader(out.open("rb"), to_unicode=True))) == before == 59
    assert not list(tmp_path.glob("*.part"))


def test_a_long_list_is_numbered_and_classified_by_worker_processes(
    runner, tmp_path: Path
) -> None:
    from benchmarks.generate import write_csv
    from classification.titles import WORKER_TITLES

    listing = tmp_path / "list.csv"
    write_csv(listing, WORKER_TITLES + 200)
    out, report = tmp_path / "sach.mrc", tmp_path / "baocao.xlsx"
    result = runner.invoke(
        cli,
        ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert", str(listing),
         "--out", str(out), "--report", str(report)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    records = list(MARCReader(out.open("rb"), to_unicode=True, force_utf8=True))
    copies = [f for r in records for f in r.get_fields("952")]
    assert len(records) > WORKER_TITLES and len(copies) > len(records)
    assert len({f.get("i") for f in copies}) == len(copies)  # numbered, none twice
    shelved = [r for r in records if r.get("082") or r.get("084")]
    assert len(shelved) > 0.8 * len(records)
    for record in shelved:
        number = (record.get("082") or record.get("084")).get("a")
        calls = {(f.get("o"), f.get("2")) for f in record.get_fields("952")}
        assert len(calls) == 1 and next(iter(calls))[0].startswith(number)
    assert sum(r[3] == "Đã chuyển" for r in _detail_rows(report)) == len(records)
