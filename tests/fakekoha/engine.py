"""The request pipeline of the fake Koha: Koha's front layers around the operations.

Order of work for one request, as in Koha: fault layer (latency, 5xx/429) →
route lookup → authentication → unknown query parameters (400 with a JSON array) →
path parameter types → (strict) the spec's request validation → x-koha-embed check →
the operation → (strict) response validation → drop-after-commit / crash faults.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakekoha.faults import Faults
from tests.fakekoha.routes_auth import AuthSettings, authenticate
from tests.fakekoha.state import State
from tests.fakekoha.web import (
    API,
    Request,
    Response,
    Route,
    error,
    json_response,
    validator_error,
)
from tests.support.kohaspec import KohaSpec, SpecViolation

_FAULT_MESSAGES = {429: "Too many requests", 500: "Internal server error",
                   502: "Bad gateway", 503: "Under maintenance", 504: "Gateway timeout"}


@dataclass(frozen=True)
class RequestRecord:
    """One request as the fake saw it; ``status`` is None when no response was sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int | None
    at: float = field(default_factory=time.time)
    fault: str | None = None  # "burst" (answered by the fault layer) or "dropped"


@dataclass(frozen=True)
class _OpInfo:
    query: dict[str, dict[str, Any]]
    embeds: frozenset[str] | None  # None: x-koha-embed not declared
    path_types: dict[str, str]
    q_body: bool
    known: bool = True  # the spec has this operation


def op_info(spec: KohaSpec, route: Route) -> _OpInfo:
    try:
        params = spec.parameters(route.method, API + route.template)
    except SpecViolation:  # a route outside the spec's operations (GET /api/v1/)
        return _OpInfo({}, None, {}, False, known=False)
    embed = next((p for p in params if p["in"] == "header" and p["name"] == "x-koha-embed"),
                 None)
    return _OpInfo(
        query={p["name"]: p for p in params if p["in"] == "query"},
        embeds=None if embed is None else frozenset(embed.get("items", {}).get("enum", [])),
        path_types={p["name"]: p.get("type", "string") for p in params if p["in"] == "path"},
        q_body=any(p["in"] == "body" and p["name"] == "query" for p in params),
    )


def _read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The request body, by Content-Length or chunked transfer coding; None when the
    client went away before sending all of it (a web server never hands that on)."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks: list[bytes] = []
        while True:
            line = handler.rfile.readline()
            if not line:
                return None
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline().strip():  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    return body if len(body) == length else None


