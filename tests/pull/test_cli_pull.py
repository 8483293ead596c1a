"""``koha-bridge pull`` end to end against the fake Koha, and kill -9 mid-pull."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from koha_bridge.config import Config
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import pull
from koha_bridge.store import Store
from tests.fakekoha import FakeKoha
from tests.fakekoha.school import School, seed_school
from tests.pull.conftest import snapshot


def _config_file(tmp_path: Path) -> Path:
    path = tmp_path / "koha-bridge.toml"
    path.write_text("[koha]\nretries = 1\ntimeout = 10.0\nper_page = 10\nworkers = 3\n",
                    encoding="utf-8")
    return path


def _env(fake: FakeKoha) -> dict[str, str]:
    return {"KOHA_BRIDGE_URL": fake.url, "KOHA_BRIDGE_CLIENT_ID": fake.client_id,
            "KOHA_BRIDGE_CLIENT_SECRET": fake.client_secret}


def _args(tmp_path: Path, db: str = "kb.sqlite") -> list[str]:
    return ["--config", str(_config_file(tmp_path)), "--db", str(tmp_path / db), "pull"]


def test_cli_pull_prints_a_summary_and_the_data_age(fake_koha: FakeKoha, school: School,
                                                     tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, _args(tmp_path), env=_env(fake_koha), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Bản sách: " in result.output and "đọc toàn bộ" in result.output
    assert "Dữ liệu lấy từ Koha lúc" in result.output
    again = runner.invoke(cli, _args(tmp_path), env=_env(fake_koha), catch_exceptions=False)
    assert again.exit_code == 0 and "chỉ phần thay đổi" in again.output
    fake_koha.assert_clean()


def test_cli_pull_when_koha_is_gone_exits_4_and_says_to_rerun(
        fake_koha: FakeKoha, school: School, tmp_path: Path) -> None:
    fake_koha.faults.crash_after(30)
    result = CliRunner().invoke(cli, _args(tmp_path), env=_env(fake_koha))
    assert result.exit_code == 4, result.output
    assert "chạy lại 'koha-bridge pull'" in result.output
    fake_koha.restart()
    with Store(tmp_path / "kb.sqlite") as store:
        assert store.query("SELECT COUNT(*) FROM pull_state WHERE pass_started IS NOT NULL")
    rerun = CliRunner().invoke(cli, _args(tmp_path), env=_env(fake_koha),
                               catch_exceptions=False)
    assert rerun.exit_code == 0, rerun.output
    assert "tiếp tục lần trước" in rerun.output


def _items_so_far(db: Path) -> int:
    """Items another process has committed so far (0 while it creates the store)."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as peek:
            return int(peek.execute("SELECT COUNT(*) FROM koha_items").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_9_mid_pull_then_pull_again_gives_the_uninterrupted_store(
        fake_koha: FakeKoha, client: KohaClient, config: Config, tmp_path: Path) -> None:
    seed_school(fake_koha, titles=120, loans=600)
    fake_koha.faults.set_latency(0.02)
    command = [sys.executable, "-c", "from cli.main import main; main()", *_args(tmp_path)]
    env = {**os.environ, **_env(fake_koha)}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    db = tmp_path / "kb.sqlite"
    while True:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the pull never got going"
        if _items_so_far(db) >= 100:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    with Store(db) as store:
        interrupted = store.query("SELECT resource, resume_after FROM pull_state "
                                  "WHERE pass_started IS NOT NULL")
        assert interrupted, "killed before any pass was under way"
        assert store.query("SELECT COUNT(*) FROM koha_items")[0][0] < 480
    fake_koha.faults.set_latency(0.0)
    fake_koha.clear_requests()
    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert "tiếp tục lần trước" in rerun.stdout.decode()
    resume = dict(interrupted).get("items@MAU")
    if resume is not None:  # the items were read on from the last committed page
        queries = [q for r in fake_koha.requests if r.path.endswith("/items")
                   for q in r.query.get("q", [])]
        assert any(f'"item_id": {{">": {resume}}}' in q for q in queries), queries
    fake_koha.assert_clean()
    with Store(db) as resumed, Store(tmp_path / "straight.sqlite") as straight:
        pull(client, straight, config)
        assert snapshot(resumed) == snapshot(straight)
