"""/biblios routes: MARC in (three types), JSON or MARC out, Koha's duplicate finder."""

from __future__ import annotations

from typing import Any

from pymarc import Record

from tests.fakekoha.marcview import (
    MARC_TYPES,
    READ_TYPES,
    biblio_view,
    from_marcxml,
    parse_record,
    render_records,
    stamp_ids,
    strip_items,
    to_marcxml,
)
from tests.fakekoha.query import QueryError
from tests.fakekoha.state import Doc, State, now_iso
from tests.fakekoha.web import (
    API,
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

BIBLIO_FIELDS = frozenset(biblio_view(Record(), 0, "", "", "").keys())


def store_new_biblio(state: State, record: Record, framework_id: str = "",
                     check_duplicates: bool = False) -> tuple[int | None, int | None]:
    """AddBiblio: (new id, None), or (None, duplicate id) when the finder objects.

    Like AddBiblio, embedded 952 fields are kept in the stored MARC and create no items.
    """
    stamp = now_iso()
    probe = biblio_view(record, 0, framework_id, stamp, stamp)
    with state.transaction():
        if check_duplicates:
            duplicate = state.find_duplicate(probe)
            if duplicate is not None:
                return None, duplicate
        biblio_id = state.next_id("biblio")
        stamp_ids(record, biblio_id)
        view = biblio_view(record, biblio_id, framework_id, stamp, stamp)
        state.put("biblio", {"biblio_id": biblio_id, "framework_id": framework_id,
                             "marcxml": to_marcxml(record), "view": view})
    return biblio_id, None


def _accept(req: Request, offered: tuple[str, ...]) -> str | None:
    """The first acceptable type (q-values ignored); None means 406."""
    raw = req.headers.get("accept", "")
    if not raw.strip():
        return offered[0]
    for part in raw.split(","):
        mime = part.split(";")[0].strip().lower()
        if mime in ("*/*", "application/*"):
            return offered[0]
        if mime in offered:
            return mime
    return None


def _parse_body(req: Request) -> Record | Response:
    if req.mime not in MARC_TYPES:
        return json_response(406, list(MARC_TYPES))
    try:
        return parse_record(req.body, req.mime)
    except ValueError:
        return error(400, "Unable to parse record from request body", "bad_record")


def add_biblio(req: Request, state: State) -> Response:
    parsed = _parse_body(req)
    if isinstance(parsed, Response):
        return parsed
    confirm = req.headers.get("x-confirm-not-duplicate", "0").strip()
    framework = req.headers.get("x-framework-id", "")
    biblio_id, duplicate = store_new_biblio(
        state, parsed, framework, check_duplicates=confirm in ("", "0"))
    if biblio_id is None:
        return error(400, f"Duplicate biblio {duplicate}")
    return json_response(200, {"id": biblio_id},
                         [("Location", f"{req.base_url}{API}/biblios/{biblio_id}")])


def _records(docs: list[Doc]) -> list[Record]:
    return [from_marcxml(doc["marcxml"]) for doc in docs]


def list_biblios(req: Request, state: State) -> Response:
    mime = _accept(req, READ_TYPES)
    if mime is None:
        return json_response(406, list(READ_TYPES))
    docs = state.all("biblio")
    by_id = {doc["biblio_id"]: doc for doc in docs}
    try:
        rows, headers = listing(req, [doc["view"] for doc in docs], BIBLIO_FIELDS,
                                memo=state)
    except QueryError as exc:
        return query_error(exc)
    if mime == "application/json":
        return json_response(200, rows, headers)
    records = _records([by_id[row["biblio_id"]] for row in rows])
    body = render_records(records, mime, collection=True)
    return Response(200, body, mime, headers)


def get_biblio(req: Request, state: State) -> Response:
    mime = _accept(req, READ_TYPES)
    if mime is None:
        return json_response(406, list(READ_TYPES))
    doc = state.get("biblio", int_param(req, "biblio_id"))
    if doc is None:
        return not_found("Bibliographic record")
    if mime == "application/json":
        return json_response(200, doc["view"])
    return Response(200, render_records(_records([doc]), mime, collection=False), mime)


def update_biblio(req: Request, state: State) -> Response:
    biblio_id = int_param(req, "biblio_id")
    parsed = _parse_body(req)
    if isinstance(parsed, Response):
        return parsed
    with state.transaction():
        doc = state.get("biblio", biblio_id)
        if doc is None:
            return not_found("Bibliographic record")
        framework = str(req.headers.get("x-framework-id", doc["framework_id"]))
        strip_items(parsed)
        stamp_ids(parsed, biblio_id)
        view = biblio_view(parsed, biblio_id, framework, now_iso(), doc["view"]["creation_date"])
        state.put("biblio", {"biblio_id": biblio_id, "framework_id": framework,
                             "marcxml": to_marcxml(parsed), "view": view})
    return json_response(200, {"id": biblio_id})


def delete_biblio(req: Request, state: State) -> Response:
    biblio_id = int_param(req, "biblio_id")
    with state.transaction():
        if state.get("biblio", biblio_id) is None:
            return not_found("Bibliographic record")
        if state.items_of(biblio_id):
            return error(409, "Biblio could not be deleted: delete its items first.")
        state.delete("biblio", biblio_id)
    return Response(204)


def record_of(state: State, biblio_id: int) -> Record | None:
    """The stored MARC of one biblio (test helper)."""
    doc = state.get("biblio", biblio_id)
    return None if doc is None else from_marcxml(doc["marcxml"])


def views(state: State) -> list[dict[str, Any]]:
    return [doc["view"] for doc in state.all("biblio")]


ROUTES = [
    Route("POST", "/biblios", add_biblio),
    Route("GET", "/biblios", list_biblios),
    Route("GET", "/biblios/{biblio_id}", get_biblio),
    Route("PUT", "/biblios/{biblio_id}", update_biblio),
    Route("DELETE", "/biblios/{biblio_id}", delete_biblio),
]
