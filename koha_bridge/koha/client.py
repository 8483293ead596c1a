"""``KohaClient``: the one place for connection policy towards Koha's REST API.

One ``requests.Session`` owns the base URL, authentication, ``User-Agent``, a default
timeout (requests has none), an integer ``x-koha-request-id`` on every request, retries
and the mapping of Koha's answers to typed errors (``koha_bridge.exceptions``).

Retries are done here rather than by urllib3's ``Retry`` because the rules depend on
what Koha may already have done: GET/PUT/DELETE are retried on connection errors, 429,
502, 503 and 504; a POST only when the caller says it is idempotent, except that it is
always retried on 429/503 (Koha refused before acting) and on connection errors raised
before the request was sent. A POST that may have reached Koha (read timeout, dropped
connection, 502/504) raises ``KohaTransientError(maybe_committed=True)``: duplicate-safe
re-sending is the push journal's job, never the transport's.

``trust_env`` is off on purpose: requests would otherwise read ``.netrc`` (whose
credentials override our ``Authorization`` header), proxy variables and
``REQUESTS_CA_BUNDLE`` from the environment, so the same config would behave
differently from one machine or cron job to the next.
"""

from __future__ import annotations

import email.utils
import itertools
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from koha_bridge import __version__
from koha_bridge.config import Config
from koha_bridge.exceptions import (
    ConfigError,
    KohaAuthError,
    KohaConflictError,
    KohaDuplicateBiblioError,
    KohaError,
    KohaNotFoundError,
    KohaTransientError,
    KohaValidationError,
)
from koha_bridge.koha.auth import KohaAuth, auth_from_credentials
from koha_bridge.koha.credentials import load_credentials
from koha_bridge.koha.secrets import redact

log = logging.getLogger(__name__)

API_ROOT = "/api/v1"
USER_AGENT = f"koha-bridge/{__version__}"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED_BEFORE_ACTING = frozenset({429, 503})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 300.0
_DUPLICATE_BIBLIO = re.compile(r"Duplicate biblio (\d+)")
_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,<]+)*)")
_NOT_SENT = (
    urllib3.exceptions.NewConnectionError,
    urllib3.exceptions.ConnectTimeoutError,
    urllib3.exceptions.NameResolutionError,
)