class Engine:
    """Turns HTTP requests into Koha answers; owned by ``FakeKoha``."""

    def __init__(self, spec: KohaSpec, routes: list[Route], auth: AuthSettings,
                 faults: Faults, strict: bool, log_requests: bool) -> None:
        self.spec = spec
        self.auth = auth
        self.faults = faults
        self.strict = strict
        self.log_requests = log_requests
        self.state: State | None = None
        self.on_crash: Any = None
        self._routes = [(r, r.regex, op_info(spec, r)) for r in routes]
        self._lock = threading.Lock()
        self.requests: list[RequestRecord] = []
        self.response_violations: list[str] = []
        self.request_violations: list[str] = []
        self.errors: list[str] = []

    # -- bookkeeping -----------------------------------------------------------------

    def _log(self, req: Request, status: int | None, fault: str | None = None) -> None:
        if not self.log_requests:
            return
        record = RequestRecord(req.method, req.path, req.query, req.headers, req.body, status,
                               fault=fault)
        with self._lock:
            self.requests.append(record)

    def _note(self, bucket: list[str], text: str) -> None:
        with self._lock:
            bucket.append(text)

    # -- the request pipeline --------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        body = _read_body(handler)
        if body is None:  # e.g. the client was killed mid-request
            handler.close_connection = True
            return
        split = urlsplit(handler.path)
        server: Any = handler.server
        req = Request(
            method=handler.command, path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body, base_url=f"http://127.0.0.1:{server.server_port}",
        )
        delay = self.faults.delay()
        if delay:
            time.sleep(delay)  # outside every lock
        if server.dead:
            self._drop(handler, req, None)
            return
        burst = self.faults.take_burst(req.method, req.path)
        if burst is not None:
            status, retry_after = burst
            resp = json_response(status, {"error": _FAULT_MESSAGES.get(status, "Fault")},
                                 validate=False)
            if retry_after is not None:
                resp.headers.append(("Retry-After", str(retry_after)))
        else:
            resp = self.dispatch(req, handler.path)
        crash = self.faults.count_request()
        dropped = burst is None and self.faults.take_drop(req.method, req.path, resp.status)
        if dropped or server.dead:
            self._drop(handler, req, "dropped" if dropped else None)
        else:
            if crash:
                server.dead = True
            # logged before the client can see the answer
            self._log(req, resp.status, "burst" if burst is not None else None)
            self._send(handler, req, resp)
        if crash and self.on_crash is not None:
            self.on_crash(server)

    def _drop(self, handler: BaseHTTPRequestHandler, req: Request, fault: str | None) -> None:
        handler.close_connection = True
        self._log(req, None, fault)

    def _send(self, handler: BaseHTTPRequestHandler, req: Request, resp: Response) -> None:
        headers = list(resp.headers)
        if "x-koha-request-id" in req.headers:
            headers.append(("x-koha-request-id", req.headers["x-koha-request-id"]))
        content_type = (resp.content_type + ";charset=UTF-8"
                        if resp.content_type in ("application/json", "text/plain")
                        else resp.content_type)
        if self.strict and resp.validate:
            self._check_response(req, handler.path, resp, content_type, headers)
        handler.send_response(resp.status)
        if resp.body:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(resp.body)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        if resp.body and req.method != "HEAD":
            handler.wfile.write(resp.body)

    def _check_response(self, req: Request, raw_path: str, resp: Response,
                        content_type: str, headers: list[tuple[str, str]]) -> None:
        all_headers = dict(headers)
        all_headers["Content-Type"] = content_type
        try:
            self.spec.validate_response(req.method, req.base_url + raw_path, resp.status,
                                        all_headers, resp.body)
        except SpecViolation as exc:
            self._note(self.response_violations, str(exc))

    def _find(self, method: str, path: str) -> tuple[Route, dict[str, str], _OpInfo] | None:
        for route, regex, info in self._routes:
            if route.method != method:
                continue
            match = regex.match(path)
            if match:
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                return route, params, info
        return None

    def dispatch(self, req: Request, raw_path: str) -> Response:
        found = self._find(req.method, req.path)
        state = self.state
        if found is None or state is None:
            return validator_error("Not Found.", "/", 404)
        route, req.params, info = found
        req.declared_query, req.q_body = info.query, info.q_body
        if not route.public:
            denied = authenticate(req, state, self.auth)
            if denied is not None:
                return denied
        unknown = [name for name in req.query if name not in info.query]
        if unknown:
            return json_response(400, [{"path": f"/query/{name}",
                                        "message": "Malformed query string"}
                                       for name in unknown], validate=False)
        for name, kind in info.path_types.items():
            if kind == "integer" and not req.params[name].isdigit():
                return validator_error("Expected integer - got string.", f"/{name}")
        if self.strict and info.known:
            try:
                self.spec.validate_request(req.method, req.base_url + raw_path,
                                           req.headers, req.body or None)
            except SpecViolation as exc:
                self._note(self.request_violations, str(exc))
                return validator_error(str(exc), "/")
        raw_embed = req.headers.get("x-koha-embed", "")
        req.embeds = [e.strip() for e in raw_embed.split(",") if e.strip()]
        if req.embeds:
            bad = [e for e in req.embeds if info.embeds is None or e not in info.embeds]
            if bad:
                return validator_error(f"Not in enum list: {', '.join(bad)}.",
                                       "/x-koha-embed")
        try:
            return route.handler(req, state)
        except Exception:
            self._note(self.errors, traceback.format_exc())
            return error(500, "Something went wrong, check Koha logs for details.",
                         "internal_server_error")
