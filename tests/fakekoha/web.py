"""Request/response values, route registration and Koha's list helper (paging, q, _match)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.fakekoha.query import (
    Predicate,
    QueryError,
    match_filter,
    order_rows,
    parse_queries,
)
from tests.fakekoha.state import State

API = "/api/v1"
RESERVED = frozenset({"_page", "_per_page", "_match", "_order_by", "q"})
DEFAULT_PER_PAGE = 20


@dataclass
class Request:
    method: str
    path: str  # without the query string, e.g. /api/v1/items/3
    query: dict[str, list[str]]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    base_url: str  # http://127.0.0.1:PORT
    params: dict[str, str] = field(default_factory=dict)
    embeds: list[str] = field(default_factory=list)
    declared_query: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    q_body: bool = False  # the operation declares a JSON query document as GET body

    @property
    def mime(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    validate: bool = True  # False for answers of layers in front of the operation


def json_response(status: int, doc: Any, headers: Iterable[tuple[str, str]] = (),
                  validate: bool = True) -> Response:
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json", list(headers), validate)


def error(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    doc: dict[str, Any] = {"error": message}
    if code:
        doc["error_code"] = code
    doc.update(extra)
    return json_response(status, doc)


def not_found(thing: str) -> Response:
    return error(404, f"{thing} not found", "not_found")


def validator_error(message: str, path: str, status: int = 400,
                    validate: bool = False) -> Response:
    """The body Koha's OpenAPI validator sends."""
    return json_response(status, {"errors": [{"message": message, "path": path}],
                                  "status": status}, validate=validate)


Handler = Callable[[Request, State], Response]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # spec form, without /api/v1: /biblios/{biblio_id}
    handler: Handler
    public: bool = False  # no authentication (the OAuth token route)

    @property
    def regex(self) -> re.Pattern[str]:
        pattern = re.escape(API + self.template)
        for name in re.findall(r"{([^}]+)}", self.template):
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
        return re.compile(f"^{pattern}$")


def int_param(req: Request, name: str) -> int:
    return int(req.params[name])


def listing(req: Request, base: list[dict[str, Any]], fields: frozenset[str],
            extra: Iterable[Predicate] = (), base_total: int | None = None,
            memo: State | None = None,
            ) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Filter, order and page ``base`` like Koha's objects->search; rows + headers.

    ``base_total`` overrides the unfiltered count when ``base`` is already narrowed.
    With ``memo``, the filtered and ordered rows are kept until that state changes, so
    the pages of one listing cost what an indexed database would (one filter, one sort).
    Raises QueryError for an unusable ``q``.
    """
    key = None
    if memo is not None:
        query = tuple(sorted((k, tuple(v)) for k, v in req.query.items()
                             if k not in ("_page", "_per_page")))
        key = (memo.version, req.path, query, req.body, req.headers.get("accept", ""))
        rows = memo.list_memo.get(key)
        if rows is not None:
            return _page(req, rows, len(base) if base_total is None else base_total)
    preds: list[Predicate] = list(extra)
    preds += parse_queries(req.query.get("q", []), fields)
    if req.method == "GET" and req.q_body and req.body.strip():
        preds += parse_queries([req.body.decode("utf-8")], fields)
    mode = req.arg("_match") or "contains"
    for name, values in req.query.items():
        spec = req.declared_query.get(name)
        if name in RESERVED or spec is None or name not in fields:
            continue
        kind = spec.get("type")
        for value in values:
            if kind in ("integer", "boolean", "number"):
                preds.append(match_filter(name, value, "exact"))
            else:
                preds.append(match_filter(name, value, mode))
    if len(preds) == 1:
        rows = [r for r in base if preds[0](r)]
    else:
        rows = [r for r in base if all(p(r) for p in preds)] if preds else list(base)
    order = ",".join(req.query.get("_order_by", [])).split(",")
    rows = order_rows(rows, order)
    if memo is not None:
        if len(memo.list_memo) >= 16:
            memo.list_memo.clear()
        memo.list_memo[key] = rows
    return _page(req, rows, len(base) if base_total is None else base_total)


def _page(req: Request, rows: list[dict[str, Any]], unfiltered: int,
          ) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """One page of already filtered and ordered rows, with Koha's paging headers."""
    try:
        page = max(1, int(req.arg("_page") or 1))
        per_page = int(req.arg("_per_page") or DEFAULT_PER_PAGE)
    except ValueError as exc:
        raise QueryError("bad paging value") from exc
    if per_page == -1:
        chunk, last = rows, 1
    else:
        per_page = max(1, per_page)
        last = max(1, math.ceil(len(rows) / per_page))
        chunk = rows[(page - 1) * per_page: page * per_page]
    headers = [("X-Total-Count", str(len(rows))), ("X-Base-Total-Count", str(unfiltered))]
    headers += _links(req, page, per_page, last)
    return chunk, headers


def _links(req: Request, page: int, per_page: int, last: int) -> list[tuple[str, str]]:
    def link(target: int, rel: str) -> tuple[str, str]:
        pairs = [(k, v) for k, vs in req.query.items() if k not in ("_page", "_per_page")
                 for v in vs]
        pairs += [("_page", str(target)), ("_per_page", str(per_page))]
        return ("Link", f'<{req.base_url}{req.path}?{urlencode(pairs)}>; rel="{rel}"')

    out = []
    if page > 1:
        out.append(link(min(page - 1, last), "prev"))
    if page < last:
        out.append(link(page + 1, "next"))
    out += [link(1, "first"), link(last, "last")]
    return out


def query_error(exc: QueryError) -> Response:
    return error(400, str(exc), "invalid_query")


def body_problem(body: Any, allowed: frozenset[str], required: Iterable[str] = (),
                 where: str = "/body") -> Response | None:
    """What Koha's request validator says about a JSON object body, or None."""
    if not isinstance(body, dict):
        return validator_error("Expected object - got other.", where)
    extra = sorted(set(body) - allowed)
    if extra:
        return validator_error(f"Properties not allowed: {', '.join(extra)}.", where)
    for name in required:
        if name not in body:
            return validator_error("Missing property.", f"{where}/{name}")
    return None
