"""SIGKILL ``patrons sync --apply`` mid-run, run it again: Koha ends exactly as an
uninterrupted run leaves it, with no card number twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli
from tests.fakekoha import FakeKoha
from tests.patrons.bigschool import make_school, seed_koha, write_rosters
from tests.patrons.school import config_text, env_for
from tests.support.kohaspec import KohaSpec

VOLATILE = ("patron_id", "updated_on", "userid")  # Koha's own, differ between two Kohas


def _args(tmp_path: Path, rosters: list[Path], db: str) -> list[str]:
    return ["--config", str(config_text(tmp_path)), "--db", str(tmp_path / db),
            "patrons", "sync", *map(str, rosters), "--school-year", "2025-2026",
            "--plan", str(tmp_path / f"{db}.xlsx"), "--apply", "--workers", "3"]


def _state(fake: FakeKoha) -> dict[str, dict[str, Any]]:
    return {p["cardnumber"]: {k: v for k, v in p.items() if k not in VOLATILE}
            for p in fake.patrons()}


def _writes(fake: FakeKoha) -> int:
    return sum(1 for r in fake.requests if r.method in ("POST", "PUT")
               and not r.path.endswith("/oauth/token"))


def test_kill_9_mid_apply_then_rerun_ends_in_the_planned_state(
        fake_koha: FakeKoha, tmp_path: Path, koha_spec: KohaSpec) -> None:
    school = make_school(pupils=160, teachers=10)
    rosters = write_rosters(school, tmp_path / "rosters")
    seed_koha(fake_koha, school)
    control = FakeKoha(tmp_path / "control.sqlite", spec=koha_spec, strict=True)
    try:
        seed_koha(control, school)
        done = CliRunner().invoke(cli, _args(tmp_path, rosters, "control.sqlite"),
                                  env=env_for(control), catch_exceptions=False)
        assert done.exit_code == 0, done.output
        control.assert_clean()
        wanted = _state(control)
    finally:
        control.stop()
    assert len(wanted) == len(school.pupils) + len(school.teachers)  # nobody deleted

    fake_koha.faults.set_latency(0.03)
    fake_koha.clear_requests()
    env = {**os.environ, **env_for(fake_koha)}
    command = [sys.executable, "-c", "from cli.main import main; main()",
               *_args(tmp_path, rosters, "kb.sqlite")]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180  # a busy machine
    while _writes(fake_koha) < 40:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sync never got going"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    time.sleep(0.1)  # requests in flight reach Koha with nobody listening
    assert _state(fake_koha) != wanted  # really stopped half-way
    # a request cut by the kill after its headers arrives without its body (refused)
    killed = fake_koha.request_violations
    assert all("a request body is required" in v for v in killed), killed

    fake_koha.faults.set_latency(0.0)
    rerun = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert rerun.returncode == 0, (rerun.stdout.decode(), rerun.stderr.decode())
    assert fake_koha.request_violations == killed  # the re-run sent nothing wrong
    assert not fake_koha.response_violations + fake_koha.errors
    cards = Counter(p["cardnumber"] for p in fake_koha.patrons())
    assert set(cards.values()) == {1}
    got = _state(fake_koha)
    differ = sorted(c for c in set(got) | set(wanted) if got.get(c) != wanted.get(c))
    assert not differ, [(c, got.get(c), wanted.get(c)) for c in differ[:3]]

    fake_koha.clear_requests()
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert again.returncode == 0, (again.stdout.decode(), again.stderr.decode())
    assert "Đã ghi vào Koha: 0 thay đổi" in again.stdout.decode()
    assert _writes(fake_koha) == 0
