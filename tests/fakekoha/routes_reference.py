"""Checkouts (read-only, seeded by tests) and reference data routes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.fakekoha.query import QueryError, match_filter
from tests.fakekoha.state import Doc, State, now_iso
from tests.fakekoha.web import (
    Request,
    Response,
    Route,
    error,
    int_param,
    json_response,
    listing,
    not_found,
    query_error,
)
from tests.support.kohaspec import KohaSpec

CHECKOUT_FIELDS = frozenset((
    "checkout_id", "patron_id", "item_id", "booking_id", "external_id", "due_date",
    "library_id", "issuer_id", "checkin_date", "checkin_library_id", "last_renewed_date",
    "renewals_count", "unseen_renewals", "auto_renew", "auto_renew_error", "timestamp",
    "checkout_date", "onsite_checkout", "note", "note_date", "note_seen",
))


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """Naive datetimes are taken as UTC (Koha's date-time values carry an offset)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def seed_checkout(state: State, patron_id: int, item_id: int, *,
                  checkout_date: dt.datetime | None = None, due_date: dt.datetime | None = None,
                  checked_in: bool = False, checkin_date: dt.datetime | None = None,
                  library_id: str | None = None, timestamp: str | None = None) -> Doc:
    """Record a checkout (current, or returned when ``checked_in``) without HTTP.

    ``timestamp`` (RFC 3339) backdates Koha's row timestamp for seeded history; by
    default it is now, as for a loan made at the desk.
    """
    start = _utc(checkout_date) or dt.datetime.now(dt.UTC).replace(microsecond=0)
    due = _utc(due_date) or start + dt.timedelta(days=14)
    with state.transaction():
        item = state.get("item", item_id)
        if state.get("patron", patron_id) is None or item is None:
            raise KeyError(f"unknown patron {patron_id} or item {item_id}")
        doc: Doc = {
            "checkout_id": state.next_id("checkout"), "patron_id": patron_id,
            "item_id": item_id, "booking_id": None, "external_id": item["external_id"],
            "due_date": due.isoformat(), "library_id": library_id or item["home_library_id"],
            "issuer_id": None, "checkin_date": None, "checkin_library_id": None,
            "last_renewed_date": None, "renewals_count": 0, "unseen_renewals": 0,
            "auto_renew": False, "auto_renew_error": None, "timestamp": timestamp or now_iso(),
            "checkout_date": start.isoformat(), "onsite_checkout": False, "note": None,
            "note_date": None, "note_seen": None,
        }
        updated = dict(item, checkouts_count=(item["checkouts_count"] or 0) + 1,
                       last_checkout_date=start.date().isoformat(),
                       timestamp=max(item["timestamp"], doc["timestamp"]))
        if checked_in:
            back = _utc(checkin_date) or start + dt.timedelta(days=7)
            doc.update(checkin_date=back.isoformat(), checkin_library_id=doc["library_id"])
            state.put("old_checkout", doc)
        else:
            updated["checked_out_date"] = due.date().isoformat()
            state.put("checkout", doc)
        state.put("item", updated)
    return doc


def return_checkout(state: State, checkout_id: int, *,
                    when: dt.datetime | None = None) -> Doc:
    """Check a loan in as Koha does: the row moves to the old checkouts, keeping its id,
    with ``checkin_date`` and a new ``timestamp``; the item is back on the shelf."""
    with state.transaction():
        doc = state.get("checkout", checkout_id)
        if doc is None:
            raise KeyError(f"no current checkout {checkout_id}")
        back = _utc(when) or dt.datetime.now(dt.UTC).replace(microsecond=0)
        stamp = now_iso()
        old = dict(doc, checkin_date=back.isoformat(), checkin_library_id=doc["library_id"],
                   timestamp=stamp)
        state.delete("checkout", checkout_id)
        state.put("old_checkout", old)
        item = state.get("item", doc["item_id"])
        if item is not None:
            state.put("item", dict(item, checked_out_date=None, last_seen_date=back.isoformat(),
                                   timestamp=stamp))
    return old


def renew_checkout(state: State, checkout_id: int, due_date: dt.datetime) -> Doc:
    """Renew a current loan: new due date, one more renewal, a new ``timestamp``."""
    with state.transaction():
        doc = state.get("checkout", checkout_id)
        if doc is None:
            raise KeyError(f"no current checkout {checkout_id}")
        due = _utc(due_date)
        assert due is not None
        renewed = dict(doc, due_date=due.isoformat(), renewals_count=doc["renewals_count"] + 1,
                       last_renewed_date=now_iso(), timestamp=now_iso())
        return state.put("checkout", renewed)


