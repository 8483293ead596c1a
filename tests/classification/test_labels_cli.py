"""``koha-bridge labels spine|barcode`` through click's test runner."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from classification.labels import sheet_from_config
from cli.main import cli
from koha_bridge.config import LabelsConfig
from marc.io import write_marcxml, write_mrc
from tests.classification.test_labels_data import make_record
from tests.classification.test_labels_pdf import box_texts, sample_records


@pytest.fixture
def cli_runner() -> CliRunner:
    return CliRunner(catch_exceptions=False)


@pytest.fixture
def mrc(tmp_path: Path) -> Path:
    path = tmp_path / "records.mrc"
    write_mrc(sample_records(), path)
    return path


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "koha-bridge.toml"
    path.write_text('[school]\nname = "Trường THCS Nguyễn Du"\n', encoding="utf-8")
    return path


def _text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text() for page in doc.pages)


def test_spine_command_writes_pdf(cli_runner: CliRunner, mrc: Path, tmp_path: Path) -> None:
    out = tmp_path / "spine.pdf"
    result = cli_runner.invoke(
        cli, ["--config", str(_config(tmp_path)), "labels", "spine", str(mrc), "--out", str(out),
              "--per-title", "--year", "--preset", "a4-4x10"],
    )
    assert result.exit_code == 0, result.output
    assert "Đã in 5 nhãn gáy trên 1 trang" in result.output
    (page,) = box_texts(out, sheet_from_config(LabelsConfig(preset="a4-4x10")))
    assert "TN\n895.9223\nTOH\n2020\n× 3" in page


def test_barcode_command_reads_marcxml(cli_runner: CliRunner, tmp_path: Path) -> None:
    xml = tmp_path / "records.xml"
    write_marcxml(sample_records(), xml)
    out = tmp_path / "barcodes.pdf"
    result = cli_runner.invoke(
        cli, ["--config", str(_config(tmp_path)), "labels", "barcode", str(xml), "--out",
              str(out), "--skip", "5"],
    )
    assert result.exit_code == 0, result.output
    assert "Đã in 7 nhãn mã vạch" in result.output
    text = _text(out)
    assert "Trường THCS Nguyễn Du" in text and "TK.00153" in text


def test_skip_beyond_sheet_is_a_usage_error(
    cli_runner: CliRunner, mrc: Path, tmp_path: Path
) -> None:
    result = cli_runner.invoke(
        cli, ["labels", "spine", str(mrc), "--out", str(tmp_path / "x.pdf"), "--skip", "24"],
    )
    assert result.exit_code == 2
    assert "--skip phải từ 0 đến 23" in result.output


def test_list_input_is_converted_first(cli_runner: CliRunner, tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "fixtures" / "sample-delivery.xlsx"
    out = tmp_path / "ma-vach.pdf"
    result = cli_runner.invoke(
        cli, ["--db", str(tmp_path / "kb.sqlite"), "labels", "barcode", str(sample),
              "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "SGK.00001" in text and "Dế Mèn phiêu lưu ký" in text
    assert "5 dòng bị loại khi chuyển đổi" in result.output  # the sample's planted mistakes


def test_unreadable_list_is_an_input_error(cli_runner: CliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "danh-sach.xlsx"
    sheet.write_bytes(b"not really a workbook")
    result = cli_runner.invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "labels", "barcode",
                                     str(sheet), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 3
    assert "danh-sach.xlsx" in result.output


def test_copy_without_barcode_gives_exit_1(cli_runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "records.mrc"
    write_mrc([*sample_records(), make_record("9", "Không số", [("TK", "004 KHO", "", "")])],
              path)
    out = tmp_path / "b.pdf"
    result = cli_runner.invoke(cli, ["labels", "barcode", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert "1 bản sách không in được nhãn" in result.output
    assert out.exists()
