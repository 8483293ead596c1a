"""The fake Koha answers like rest-behaviour.md says Koha does (plain requests, strict mode)."""

from __future__ import annotations

import base64
import json

import pymarc
import requests

from tests.fakekoha import FakeKoha
from tests.fakekoha.conftest import MARCXML, item_body, make_record, marcxml, post_biblio, token


def _links(response: requests.Response) -> dict[str, str]:
    raw = response.raw.headers.getlist("Link")
    out = {}
    for line in raw:
        url, _, rel = line.partition(">; rel=")
        out[rel.strip('"')] = url.lstrip("<")
    return out


# -- authentication ----------------------------------------------------------------------


def test_token_and_auth_failures(fake_koha: FakeKoha) -> None:
    url = f"{fake_koha.api_url}/oauth/token"
    good = {"grant_type": "client_credentials", "client_id": fake_koha.client_id,
            "client_secret": fake_koha.client_secret}
    ok = requests.post(url, data=good, timeout=5)
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer" and ok.json()["expires_in"] == 3600
    wrong = requests.post(url, data={**good, "client_secret": "nope"}, timeout=5)
    assert wrong.status_code == 403 and "error" in wrong.json()
    grant = requests.post(url, data={**good, "grant_type": "password"}, timeout=5)
    assert grant.status_code == 400
    assert grant.json() == {"error": "Unimplemented grant type"}

    libraries = f"{fake_koha.api_url}/libraries"
    assert requests.get(libraries, timeout=5).status_code == 401
    bearer = {"Authorization": f"Bearer {ok.json()['access_token']}"}
    assert requests.get(libraries, headers=bearer, timeout=5).status_code == 200
    assert requests.get(libraries, headers={"Authorization": "Bearer forged"},
                        timeout=5).json() == {"error": "Authentication failure."}
    assert fake_koha.expire_tokens() == 1
    expired = requests.get(libraries, headers=bearer, timeout=5)
    assert expired.status_code == 401
    assert expired.json() == {"error": "Authentication failure."}


def test_short_token_ttl_is_advertised(fake_koha: FakeKoha) -> None:
    fake_koha.token_ttl = 2
    response = requests.post(f"{fake_koha.api_url}/oauth/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": fake_koha.client_id,
        "client_secret": fake_koha.client_secret})
    assert response.json()["expires_in"] == 2


def test_basic_auth_disabled_then_enabled(fake_koha: FakeKoha) -> None:
    url = f"{fake_koha.api_url}/item_types"
    basic = {"Authorization": "Basic " + base64.b64encode(b"lib:pw").decode()}
    off = requests.get(url, headers=basic, timeout=5)
    assert off.status_code == 401
    assert off.json() == {"error": "Basic authentication disabled"}
    fake_koha.enable_basic("lib", "pw")
    assert requests.get(url, headers=basic, timeout=5).status_code == 200
    bad = {"Authorization": "Basic " + base64.b64encode(b"lib:wrong").decode()}
    assert requests.get(url, headers=bad, timeout=5).status_code == 401


def test_requests_are_logged(fake_koha: FakeKoha, api: requests.Session) -> None:
    fake_koha.clear_requests()
    api.get(f"{fake_koha.api_url}/items", params={"external_id": "X1", "_match": "exact"},
            headers={"x-koha-request-id": "7"}, timeout=5)
    [record] = fake_koha.requests
    assert (record.method, record.path, record.status) == ("GET", "/api/v1/items", 200)
    assert record.query == {"external_id": ["X1"], "_match": ["exact"]}
    assert record.headers["x-koha-request-id"] == "7"
    assert record.headers["authorization"].startswith("Bearer ")


# -- request checks ------------------------------------------------------------------------


def test_unknown_query_parameter_gives_array_body(fake_koha: FakeKoha,
                                                  api: requests.Session) -> None:
    response = api.get(f"{fake_koha.api_url}/items", params={"format": "json"}, timeout=5)
    assert response.status_code == 400
    assert response.json() == [{"path": "/query/format", "message": "Malformed query string"}]


def test_undeclared_embed_is_refused(fake_koha: FakeKoha, api: requests.Session) -> None:
    response = api.get(f"{fake_koha.api_url}/items", headers={"x-koha-embed": "checkout"},
                       timeout=5)
    assert response.status_code == 400
    assert response.json()["status"] == 400 and response.json()["errors"]