def _embed_checkout(state: State, checkout: Doc, embeds: list[str]) -> Doc:
    if not embeds:
        return checkout
    out = dict(checkout)
    for embed in embeds:
        if embed in ("item", "item.biblio"):
            item = state.get("item", checkout["item_id"])
            if item is not None and embed == "item.biblio":
                biblio = state.get("biblio", item["biblio_id"])
                item = dict(item, biblio=biblio["view"] if biblio else None)
            out["item"] = item
        elif embed == "patron":
            out["patron"] = state.get("patron", checkout["patron_id"])
        elif embed == "library":
            out["library"] = state.get("library", checkout["library_id"] or "")
        elif embed == "issuer":
            out["issuer"] = None
    # ``renewals`` is a valid embed but the copied checkout definition has no such key
    # (spec drift, see openapi/MANIFEST.txt): the spec wins, so it is left out.
    return out


def _checkouts(req: Request, state: State, base: list[Doc], extra: list[Any]) -> Response:
    try:
        rows, headers = listing(req, base, CHECKOUT_FIELDS, extra, memo=state)
    except QueryError as exc:
        return query_error(exc)
    return json_response(200, [_embed_checkout(state, r, req.embeds) for r in rows], headers)


def list_checkouts(req: Request, state: State) -> Response:
    old = (req.arg("checked_in") or "").lower() in ("true", "1")
    return _checkouts(req, state, state.all("old_checkout" if old else "checkout"), [])


def get_checkout(req: Request, state: State) -> Response:
    checkout_id = int_param(req, "checkout_id")
    doc = state.get("checkout", checkout_id) or state.get("old_checkout", checkout_id)
    if doc is None:
        return error(404, "Checkout doesn't exist")
    return json_response(200, _embed_checkout(state, doc, req.embeds))


def list_patron_checkouts(req: Request, state: State) -> Response:
    patron_id = int_param(req, "patron_id")
    if state.get("patron", patron_id) is None:
        return not_found("Patron")
    extra = [match_filter("patron_id", str(patron_id), "exact")]
    return _checkouts(req, state, state.all("checkout"), extra)


def _plain_list(req: Request, state: State, kind: str,
                embed_values: dict[str, Any] | None = None) -> Response:
    base = state.all(kind)
    fields = frozenset(k for doc in base[:1] for k in doc)
    try:
        rows, headers = listing(req, base, fields)
    except QueryError as exc:
        return query_error(exc)
    extra = {e: (embed_values or {}).get(e) for e in req.embeds}
    return json_response(200, [dict(r, **extra) for r in rows], headers)


def list_libraries(req: Request, state: State) -> Response:
    return _plain_list(req, state, "library",
                       {"desks": [], "cash_registers": [], "smtp_server": None})


def get_library(req: Request, state: State) -> Response:
    library = state.get("library", req.params["library_id"])
    if library is None:
        return not_found("Library")
    return json_response(200, library)


def list_item_types(req: Request, state: State) -> Response:
    return _plain_list(req, state, "item_type", {"translated_descriptions": []})


def list_patron_categories(req: Request, state: State) -> Response:
    return _plain_list(req, state, "patron_category")


def _categories(state: State) -> dict[str, list[Doc]]:
    out: dict[str, list[Doc]] = {}
    for av in state.all("authorised_value"):
        out.setdefault(av["category_name"], []).append(av)
    return out


def list_av_categories(req: Request, state: State) -> Response:
    cats = _categories(state)
    base = [{"category_name": name, "is_system": name in ("LOC", "CCODE")} for name in cats]
    try:
        rows, headers = listing(req, base, frozenset({"category_name", "is_system"}))
    except QueryError as exc:
        return query_error(exc)
    if "authorised_values" in req.embeds:
        rows = [dict(r, authorised_values=cats[r["category_name"]]) for r in rows]
    return json_response(200, rows, headers)


def list_authorised_values(req: Request, state: State) -> Response:
    name = req.params["authorised_value_category_name"]
    values = _categories(state).get(name)
    if values is None:
        return not_found("Category")
    fields = frozenset({"authorised_value_id", "category_name", "value", "description",
                        "opac_description", "image_url"})
    try:
        rows, headers = listing(req, values, fields)
    except QueryError as exc:
        return query_error(exc)
    return json_response(200, rows, headers)


def spec_routes(spec: KohaSpec) -> list[Route]:
    """GET /api/v1/ (no authentication): the OpenAPI document this Koha runs."""
    doc = {**spec.root, "paths": spec.paths}
    body = json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")

    def serve(req: Request, state: State) -> Response:
        return Response(200, body, validate=False)

    return [Route("GET", "/", serve, public=True), Route("GET", "", serve, public=True)]


ROUTES = [
    Route("GET", "/checkouts", list_checkouts),
    Route("GET", "/checkouts/{checkout_id}", get_checkout),
    Route("GET", "/patrons/{patron_id}/checkouts", list_patron_checkouts),
    Route("GET", "/libraries", list_libraries),
    Route("GET", "/libraries/{library_id}", get_library),
    Route("GET", "/item_types", list_item_types),
    Route("GET", "/patron_categories", list_patron_categories),
    Route("GET", "/authorised_value_categories", list_av_categories),
    Route("GET", "/authorised_value_categories/{authorised_value_category_name}"
                 "/authorised_values", list_authorised_values),
]