class KohaClient:
    """A session against one Koha; paths are relative to ``/api/v1``."""

    def __init__(
        self,
        base_url: str,
        auth: KohaAuth | None,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
        verify: bool = True,
        per_page: int = 100,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.api_url = _api_url(base_url)
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.per_page = per_page
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._ids = itertools.count(random.SystemRandom().randrange(1, 2**30))
        self.session = session or requests.Session()
        self.session.trust_env = False
        self.session.verify = verify
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        if session is None:
            adapter = HTTPAdapter(max_retries=0)  # retries are ours, see module docstring
            self.session.mount("https://", adapter)
            self.session.mount("http://", adapter)

    @classmethod
    def from_config(cls, config: Config, **kwargs: Any) -> KohaClient:
        """A client for ``config.koha_url`` with credentials from the environment/file."""
        url = config.koha_url
        if not url:
            raise ConfigError(
                "Chưa có địa chỉ Koha: đặt [koha] url trong tệp cấu hình "
                "hoặc biến môi trường KOHA_BRIDGE_URL"
            )
        auth = auth_from_credentials(load_credentials(config))
        koha = config.koha
        kwargs.setdefault("timeout", koha.timeout)
        kwargs.setdefault("retries", koha.retries)
        kwargs.setdefault("verify", koha.verify_tls)
        kwargs.setdefault("per_page", koha.per_page)
        return cls(url, auth, **kwargs)

    def __repr__(self) -> str:
        return f"KohaClient({_safe_url(self.api_url)!r}, auth={self.auth!r})"

    def __enter__(self) -> KohaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        """The absolute URL of an API path (``/biblios/1`` → ``…/api/v1/biblios/1``)."""
        return self.api_url + "/" + path.lstrip("/")

    # -- requests ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        data: bytes | Mapping[str, str] | None = None,
        content_type: str | None = None,
        idempotent: bool | None = None,
        authenticate: bool = True,
    ) -> requests.Response:
        """Send one logical request (retried per the policy); 2xx or a typed error.

        ``idempotent`` defaults to true for GET/PUT/DELETE and false for POST.
        """
        method = method.upper()
        retry_safe = method in SAFE_METHODS if idempotent is None else idempotent
        request_id = str(next(self._ids))
        url = self.url(path)
        send_headers = {"x-koha-request-id": request_id, **(headers or {})}
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            content_type = content_type or "application/json"
        if content_type:
            send_headers["Content-Type"] = content_type
        context: dict[str, Any] = {
            "request_id": request_id, "method": method, "url": _safe_url(url)
        }
        refreshed = False
        attempt = 0
        while True:
            if authenticate and self.auth is not None:
                send_headers["Authorization"] = self.auth.authorization(self)
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, params=_query(params), headers=send_headers, data=data,
                    timeout=self.timeout, allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise KohaTransientError(
                    "Không xác thực được chứng chỉ TLS của Koha: kiểm tra [koha] url "
                    "và chứng chỉ của máy chủ", **context,
                ) from exc
            except requests.RequestException as exc:
                sent = not _never_sent(exc)
                may_retry = retry_safe or not sent
                kind = "sau khi đã gửi" if sent else "trước khi gửi"
                if may_retry and attempt < self.retries:
                    delay = self._delay(attempt, None)
                    log.warning("%s %s: lỗi kết nối (%s), thử lại sau %.1f s",
                                method, path, type(exc).__name__, delay)
                    self._sleep(delay)
                    attempt += 1
                    continue
                raise KohaTransientError(
                    f"Không kết nối được Koha ({type(exc).__name__}, {kind})",
                    maybe_committed=sent and method not in READ_METHODS,
                    **context,
                ) from exc
            status = response.status_code
            log.debug("%s %s -> %s (request id %s, %.2f s)", method, path, status,
                      request_id, time.monotonic() - started)
            if (
                status == 401 and authenticate and self.auth is not None and not refreshed
                and self.auth.invalidate()
            ):
                refreshed = True
                continue
            if status in RETRY_STATUSES and attempt < self.retries and (
                retry_safe or status in REFUSED_BEFORE_ACTING
            ):
                delay = self._delay(attempt, response.headers.get("Retry-After"))
                log.warning("%s %s: Koha trả lời %s, thử lại sau %.1f s",
                            method, path, status, delay)
                self._sleep(delay)
                attempt += 1
                continue
            if status >= 400:
                raise _error(response, **context)
            if status >= 300:
                target = _safe_url(response.headers.get("Location"))
                raise KohaError(
                    f"Koha chuyển hướng tới {target}: sửa [koha] url (http/https, đường dẫn)",
                    status=status, **context,
                )
            return response

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        waited = _retry_after(retry_after)
        if waited is not None:
            return min(waited, MAX_RETRY_AFTER)
        base = min(MAX_BACKOFF, self.backoff * (2**attempt))
        return base + self._rng.uniform(0, self.backoff)

    def get_json(
        self, path: str, params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return _json(self.request("GET", path, params=params, headers=headers))

    def post_form(self, path: str, form: Mapping[str, str]) -> Any:
        """An unauthenticated form POST (the OAuth2 token request; safe to repeat)."""
        response = self.request(
            "POST", path, data=dict(form), idempotent=True, authenticate=False,
            content_type="application/x-www-form-urlencoded",
        )
        return _json(response)

    def paginate(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        per_page: int | None = None,
    ) -> Iterator[Any]:
        """Every row of a list route, page by page (``_page``/``_per_page``).

        Stops on the first of: no ``rel="next"`` link (when Koha sends links), the
        ``X-Total-Count`` reached, a short or empty page.
        """
        size = per_page or self.per_page
        page, seen = 1, 0
        while True:
            query = {**(params or {}), "_page": page, "_per_page": size}
            response = self.request("GET", path, params=query, headers=headers)
            rows = _json(response)
            if not isinstance(rows, list):
                raise KohaError(
                    "Koha trả lời một trang không phải danh sách",
                    status=response.status_code, method="GET", url=_safe_url(response.url),
                )
            yield from rows
            seen += len(rows)
            links = parse_links(response.headers.get("Link", ""))
            total = _int(response.headers.get("X-Total-Count"))
            if not rows or size < 0:
                return
            if links:
                if "next" not in links:
                    return
            elif total is not None:
                if seen >= total:
                    return
            elif len(rows) < size:
                return
            page += 1


def parse_links(value: str) -> dict[str, str]:
    """RFC 5988 ``Link`` header(s) → {rel: url}; one link per header or comma-joined."""
    links: dict[str, str] = {}
    for url, params in _LINK.findall(value or ""):
        for param in params.split(";"):
            key, _, rel = param.strip().partition("=")
            if key.strip().lower() == "rel":
                for name in rel.strip().strip('"').split():
                    links[name.lower()] = url
    return links


def _api_url(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if "@" in urlsplit(base).netloc:
        # requests would turn user:password@ into its own Basic auth, over ours.
        raise ConfigError(
            "Không ghi tên đăng nhập/mật khẩu trong địa chỉ Koha; dùng biến môi trường "
            "hoặc tệp bí mật"
        )
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"Địa chỉ Koha phải bắt đầu bằng http:// hoặc https://: {base!r}")
    return base if base.endswith(API_ROOT) else base + API_ROOT


def _safe_url(url: str | None) -> str:
    """The URL without user:password@ and with registered secrets redacted."""
    if not url:
        return ""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return redact(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))


