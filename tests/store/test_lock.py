"""The per-store job lock, across real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from koha_bridge.exceptions import StoreBusyError
from koha_bridge.store.lock import lock_path, store_lock

HOLD = """
import sys, time
from pathlib import Path
from koha_bridge.store.lock import store_lock
with store_lock(Path(sys.argv[1]), "push"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(store: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(store)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_job_is_refused_and_told_who_holds_the_store(tmp_path: Path) -> None:
    store = tmp_path / "kb.sqlite"
    proc = _holder(store)
    try:
        with pytest.raises(StoreBusyError) as info, store_lock(store, "patrons"):
            pass
        message = str(info.value)
        assert f"tiến trình {proc.pid}" in message
        assert "đẩy dữ liệu lên Koha" in message
        assert info.value.exit_code == 2
    finally:
        proc.terminate()
        proc.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    store = tmp_path / "kb.sqlite"
    proc = _holder(store)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lock_path(store).exists()  # the dead holder's file is still there
    started = time.monotonic()
    with store_lock(store, "push"):
        assert time.monotonic() - started < 1
        assert str(os.getpid()) in lock_path(store).read_text()


def test_lock_is_released_after_the_job(tmp_path: Path) -> None:
    store = tmp_path / "kb.sqlite"
    with store_lock(store, "push"):
        pass
    with store_lock(store, "pull"):
        pass
    assert lock_path(store).read_text() == ""
    assert oct(lock_path(store).stat().st_mode & 0o777) == "0o600"


def test_a_holder_that_has_not_written_itself_yet_is_still_named(tmp_path: Path) -> None:
    """Two jobs started at the same moment: the loser may look before the winner wrote."""
    import fcntl
    import json
    import threading

    store = tmp_path / "kb.sqlite"
    handle = os.open(lock_path(store), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        info = {"pid": 4242, "host": "may-a", "job": "patrons", "started": "08:00"}
        writer = threading.Timer(0.05, os.pwrite, (handle, json.dumps(info).encode(), 0))
        writer.start()
        with pytest.raises(StoreBusyError) as busy, store_lock(store, "push"):
            pass
        writer.join()
        assert "tiến trình 4242 trên máy may-a (đồng bộ bạn đọc" in str(busy.value)
    finally:
        os.close(handle)
