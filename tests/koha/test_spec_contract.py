"""Every request the client and the endpoint helpers build must pass Koha's own spec.

The helpers run against ``SpecAdapter``, which validates each request (method, path,
query parameters, headers, content type, body) and each canned answer with the spec.
The first half tests the validator itself: requests Koha would refuse must fail.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pymarc import Field, Indicators, Subfield

from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.koha.auth import BasicAuth, OAuth2ClientCredentials
from koha_bridge.koha.client import KohaClient
from tests.support.kohaspec import KohaSpec, SpecAdapter, SpecViolation

BASE = "http://koha.test"
API = BASE + "/api/v1"
JSON = {"Content-Type": "application/json"}
MARCXML = (
    b'<record xmlns="http://www.loc.gov/MARC21/slim">'
    b"<leader>00000nam a2200000 a 4500</leader></record>"
)

LIBRARY = {"library_id": "MAU", "name": "Thư viện Trường THCS Mẫu"}
ITEM = {"item_id": 7, "biblio_id": 12, "external_id": "TK.00001", "home_library_id": "MAU"}
PATRON = {"patron_id": 3, "surname": "Nguyễn", "firstname": "An", "library_id": "MAU",
          "category_id": "HS", "cardnumber": "HS0001"}
CHECKOUT = {"checkout_id": 5, "patron_id": 3, "item_id": 7}


# -- the validator itself --------------------------------------------------------------


def test_spec_loads_the_routes_the_bridge_needs(koha_spec: KohaSpec) -> None:
    assert koha_spec.base_path == "/api/v1"
    for method, path in [
        ("post", "/biblios"), ("put", "/biblios/{biblio_id}"),
        ("post", "/biblios/{biblio_id}/items"), ("put", "/biblios/{biblio_id}/items/{item_id}"),
        ("get", "/items"), ("post", "/patrons"), ("get", "/checkouts"),
        ("post", "/oauth/token"), ("get", "/item_types"),
    ]:
        assert method in koha_spec.paths[path], (method, path)
    assert "/acquisitions/baskets" not in koha_spec.paths  # its file was not copied


def test_operation_matches_templates(koha_spec: KohaSpec) -> None:
    assert koha_spec.operation("GET", "/api/v1/biblios/12/items")["operationId"] == (
        "getBiblioItems"
    )
    assert koha_spec.template("GET", f"{API}/checkouts/availability") == (
        "/checkouts/availability"
    )
    assert koha_spec.template("GET", f"{API}/checkouts/5") == "/checkouts/{checkout_id}"
    with pytest.raises(SpecViolation, match="no route"):
        koha_spec.operation("GET", "/api/v1/nothing/here")
    with pytest.raises(SpecViolation, match="not allowed"):
        koha_spec.operation("PATCH", "/api/v1/items/3")


@pytest.mark.parametrize(
    ("method", "url", "headers", "body", "reason"),
    [
        ("GET", "/api/v1/items?foo=1", {}, None, "'foo' not declared"),
        ("GET", "/api/v1/items?format=json", {}, None, "'format' not declared"),
        ("GET", "/api/v1/items?_page=two", {}, None, "_page"),
        ("GET", "/api/v1/items?_match=fuzzy", {}, None, "_match"),
        ("GET", "/api/v1/items?q=not-json", {}, None, "q is not JSON"),
        ("GET", "/api/v1/items", {"x-koha-embed": "home_library"}, None, "x-koha-embed"),
        ("GET", "/api/v1/items", {"x-koha-embed": "biblio, +strings"}, None, "x-koha-embed"),
        ("GET", "/api/v1/items/3", {"x-koha-embed": "biblio"}, None, "x-koha-embed"),
        ("GET", "/api/v1/patron_categories", {"x-koha-embed": "x"}, None, "not declared"),
        ("GET", "/api/v1/items", {"x-koha-request-id": "abc"}, None, "request-id"),
        ("GET", "/api/v1/biblios/abc", {}, None, "biblio_id"),
        ("POST", "/api/v1/biblios/3/items", JSON, b'{"shelf": "A"}', "'shelf' was unexpected"),
        ("POST", "/api/v1/biblios/3/items", JSON, b'{"purchase_price": "12"}', "purchase_price"),
        ("POST", "/api/v1/biblios/3/items", JSON, b'{"not_for_loan_status": null}', "not_for"),
        ("POST", "/api/v1/biblios/3/items", JSON, b'{"acquisition_date": "12/03/2025"}', "date"),
        ("POST", "/api/v1/biblios/3/items", JSON, None, "body is required"),
        ("POST", "/api/v1/biblios/3/items", {"Content-Type": "text/plain"}, b"{}", "content"),
        ("POST", "/api/v1/biblios/3/items", {**JSON, "x-confirm-not-duplicate": "1"}, b"{}",
         "x-confirm-not-duplicate"),
        ("POST", "/api/v1/patrons", JSON, b'{"library_id": "MAU", "category_id": "HS"}',
         "'surname' is a required"),
        ("POST", "/api/v1/patrons", JSON,
         b'{"surname": "A", "library_id": "MAU", "category_id": "HS", "expired": false}',
         "read-only"),
        ("POST", "/api/v1/patrons", JSON,
         b'{"surname": "A", "library_id": "MAU", "category_id": "HS",'
         b' "date_of_birth": "2013-02-30"}', "date_of_birth"),
        ("POST", "/api/v1/patrons", {**JSON, "x-koha-override": "welcome_maybe"},
         b'{"surname": "A", "library_id": "MAU", "category_id": "HS"}', "x-koha-override"),
        ("POST", "/api/v1/biblios", JSON, b"{}", "content type application/json"),
        ("POST", "/api/v1/biblios", {"Content-Type": "application/marcxml+xml",
                                     "x-confirm-not-duplicate": "yes"}, MARCXML, "duplicate"),
        ("POST", "/api/v1/biblios", {"Content-Type": "application/marcxml+xml",
                                     "x-record-schema": "USMARC"}, MARCXML, "x-record-schema"),
        ("POST", "/api/v1/oauth/token", JSON, b'{"grant_type": "client_credentials"}', "form"),
        ("POST", "/api/v1/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"},
         b"client_id=a&client_secret=b", "grant_type"),
        ("POST", "/api/v1/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"},
         b"grant_type=client_credentials&scope=all", "'scope' not declared"),
        ("DELETE", "/api/v1/patrons/3/checkouts", {}, None, "not allowed"),
    ],
)
def test_validator_rejects_what_koha_rejects(
    koha_spec: KohaSpec, method: str, url: str, headers: dict[str, str], body: bytes | None,
    reason: str,
) -> None:
    with pytest.raises(SpecViolation, match=reason.replace("+", r"\+")):
        koha_spec.validate_request(method, url, headers, body)


def test_validator_accepts_good_requests(koha_spec: KohaSpec) -> None:
    koha_spec.validate_request(
        "GET", f"{API}/items?external_id=TK.1&_match=exact&_page=2&_per_page=50&q=%7B%7D",
        {"x-koha-embed": "+strings,biblio", "x-koha-request-id": "42"}, None,
    )
    koha_spec.validate_request(
        "POST", f"{API}/biblios/3/items", JSON,
        json.dumps({"external_id": None, "purchase_price": 120000,
                    "acquisition_date": "2025-09-05", "not_for_loan_status": 0}).encode(),
    )
    koha_spec.validate_request(
        "POST", f"{API}/biblios",
        {"Content-Type": "application/marcxml+xml; charset=utf-8", "x-confirm-not-duplicate": "1"},
        MARCXML,
    )


def test_response_validation(koha_spec: KohaSpec) -> None:
    koha_spec.validate_response("POST", f"{API}/biblios/3/items", 201, JSON,
                                json.dumps({**ITEM, "timestamp": "2025-09-05T08:00:00+07:00"}))
    koha_spec.validate_response("POST", f"{API}/biblios/3/items", 409, JSON,
                                b'{"error": "Duplicate barcode."}')
    koha_spec.validate_response("DELETE", f"{API}/items/3", 204, {}, b"")
    with pytest.raises(SpecViolation, match="status not declared"):
        koha_spec.validate_response("POST", f"{API}/biblios/3/items", 200, JSON, b"{}")
    with pytest.raises(SpecViolation, match="'shelf' was unexpected"):
        koha_spec.validate_response("GET", f"{API}/items/3", 200, JSON, b'{"shelf": 1}')
    with pytest.raises(SpecViolation, match="timestamp"):
        koha_spec.validate_response("GET", f"{API}/items/3", 200, JSON,
                                    b'{"timestamp": "yesterday"}')
    with pytest.raises(SpecViolation, match="content type"):
        koha_spec.validate_response("GET", f"{API}/items/3", 200,
                                    {"Content-Type": "text/html"}, b"<html/>")


# -- every request the helpers build ---------------------------------------------------


def _answer(spec: KohaSpec, request: requests.PreparedRequest) -> tuple[int, dict, bytes]:
    """Spec-valid canned answers, one per route the helpers use."""
    method, url = request.method or "", request.url or ""
    if urlsplit(url).path.rstrip("/").endswith("/api/v1"):
        return 200, JSON, json.dumps({"swagger": "2.0", "info": {"version": "1"}}).encode()
    route = spec.template(method, url)
    query = parse_qs(urlsplit(url).query)
    page = int(query.get("_page", ["1"])[0])

    def page_of(rows: list[dict[str, Any]]) -> tuple[int, dict, bytes]:
        shown = rows if page == 1 else []
        headers = {**JSON, "X-Total-Count": str(len(rows))}
        return 200, headers, json.dumps(shown).encode()

    table: dict[tuple[str, str], Callable[[], tuple[int, dict, bytes]]] = {
        ("POST", "/oauth/token"): lambda: (200, JSON, json.dumps(
            {"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3600}).encode()),
        ("GET", "/libraries"): lambda: page_of([LIBRARY]),
        ("GET", "/libraries/{library_id}"): lambda: (200, JSON, json.dumps(LIBRARY).encode()),
        ("GET", "/item_types"): lambda: page_of([{"item_type_id": "STK"}]),
        ("GET", "/authorised_value_categories/{authorised_value_category_name}"
                "/authorised_values"): lambda: page_of([
            {"authorised_value_id": 4, "category_name": "CCODE", "value": "TK",
             "description": "Sách tham khảo"}]),
        ("GET", "/patron_categories"): lambda: page_of(
            [{"patron_category_id": "HS", "name": "Học sinh"}]),
        ("GET", "/biblios/{biblio_id}"): lambda: (
            200, {"Content-Type": "application/marcxml+xml"}, MARCXML),
        ("GET", "/biblios"): lambda: page_of([{"biblio_id": 12, "title": "Toán 6"}]),
        ("POST", "/biblios"): lambda: (200, JSON, b'{"id": 12}'),
        ("PUT", "/biblios/{biblio_id}"): lambda: (200, JSON, b'{"id": 12}'),
        ("GET", "/biblios/{biblio_id}/items"): lambda: page_of([ITEM]),
        ("POST", "/biblios/{biblio_id}/items"): lambda: (201, JSON, json.dumps(ITEM).encode()),
        ("PUT", "/biblios/{biblio_id}/items/{item_id}"): lambda: (
            200, JSON, json.dumps(ITEM).encode()),
        ("GET", "/items"): lambda: page_of([ITEM]),
        ("GET", "/items/{item_id}"): lambda: (200, JSON, json.dumps(ITEM).encode()),
        ("GET", "/patrons"): lambda: page_of([PATRON]),
        ("GET", "/patrons/{patron_id}"): lambda: (200, JSON, json.dumps(PATRON).encode()),
        ("POST", "/patrons"): lambda: (201, JSON, json.dumps(PATRON).encode()),
        ("PUT", "/patrons/{patron_id}"): lambda: (200, JSON, json.dumps(PATRON).encode()),
        ("GET", "/checkouts"): lambda: page_of([CHECKOUT]),
    }
    return table[(method, route)]()


@pytest.fixture(params=["oauth2", "basic"])
def checked(request: pytest.FixtureRequest, koha_spec: KohaSpec) -> tuple[KohaApi, SpecAdapter]:
    adapter = SpecAdapter(koha_spec, lambda r: _answer(koha_spec, r))
    session = requests.Session()
    session.mount("http://", adapter)
    auth = (OAuth2ClientCredentials("bridge", "s3cret-value") if request.param == "oauth2"
            else BasicAuth("bridge", "s3cret-value"))
    client = KohaClient(BASE, auth, session=session, sleep=lambda s: None)
    return KohaApi(client), adapter


NEW_ITEM = item_from_952([
    ("a", "MAU"), ("b", "MAU"), ("c", "KHO"), ("d", "2025-09-05"), ("e", "mua"),
    ("g", "120000"), ("v", "120.000"), ("i", "TK.00001"), ("o", "895.922 T550"),
    ("p", "TK.00001"), ("t", "1"), ("y", "STK"), ("8", "TK"), ("x", "ghi chú nội bộ"),
    ("z", "ghi chú"), ("2", "ddc"), ("7", "0"), ("9", "99"), ("l", "4"), ("6", "8959"),
])
NEW_PATRON = {"surname": "Nguyễn", "firstname": "An", "library_id": "MAU",
              "category_id": "HS", "cardnumber": "HS0001", "date_of_birth": "2013-02-01",
              "expiry_date": "2026-05-31", "email": "an@example.edu.vn"}

CALLS: dict[str, Callable[[KohaApi], Any]] = {
    "api_spec": lambda api: api.api_spec(),
    "libraries": lambda api: api.libraries(),
    "library": lambda api: api.library("MAU"),
    "item_types": lambda api: api.item_types(),
    "patron_categories": lambda api: api.patron_categories(),
    "authorised_values": lambda api: api.authorised_values("CCODE"),
    "get_biblio_marcxml": lambda api: api.get_biblio_marcxml(12),
    "list_biblios": lambda api: list(api.list_biblios({"title": {"-like": "Toán%"}})),
    "add_biblio": lambda api: (
        api.add_biblio(MARCXML),
        api.add_biblio(MARCXML, confirm_not_duplicate=True, framework_id="SGK"),
        api.add_biblio(b"00026nam a2200025 a 4500\x1e\x1d", "application/marc"),
    ),
    "update_biblio": lambda api: api.update_biblio(12, MARCXML, framework_id="SGK"),
    "biblio_items": lambda api: list(api.biblio_items(12)),
    "add_item": lambda api: api.add_item(12, NEW_ITEM),
    "update_item": lambda api: api.update_item(12, 7, {**NEW_ITEM, "not_for_loan_status": 1}),
    "get_item": lambda api: api.get_item(7),
    "find_items_by_barcode": lambda api: api.find_items_by_barcode("TK.00001"),
    "list_items": lambda api: list(api.list_items({"home_library_id": "MAU"})),
    "patrons": lambda api: (
        list(api.patrons(cardnumber="HS0001")),
        list(api.patrons({"category_id": ["HS", "GV"]}, library_id="MAU")),
    ),
    "get_patron": lambda api: api.get_patron(3),
    "add_patron": lambda api: (api.add_patron(NEW_PATRON),
                               api.add_patron(NEW_PATRON, welcome_email=None)),
    "update_patron": lambda api: api.update_patron(3, NEW_PATRON),
    "checkouts": lambda api: (list(api.checkouts()),
                              list(api.checkouts(patron_id=3, checked_in=True))),
}


def test_every_helper_is_covered() -> None:
    public = {name for name, _ in inspect.getmembers(KohaApi, inspect.isfunction)
              if not name.startswith("_")}
    assert public == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_helper_requests_follow_the_spec(
    name: str, checked: tuple[KohaApi, SpecAdapter]
) -> None:
    api, adapter = checked
    CALLS[name](api)  # SpecAdapter raises SpecViolation on any request Koha would refuse
    sent = [r for r in adapter.requests if not (r.url or "").endswith("/oauth/token")]
    assert sent, "the helper sent nothing"
    for request in adapter.requests:
        assert request.headers["User-Agent"].startswith("koha-bridge/")
        assert request.headers["x-koha-request-id"].isdigit()
    for request in sent:
        if not (request.url or "").rstrip("/").endswith("/api/v1"):
            assert request.headers["Authorization"].startswith(("Bearer ", "Basic "))


def test_helper_results(checked: tuple[KohaApi, SpecAdapter]) -> None:
    api, adapter = checked
    assert api.add_biblio(MARCXML) == 12
    assert api.add_item(12, NEW_ITEM)["item_id"] == 7
    assert api.get_biblio_marcxml(12).startswith("<record")
    assert [i["external_id"] for i in api.find_items_by_barcode("TK.00001")] == ["TK.00001"]
    barcode_query = parse_qs(urlsplit(adapter.requests[-1].url or "").query)
    assert barcode_query["_match"] == ["exact"]
    assert barcode_query["external_id"] == ["TK.00001"]


def test_q_documents_are_compact_json(checked: tuple[KohaApi, SpecAdapter]) -> None:
    api, adapter = checked
    list(api.list_items({"home_library_id": "MAU", "location": ["KHO", "MUON"]}))
    query = parse_qs(urlsplit(adapter.requests[-1].url or "").query)
    assert query["q"] == ['{"home_library_id":"MAU","location":["KHO","MUON"]}']


def test_item_from_952_is_a_valid_item_body(koha_spec: KohaSpec) -> None:
    assert NEW_ITEM["purchase_price"] == 120000 and NEW_ITEM["replacement_price"] == 120000
    assert NEW_ITEM["not_for_loan_status"] == 0
    assert NEW_ITEM["callnumber"] == "895.922 T550" and NEW_ITEM["external_id"] == "TK.00001"
    assert NEW_ITEM["item_type_id"] == "STK" and NEW_ITEM["collection_code"] == "TK"
    for computed in ("item_id", "checkouts_count", "call_number_sort"):
        assert computed not in NEW_ITEM
    koha_spec.validate_request("POST", f"{API}/biblios/12/items", JSON,
                               json.dumps(NEW_ITEM).encode())


def test_item_from_952_reads_a_pymarc_field() -> None:
    field = Field(tag="952", indicators=Indicators(" ", " "), subfields=[
        Subfield("a", "MAU"), Subfield("p", "TK.00002"), Subfield("p", "ignored"),
        Subfield("g", " "), Subfield("y", "STK"), Subfield("j", "K1"), Subfield("r", "2025-01-01"),
    ])
    assert item_from_952(field) == {
        "home_library_id": "MAU", "external_id": "TK.00002", "item_type_id": "STK",
    }


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [("g", "một trăm", "giá"), ("d", "05/09/2025", "YYYY-MM-DD"), ("7", "x", "số nguyên")],
)
def test_item_from_952_refuses_values_koha_would_refuse(
    code: str, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        item_from_952([(code, value)])


# -- the contract test catches bad requests ----------------------------------------------


def _bad(client: KohaClient, call: Callable[[KohaClient], Any]) -> None:
    with pytest.raises(SpecViolation):
        call(client)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: list(c.paginate("/items", params={"foo": "1"})),
        lambda c: c.request("GET", "/items", headers={"x-koha-embed": "home_library"}),
        lambda c: c.request("POST", "/biblios/12/items", json_body={"barcode": "TK.1"}),
        lambda c: c.request("POST", "/patrons", json_body={"library_id": "MAU",
                                                           "category_id": "HS"}),
        lambda c: c.request("POST", "/biblios", json_body={"title": "x"}),
        lambda c: c.request("PATCH", "/items/7", json_body={}),
    ],
    ids=["undeclared-query", "bad-embed", "unknown-item-key", "patron-no-surname",
         "json-biblio", "no-such-method"],
)
def test_contract_catches_bad_requests(
    call: Callable[[KohaClient], Any], checked: tuple[KohaApi, SpecAdapter]
) -> None:
    api, _ = checked
    _bad(api.client, call)


def test_contract_catches_a_helper_that_drifts(
    checked: tuple[KohaApi, SpecAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _ = checked
    original = api.client.paginate

    def with_cache_buster(path: str, **kwargs: Any) -> Any:
        params: Mapping[str, Any] = {**(kwargs.pop("params", None) or {}), "_": "123"}
        return original(path, params=params, **kwargs)

    monkeypatch.setattr(api.client, "paginate", with_cache_buster)
    with pytest.raises(SpecViolation, match="'_' not declared"):
        api.find_items_by_barcode("TK.00001")