def test_strict_mode_refuses_invalid_body(fake_koha: FakeKoha, api: requests.Session) -> None:
    biblio_id = post_biblio(api, fake_koha, make_record("Sách A")).json()["id"]
    response = api.post(f"{fake_koha.api_url}/biblios/{biblio_id}/items",
                        json=item_body("B1", shelf="A3"), timeout=5)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["errors"][0]["message"]
    assert "shelf" in fake_koha.request_violations[0]
    assert fake_koha.items() == []


def test_strict_mode_catches_a_bad_response(fake_koha: FakeKoha,
                                            api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Sách B"))
    item = fake_koha.add_item(biblio_id, external_id="B2", home_library_id="MAU")
    fake_koha.state.put("item", dict(item, not_a_koha_key=1))
    assert api.get(f"{fake_koha.api_url}/items/{item['item_id']}", timeout=5).ok
    assert "not_a_koha_key" in fake_koha.response_violations[0]
    fake_koha.state.put("item", item)
    fake_koha._engine.response_violations.clear()  # keep the fixture's teardown check honest


# -- biblios -------------------------------------------------------------------------------


def test_post_biblio_keeps_952_and_creates_no_items(fake_koha: FakeKoha,
                                                    api: requests.Session) -> None:
    record = make_record("Toán 6", "Nguyễn Văn A", ("978-604-0-00001-1", "604000002X"),
                         barcodes=("TK.00001", "TK.00002"))
    response = post_biblio(api, fake_koha, record)
    assert response.status_code == 200
    biblio_id = response.json()["id"]
    assert response.headers["Location"].endswith(f"/api/v1/biblios/{biblio_id}")
    assert fake_koha.items() == []
    view = api.get(f"{fake_koha.api_url}/biblios/{biblio_id}",
                   headers={"Accept": "application/json"}, timeout=5).json()
    assert view["title"] == "Toán 6" and view["author"] == "Nguyễn Văn A"
    assert view["isbn"] == "978-604-0-00001-1 | 604000002X"
    assert view["copyright_date"] == 2023 and view["publisher"] == "Giáo dục Việt Nam"
    xml = api.get(f"{fake_koha.api_url}/biblios/{biblio_id}", headers={"Accept": MARCXML},
                  timeout=5)
    assert xml.headers["Content-Type"].startswith(MARCXML)
    [stored] = pymarc.parse_xml_to_array(__import__("io").BytesIO(xml.content))
    assert len(stored.get_fields("952")) == 2
    assert stored["999"]["c"] == str(biblio_id)
    iso = api.get(f"{fake_koha.api_url}/biblios/{biblio_id}",
                  headers={"Accept": "application/marc"}, timeout=5)
    assert next(pymarc.MARCReader(iso.content, to_unicode=True))["245"]["a"] == "Toán 6"
    refused = api.get(f"{fake_koha.api_url}/biblios/{biblio_id}",
                      headers={"Accept": "application/pdf"}, timeout=5)
    assert refused.status_code == 406 and "application/marcxml+xml" in refused.json()


def test_post_biblio_content_types(fake_koha: FakeKoha, api: requests.Session) -> None:
    url = f"{fake_koha.api_url}/biblios"
    iso = api.post(url, data=make_record("Một").as_marc(), timeout=5,
                   headers={"Content-Type": "application/marc"})
    mij = api.post(url, data=make_record("Hai").as_json().encode(), timeout=5,
                   headers={"Content-Type": "application/marc-in-json"})
    xml = marcxml(make_record("Ba"))
    chunked = api.post(url, data=iter([xml[:100], xml[100:]]), timeout=5,
                       headers={"Content-Type": MARCXML})
    assert iso.status_code == mij.status_code == chunked.status_code == 200
    assert fake_koha.requests[-1].headers.get("transfer-encoding") == "chunked"
    assert [b["title"] for b in fake_koha.biblios()] == ["Một", "Hai", "Ba"]
    fake_koha.strict = False  # Koha itself answers 406 before any body check
    csv = api.post(url, data=b"a,b", headers={"Content-Type": "text/csv"}, timeout=5)
    assert csv.status_code == 406
    assert csv.json() == ["application/marcxml+xml", "application/marc-in-json",
                          "application/marc"]


def test_duplicate_finder(fake_koha: FakeKoha, api: requests.Session) -> None:
    first = post_biblio(api, fake_koha, make_record("Vật lý 8", "Trần B", ("9786040000011",)))
    biblio_id = first.json()["id"]
    same_isbn = post_biblio(api, fake_koha, make_record("Khác", None, ("978-604-0-00001-1",)))
    assert same_isbn.status_code == 400
    assert same_isbn.json() == {"error": f"Duplicate biblio {biblio_id}"}
    confirmed = post_biblio(api, fake_koha, make_record("Khác", None, ("9786040000011",)),
                            **{"x-confirm-not-duplicate": "1"})
    assert confirmed.status_code == 200
    no_isbn = post_biblio(api, fake_koha, make_record("Hóa học 9", "Lê Thị C"))
    again = post_biblio(api, fake_koha, make_record("HOA HOC 9 /", "Le Thi C"))
    assert again.json() == {"error": f"Duplicate biblio {no_isbn.json()['id']}"}
    other_author = post_biblio(api, fake_koha, make_record("Hóa học 9", "Phạm D"))
    assert other_author.status_code == 200
    # Koha looks only at the ISBN when the new record has one
    new_edition = post_biblio(api, fake_koha, make_record("Vật lý 8", "Trần B", ("9786049999999",)))
    assert new_edition.status_code == 200


def test_put_strips_items_and_delete_needs_no_items(fake_koha: FakeKoha,
                                                   api: requests.Session) -> None:
    biblio_id = post_biblio(api, fake_koha, make_record("Sinh 7", barcodes=("S1",))).json()["id"]
    url = f"{fake_koha.api_url}/biblios/{biblio_id}"
    put = api.put(url, data=marcxml(make_record("Sinh học 7", barcodes=("S1",))), timeout=5,
                  headers={"Content-Type": MARCXML})
    assert put.status_code == 200 and put.json() == {"id": biblio_id}
    stored = fake_koha.biblio_record(biblio_id)
    assert stored is not None and stored.get_fields("952") == []
    assert stored["245"]["a"] == "Sinh học 7"
    item = api.post(f"{url}/items", json=item_body("S1"), timeout=5).json()
    assert api.delete(url, timeout=5).status_code == 409
    assert api.delete(f"{fake_koha.api_url}/items/{item['item_id']}", timeout=5).status_code == 204
    assert api.delete(url, timeout=5).status_code == 204
    missing = api.get(url, timeout=5)
    assert missing.status_code == 404 and missing.json()["error_code"] == "not_found"


def test_biblio_list_json_and_marcxml(fake_koha: FakeKoha, api: requests.Session) -> None:
    for n in range(3):
        fake_koha.add_biblio_marc(make_record(f"Truyện {n}", "Tô Hoài"))
    url = f"{fake_koha.api_url}/biblios"
    listed = api.get(url, params={"q": json.dumps({"title": {"-like": "truyen%"}})}, timeout=5)
    assert [b["title"] for b in listed.json()] == ["Truyện 0", "Truyện 1", "Truyện 2"]
    xml = api.get(url, params={"_per_page": 2}, headers={"Accept": MARCXML}, timeout=5)
    records = pymarc.parse_xml_to_array(__import__("io").BytesIO(xml.content))
    assert [r["245"]["a"] for r in records] == ["Truyện 0", "Truyện 1"]
    assert xml.headers["X-Total-Count"] == "3"


# -- items -----------------------------------------------------------------------------------


def test_items_create_update_duplicate(fake_koha: FakeKoha, api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Địa lí 6"))
    url = f"{fake_koha.api_url}/biblios/{biblio_id}/items"
    created = api.post(url, json=item_body("TK.00001", biblio_id=999,
                                           extended_subfields="<x/>"), timeout=5)
    assert created.status_code == 201
    item = created.json()
    assert item["biblio_id"] == biblio_id and item["extended_subfields"] is None
    assert created.headers["Location"].endswith(f"/api/v1/items/{item['item_id']}")
    clash = api.post(url, json=item_body("tk.00001 "), timeout=5)
    assert clash.status_code == 409 and clash.json() == {"error": "Duplicate barcode."}
    unknown = api.post(f"{fake_koha.api_url}/biblios/4242/items", json=item_body("Z"), timeout=5)
    assert unknown.status_code == 404
    updated = api.put(f"{url}/{item['item_id']}", json={"callnumber": "910 Đ-L"}, timeout=5)
    assert updated.status_code == 200 and updated.json()["callnumber"] == "910 Đ-L"
    assert updated.json()["external_id"] == "TK.00001"
    other = fake_koha.add_biblio_marc(make_record("Khác"))
    wrong_biblio = api.put(f"{fake_koha.api_url}/biblios/{other}/items/{item['item_id']}",
                           json={"callnumber": "x"}, timeout=5)
    assert wrong_biblio.status_code == 404


def test_items_match_modes(fake_koha: FakeKoha, api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Văn 6"))
    for barcode in ("TK.0001", "TK.00012", "NV.0001"):
        fake_koha.add_item(biblio_id, external_id=barcode, home_library_id="MAU")
    url = f"{fake_koha.api_url}/items"

    def barcodes(**params: str) -> list[str]:
        return [i["external_id"] for i in api.get(url, params=params, timeout=5).json()]

    assert barcodes(external_id="TK.0001") == ["TK.0001", "TK.00012"]
    assert barcodes(external_id="tk.0001", _match="exact") == ["TK.0001"]
    assert barcodes(external_id="tk", _match="starts_with") == ["TK.0001", "TK.00012"]
    assert barcodes(external_id="0001", _match="ends_with") == ["TK.0001", "NV.0001"]
    q = json.dumps({"-or": [{"external_id": {"-in": ["nv.0001"]}},
                            {"external_id": {"-like": "%12"}}]})
    assert barcodes(q=q) == ["TK.00012", "NV.0001"]
    embedded = api.get(url, params={"external_id": "NV.0001", "_match": "exact"},
                       headers={"x-koha-embed": "biblio"}, timeout=5).json()
    assert embedded[0]["biblio"]["title"] == "Văn 6"
    bad = api.get(url, params={"q": json.dumps({"nope": 1})}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error_code"] == "invalid_query"


def test_pagination_headers(fake_koha: FakeKoha, api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Tiếng Anh 7"))
    for n in range(45):
        fake_koha.add_item(biblio_id, external_id=f"SGK.{n:05d}", home_library_id="MAU")
    url = f"{fake_koha.api_url}/biblios/{biblio_id}/items"
    page = api.get(url, params={"_page": 2, "_per_page": 20},
                   headers={"x-koha-request-id": "42"}, timeout=5)
    assert [i["external_id"] for i in page.json()][:2] == ["SGK.00020", "SGK.00021"]
    assert page.headers["X-Total-Count"] == "45"
    assert page.headers["x-koha-request-id"] == "42"
    assert len(page.raw.headers.getlist("Link")) == 4  # one header line per link
    links = _links(page)
    assert set(links) == {"prev", "next", "first", "last"}
    assert "_page=3" in links["next"] and "_page=3" in links["last"]
    first = api.get(url, timeout=5)
    assert len(first.json()) == 20 and "prev" not in _links(first)
    everything = api.get(url, params={"_per_page": -1}, timeout=5)
    assert len(everything.json()) == 45 and set(_links(everything)) == {"first", "last"}
    filtered = api.get(f"{fake_koha.api_url}/items",
                       params={"q": json.dumps({"external_id": {"-like": "SGK.0000%"}})},
                       timeout=5)
    assert filtered.headers["X-Total-Count"] == "10"
    assert filtered.headers["X-Base-Total-Count"] == "45"


def test_item_on_loan_cannot_be_deleted(fake_koha: FakeKoha, api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Lịch sử 8"))
    item = fake_koha.add_item(biblio_id, external_id="LS1", home_library_id="MAU")
    patron = fake_koha.add_patron(surname="Hà", library_id="MAU", category_id="HS_THCS")
    fake_koha.seed_checkout(patron["patron_id"], item["item_id"])
    response = api.delete(f"{fake_koha.api_url}/items/{item['item_id']}", timeout=5)
    assert response.status_code == 409 and response.json()["error_code"] == "book_on_loan"


# -- patrons and checkouts ------------------------------------------------------------------


def _patron(**extra: object) -> dict[str, object]:
    return {"surname": "Nguyễn", "firstname": "An", "library_id": "MAU",
            "category_id": "HS_THCS", "cardnumber": "HS0001", **extra}


def test_patron_create_conflicts_and_validation(fake_koha: FakeKoha,
                                                api: requests.Session) -> None:
    url = f"{fake_koha.api_url}/patrons"
    created = api.post(url, json=_patron(extended_attributes=[{"type": "LOP", "value": "6A"}]),
                       timeout=5)
    assert created.status_code == 201
    patron = created.json()
    assert created.headers["Location"].endswith(f"/patrons/{patron['patron_id']}")
    assert patron["userid"] and patron["date_enrolled"] and "extended_attributes" not in patron
    dup = api.post(url, json=_patron(cardnumber="hs0001"), timeout=5)
    assert dup.status_code == 409 and dup.json()["conflict"] == "cardnumber"
    dup_user = api.post(url, json=_patron(cardnumber="HS2", userid=patron["userid"]), timeout=5)
    assert dup_user.status_code == 409 and dup_user.json()["conflict"] == "userid"
    library = api.post(url, json=_patron(cardnumber="HS3", library_id="XYZ"), timeout=5)
    assert library.status_code == 400
    assert library.json() == {"error": "Given library_id does not exist"}
    category = api.post(url, json=_patron(cardnumber="HS4", category_id="ZZ"), timeout=5)
    assert category.json() == {"error": "Given category_id does not exist"}
    fake_koha.strict = False  # the fake's own validator answers like Koha's
    no_surname = api.post(url, json={"library_id": "MAU", "category_id": "GV"}, timeout=5)
    assert no_surname.status_code == 400
    assert no_surname.json()["errors"][0]["path"] == "/body/surname"


def test_patron_update_attributes_and_delete(fake_koha: FakeKoha,
                                            api: requests.Session) -> None:
    url = f"{fake_koha.api_url}/patrons"
    patron = api.post(url, json=_patron(extended_attributes=[{"type": "LOP", "value": "6A"}]),
                      timeout=5).json()
    one = f"{url}/{patron['patron_id']}"
    put = api.put(one, json=_patron(firstname="Bình",
                                    extended_attributes=[{"type": "LOP", "value": "7A"}]),
                  timeout=5)
    assert put.status_code == 200 and put.json()["firstname"] == "Bình"
    got = api.get(one, headers={"x-koha-embed": "extended_attributes"}, timeout=5).json()
    assert [(a["type"], a["value"]) for a in got["extended_attributes"]] == [("LOP", "7A")]
    by_attr = api.get(url, headers={"x-koha-embed": "extended_attributes"}, timeout=5, params={
        "q": json.dumps({"extended_attributes.code": "LOP",
                         "extended_attributes.attribute": "7a"})}).json()
    assert [p["patron_id"] for p in by_attr] == [patron["patron_id"]]
    assert api.delete(one, timeout=5).status_code == 204
    assert api.get(one, timeout=5).status_code == 404


def test_accent_insensitive_patron_search(fake_koha: FakeKoha, api: requests.Session) -> None:
    for n, surname in enumerate(("Nguyễn", "NGUYEN", "Đặng", "Trần")):
        fake_koha.add_patron(surname=surname, library_id="MAU", category_id="GV",
                             cardnumber=f"GV{n}")
    url = f"{fake_koha.api_url}/patrons"

    def surnames(**params: str) -> list[str]:
        return [p["surname"] for p in api.get(url, params=params, timeout=5).json()]

    assert surnames(q=json.dumps({"surname": "nguyen"})) == ["Nguyễn", "NGUYEN"]
    assert surnames(q=json.dumps({"surname": ["dang", "tran"]})) == ["Đặng", "Trần"]
    assert surnames(surname="ang") == ["Đặng"]
    assert surnames(cardnumber="gv3", _match="exact") == ["Trần"]
    assert surnames(q=json.dumps({"-and": [{"surname": {"-like": "n%"}},
                                           {"cardnumber": {"!=": "GV0"}}]})) == ["NGUYEN"]


def test_checkouts_current_old_and_per_patron(fake_koha: FakeKoha,
                                              api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Ngữ văn 9"))
    items = [fake_koha.add_item(biblio_id, external_id=f"NV9.{n}", home_library_id="MAU")
             for n in range(3)]
    patron = fake_koha.add_patron(surname="Vũ", library_id="MAU", category_id="HS_THCS")
    other = fake_koha.add_patron(surname="Lý", library_id="MAU", category_id="HS_THCS")
    fake_koha.seed_checkout(patron["patron_id"], items[0]["item_id"])
    fake_koha.seed_checkout(other["patron_id"], items[1]["item_id"])
    fake_koha.seed_checkout(patron["patron_id"], items[2]["item_id"], checked_in=True)
    url = f"{fake_koha.api_url}/checkouts"
    assert len(api.get(url, timeout=5).json()) == 2
    old = api.get(url, params={"checked_in": "true"}, timeout=5).json()
    assert [c["item_id"] for c in old] == [items[2]["item_id"]] and old[0]["checkin_date"]
    mine = api.get(url, params={"patron_id": patron["patron_id"]}, timeout=5).json()
    assert [c["item_id"] for c in mine] == [items[0]["item_id"]]
    per_patron = api.get(f"{fake_koha.api_url}/patrons/{patron['patron_id']}/checkouts",
                         headers={"x-koha-embed": "item"}, timeout=5).json()
    assert [c["item"]["external_id"] for c in per_patron] == ["NV9.0"]
    assert api.delete(f"{fake_koha.api_url}/patrons/{patron['patron_id']}",
                      timeout=5).status_code == 409


def test_reference_data(fake_koha: FakeKoha, api: requests.Session) -> None:
    base = fake_koha.api_url
    libraries = api.get(f"{base}/libraries", timeout=5).json()
    assert [lib["library_id"] for lib in libraries] == ["MAU"]
    types = [t["item_type_id"] for t in api.get(f"{base}/item_types", timeout=5).json()]
    assert types == ["SGK", "SNV", "STK", "STN", "BTC", "TL"]
    categories = api.get(f"{base}/patron_categories", timeout=5).json()
    assert {"HS_THCS", "GV"} <= {c["patron_category_id"] for c in categories}
    loc = api.get(f"{base}/authorised_value_categories/LOC/authorised_values", timeout=5)
    assert "KHOMO" in [v["value"] for v in loc.json()]
    ccode = api.get(f"{base}/authorised_value_categories/CCODE/authorised_values", timeout=5)
    assert {"SGK", "TK"} <= {v["value"] for v in ccode.json()}
    missing = api.get(f"{base}/authorised_value_categories/NOPE/authorised_values", timeout=5)
    assert missing.status_code == 404


def test_second_token_helper_works(fake_koha: FakeKoha) -> None:
    headers = {"Authorization": f"Bearer {token(fake_koha)}"}
    assert requests.get(f"{fake_koha.api_url}/libraries/MAU", headers=headers,
                        timeout=5).json()["name"] == "Trường THCS Mẫu"


def test_every_read_route_with_its_embeds_validates(fake_koha: FakeKoha,
                                                    api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Tin học 6", "Hồ Sĩ Đàm"))
    item = fake_koha.add_item(biblio_id, external_id="TH1", home_library_id="MAU",
                              item_type_id="SGK")
    patron = fake_koha.add_patron(surname="Mai", library_id="MAU", category_id="GV",
                                  extended_attributes=[{"type": "LOP", "value": "6A"}])
    checkout = fake_koha.seed_checkout(patron["patron_id"], item["item_id"])
    pid = patron["patron_id"]
    routes = [
        ("/patrons", "extended_attributes,checkouts+count,overdues+count,account_balance,"
                     "library"),
        (f"/patrons/{pid}", "+strings,extended_attributes"),
        ("/libraries", "cash_registers,desks,smtp_server"),
        ("/libraries/MAU", ""),
        ("/item_types", "translated_descriptions"),
        ("/patron_categories", ""),
        ("/authorised_value_categories", "authorised_values"),
        ("/checkouts", "issuer,renewals"),
        (f"/checkouts/{checkout['checkout_id']}", "issuer"),
        (f"/patrons/{pid}/checkouts", "issuer,item,item.biblio,library,patron,renewals"),
        ("/items", "+strings,biblio"),
        (f"/items/{item['item_id']}", "+strings"),
        (f"/biblios/{biblio_id}/items", "+strings,home_library,holding_library,biblio.title,"
                                        "checkout,item_type,cover_image_ids,analytics_count,"
                                        "bundle_items_lost+count"),
        ("/biblios", ""),
    ]
    for path, embeds in routes:
        headers = {"x-koha-embed": embeds} if embeds else {}
        response = api.get(f"{fake_koha.api_url}{path}", headers=headers, timeout=5)
        assert response.status_code == 200, (path, response.text)
    assert fake_koha.response_violations == []
    assert fake_koha.request_violations == []


def test_spec_document_is_served_without_auth(fake_koha: FakeKoha) -> None:
    response = requests.get(f"{fake_koha.api_url}/", timeout=5)
    assert response.status_code == 200
    doc = response.json()
    assert doc["basePath"] == "/api/v1"
    assert "post" in doc["paths"]["/biblios/{biblio_id}/items"]
