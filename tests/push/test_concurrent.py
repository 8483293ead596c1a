"""Two pushes on one store at the same moment (two real processes): one runs, one is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from koha_bridge.store import Store
from koha_bridge.store.journal import Journal
from koha_bridge.store.lock import lock_path
from tests.fakekoha import FakeKoha
from tests.push.conftest import books, write_mrc
from tests.push.test_cli_push import config_file, env_for


def _start(fake: FakeKoha, tmp_path: Path, source: Path) -> subprocess.Popen[str]:
    args = [sys.executable, "-c", "from cli.main import main; main()",
            "--config", str(config_file(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
            "push", str(source), "--workers", "3"]
    return subprocess.Popen(args, cwd=tmp_path, env={**os.environ, **env_for(fake)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_pushes_started_together_one_done_one_refused(fake_koha: FakeKoha,
                                                          tmp_path: Path) -> None:
    records = books(30, 120)
    source = write_mrc(records, tmp_path / "sach.mrc")
    fake_koha.faults.set_latency(0.05)
    first, second = _start(fake_koha, tmp_path, source), _start(fake_koha, tmp_path, source)
    results = {p.pid: (p.wait(timeout=120), *p.communicate()) for p in (first, second)}
    codes = sorted(code for code, _, _ in results.values())
    assert codes == [0, 2], results
    (winner,) = [pid for pid, (code, _, _) in results.items() if code == 0]
    (loser,) = [err for code, _, err in results.values() if code == 2]
    assert f"đang được dùng bởi tiến trình {winner} trên máy" in loser
    assert "đẩy dữ liệu lên Koha" in loser
    tokens = [r for r in fake_koha.requests if r.path.endswith("/oauth/token")]
    assert len(tokens) == 1  # the refused push never talked to Koha
    assert Counter(i["external_id"] for i in fake_koha.items()).most_common(1)[0][1] == 1
    assert len(fake_koha.items()) == 120 and len(fake_koha.biblios()) == 30
    with Store(tmp_path / "kb.sqlite") as store:
        assert Journal(store).counts() == {("titles", "created"): 30, ("items", "created"): 120}
    fake_koha.assert_clean()


def test_a_push_killed_with_sigkill_leaves_no_lock_behind(fake_koha: FakeKoha,
                                                          tmp_path: Path) -> None:
    source = write_mrc(books(10, 40), tmp_path / "sach.mrc")
    fake_koha.faults.set_latency(0.05)
    killed = _start(fake_koha, tmp_path, source)
    deadline = time.monotonic() + 60
    while not fake_koha.items():
        assert killed.poll() is None, killed.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert f'"pid": {killed.pid}' in lock_path(tmp_path / "kb.sqlite").read_text()
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    fake_koha.faults.set_latency(0.0)
    rerun = _start(fake_koha, tmp_path, source)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, (out, err)
    assert len(fake_koha.items()) == 40
    fake_koha.assert_clean()
