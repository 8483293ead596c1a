"""Applying through faults: dropped connections, a refused patron, Koha going away;
and the ``--debug`` output checked for pupils' personal data."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.patrons.journal import SyncJournal
from koha_bridge.store import Store
from tests.fakekoha import FakeKoha
from tests.patrons.rosters_data import BIG_LIST, CLASS_6A1, EXPORT, TEACHERS
from tests.patrons.school import EXPECTED, LAST_YEAR, config_text, env_for, seed_last_year
from tests.patrons.test_sync_cli import sync


def _creates(fake: FakeKoha) -> Counter[str]:
    return Counter(p["cardnumber"] for p in fake.patrons())


def test_dropped_connections_after_koha_saved_create_nothing_twice(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    fake_koha.faults.drop_after_commit_next(3, "POST", "/api/v1/patrons")
    fake_koha.faults.fail_next(2, 503, path="/api/v1/patrons/*", method="PUT")
    result = sync(tmp_path, fake_koha, roster_files, "--apply", "--workers", "2")
    assert "Đã ghi vào Koha: 12 thay đổi" in result.output, result.output
    cards = _creates(fake_koha)
    assert set(cards.values()) == {1}
    assert EXPECTED["create"] <= set(cards)
    dropped = [r for r in fake_koha.requests if r.method == "POST" and r.status is None]
    assert len(dropped) == 3  # saved by Koha, answer lost: adopted, not sent again


def test_a_refused_patron_stops_only_that_patron(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    fake_koha.faults.fail_next(1, 400, path="/api/v1/patrons", method="POST")
    result = sync(tmp_path, fake_koha, roster_files, "--apply", "--workers", "1")
    assert result.exit_code == 1
    assert "Đã ghi vào Koha: 11 thay đổi" in result.output, result.output
    assert "Koha từ chối 1 bạn đọc" in result.output
    with Store(tmp_path / "kb.sqlite") as store:
        counts = SyncJournal(store, "2025-2026").counts()
    assert counts[("create", "failed")] == 1 and counts[("create", "done")] == 5
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx", read_only=True)
    results = [r[7] for r in book["Mới"].iter_rows(min_row=2, values_only=True)]
    assert results.count("Đã ghi vào Koha") == 5
    assert next(r for r in results if r != "Đã ghi vào Koha").startswith("Lỗi: Koha từ chối")
    again = sync(tmp_path, fake_koha, roster_files, "--apply")
    assert "Đã ghi vào Koha: 1 thay đổi" in again.output, again.output
    assert EXPECTED["create"] <= set(_creates(fake_koha))


def test_koha_going_away_stops_the_run_and_the_next_run_finishes(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    fake_koha.faults.fail_next(100, 503, path="/api/v1/patrons/*", method="PUT")
    result = sync(tmp_path, fake_koha, roster_files, "--apply", "--workers", "1")
    assert result.exit_code == 4, result.output
    assert "chạy lại lệnh để tiếp tục" in result.output
    fake_koha.faults.clear()
    again = sync(tmp_path, fake_koha, roster_files, "--apply")
    assert again.exit_code == 1 and "Koha từ chối" not in again.output, again.output
    after = {p["cardnumber"]: p for p in fake_koha.patrons()}
    assert after["7900000021"]["statistics_1"] == "8A2"
    assert set(Counter(p["cardnumber"] for p in fake_koha.patrons()).values()) == {1}


def _personal_data() -> list[str]:
    """Names, dates of birth, phones, ID numbers and parents of the fixtures."""
    values = []
    for row in EXPORT:
        values += [row[2], row[3], row[7], row[8], row[11]]
    for _, family, given, *_rest in CLASS_6A1:
        values.append(f"{family} {given}")
    for row in BIG_LIST:
        values += [row[2], row[3]]
    for row in TEACHERS:
        values += [row[1], row[3], row[5]]
    for surname, firstname, *_ in LAST_YEAR.values():
        values.append(f"{surname} {firstname}")
    values += ["2013-11-17", "2014-04-02", "17/11/2013", "02/04/2014", "Bình", "Khang"]
    return [v for v in values if v]


def test_debug_output_holds_no_personal_data(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path],
        caplog: pytest.LogCaptureFixture) -> None:
    seed_last_year(fake_koha)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    runner = CliRunner()
    outputs = []
    fake_koha.faults.fail_next(2, 503, path="/api/v1/patrons*")
    fake_koha.faults.drop_after_commit_next(1, "POST", "/api/v1/patrons")
    for extra in ([], ["--apply", "--workers", "2"]):
        result = runner.invoke(cli, ["--debug", *sync_args(tmp_path, roster_files), *extra],
                               env=env(fake_koha))
        outputs.append((result.stdout, result.stderr))
    fake_koha.faults.fail_next(200, 503, path="/api/v1/patrons*")  # a traceback, too
    failed = runner.invoke(cli, ["--debug", *sync_args(tmp_path, roster_files), "--apply"],
                           env=env(fake_koha))
    assert failed.exit_code == 4
    assert "Traceback" in failed.stderr
    outputs.append((failed.stdout, failed.stderr))
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    logs = caplog.text + "\n".join(err for _, err in outputs)
    assert "GET /patrons" in logs or "/api/v1/patrons" in logs  # the log really was on
    for value in _personal_data():
        assert value not in logs, value
    for out, _ in outputs:  # on stdout, names only where the librarian must act
        listed = "\n".join(line for line in out.splitlines() if "còn mượn/nợ:" not in line)
        for value in _personal_data():
            assert value not in listed, value


def sync_args(tmp_path: Path, rosters: list[Path]) -> list[str]:
    return ["--config", str(config_text(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
            "patrons", "sync", *map(str, rosters), "--school-year", "2025-2026",
            "--plan", str(tmp_path / "plan.xlsx")]


def env(fake: FakeKoha) -> dict[str, str]:
    return env_for(fake)
