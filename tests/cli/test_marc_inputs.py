"""Commands that read MARC files from elsewhere: broken records skipped and reported,
``--strict`` refuses the file (exit 3), MARC-8 converted (classify, accession, labels, push)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from marc.io import read_records
from tests.conftest import FIXTURES
from tests.fakekoha import FakeKoha
from tests.push.conftest import book, write_mrc

BROKEN = FIXTURES / "marc" / "broken.mrc"
MARC8 = FIXTURES / "marc" / "marc8.mrc"


def run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), *args], env=env,
                              catch_exceptions=False)


def _skipped_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith("bản ghi số")]


@pytest.mark.parametrize("command", [["classify"], ["accession", "assign"]])
def test_broken_records_are_skipped_and_each_reported(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out.mrc"
    result = run(tmp_path, *command, str(BROKEN), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert [r["001"].data for r in read_records(out)] == ["GOOD-1", "GOOD-8", "GOOD-13"]
    assert "Tệp broken.mrc: đọc 14 bản ghi, xử lý 3, bỏ qua 11 bản ghi hỏng:" in result.output
    lines = _skipped_lines(result.output)
    assert len(lines) == 11 and lines[0].startswith("bản ghi số 2 (byte 103): ")


@pytest.mark.parametrize("command", [["classify"], ["accession", "assign"]])
def test_strict_refuses_the_file(command: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out.mrc"
    result = run(tmp_path, *command, str(BROKEN), "--out", str(out), "--strict")
    assert result.exit_code == 3, result.output
    assert "bản ghi số 2 (byte 103)" in result.output and not out.exists()


def test_marc8_file_is_converted_by_classify(tmp_path: Path) -> None:
    out = tmp_path / "out.mrc"
    result = run(tmp_path, "classify", str(MARC8), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "4 bản ghi mã MARC-8 (leader/09 trống) đã chuyển sang Unicode" in result.output
    records = list(read_records(out))
    assert [r["245"]["a"] for r in records][2] == "Đất rừng phương Nam /"
    assert all(chunk[9:10] == b"a" for chunk in out.read_bytes().split(b"\x1d")[:-1])


def test_labels_print_the_readable_records_and_report_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "in.mrc"
    good = write_mrc([book(1, copies=2), book(2, copies=1)], tmp_path / "good.mrc").read_bytes()
    first = int(good[:5])
    source.write_bytes(good[:first] + b"00042garbage-without-terminator" + good[first:])
    result = run(tmp_path, "labels", "barcode", str(source), "--out", str(tmp_path / "l.pdf"))
    assert result.exit_code == 1, result.output
    assert "Đã in 3 nhãn mã vạch" in result.output
    assert "đọc 3 bản ghi, xử lý 2, bỏ qua 1" in result.output
    assert "bản ghi số 2 (byte " + str(first) + ")" in result.output
    strict = run(tmp_path, "labels", "barcode", str(source), "--out", str(tmp_path / "s.pdf"),
                 "--strict")
    assert strict.exit_code == 3 and not (tmp_path / "s.pdf").exists()


def test_push_sends_the_readable_records_and_strict_sends_nothing(
    fake_koha: FakeKoha, tmp_path: Path
) -> None:
    env = {"KOHA_BRIDGE_URL": fake_koha.url, "KOHA_BRIDGE_CLIENT_ID": fake_koha.client_id,
           "KOHA_BRIDGE_CLIENT_SECRET": fake_koha.client_secret}
    config = tmp_path / "koha-bridge.toml"
    config.write_text("[koha]\nretries = 1\ntimeout = 5.0\n", encoding="utf-8")
    good = write_mrc([book(1, copies=1), book(2, copies=2)], tmp_path / "good.mrc").read_bytes()
    first = int(good[:5])
    source = tmp_path / "sach.mrc"
    source.write_bytes(good[:first] + good[first:][:60])  # record 2 cut short
    strict = run(tmp_path, "--config", str(config), "push", str(source), "--strict", env=env)
    assert strict.exit_code == 3, strict.output
    assert fake_koha.biblios() == []
    result = run(tmp_path, "--config", str(config), "push", str(source), env=env)
    assert result.exit_code == 1, result.output
    assert "bản ghi số 2 (byte " + str(first) + "): bản ghi cuối bị cắt cụt" in result.output
    assert len(fake_koha.biblios()) == 1 and len(fake_koha.items()) == 1


def _summary(output: str, name: str) -> list[str]:
    return [line.replace(name, "<list>") for line in output.splitlines()
            if not line.startswith(("Bảng mã", "Đã ghi", "Báo cáo"))]


@pytest.mark.parametrize("copy", ["phieu-giao-hang-tcvn3.xls", "phieu-giao-hang-vni.xlsx"])
def test_convert_a_legacy_list_says_so_and_counts_like_the_original(
    copy: str, tmp_path: Path
) -> None:
    legacy = FIXTURES / "legacy"
    results = {}
    for name in ("phieu-giao-hang.xlsx", copy):
        (tmp_path / name).mkdir()  # a store each: both get the same accession numbers
        results[name] = run(tmp_path / name, "acquisitions", "convert", str(legacy / name),
                            "--out", str(tmp_path / f"{name}.mrc"),
                            "--report", str(tmp_path / f"{name}.report.xlsx"))
    original, converted = results["phieu-giao-hang.xlsx"], results[copy]
    assert converted.exit_code == original.exit_code == 1  # two rows carry bad prices
    assert _summary(converted.output, copy) == _summary(original.output, "phieu-giao-hang.xlsx")
    assert "dòng 15: Giá \"liên hệ\" không đọc được" in converted.output
    assert "Số dòng dữ liệu đọc được: 12" in original.output
    encoding = "TCVN3" if "tcvn3" in copy else "VNI"
    assert f"Bảng mã ở {copy} [Phiếu giao hàng]: trang mã {encoding}: đã chuyển toàn bộ" in (
        converted.output)
    assert "Bảng mã" not in original.output
