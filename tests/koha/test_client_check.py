"""``koha-bridge koha check``: findings, remedies in Vietnamese, exit codes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests
import responses
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.config import DEFAULT_CATEGORIES, Config, KohaConfig
from koha_bridge.koha.api import KohaApi
from koha_bridge.koha.auth import BasicAuth, OAuth2ClientCredentials
from koha_bridge.koha.check import Finding, check_koha
from koha_bridge.koha.client import KohaClient

BASE = "http://koha.test"
API = BASE + "/api/v1"
ROUTES: dict[str, dict[str, Any]] = {
    "/biblios": {"post": {}, "get": {}},
    "/biblios/{biblio_id}": {"put": {}, "get": {}},
    "/biblios/{biblio_id}/items": {"post": {}},
    "/biblios/{biblio_id}/items/{item_id}": {"put": {}},
    "/item_types": {"get": {}},
}
ALL_TYPES = [{"item_type_id": c} for c in ("SGK", "SNV", "STK", "STN", "BTC", "TL")]
ALL_CCODES = [{"authorised_value_id": n, "category_name": "CCODE", "value": c}
              for n, c in enumerate(("SGK", "NV", "TK", "TN", "BTC", "TL"), 1)]


@pytest.fixture
def mock() -> Iterator[Any]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def koha(mock: Any, *, spec: Any = None, types: list[dict[str, str]] | None = None,
         library_status: int = 200, token_status: int = 200,
         ccodes: list[dict[str, Any]] | None = None) -> None:
    mock.add("GET", API + "/", json=spec if spec is not None else
             {"swagger": "2.0", "info": {"version": "1"}, "paths": ROUTES})
    if token_status == 200:
        mock.add("POST", API + "/oauth/token",
                 json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
    else:
        mock.add("POST", API + "/oauth/token", status=token_status,
                 json={"error": "Unimplemented grant type"})
    if library_status == 200:
        mock.add("GET", API + "/libraries/MAU", json={"library_id": "MAU", "name": "THCS Mẫu"})
        mock.add("GET", API + "/libraries", json=[{"library_id": "MAU", "name": "THCS Mẫu"}])
    else:
        mock.add("GET", API + "/libraries/MAU", status=library_status,
                 json={"error": "Library not found", "error_code": "not_found"})
        mock.add("GET", API + "/libraries", json=[{"library_id": "LQD", "name": "THCS LQĐ"}])
    mock.add("GET", API + "/item_types", json=ALL_TYPES if types is None else types)
    mock.add("GET", API + "/authorised_value_categories/CCODE/authorised_values",
             json=ALL_CCODES if ccodes is None else ccodes)
    mock.add("GET", API + "/patron_categories",
             json=[{"patron_category_id": "HS"}, {"patron_category_id": "GV"}])


def run(auth: Any = None, **kwargs: Any) -> list[Finding]:
    auth = auth or OAuth2ClientCredentials("id", "secret-abc")
    client = KohaClient(BASE, auth, sleep=lambda s: None, retries=1)
    return check_koha(Config(), KohaApi(client), **kwargs)


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.ok]


def test_all_fine(mock: Any) -> None:
    koha(mock)
    findings = run(patron_categories=["HS"])
    assert problems(findings) == []
    subjects = [f.subject for f in findings]
    assert subjects == ["Kết nối", "Phiên bản API", "Đăng nhập", "Thư viện", "Kiểu tài liệu",
                        "Bộ sưu tập", "Loại bạn đọc"]
    assert "Phiên bản API của Koha: 1" in findings[1].message


def test_missing_item_type(mock: Any) -> None:
    koha(mock, types=[t for t in ALL_TYPES if t["item_type_id"] != "STK"])
    (problem,) = problems(run())
    assert problem.message == (
        "Koha không có kiểu tài liệu mã STK (dùng ở [categories.TK] item_type)")
    assert problem.fix == ("Sửa [categories.TK] item_type trong tệp cấu hình (Koha có: BTC, "
                           "SGK, SNV, STN, TL), hoặc tạo kiểu tài liệu STK trong Koha "
                           "(Quản trị › Kiểu tài liệu)")


def test_missing_collection_and_location(mock: Any) -> None:
    """The same codes as the push preflight: a category's collection and location."""
    koha(mock, ccodes=[c for c in ALL_CCODES if c["value"] != "TN"])
    mock.add("GET", API + "/authorised_value_categories/LOC/authorised_values",
             json=[{"authorised_value_id": 9, "category_name": "LOC", "value": "KHOMO"}])
    config = Config(categories=tuple(
        replace(c, location="KHOTN" if c.code == "TN" else "KHOMO") for c in DEFAULT_CATEGORIES))
    client = KohaClient(BASE, OAuth2ClientCredentials("id", "s"), sleep=lambda s: None)
    found = problems(check_koha(config, KohaApi(client)))
    assert [(f.subject, f.message) for f in found] == [
        ("Bộ sưu tập", "Koha không có bộ sưu tập (CCODE) mã TN (dùng ở [categories.TN] "
                       "collection)"),
        ("Vị trí kho", "Koha không có vị trí kho (LOC) mã KHOTN (dùng ở [categories.TN] "
                       "location)"),
    ]
    assert found[1].fix.startswith("Sửa [categories.TN] location trong tệp cấu hình")


