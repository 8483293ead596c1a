"""Worker processes that end with the process that started them.

A ``ProcessPoolExecutor`` worker waits on its task queue, whose write end it holds
itself, so it outlives a parent killed with ``kill -9`` and waits for ever. The pools of
``worker_pool`` give their worker a thread that ends it as soon as the parent is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait
from typing import Any


def worker_pool(
    method: str = "spawn",
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of one worker process (started by ``method``) that ends with this one."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method),
                               initializer=_watched, initargs=(initializer, initargs))


def _watched(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _end_with(sentinel: int) -> None:
    wait([sentinel])  # ready when the parent process has ended
    os._exit(1)
