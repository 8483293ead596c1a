"""Paged reads of Koha's list routes: page 1 first, the others in parallel, in order.

``X-Total-Count`` on the first page says how many pages follow; they are fetched by a
small thread pool (``[koha] workers``) through the one ``KohaClient``, whose retry
policy applies to each page, and handed back in page order so that the caller can
commit page after page. A listing whose total changes between pages (rows added or
removed while it was read) is flagged ``stable = False``: pages may then have shifted.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import requests

from koha_bridge.exceptions import KohaError
from koha_bridge.koha.client import KohaClient

T = TypeVar("T")
Parse = Callable[[requests.Response], list[T]]


@dataclass(frozen=True)
class Page(Generic[T]):
    number: int
    rows: list[T]
    total: int | None  # X-Total-Count of this answer
    extra: Any = None  # what ``enrich`` fetched for these rows (in the same worker)


class Lister:
    """Counts every logical request it sends (retries of one page count once)."""

    def __init__(self, client: KohaClient, *, per_page: int, workers: int) -> None:
        self.client = client
        self.per_page = max(1, per_page)
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        self.requests = 0

    def get(self, path: str, params: Mapping[str, Any],
            headers: Mapping[str, str] | None = None) -> requests.Response:
        with self._lock:
            self.requests += 1
        return self.client.request("GET", path, params=params, headers=headers)

    def listing(self, path: str, params: Mapping[str, Any], parse: Parse[T],
                headers: Mapping[str, str] | None = None,
                enrich: Callable[[list[T]], Any] | None = None) -> Listing[T]:
        return Listing(self, path, dict(params), parse, dict(headers or {}), enrich)


class Listing(Generic[T]):
    """One list query; iterate ``pages()`` once."""

    def __init__(self, lister: Lister, path: str, params: dict[str, Any], parse: Parse[T],
                 headers: dict[str, str], enrich: Callable[[list[T]], Any] | None) -> None:
        self._lister = lister
        self._path = path
        self._params = params
        self._parse = parse
        self._headers = headers
        self._enrich = enrich
        self.total: int | None = None
        self.stable = True

    def _fetch(self, number: int) -> Page[T]:
        params = {**self._params, "_page": number, "_per_page": self._lister.per_page}
        response = self._lister.get(self._path, params, self._headers)
        rows = self._parse(response)
        extra = self._enrich(rows) if self._enrich is not None and rows else None
        return Page(number, rows, total_count(response), extra)

    def _check(self, page: Page[T]) -> None:
        if page.total != self.total:
            self.stable = False

    def pages(self) -> Iterator[Page[T]]:
        first = self._fetch(1)
        self.total = first.total
        yield first
        size = self._lister.per_page
        if self.total is None:  # an old Koha without the header: one page after another
            page = first
            while len(page.rows) >= size:
                page = self._fetch(page.number + 1)
                yield page
            return
        last = max(1, math.ceil(self.total / size))
        if last == 1:
            return
        pool = ThreadPoolExecutor(max_workers=self._lister.workers,
                                  thread_name_prefix="koha-pull")
        pending: deque[Future[Page[T]]] = deque()
        upcoming = iter(range(2, last + 1))
        try:
            for number in upcoming:
                pending.append(pool.submit(self._fetch, number))
                if len(pending) >= self._lister.workers * 2:
                    break
            while pending:
                page = pending.popleft().result()
                following = next(upcoming, None)
                if following is not None:
                    pending.append(pool.submit(self._fetch, following))
                self._check(page)
                yield page
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def total_count(response: requests.Response) -> int | None:
    try:
        return int(response.headers["X-Total-Count"])
    except (KeyError, ValueError):
        return None


def json_rows(response: requests.Response) -> list[dict[str, Any]]:
    rows = response.json() if response.content else []
    if not isinstance(rows, list):
        raise KohaError("Koha trả lời một trang không phải danh sách",
                        status=response.status_code, method="GET")
    return rows
