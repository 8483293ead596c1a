"""Patron routes: list, get, add, update, delete, with extended attributes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tests.fakekoha.query import QueryError, fold
from tests.fakekoha.state import Doc, State, now_iso, today
from tests.fakekoha.web import (
    API,
    Request,
    Response,
    Route,
    body_problem,
    error,
    int_param,
    json_response,
    listing,
    not_found,
    query_error,
    validator_error,
)

_TEXT = (
    "cardnumber", "surname", "firstname", "preferred_name", "middle_name", "title",
    "other_name", "initials", "pronouns", "street_number", "street_type", "address",
    "address2", "city", "state", "postal_code", "country", "email", "phone", "mobile",
    "fax", "secondary_email", "secondary_phone", "altaddress_street_number",
    "altaddress_street_type", "altaddress_address", "altaddress_address2",
    "altaddress_city", "altaddress_state", "altaddress_postal_code", "altaddress_country",
    "altaddress_email", "altaddress_phone", "date_of_birth", "date_enrolled",
    "expiry_date", "date_renewed", "staff_notes", "relationship_type", "gender", "userid",
    "opac_notes", "altaddress_notes", "statistics_1", "statistics_2",
    "altcontact_firstname", "altcontact_surname", "altcontact_address",
    "altcontact_address2", "altcontact_city", "altcontact_state", "altcontact_postal_code",
    "altcontact_country", "altcontact_phone", "sms_number", "sms_provider_id", "last_seen",
    "overdrive_auth_token",
)
COLUMNS: dict[str, Any] = {name: None for name in _TEXT}
COLUMNS.update(
    library_id=None, category_id=None, incorrect_address=False, patron_card_lost=False,
    autorenew_checkouts=False, privacy=1, privacy_guarantor_checkouts=False,
    privacy_guarantor_fines=False, check_previous_checkout="inherit", lang="default",
    login_attempts=0, protected=False,
)
READ_ONLY = frozenset({"patron_id", "expired", "restricted", "anonymized", "updated_on"})
EMBEDS = frozenset({"extended_attributes", "checkouts_count", "overdues_count",
                    "account_balance", "library", "_strings"})
PATRON_FIELDS = frozenset({*COLUMNS, *READ_ONLY, "extended_attributes"})
BODY_KEYS = frozenset({*COLUMNS, *READ_ONLY, *EMBEDS})
REQUIRED = ("surname", "library_id", "category_id")
BALANCE = "_account_balance"  # what the patron owes (seeded by tests), never a column


def set_balance(state: State, patron_id: int, amount: float) -> None:
    """Seed what a patron owes (fines, fees), shown by the ``account_balance`` embed."""
    with state.transaction():
        patron = state.get("patron", patron_id)
        if patron is None:
            raise KeyError(f"unknown patron {patron_id}")
        state.put("patron", {**patron, BALANCE: amount})


def _attributes(state: State, raw: Any) -> list[Doc] | Response:
    if not isinstance(raw, list):
        return validator_error("Expected array - got other.", "/body/extended_attributes")
    out = []
    for index, attr in enumerate(raw):
        where = f"/body/extended_attributes/{index}"
        problem = body_problem(attr, frozenset({"type", "value", "extended_attribute_id"}),
                               ("type", "value"), where)
        if problem is not None:
            return problem
        out.append({"extended_attribute_id": state.next_id("extended_attribute"),
                    "type": attr["type"], "value": attr["value"]})
    return out


def _userid(state: State, patron: Doc) -> str:
    base = fold(f"{patron.get('firstname') or ''}.{patron['surname'] or ''}".strip("."))
    base = re.sub(r"\s+", "", base) or "patron"
    candidate, n = base, 0
    while fold(candidate) in state.userids:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _expiry(state: State, patron: Doc) -> str | None:
    category = state.get("patron_category", patron["category_id"]) or {}
    months = int(category.get("enrolment_period") or 0)
    if not months:
        return None
    start = dt.date.fromisoformat(patron["date_enrolled"])
    year, month = divmod(start.month - 1 + months, 12)
    end = start.replace(year=start.year + year, month=month + 1, day=min(start.day, 28))
    return end.isoformat()


def _store(state: State, patron: Doc, body: dict[str, Any]) -> Doc | Response:
    """Shared checks of add/update, then write. Runs inside a transaction."""
    for key in ("library_id", "category_id"):
        table = "library" if key == "library_id" else "patron_category"
        if state.get(table, patron[key]) is None:
            return error(400, f"Given {key} does not exist")
    for key, index in (("cardnumber", state.cardnumbers), ("userid", state.userids)):
        value = patron.get(key)
        owner = index.get(fold(value).rstrip(" ")) if value else None
        if owner is not None and owner != patron["patron_id"]:
            return error(409, f"Duplicate ID passed: {key}", conflict=key)
    if "extended_attributes" in body:
        attrs = _attributes(state, body["extended_attributes"])
        if isinstance(attrs, Response):
            return attrs
        patron["extended_attributes"] = attrs
    patron["updated_on"] = now_iso()
    return state.put("patron", patron)


def _body(req: Request) -> dict[str, Any] | Response:
    try:
        body = req.json()
    except ValueError:
        return validator_error("Invalid JSON body.", "/body")
    problem = body_problem(body, BODY_KEYS, REQUIRED)
    return problem if problem is not None else body


def render(state: State, patron: Doc, embeds: list[str]) -> Doc:
    out = {k: v for k, v in patron.items() if k not in ("extended_attributes", BALANCE)}
    expiry = patron.get("expiry_date")
    out.update(expired=bool(expiry and expiry < today().isoformat()), restricted=False,
               anonymized=False)
    for embed in embeds:
        if embed == "extended_attributes":
            out["extended_attributes"] = patron.get("extended_attributes", [])
        elif embed == "checkouts+count":
            out["checkouts_count"] = sum(
                1 for c in state.all("checkout") if c["patron_id"] == patron["patron_id"])
        elif embed == "overdues+count":
            now = now_iso()
            out["overdues_count"] = sum(1 for c in state.all("checkout") if
                                        c["patron_id"] == patron["patron_id"] and
                                        c["due_date"] < now)
        elif embed == "account_balance":
            out["account_balance"] = patron.get(BALANCE, 0)
        elif embed == "library":
            out["library"] = state.get("library", patron["library_id"])
        elif embed == "+strings":
            out["_strings"] = {}
    return out


def new_patron(state: State, body: dict[str, Any]) -> Doc | Response:
    """Add one patron from an API body (also used by tests to seed patrons)."""
    with state.transaction():
        patron: Doc = {"patron_id": 0, **COLUMNS, "extended_attributes": []}
        patron.update({k: v for k, v in body.items() if k in COLUMNS})
        patron["date_enrolled"] = patron["date_enrolled"] or today().isoformat()
        if state.get("patron_category", patron["category_id"]) is not None:
            patron["expiry_date"] = patron["expiry_date"] or _expiry(state, patron)
        patron["userid"] = patron["userid"] or _userid(state, patron)
        patron["patron_id"] = state.seq.get("patron", 0) + 1
        result = _store(state, patron, body)
        if not isinstance(result, Response):
            state.next_id("patron")
        return result


def add_patron(req: Request, state: State) -> Response:
    body = _body(req)
    if isinstance(body, Response):
        return body
    result = new_patron(state, body)
    if isinstance(result, Response):
        return result
    return json_response(201, render(state, result, []),
                         [("Location", f"{req.base_url}{API}/patrons/{result['patron_id']}")])


def update_patron(req: Request, state: State) -> Response:
    body = _body(req)
    if isinstance(body, Response):
        return body
    with state.transaction():
        old = state.get("patron", int_param(req, "patron_id"))
        if old is None:
            return not_found("Patron")
        patron = dict(old)
        patron.update({k: v for k, v in body.items() if k in COLUMNS})
        result = _store(state, patron, body)
    if isinstance(result, Response):
        return result
    return json_response(200, render(state, result, []))


def delete_patron(req: Request, state: State) -> Response:
    patron_id = int_param(req, "patron_id")
    with state.transaction():
        if state.get("patron", patron_id) is None:
            return not_found("Patron")
        if any(c["patron_id"] == patron_id for c in state.all("checkout")):
            return error(409, "Patron has pending checkouts", "has_checkouts")
        state.delete("patron", patron_id)
    return Response(204)


def get_patron(req: Request, state: State) -> Response:
    patron = state.get("patron", int_param(req, "patron_id"))
    if patron is None:
        return not_found("Patron")
    return json_response(200, render(state, patron, req.embeds))


def list_patrons(req: Request, state: State) -> Response:
    rows = [{**p, "extended_attributes": [
        {**a, "code": a["type"], "attribute": a["value"]} for a in p["extended_attributes"]]}
        for p in state.all("patron")]
    try:
        page, headers = listing(req, rows, PATRON_FIELDS)
    except QueryError as exc:
        return query_error(exc)
    stored = [state.get("patron", row["patron_id"]) or row for row in page]
    return json_response(200, [render(state, p, req.embeds) for p in stored], headers)


ROUTES = [
    Route("GET", "/patrons", list_patrons),
    Route("POST", "/patrons", add_patron),
    Route("GET", "/patrons/{patron_id}", get_patron),
    Route("PUT", "/patrons/{patron_id}", update_patron),
    Route("DELETE", "/patrons/{patron_id}", delete_patron),
]
