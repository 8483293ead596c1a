"""How koha-bridge proves who it is to Koha: OAuth2 client credentials or HTTP Basic.

An auth object produces the ``Authorization`` header value for each request. The OAuth2
token manager fetches a token from ``POST /api/v1/oauth/token`` through the client (so
the token request follows the same connection policy), caches it, renews it shortly
before it expires and once more when Koha answers 401.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from koha_bridge.exceptions import KohaAuthError, KohaError, KohaValidationError
from koha_bridge.koha import secrets
from koha_bridge.koha.credentials import Credentials

TOKEN_PATH = "/oauth/token"
RENEW_MARGIN = 60.0  # seconds before expiry at which a token is renewed
DEFAULT_LIFETIME = 3600.0  # Koha's fixed token lifetime, if it ever omits expires_in


class TokenTransport(Protocol):
    """The one thing the token manager needs from the client: an unauthenticated form POST."""

    def post_form(self, path: str, form: Mapping[str, str]) -> Any: ...


class KohaAuth(Protocol):
    def authorization(self, transport: TokenTransport) -> str:
        """The ``Authorization`` header value to send now."""
        ...

    def invalidate(self) -> bool:
        """Forget cached credentials after a 401; true if trying again may help."""
        ...


class BasicAuth:
    """HTTP Basic (needs the ``RESTBasicAuth`` system preference in Koha)."""

    def __init__(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"
        self.user = user
        secrets.register(password, token)

    def authorization(self, transport: TokenTransport) -> str:
        return self._header

    def invalidate(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"BasicAuth(user={self.user!r}, password='***')"


class OAuth2ClientCredentials:
    """OAuth2 client-credentials grant with a cached, self-renewing bearer token."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = RENEW_MARGIN,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._clock = clock
        self._margin = margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0  # how many tokens were requested (for tests and diagnostics)
        secrets.register(client_secret)

    def authorization(self, transport: TokenTransport) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._fetch(transport)
            return f"Bearer {self._token}"

    def invalidate(self) -> bool:
        with self._lock:
            had_token = self._token is not None
            self._token = None
            return had_token

    def _fetch(self, transport: TokenTransport) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
        }
        started = self._clock()
        self.fetches += 1
        try:
            answer = transport.post_form(TOKEN_PATH, form)
        except KohaValidationError as exc:
            raise KohaAuthError(
                "Koha không cấp token OAuth2: bật RESTOAuth2ClientCredentials "
                "(Quản trị › Tham số hệ thống › Web services) và cài "
                "Net::OAuth2::AuthorizationServer trên máy chủ Koha",
                **_context(exc),
            ) from exc
        except KohaAuthError as exc:
            raise KohaAuthError(
                "Koha từ chối client id/secret: kiểm tra KOHA_BRIDGE_CLIENT_ID và "
                "KOHA_BRIDGE_CLIENT_SECRET (khoá API của tài khoản trong Koha)",
                **_context(exc),
            ) from exc
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise KohaAuthError("Koha trả lời /oauth/token mà không có access_token")
        secrets.register(token)
        lifetime = answer.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)):
            lifetime = DEFAULT_LIFETIME
        self._token = token
        self._expires_at = started + float(lifetime)

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(client_id={self.client_id!r}, client_secret='***')"


def _context(exc: KohaError) -> dict[str, Any]:
    return {
        "status": exc.status,
        "body": exc.body,
        "request_id": exc.request_id,
        "method": exc.method,
        "url": exc.url,
    }


def auth_from_credentials(
    credentials: Credentials, *, clock: Callable[[], float] = time.monotonic
) -> KohaAuth:
    """The auth object matching ``credentials.method``."""
    if credentials.method == "basic":
        return BasicAuth(credentials.identity, credentials.secret)
    return OAuth2ClientCredentials(credentials.identity, credentials.secret, clock=clock)
