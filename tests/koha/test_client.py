"""KohaClient: auth, retries, typed errors and pagination, against ``responses``."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import urllib3.exceptions

from koha_bridge.config import Config, KohaConfig
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
from koha_bridge.koha.auth import BasicAuth, OAuth2ClientCredentials
from koha_bridge.koha.client import KohaClient, parse_links

BASE = "http://koha.test"
API = BASE + "/api/v1"
TOKEN_URL = API + "/oauth/token"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def mock() -> Any:
    with responses.RequestsMock() as rsps:
        yield rsps


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make(auth: Any = None, sleeps: list[float] | None = None, **kwargs: Any) -> KohaClient:
    record = sleeps if sleeps is not None else []
    return KohaClient(BASE, auth, sleep=record.append, **kwargs)


def token_answer(token: str, expires_in: int = 3600) -> dict[str, Any]:
    return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}


# -- construction ----------------------------------------------------------------------


def test_session_policy() -> None:
    client = make(BasicAuth("bridge", "pw-123456"), timeout=7.0)
    assert client.session.trust_env is False
    assert str(client.session.headers["User-Agent"]).startswith("koha-bridge/")
    assert client.api_url == API
    assert client.url("/biblios/1") == API + "/biblios/1"
    assert KohaClient(API + "/", None).api_url == API
    assert "pw-123456" not in repr(client)


def test_credentials_in_url_refused() -> None:
    with pytest.raises(ConfigError, match="Không ghi tên đăng nhập") as caught:
        KohaClient("http://user:pw-in-url@koha.test", None)
    assert "pw-in-url" not in str(caught.value)


def test_from_config_needs_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOHA_BRIDGE_URL", raising=False)
    with pytest.raises(ConfigError, match="Chưa có địa chỉ Koha"):
        KohaClient.from_config(Config())


def test_from_config_reads_url_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOHA_BRIDGE_URL", "https://thuvien.example.edu.vn")
    monkeypatch.setenv("KOHA_BRIDGE_USER", "bridge")
    monkeypatch.setenv("KOHA_BRIDGE_PASSWORD", "pw-from-env")
    config = Config(koha=KohaConfig(auth="basic", timeout=12.0, retries=2, verify_tls=False))
    client = KohaClient.from_config(config)
    assert client.api_url == "https://thuvien.example.edu.vn/api/v1"
    assert (client.timeout, client.retries, client.session.verify) == (12.0, 2, False)
    assert isinstance(client.auth, BasicAuth)


def test_default_timeout_and_request_id(mock: Any) -> None:
    seen: dict[str, Any] = {}

    def callback(request: requests.PreparedRequest) -> tuple[int, dict, str]:
        seen["id"] = request.headers["x-koha-request-id"]
        return 200, {}, "[]"

    mock.add_callback("GET", API + "/libraries", callback=callback)
    client = make(timeout=9.5)
    client.request("GET", "/libraries")
    assert seen["id"].isdigit()
    assert mock.calls[0].request.req_kwargs["timeout"] == 9.5


# -- authentication --------------------------------------------------------------------


def test_token_fetched_once_and_cached(mock: Any) -> None:
    mock.add("POST", TOKEN_URL, json=token_answer("tok-1"))
    mock.add("GET", API + "/libraries/MAU", json={"library_id": "MAU", "name": "x"})
    auth = OAuth2ClientCredentials("bridge-id", "bridge-secret")
    client = make(auth)
    for _ in range(3):
        client.get_json("/libraries/MAU")
    token_calls = [c for c in mock.calls if c.request.url == TOKEN_URL]
    assert len(token_calls) == 1
    form = parse_qs(token_calls[0].request.body)
    assert form == {"grant_type": ["client_credentials"], "client_id": ["bridge-id"],
                    "client_secret": ["bridge-secret"]}
    assert token_calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_calls[0].request.headers
    gets = [c for c in mock.calls if c.request.method == "GET"]
    assert all(c.request.headers["Authorization"] == "Bearer tok-1" for c in gets)


def test_token_renewed_before_expiry(mock: Any) -> None:
    mock.add("POST", TOKEN_URL, json=token_answer("tok-1", 3600))
    mock.add("POST", TOKEN_URL, json=token_answer("tok-2", 3600))
    mock.add("GET", API + "/item_types", json=[])
    clock = Clock()
    client = make(OAuth2ClientCredentials("id", "secret-xyz", clock=clock))
    client.request("GET", "/item_types")
    clock.now += 3500  # 100 s left: outside the 60 s margin, keep the token
    client.request("GET", "/item_types")
    clock.now += 50  # 50 s left: renew
    client.request("GET", "/item_types")
    auths = [c.request.headers.get("Authorization") for c in mock.calls
             if c.request.method == "GET"]
    assert auths == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_token_renewed_once_on_401(mock: Any) -> None:
    mock.add("POST", TOKEN_URL, json=token_answer("old"))
    mock.add("POST", TOKEN_URL, json=token_answer("new"))
    mock.add("GET", API + "/libraries/MAU", status=401, json={"error": "Authentication failure."})
    mock.add("GET", API + "/libraries/MAU", json={"library_id": "MAU", "name": "x"})
    auth = OAuth2ClientCredentials("id", "secret-xyz")
    assert make(auth).get_json("/libraries/MAU")["library_id"] == "MAU"
    assert auth.fetches == 2
    assert mock.calls[-1].request.headers["Authorization"] == "Bearer new"


def test_401_twice_is_an_auth_error(mock: Any) -> None:
    mock.add("POST", TOKEN_URL, json=token_answer("t1"))
    mock.add("POST", TOKEN_URL, json=token_answer("t2"))
    mock.add("GET", API + "/libraries/MAU", status=401, json={"error": "Authentication failure."})
    auth = OAuth2ClientCredentials("id", "secret-xyz")
    with pytest.raises(KohaAuthError) as caught:
        make(auth).get_json("/libraries/MAU")
    assert caught.value.status == 401 and auth.fetches == 2


@pytest.mark.parametrize(
    ("status", "body", "hint"),
    [(400, {"error": "Unimplemented grant type"}, "RESTOAuth2ClientCredentials"),
     (403, {"error": "unauthorized_client"}, "KOHA_BRIDGE_CLIENT_SECRET")],
)
def test_token_refusals_say_what_to_fix(
    mock: Any, status: int, body: dict[str, str], hint: str
) -> None:
    mock.add("POST", TOKEN_URL, status=status, json=body)
    with pytest.raises(KohaAuthError, match=hint) as caught:
        make(OAuth2ClientCredentials("id", "secret-xyz")).get_json("/item_types")
    assert caught.value.status == status and caught.value.body == body


def test_basic_auth_header(mock: Any) -> None:
    mock.add("GET", API + "/item_types", json=[])
    make(BasicAuth("bridge", "pa:ss")).request("GET", "/item_types")
    assert mock.calls[0].request.headers["Authorization"] == "Basic YnJpZGdlOnBhOnNz"


def test_basic_401_is_not_retried(mock: Any) -> None:
    mock.add("GET", API + "/item_types", status=401,
             json={"error": "Basic authentication disabled"})
    with pytest.raises(KohaAuthError):
        make(BasicAuth("bridge", "secret-xyz")).request("GET", "/item_types")
    assert len(mock.calls) == 1


# -- retries ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_retried_on_transient_status(mock: Any, sleeps: list[float], status: int) -> None:
    mock.add("GET", API + "/items/1", status=status, json={"error": "busy"})
    mock.add("GET", API + "/items/1", status=status, json={"error": "busy"})
    mock.add("GET", API + "/items/1", json={"item_id": 1})
    assert make(sleeps=sleeps, backoff=0.5).get_json("/items/1") == {"item_id": 1}
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5  # exponential + jitter


def test_request_id_kept_across_retries(mock: Any) -> None:
    mock.add("GET", API + "/items/1", status=503, json={"error": "maintenance"})
    mock.add("GET", API + "/items/1", json={"item_id": 1})
    make().get_json("/items/1")
    ids = {c.request.headers["x-koha-request-id"] for c in mock.calls}
    assert len(ids) == 1


def test_retry_after_seconds_and_http_date(mock: Any, sleeps: list[float]) -> None:
    later = email.utils.formatdate(time.time() + 8, usegmt=True)
    mock.add("GET", API + "/items/1", status=429, headers={"Retry-After": "3"})
    mock.add("GET", API + "/items/1", status=429, headers={"Retry-After": later})
    mock.add("GET", API + "/items/1", json={"item_id": 1})
    make(sleeps=sleeps).get_json("/items/1")
    assert sleeps[0] == 3.0
    assert 5.0 < sleeps[1] <= 8.0


def test_retries_used_up_is_transient(mock: Any, sleeps: list[float]) -> None:
    mock.add("GET", API + "/items/1", status=503, json={"error": "Under maintenance"})
    with pytest.raises(KohaTransientError) as caught:
        make(sleeps=sleeps, retries=3).get_json("/items/1")
    assert len(mock.calls) == 4 and len(sleeps) == 3
    assert caught.value.status == 503 and caught.value.maybe_committed is False
    assert caught.value.body == {"error": "Under maintenance"}


def test_backoff_is_capped(mock: Any, sleeps: list[float]) -> None:
    mock.add("GET", API + "/items/1", status=502)
    with pytest.raises(KohaTransientError):
        make(sleeps=sleeps, retries=8, backoff=1.0).get_json("/items/1")
    assert max(sleeps) <= 31.0


def test_get_retried_after_connection_drop(mock: Any, sleeps: list[float]) -> None:
    mock.add("GET", API + "/items/1", body=requests.ConnectionError("reset by peer"))
    mock.add("GET", API + "/items/1", json={"item_id": 1})
    assert make(sleeps=sleeps).get_json("/items/1") == {"item_id": 1}
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "error",
    [requests.exceptions.ReadTimeout("read timed out"),
     requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted."))],
    ids=["read-timeout", "dropped-after-send"],
)
def test_post_not_retried_after_sending(mock: Any, sleeps: list[float], error: Exception) -> None:
    mock.add("POST", API + "/biblios/1/items", body=error)
    with pytest.raises(KohaTransientError) as caught:
        make(sleeps=sleeps).request("POST", "/biblios/1/items", json_body={})
    assert len(mock.calls) == 1 and sleeps == []
    assert caught.value.maybe_committed is True
    assert caught.value.method == "POST" and caught.value.request_id


@pytest.mark.parametrize("status", [502, 504])
def test_post_not_retried_on_gateway_errors(mock: Any, status: int) -> None:
    mock.add("POST", API + "/biblios/1/items", status=status)
    with pytest.raises(KohaTransientError) as caught:
        make().request("POST", "/biblios/1/items", json_body={})
    assert len(mock.calls) == 1 and caught.value.maybe_committed is True


@pytest.mark.parametrize("status", [429, 503])
def test_post_retried_when_koha_refused_before_acting(mock: Any, status: int) -> None:
    mock.add("POST", API + "/biblios/1/items", status=status, headers={"Retry-After": "1"})
    mock.add("POST", API + "/biblios/1/items", status=201, json={"item_id": 9})
    response = make().request("POST", "/biblios/1/items", json_body={})
    assert response.status_code == 201 and len(mock.calls) == 2


def test_post_retried_on_connect_error(mock: Any, sleeps: list[float]) -> None:
    refused = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    mock.add("POST", API + "/biblios/1/items",
             body=requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", refused)))  # type: ignore[arg-type]
    mock.add("POST", API + "/biblios/1/items", body=requests.exceptions.ConnectTimeout("slow"))
    mock.add("POST", API + "/biblios/1/items", status=201, json={"item_id": 9})
    assert make(sleeps=sleeps).request("POST", "/biblios/1/items", json_body={}).ok
    assert len(sleeps) == 2


def test_post_connect_errors_used_up_are_not_committed(mock: Any) -> None:
    mock.add("POST", API + "/biblios/1/items", body=requests.exceptions.ConnectTimeout("slow"))
    with pytest.raises(KohaTransientError) as caught:
        make(retries=1).request("POST", "/biblios/1/items", json_body={})
    assert caught.value.maybe_committed is False


def test_idempotent_post_is_retried(mock: Any, sleeps: list[float]) -> None:
    mock.add("POST", API + "/biblios/1/items", body=requests.exceptions.ReadTimeout("slow"))
    mock.add("POST", API + "/biblios/1/items", status=201, json={"item_id": 9})
    make(sleeps=sleeps).request("POST", "/biblios/1/items", json_body={}, idempotent=True)
    assert len(mock.calls) == 2


def test_put_is_retried_after_read_timeout(mock: Any) -> None:
    mock.add("PUT", API + "/biblios/1/items/2", body=requests.exceptions.ReadTimeout("slow"))
    mock.add("PUT", API + "/biblios/1/items/2", json={"item_id": 2})
    assert make().request("PUT", "/biblios/1/items/2", json_body={}).ok


# -- typed errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, {"error": "Given library_id does not exist"}, KohaValidationError),
        (400, [{"path": "/query/foo", "message": "Malformed query string"}], KohaValidationError),
        (406, ["application/marcxml+xml", "application/marc"], KohaValidationError),
        (415, "Unsupported Media Type", KohaValidationError),
        (401, {"error": "Authentication failure."}, KohaAuthError),
        (403, {"error": "Authorization failure. Missing required permission(s).",
               "required_permissions": {"editcatalogue": "edit_catalogue"}}, KohaAuthError),
        (404, {"error": "Bibliographic record not found", "error_code": "not_found"},
         KohaNotFoundError),
        (409, {"error": "Duplicate barcode."}, KohaConflictError),
        (500, {"error": "Something went wrong", "error_code": "internal_server_error"},
         KohaTransientError),
        (418, "teapot", KohaError),
    ],
)
def test_typed_errors_carry_status_body_and_request_id(
    mock: Any, status: int, body: Any, cls: type[KohaError]
) -> None:
    if isinstance(body, str):
        mock.add("POST", API + "/biblios/1/items", status=status, body=body)
    else:
        mock.add("POST", API + "/biblios/1/items", status=status, json=body)
    client = make()
    with pytest.raises(cls) as caught:
        client.request("POST", "/biblios/1/items", json_body={})
    error = caught.value
    assert type(error) is cls
    assert error.status == status and error.body == body
    sent_id = mock.calls[0].request.headers["x-koha-request-id"]
    assert error.request_id == sent_id and sent_id in str(error)
    assert error.method == "POST" and error.url == API + "/biblios/1/items"
    assert error.exit_code == 4


def test_duplicate_biblio(mock: Any) -> None:
    mock.add("POST", API + "/biblios", status=400, json={"error": "Duplicate biblio 4321"})
    with pytest.raises(KohaDuplicateBiblioError) as caught:
        make().request("POST", "/biblios", data=b"<record/>",
                       content_type="application/marcxml+xml")
    assert caught.value.biblio_id == 4321 and caught.value.status == 400
    assert isinstance(caught.value, KohaValidationError)


# -- pagination -------------------------------------------------------------------------


def _pages(rows: list[int], per_page: int, link_style: str | None, total: bool = True) -> Any:
    def callback(request: requests.PreparedRequest) -> tuple[int, Any, str]:
        query = parse_qs(urlsplit(request.url or "").query)
        page, size = int(query["_page"][0]), int(query["_per_page"][0])
        assert size == per_page
        chunk = rows[(page - 1) * size: page * size]
        last = max(1, -(-len(rows) // size))
        links = [f'<{API}/items?_page=1&_per_page={size}>; rel="first"']
        if page > 1:
            links.append(f'<{API}/items?_page={page - 1}&_per_page={size}>; rel="prev"')
        if page < last:
            links.append(f'<{API}/items?_page={page + 1}&_per_page={size}>; rel="next"')
        links.append(f'<{API}/items?_page={last}&_per_page={size}>; rel="last"')
        headers: list[tuple[str, str]] = []
        if total:
            headers.append(("X-Total-Count", str(len(rows))))
        if link_style == "separate":
            headers.extend(("Link", link) for link in links)
        elif link_style == "joined":
            headers.append(("Link", ", ".join(links)))
        return 200, headers, json.dumps([{"item_id": r} for r in chunk])

    return callback


@pytest.mark.parametrize("style", ["separate", "joined"])
def test_paginate_follows_links(mock: Any, style: str) -> None:
    mock.add_callback("GET", API + "/items", callback=_pages(list(range(1, 8)), 3, style))
    items = list(make().paginate("/items", per_page=3))
    assert [i["item_id"] for i in items] == list(range(1, 8))
    assert len(mock.calls) == 3


def test_paginate_exact_multiple_stops_without_extra_request(mock: Any) -> None:
    mock.add_callback("GET", API + "/items", callback=_pages(list(range(6)), 3, "joined"))
    assert len(list(make().paginate("/items", per_page=3))) == 6
    assert len(mock.calls) == 2


def test_paginate_by_total_count(mock: Any) -> None:
    mock.add_callback("GET", API + "/items", callback=_pages(list(range(6)), 3, None))
    assert len(list(make().paginate("/items", per_page=3))) == 6
    assert len(mock.calls) == 2


def test_paginate_without_headers_stops_on_short_page(mock: Any) -> None:
    mock.add_callback("GET", API + "/items",
                      callback=_pages(list(range(5)), 3, None, total=False))
    assert len(list(make().paginate("/items", per_page=3))) == 5
    assert len(mock.calls) == 2


def test_paginate_empty(mock: Any) -> None:
    mock.add_callback("GET", API + "/items", callback=_pages([], 20, "separate"))
    assert list(make(per_page=20).paginate("/items")) == []
    assert len(mock.calls) == 1


def test_paginate_keeps_params_and_headers(mock: Any) -> None:
    mock.add("GET", API + "/items", json=[{"item_id": 1}], headers={"X-Total-Count": "1"})
    list(make().paginate("/items", params={"external_id": "TK.1", "_match": "exact"},
                         headers={"x-koha-embed": "biblio"}))
    request = mock.calls[0].request
    query = parse_qs(urlsplit(request.url).query)
    assert query == {"external_id": ["TK.1"], "_match": ["exact"], "_page": ["1"],
                     "_per_page": ["100"]}
    assert request.headers["x-koha-embed"] == "biblio"


def test_paginate_refuses_non_list(mock: Any) -> None:
    mock.add("GET", API + "/items", json={"error": "?"})
    with pytest.raises(KohaError, match="không phải danh sách"):
        list(make().paginate("/items"))


def test_parse_links_both_forms() -> None:
    joined = (f'<{API}/items?_page=1&_per_page=2>; rel="first", '
              f'<{API}/items?_page=3&_per_page=2>; rel="next", '
              f'<{API}/items?q={{"a":1,"b":2}}&_page=9>; rel="last"')
    links = parse_links(joined)
    assert links["next"].endswith("_page=3&_per_page=2")
    assert links["last"].endswith('q={"a":1,"b":2}&_page=9')
    assert set(links) == {"first", "next", "last"}
    assert parse_links("<x>; rel=next") == {"next": "x"}
    assert parse_links("") == {}


def test_redirect_is_an_error_naming_the_fix(mock: Any) -> None:
    mock.add("GET", API + "/items/1", status=301,
             headers={"Location": "https://koha.test/api/v1/items/1"})
    with pytest.raises(KohaError, match=r"chuyển hướng tới https://koha\.test") as caught:
        make().get_json("/items/1")
    assert caught.value.status == 301 and len(mock.calls) == 1


def test_tls_errors_are_not_retried(mock: Any, sleeps: list[float]) -> None:
    mock.add("POST", API + "/biblios/1/items",
             body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(KohaTransientError, match="chứng chỉ TLS") as caught:
        make(sleeps=sleeps).request("POST", "/biblios/1/items", json_body={})
    assert sleeps == [] and caught.value.maybe_committed is False