def _query(params: Mapping[str, Any] | None) -> list[tuple[str, str]] | None:
    if not params:
        return None
    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            text = ("true" if v else "false") if isinstance(v, bool) else str(v)
            pairs.append((key, text))
    return pairs


def _never_sent(exc: BaseException) -> bool:
    """True when the connection failed before any byte of the request left."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, _NOT_SENT):
            return True
        if isinstance(current, BaseException):
            stack.extend([current.__cause__, current.__context__, *current.args])
            stack.append(getattr(current, "reason", None))
    return False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise KohaError(
            "Koha trả lời không phải JSON", status=response.status_code,
            body=redact(response.text[:500]), url=_safe_url(response.url),
        ) from exc


def error_body(response: requests.Response) -> Any:
    """Koha's error body (a JSON object, a JSON array or plain text), secrets redacted."""
    try:
        return _redacted(response.json())
    except ValueError:
        return redact(response.text[:2000])


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v) for k, v in value.items()}
    return value


_ERRORS: dict[int, tuple[type[KohaError], str]] = {
    400: (KohaValidationError, "Koha từ chối yêu cầu (dữ liệu không hợp lệ)"),
    406: (KohaValidationError, "Koha không chấp nhận định dạng yêu cầu"),
    415: (KohaValidationError, "Koha không chấp nhận kiểu nội dung"),
    401: (KohaAuthError, "Koha từ chối đăng nhập"),
    403: (KohaAuthError, "Tài khoản API thiếu quyền trong Koha"),
    404: (KohaNotFoundError, "Không tìm thấy trong Koha"),
    409: (KohaConflictError, "Đã có trong Koha (trùng)"),
    429: (KohaTransientError, "Koha đang quá tải (429), hãy thử lại sau"),
}


def _error(response: requests.Response, **context: Any) -> KohaError:
    status = response.status_code
    body = error_body(response)
    message = body.get("error") if isinstance(body, dict) else None
    if status == 400 and isinstance(message, str):
        match = _DUPLICATE_BIBLIO.search(message)
        if match:
            return KohaDuplicateBiblioError(
                f"Koha cho rằng biểu ghi trùng với biểu ghi số {match.group(1)}",
                biblio_id=int(match.group(1)), status=status, body=body, **context,
            )
    if status in _ERRORS:
        cls, text = _ERRORS[status]
        return cls(text, status=status, body=body, **context)
    if status >= 500:
        return KohaTransientError(
            f"Koha gặp lỗi máy chủ ({status})",
            maybe_committed=(
                context.get("method") not in READ_METHODS and status not in REFUSED_BEFORE_ACTING
            ),
            status=status, body=body, **context,
        )
    return KohaError(f"Koha trả lời bất thường ({status})", status=status, body=body, **context)
