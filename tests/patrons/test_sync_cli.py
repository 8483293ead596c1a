"""``koha-bridge patrons sync`` against a fake Koha school: plan, apply, re-run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from cli.main import cli
from koha_bridge.store.lock import store_lock
from tests.fakekoha import FakeKoha
from tests.patrons.school import EXPECTED, config_text, env_for, seed_last_year


def sync(tmp_path: Path, fake: FakeKoha, rosters: list[Path], *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(config_text(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
              "patrons", "sync", *map(str, rosters), "--school-year", "2025-2026",
              "--plan", str(tmp_path / "plan.xlsx"), *args],
        env=env_for(fake), catch_exceptions=False)


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def cards_in(rows: list[tuple[object, ...]]) -> set[str]:
    return {str(r[0]) for r in rows[1:]}


def test_plan_without_apply_writes_nothing_and_lists_every_kind(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    before = fake_koha.patrons()
    fake_koha.clear_requests()
    result = sync(tmp_path, fake_koha, roster_files)
    assert result.exit_code == 1, result.output  # rows were rejected
    fake_koha.assert_clean()
    writes = [(r.method, r.path) for r in fake_koha.requests
              if r.method != "GET" and not r.path.endswith("/oauth/token")]
    assert writes == []
    assert fake_koha.patrons() == before
    out = result.output
    assert "đọc 21 dòng = 14 chuyển đổi + 1 gộp (trùng người) + 6 loại" in out
    assert "Học sinh mới (tạo): 5" in out and "Giáo viên mới (tạo): 1" in out
    assert "Giáo viên đã rời trường (đặt hết hạn): 1" in out
    assert "7900000091 Lê Văn Khoa — đang mượn 1 tài liệu" in out
    assert "7900000092 Phạm Thị Hoa — còn nợ 20.000 đ" in out
    plan = tmp_path / "plan.xlsx"
    assert stat.S_IMODE(os.stat(plan).st_mode) == 0o600
    book = sheets(plan)
    assert cards_in(book["Mới"]) == EXPECTED["create"]
    assert cards_in(book["Thay đổi"]) == EXPECTED["update"]
    assert cards_in(book["Gia hạn"]) == EXPECTED["extend"]
    assert cards_in(book["Rời trường"]) == EXPECTED["expire"]
    assert cards_in(book["Rời trường còn mượn"]) == EXPECTED["held"]
    assert cards_in(book["Cần xem lại"]) == EXPECTED["flagged"]
    assert len(book["Dòng bị loại"]) == 1 + 6
    binh = next(r for r in book["Thay đổi"] if r[0] == "7900000002")
    assert "Họ và tên đệm: Trần Thi → Trần Thị" in str(binh[5])
    assert "Lớp (sort1): 6A2 → 7A2" in str(binh[5])
    assert "Hết hạn: 31/07/2025 → 31/07/2026" in str(binh[5])
    anh = next(r for r in book["Thay đổi"] if r[0] == "7900000006")
    assert "Hết hạn: 31/07/2025 → 30/06/2026" in str(anh[5])  # grade 9 leaves the THCS


def test_apply_writes_the_plan_only_the_planned_fields_and_a_rerun_writes_nothing(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    ids = seed_last_year(fake_koha)
    before = {p["cardnumber"]: p for p in fake_koha.patrons()}
    result = sync(tmp_path, fake_koha, roster_files, "--apply", "--workers", "4")
    assert result.exit_code == 1, result.output  # the rejected rows
    assert "Đã ghi vào Koha: 12 thay đổi" in result.output
    fake_koha.assert_clean()
    after = {p["cardnumber"]: p for p in fake_koha.patrons()}
    assert len(after) == len(before) + len(EXPECTED["create"])
    assert len({p["cardnumber"] for p in fake_koha.patrons()}) == len(fake_koha.patrons())
    binh = after["7900000002"]
    assert (binh["surname"], binh["statistics_1"], binh["statistics_2"], binh["expiry_date"]) \
        == ("Trần Thị", "7A2", "7", "2026-07-31")
    assert binh["userid"] == before["7900000002"]["userid"]  # kept as Koha had it
    assert binh["date_enrolled"] == "2024-09-05"
    new = after["7900000011"]
    assert (new["surname"], new["firstname"], new["category_id"], new["library_id"],
            new["statistics_1"], new["statistics_2"], new["date_of_birth"], new["gender"],
            new["expiry_date"]) == ("Đặng Văn", "Bảo", "HS_THCS", "MAU", "6A1", "6",
                                    "2014-04-02", "M", "2026-07-31")
    assert after["GV002"]["expiry_date"] == "2099-12-31"
    assert after["7900000022"]["expiry_date"] == "2026-07-31"
    for card in EXPECTED["expire"]:
        assert after[card]["expiry_date"] == "2025-07-31"
    for card in EXPECTED["held"] | EXPECTED["flagged"] | {"7900000003", "7900000093"}:
        assert after[card] == before[card], card  # not touched
    assert all(p["patron_id"] in ids.values() or p["cardnumber"] in EXPECTED["create"]
               for p in fake_koha.patrons())

    fake_koha.clear_requests()
    again = sync(tmp_path, fake_koha, roster_files, "--apply")
    assert "Đã ghi vào Koha: 0 thay đổi" in again.output, again.output
    assert [r for r in fake_koha.requests if r.method in ("POST", "PUT")
            and not r.path.endswith("/oauth/token")] == []


def test_wrong_school_is_refused_before_the_first_write(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    fake_koha.clear_requests()
    result = CliRunner().invoke(
        cli, ["--config", str(_other_school_config(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
              "patrons", "sync", *map(str, roster_files), "--school-year", "2025-2026",
              "--plan", str(tmp_path / "plan.xlsx"), "--apply"],
        env=env_for(fake_koha), catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "KHÔNG THỂ ÁP DỤNG" in result.output and "'TRUONGX'" in result.output
    assert [r for r in fake_koha.requests if r.method in ("POST", "PUT", "DELETE")
            and not r.path.endswith("/oauth/token")] == []


def _other_school_config(tmp_path: Path) -> Path:
    path = config_text(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace('library_id = "MAU"',
                                                             'library_id = "TRUONGX"'),
                    encoding="utf-8")
    return path


def test_one_run_per_store(fake_koha: FakeKoha, tmp_path: Path,
                           roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    with store_lock(tmp_path / "kb.sqlite", "push"):
        result = CliRunner().invoke(
            cli, ["--config", str(config_text(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
                  "patrons", "sync", *map(str, roster_files), "--school-year", "2025-2026",
                  "--plan", str(tmp_path / "plan.xlsx"), "--apply"], env=env_for(fake_koha))
    assert result.exit_code != 0 and "đang được dùng" in result.output
    assert not [r for r in fake_koha.requests if r.method in ("POST", "PUT")
                and not r.path.endswith("/oauth/token")]
