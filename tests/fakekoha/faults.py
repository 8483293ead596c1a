"""Fault injection for the fake Koha: latency, 5xx bursts, 429, dropped replies, crashes,
and random rates of them (``set_rates``).

All knobs are thread-safe and deterministic for a given seed (random jitter comes from
one seeded ``random.Random``). Faults act like a web server or proxy in front of Koha:
they run before authentication and their answers are not checked against the spec.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass


@dataclass
class _Burst:
    remaining: int
    status: int
    path_glob: str | None
    method: str | None
    retry_after: int | None = None


@dataclass
class _Drop:
    remaining: int
    method: str
    path_glob: str


def _matches(glob: str | None, path: str) -> bool:
    return glob is None or fnmatch.fnmatchcase(path, glob)


class Faults:
    """The ``fake.faults`` object."""

    def __init__(self, seed: int = 0, latency: float = 0.0, jitter: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.latency = latency
        self.jitter = jitter
        self._bursts: list[_Burst] = []
        self._drops: list[_Drop] = []
        self._crash_in: int | None = None
        self.transient_rate = 0.0
        self.drop_rate = 0.0
        self.rate_glob: str | None = None

    def set_latency(self, latency: float, jitter: float = 0.0) -> None:
        """Each request waits ``latency`` plus a uniform random share of ``jitter`` seconds."""
        with self._lock:
            self.latency, self.jitter = latency, jitter

    def delay(self) -> float:
        with self._lock:
            extra = self._rng.uniform(0.0, self.jitter) if self.jitter > 0 else 0.0
            return max(0.0, self.latency + extra)

    def fail_next(self, n: int, status: int = 503, path: str | None = None,
                  method: str | None = None) -> None:
        """The next ``n`` matching requests get ``status`` (path is an fnmatch glob)."""
        with self._lock:
            self._bursts.append(_Burst(n, status, path, method and method.upper()))

    def rate_limit_next(self, n: int, retry_after: int = 1, path: str | None = None) -> None:
        """The next ``n`` matching requests get 429 with ``Retry-After: retry_after``."""
        with self._lock:
            self._bursts.append(_Burst(n, 429, path, None, retry_after))

    def drop_after_commit_next(self, n: int, method: str = "POST",
                               path_glob: str = "/api/v1/biblios*") -> None:
        """The next ``n`` successful matching writes are committed, then the connection
        is closed without any response."""
        with self._lock:
            self._drops.append(_Drop(n, method.upper(), path_glob))

    def crash_after(self, n_requests: int) -> None:
        """Serve ``n_requests`` more requests, then the server dies (``fake.restart()``)."""
        with self._lock:
            self._crash_in = n_requests

    def set_rates(self, transient: float = 0.0, drop_after_commit: float = 0.0,
                  path_glob: str | None = None) -> None:
        """Random faults from the seeded generator: a share ``transient`` of the matching
        requests gets 502, 503 or 504, and a share ``drop_after_commit`` of the successful
        matching writes is committed and then left without a response."""
        with self._lock:
            self.transient_rate, self.drop_rate = transient, drop_after_commit
            self.rate_glob = path_glob

    def clear(self) -> None:
        """Cancel every pending fault, the random rates and the latency."""
        with self._lock:
            self._bursts.clear()
            self._drops.clear()
            self._crash_in = None
            self.latency = self.jitter = 0.0
            self.transient_rate = self.drop_rate = 0.0
            self.rate_glob = None

    # -- used by the server ------------------------------------------------------------

    def take_burst(self, method: str, path: str) -> tuple[int, int | None] | None:
        """(status, retry_after) if a 5xx/429 burst claims this request."""
        with self._lock:
            for burst in self._bursts:
                if burst.remaining > 0 and _matches(burst.path_glob, path) and (
                        burst.method is None or burst.method == method):
                    burst.remaining -= 1
                    self._bursts = [b for b in self._bursts if b.remaining > 0]
                    return burst.status, burst.retry_after
            if self.transient_rate and _matches(self.rate_glob, path) and (
                    self._rng.random() < self.transient_rate):
                return self._rng.choice((502, 503, 504)), None
        return None

    def take_drop(self, method: str, path: str, status: int) -> bool:
        """True if this committed write's response must be swallowed."""
        if not 200 <= status < 300:
            return False
        with self._lock:
            for drop in self._drops:
                if drop.remaining > 0 and drop.method == method and _matches(
                        drop.path_glob, path):
                    drop.remaining -= 1
                    self._drops = [d for d in self._drops if d.remaining > 0]
                    return True
            return bool(
                method != "GET" and self.drop_rate and _matches(self.rate_glob, path)
                and self._rng.random() < self.drop_rate
            )

    def count_request(self) -> bool:
        """Count one served request; True when this one is the last before the crash."""
        with self._lock:
            if self._crash_in is None:
                return False
            self._crash_in -= 1
            if self._crash_in <= 0:
                self._crash_in = None
                return True
            return False
