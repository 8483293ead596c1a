"""``koha-bridge registers`` and ``koha-bridge inventory`` run from the store alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.store import Store
from tests.registers import dataset


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        dataset.fill(store)
    return path


def test_registers_build_offline(store_path: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOHA_BRIDGE_URL", "http://127.0.0.1:9")  # nothing listens there
    out = tmp_path / "so-sach"
    result = CliRunner().invoke(cli, ["--db", str(store_path), "registers", "build",
                                      "--school-year", "2025-2026", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Dữ liệu lấy từ Koha lúc" in result.output and "/06/2026" in result.output
    assert "không cần kết nối Koha" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 12 and "ca-biet-2025-2026.pdf" in names
    assert not [n for n in names if n.endswith(".part")]


def test_registers_list_names_the_files() -> None:
    result = CliRunner().invoke(cli, ["registers", "list", "--school-year", "2024-2025"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "Sổ đăng ký cá biệt: ca-biet-2024-2025.xlsx, ca-biet-2024-2025.pdf" in result.output
    assert result.output.count("\n") == 6


def test_inventory_with_a_scan_file(store_path: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan.txt"
    scan.write_text("MAU-TK.00005\nMAU-TK.00006\nKHÔNG-CÓ\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "--db", str(store_path), "inventory", "--scanned", str(scan), "--school-year",
        "2025-2026", "--date", "2026-05-20", "--out", str(tmp_path / "out")],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "tìm thấy 2; thiếu 59; mã vạch lạ 1" in result.output
    assert (tmp_path / "out" / "kiem-ke-2026-05-20.pdf").is_file()


def test_inventory_needs_a_scan_or_a_date(store_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(store_path), "inventory"])
    assert result.exit_code == 2
    assert "--scanned" in result.output


def test_bad_school_year_is_a_usage_error(store_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(store_path), "registers", "build",
                                      "--school-year", "2025-2027"])
    assert result.exit_code == 2 and "Năm học không hợp lệ" in result.output
