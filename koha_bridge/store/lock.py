"""One writing job per store at a time: an advisory lock beside the SQLite file.

``store_lock`` takes ``fcntl.flock`` on ``<store>.lock`` without waiting. The kernel
releases the lock when its process ends in any way (``kill -9`` included), so a lock
left by a dead run is simply free again: there is no stale state to detect. The file
holds the holder's pid, host, job and start time, only to say who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from koha_bridge.exceptions import StoreBusyError, StoreError

HOLDER_READS, HOLDER_WAIT = 10, 0.02  # reading the holder's file: tries, seconds between
JOB_NAMES = {"push": "đẩy dữ liệu lên Koha", "patrons": "đồng bộ bạn đọc", "pull": "tải từ Koha"}


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


def _holder(handle: int) -> str:
    """Who holds the lock, from its file; a holder that has only just taken it may not
    have written itself there yet, so an empty file is read again for a moment."""
    for _ in range(HOLDER_READS):
        try:
            text = os.pread(handle, 4096, 0).decode("utf-8")
            info = json.loads(text) if text else None
        except (OSError, ValueError):
            info = None
        if info:
            break
        time.sleep(HOLDER_WAIT)
    else:
        return "một tiến trình khác"
    job = JOB_NAMES.get(info.get("job", ""), info.get("job", "?"))
    return (f"tiến trình {info.get('pid', '?')} trên máy {info.get('host', '?')} "
            f"({job}, bắt đầu lúc {info.get('started', '?')})")


@contextmanager
def store_lock(store_path: Path, job: str) -> Iterator[None]:
    """Hold the store's job lock for the ``with`` block; refuse at once if it is taken."""
    path = lock_path(Path(store_path))
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError(f"Không tạo được tệp khoá {path}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusyError(
                f"Kho dữ liệu {store_path} đang được dùng bởi {_holder(handle)}. "
                "Hãy chờ lượt chạy đó xong rồi chạy lại."
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "job": job,
                "started": datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(handle, 0)
        os.pwrite(handle, json.dumps(info).encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
