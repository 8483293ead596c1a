"""Authentication: OAuth2 client credentials (tokens persisted), HTTP Basic, none."""

from __future__ import annotations

import base64
import binascii
import math
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from tests.fakekoha.state import State
from tests.fakekoha.web import Request, Response, Route, error, json_response


@dataclass
class AuthSettings:
    """What Koha's API key and system preferences would say."""

    client_id: str
    client_secret: str
    token_ttl: float = 3600.0
    basic_user: str | None = None
    basic_password: str | None = None

    def __post_init__(self) -> None:
        self.lock = threading.Lock()


def token_route(auth: AuthSettings) -> Route:
    """POST /oauth/token bound to these settings."""

    def token(req: Request, state: State) -> Response:
        form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            return error(400, "Unimplemented grant type")
        with auth.lock:
            good = (form.get("client_id") == auth.client_id
                    and form.get("client_secret") == auth.client_secret)
            ttl = auth.token_ttl
        if not good:
            return error(403, "unauthorized_client")
        access = secrets.token_urlsafe(24)
        state.put("token", {"access_token": access, "client_id": auth.client_id,
                            "expires_at": time.time() + ttl})
        return json_response(200, {"access_token": access, "token_type": "Bearer",
                                   "expires_in": max(1, math.ceil(ttl))})

    return Route("POST", "/oauth/token", token, public=True)


def _fail(message: str) -> Response:
    return json_response(401, {"error": message}, validate=False)


def authenticate(req: Request, state: State, auth: AuthSettings) -> Response | None:
    """None when the request may proceed, else Koha's 401 answer."""
    header = req.headers.get("authorization", "").strip()
    scheme, _, credentials = header.partition(" ")
    if not header:
        return _fail("Authentication failure.")
    if scheme.lower() == "bearer":
        token = state.get("token", credentials.strip())
        if token is None or token["expires_at"] < time.time():
            return _fail("Authentication failure.")
        return None
    if scheme.lower() == "basic":
        with auth.lock:
            user, password = auth.basic_user, auth.basic_password
        if user is None:
            return _fail("Basic authentication disabled")
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return _fail("Authentication failure.")
        given_user, _, given_password = decoded.partition(":")
        if (given_user, given_password) != (user, password):
            return _fail("Authentication failure.")
        return None
    return _fail("Authentication failure.")


def expire_tokens(state: State) -> int:
    """Make every issued token expired now; returns how many there were."""
    tokens = state.all("token")
    with state.transaction():
        for token in tokens:
            state.put("token", dict(token, expires_at=0.0))
    return len(tokens)
