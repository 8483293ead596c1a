"""``koha-bridge push`` end to end: dry run, report, exit codes (CliRunner, fake Koha)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from tests.conftest import FIXTURES
from tests.fakekoha import FakeKoha
from tests.push.conftest import book, books, write_mrc


def env_for(fake: FakeKoha) -> dict[str, str]:
    return {"KOHA_BRIDGE_URL": fake.url, "KOHA_BRIDGE_CLIENT_ID": fake.client_id,
            "KOHA_BRIDGE_CLIENT_SECRET": fake.client_secret}


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "koha-bridge.toml"
    path.write_text("[koha]\nretries = 1\ntimeout = 5.0\n", encoding="utf-8")
    return path


def run(tmp_path: Path, env: dict[str, str], *args: str) -> Result:
    runner = CliRunner()
    return runner.invoke(
        cli, ["--config", str(config_file(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
              "push", *args], env=env, catch_exceptions=False)


def rows(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_dry_run_prints_and_writes_the_plan_and_writes_nothing(fake_koha: FakeKoha,
                                                               tmp_path: Path) -> None:
    existing = fake_koha.add_biblio_marc(book(2, copies=0))
    fake_koha.add_item(existing, external_id="TV00030", home_library_id="MAU")
    source = write_mrc([book(1, copies=2), book(2, copies=1), book(3, copies=2)],
                       tmp_path / "sach.mrc")
    fake_koha.clear_requests()
    result = run(tmp_path, env_for(fake_koha), str(source), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Nhan đề mới sẽ tạo: 2" in result.output
    assert "Nhan đề đã có trong Koha (sẽ thêm bản vào): 1" in result.output
    assert "Bản sẽ tạo: 4 (trong đó thêm vào nhan đề có sẵn: 1)" in result.output
    assert "Xung đột (mã vạch hoặc số ĐKCB đã có trong Koha): 1" in result.output
    assert "- ds-2025.xlsx [Sheet1] dòng 4: Mã vạch TV00030 đã có trong Koha" in result.output
    assert (f"+ Tuyển tập truyện ngắn số 2 → biểu ghi {existing} có sẵn trong Koha (1 bản)"
            in result.output)
    fake_koha.assert_clean()
    sent = {(r.method, r.path) for r in fake_koha.requests}
    assert {m for m, _ in sent} == {"GET", "POST"}
    assert {p for m, p in sent if m == "POST"} == {"/api/v1/oauth/token"}
    assert len(fake_koha.biblios()) == 1 and len(fake_koha.items()) == 1
    report = rows(tmp_path / "sach-koha.xlsx")
    assert report[0][:6] == ("Phiếu giao (952 $x)", "Nhan đề", "Mã biểu ghi", "Mã vạch",
                             "Số ĐKCB", "Kết quả")
    assert [r[5] for r in report[1:]] == [
        "Sẽ tạo (nhan đề mới)", "Sẽ tạo (nhan đề mới)", "Sẽ thêm vào nhan đề có sẵn",
        "Xung đột", "Sẽ tạo (nhan đề mới)"]


def test_push_a_supplier_list_then_rerun_sends_nothing(fake_koha: FakeKoha,
                                                       tmp_path: Path) -> None:
    source = tmp_path / "giao-sach.csv"
    shutil.copy(FIXTURES / "readers" / "utf8-bom-semicolon.csv", source)
    report = tmp_path / "ket-qua.xlsx"
    result = run(tmp_path, env_for(fake_koha), str(source), "--report", str(report),
                 "--workers", "3")
    assert result.exit_code == 0, result.output
    assert "Nhan đề: tạo mới 3, thêm bản vào nhan đề có sẵn 0" in result.output
    assert "Bản: tạo 11, thêm vào nhan đề có sẵn 0, bỏ qua 0, xung đột 0, lỗi 0" in (
        result.output)
    fake_koha.assert_clean()
    assert len(fake_koha.biblios()) == 3 and len(fake_koha.items()) == 11
    table = rows(report)
    assert len(table) == 12
    # the copy's delivery note (952 $x): this list names no document, its register number is 1
    assert table[1][0] == "số vào sổ TQ 1" and table[1][5] == "Đã tạo (nhan đề mới)"
    assert all(isinstance(r[6], int) and isinstance(r[7], int) for r in table[1:])
    fake_koha.clear_requests()
    again = run(tmp_path, env_for(fake_koha), str(source), "--report", str(report))
    assert again.exit_code == 0, again.output
    assert "bỏ qua 11" in again.output
    assert all(r.method == "GET" or r.path.endswith("/oauth/token")
               for r in fake_koha.requests)
    assert len(fake_koha.items()) == 11


def test_conflicts_finish_the_rest_and_exit_1(fake_koha: FakeKoha, tmp_path: Path) -> None:
    other = fake_koha.add_biblio_marc(book(50, copies=0))
    fake_koha.add_item(other, external_id="TV00021", home_library_id="MAU")
    fake_koha.add_item(other, external_id="X-1", inventory_number="TK.00010",
                       home_library_id="MAU")
    source = write_mrc(books(3, 9), tmp_path / "sach.mrc")
    result = run(tmp_path, env_for(fake_koha), str(source))
    assert result.exit_code == 1, result.output
    assert "xung đột 2" in result.output and "tạo 7" in result.output
    assert ("- ds-2025.xlsx [Sheet1] dòng 2: Số ĐKCB TK.00010 đã có trong Koha (mã vạch X-1"
            in result.output)
    assert "- ds-2025.xlsx [Sheet1] dòng 3: Mã vạch TV00021 đã có trong Koha" in result.output
    assert "Có bản chưa vào Koha" in result.output
    assert len(fake_koha.items()) == 9
    fake_koha.assert_clean()
    table = rows(tmp_path / "sach-koha.xlsx")
    assert sorted(str(r[5]) for r in table[1:]).count("Xung đột") == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_koha_exits_4(tmp_path: Path) -> None:
    env = {"KOHA_BRIDGE_URL": f"http://127.0.0.1:{_closed_port()}",
           "KOHA_BRIDGE_CLIENT_ID": "x", "KOHA_BRIDGE_CLIENT_SECRET": "y"}
    source = write_mrc([book(1)], tmp_path / "sach.mrc")
    result = run(tmp_path, env, str(source))
    assert result.exit_code == 4
    assert "Không kết nối được Koha" in result.output


@pytest.mark.parametrize("dry_run", [False, True])
def test_refused_credentials_exit_4(fake_koha: FakeKoha, tmp_path: Path,
                                    dry_run: bool) -> None:
    env = {**env_for(fake_koha), "KOHA_BRIDGE_CLIENT_SECRET": "sai-mat-khau"}
    source = write_mrc([book(1)], tmp_path / "sach.mrc")
    result = run(tmp_path, env, str(source), *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 4
    assert "Koha từ chối client id/secret" in result.output
    assert "sai-mat-khau" not in result.output
    assert not fake_koha.biblios()


def test_koha_failing_mid_run_exits_4_and_the_rerun_finishes(fake_koha: FakeKoha,
                                                             tmp_path: Path) -> None:
    source = write_mrc(books(6, 18), tmp_path / "sach.mrc")
    fake_koha.faults.fail_next(40, status=503, path="/api/v1/biblios/*/items", method="POST")
    result = run(tmp_path, env_for(fake_koha), str(source), "--workers", "1")
    assert result.exit_code == 4, result.output
    assert "Đã dừng giữa chừng" in result.output
    assert "Chưa gửi (lần chạy bị dừng)" in {r[5] for r in rows(tmp_path / "sach-koha.xlsx")}
    fake_koha.faults.clear()
    again = run(tmp_path, env_for(fake_koha), str(source))
    assert again.exit_code == 0, again.output
    assert len(fake_koha.biblios()) == 6 and len(fake_koha.items()) == 18
    fake_koha.assert_clean()


def test_refresh_index_reads_koha_into_the_local_index(fake_koha: FakeKoha,
                                                       tmp_path: Path) -> None:
    for n in range(1, 4):
        fake_koha.add_biblio_marc(book(n, copies=0))
    source = write_mrc([book(2, copies=1)], tmp_path / "sach.mrc")
    result = run(tmp_path, env_for(fake_koha), str(source), "--refresh-index")
    assert result.exit_code == 0, result.output
    assert "Chỉ mục cục bộ: 3 biểu ghi từ Koha" in result.output
    assert "thêm vào nhan đề có sẵn 1" in result.output
    # The planning look-up was answered by the local index: no q look-up of biblios.
    assert not any(r.path == "/api/v1/biblios" and "q" in r.query for r in fake_koha.requests)
