"""SIGKILL the push process mid-run, run it again: nothing is created twice."""

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
from tests.fakekoha import FakeKoha
from tests.push.conftest import books, write_mrc
from tests.push.test_cli_push import config_file, env_for

REPO = Path(__file__).resolve().parents[2]


def _push_process(fake: FakeKoha, tmp_path: Path, source: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", "from cli.main import main; main()",
            "--config", str(config_file(tmp_path)), "--db", str(tmp_path / "kb.sqlite"),
            "push", str(source), "--workers", "3"]
    env = {**os.environ, **env_for(fake)}
    return subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_kill_9_mid_run_then_rerun_creates_each_thing_once(fake_koha: FakeKoha,
                                                           tmp_path: Path) -> None:
    records = books(20, 80)
    source = write_mrc(records, tmp_path / "sach.mrc")
    fake_koha.faults.set_latency(0.03)
    process = _push_process(fake_koha, tmp_path, source)
    deadline = time.monotonic() + 30
    while len(fake_koha.items()) < 20:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the push never got going"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    time.sleep(0.1)  # requests already in flight reach Koha without anyone listening
    made = len(fake_koha.items())
    assert 20 <= made < 80, made
    with Store(tmp_path / "kb.sqlite") as store:
        before = Journal(store).counts()
    assert before.get(("items", "created"), 0) < 80

    fake_koha.faults.set_latency(0.0)
    rerun = _push_process(fake_koha, tmp_path, source)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, (out.decode(), err.decode())
    assert "bỏ qua" in out.decode()

    fake_koha.assert_clean()
    titles = Counter(str(b["title"]) for b in fake_koha.biblios())
    assert len(titles) == 20 and set(titles.values()) == {1}
    barcodes = Counter(i["external_id"] for i in fake_koha.items())
    wanted = {f["p"] for r in records for f in r.get_fields("952")}
    assert set(barcodes) == wanted and set(barcodes.values()) == {1}
    with Store(tmp_path / "kb.sqlite") as store:
        assert Journal(store).counts() == {("titles", "created"): 20, ("items", "created"): 80}