def test_missing_library(mock: Any) -> None:
    koha(mock, library_status=404)
    (problem,) = problems(run())
    assert problem.message == "Koha không có thư viện mã MAU (dùng ở [school] library_id)"
    assert problem.fix == ("Sửa [school] library_id trong tệp cấu hình (Koha có: LQD), hoặc "
                           "tạo thư viện MAU trong Koha (Quản trị › Thư viện)")


def test_missing_patron_category(mock: Any) -> None:
    koha(mock)
    (problem,) = problems(run(patron_categories=["HS", "CB"]))
    assert "Tạo loại bạn đọc CB" in problem.fix
    assert problem.missing_code


def test_oauth_disabled(mock: Any) -> None:
    koha(mock, token_status=400)
    findings = run()
    (problem,) = problems(findings)
    assert "Bật RESTOAuth2ClientCredentials" in problem.fix
    assert not problem.missing_code
    assert findings[-1] is problem  # nothing else can be checked without a login


def test_missing_permission(mock: Any) -> None:
    koha(mock)
    mock.replace("GET", API + "/libraries/MAU", status=403, json={
        "error": "Authorization failure. Missing required permission(s).",
        "required_permissions": {"catalogue": "1"}})
    (problem,) = problems(run())
    assert "Cấp quyền catalogue: 1 cho tài khoản API" in problem.fix


def test_basic_auth_disabled(mock: Any) -> None:
    koha(mock)
    mock.replace("GET", API + "/libraries/MAU", status=401,
                 json={"error": "Basic authentication disabled"})
    config = Config(koha=KohaConfig(auth="basic"))
    client = KohaClient(BASE, BasicAuth("u", "secret-abc"), retries=0)
    (problem,) = problems(check_koha(config, KohaApi(client)))
    assert "Bật RESTBasicAuth" in problem.fix


def test_old_koha(mock: Any) -> None:
    koha(mock, spec={"info": {"version": "1"}, "paths": {"/items": {"get": {}}}})
    found = problems(run())
    assert any("POST /biblios/{biblio_id}/items" in f.message for f in found)
    assert all("Nâng cấp Koha" in f.fix for f in found)


def test_version_not_published(mock: Any) -> None:
    koha(mock, spec={"paths": ROUTES})
    findings = run()
    assert problems(findings) == []
    assert "không cho biết phiên bản" in findings[1].message


def test_unreachable(mock: Any) -> None:
    mock.add("GET", API + "/", body=requests.ConnectionError("refused"))
    findings = run()
    assert len(findings) == 1 and not findings[0].ok
    assert "Không kết nối được" in findings[0].message and "KOHA_BRIDGE_URL" in findings[0].fix


@pytest.mark.parametrize("status", [301, 404])
def test_wrong_url(mock: Any, status: int) -> None:
    mock.add("GET", API + "/", status=status, headers={"Location": "https://koha.test/"})
    findings = run()
    assert len(findings) == 1 and not findings[0].ok
    assert "Sửa [koha] url" in findings[0].fix


# -- the command --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The CLI points the root logger at CliRunner's stderr; put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return {"KOHA_BRIDGE_URL": BASE, "KOHA_BRIDGE_CLIENT_ID": "id",
            "KOHA_BRIDGE_CLIENT_SECRET": "secret-abc"}


def test_cli_ok(mock: Any, env: dict[str, str]) -> None:
    koha(mock)
    result = CliRunner().invoke(cli, ["koha", "check"], env=env)
    assert result.exit_code == 0, result.output
    assert "Koha sẵn sàng" in result.stdout
    assert "✓ Thư viện: Koha có đủ: MAU (THCS Mẫu)" in result.stdout


def test_cli_missing_codes_exit_2_like_the_push_preflight(mock: Any, env: dict[str, str]) -> None:
    koha(mock, types=[])
    result = CliRunner().invoke(cli, ["koha", "check"], env=env)
    assert result.exit_code == 2
    assert "✗ Kiểu tài liệu: Koha không có kiểu tài liệu mã STK" in result.stderr
    assert "Cách sửa: Sửa [categories.TK] item_type trong tệp cấu hình" in result.stderr


def test_cli_missing_library_exit_2(mock: Any, env: dict[str, str]) -> None:
    koha(mock, library_status=404)
    result = CliRunner().invoke(cli, ["koha", "check"], env=env)
    assert result.exit_code == 2, result.output
    assert "✗ Thư viện:" in result.stderr and "MAU" in result.stderr


def test_cli_refused_credentials_exit_4(mock: Any, env: dict[str, str]) -> None:
    koha(mock, token_status=400)
    result = CliRunner().invoke(cli, ["koha", "check"], env=env)
    assert result.exit_code == 4, result.output
    assert "✗ Đăng nhập:" in result.stderr


def test_cli_old_koha_exit_4_even_with_codes_missing(mock: Any, env: dict[str, str]) -> None:
    koha(mock, types=[], spec={"info": {"version": "1"}, "paths": {"/items": {"get": {}}}})
    result = CliRunner().invoke(cli, ["koha", "check"], env=env)
    assert result.exit_code == 4, result.output
    assert "Nâng cấp Koha" in result.stderr and "mã STK" in result.stderr


def test_cli_without_url_is_a_config_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["koha", "check"], env={**env, "KOHA_BRIDGE_URL": ""})
    assert result.exit_code == 2
    assert "Chưa có địa chỉ Koha" in result.stderr


def test_cli_without_credentials_is_a_config_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["koha", "check"],
                                env={**env, "KOHA_BRIDGE_CLIENT_SECRET": ""})
    assert result.exit_code == 2
    assert "KOHA_BRIDGE_CLIENT_SECRET" in result.stderr
