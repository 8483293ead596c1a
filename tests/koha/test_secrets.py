"""Credentials: where they come from, and that they never leak.

The leak test runs real HTTP flows (a tiny server on 127.0.0.1) with logging at DEBUG,
urllib3's debug logging on and the CLI in ``--debug`` mode, then greps everything that
was captured, and every exception's text, for the secrets and header values.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.config import Config, KohaConfig
from koha_bridge.exceptions import ConfigError, KohaAuthError, KohaError
from koha_bridge.koha.api import KohaApi
from koha_bridge.koha.auth import BasicAuth, OAuth2ClientCredentials, auth_from_credentials
from koha_bridge.koha.check import check_koha
from koha_bridge.koha.client import KohaClient
from koha_bridge.koha.credentials import Credentials, load_credentials, read_secrets_file

CLIENT_ID = "bridge-client-7f3a"
GOOD_SECRET = "s3cr3t-GOOD-9d1e47"
WRONG_SECRET = "s3cr3t-WRONG-51b2c8"
TOKEN = "tok-AbCdEf-0123456789"
USER = "bridgeuser"
PASSWORD = "pa55-word-Zq81"
WRONG_PASSWORD = "pa55-wrong-Hh42"


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


LEAKS = (GOOD_SECRET, WRONG_SECRET, TOKEN, PASSWORD, WRONG_PASSWORD,
         _basic(USER, PASSWORD), _basic(USER, WRONG_PASSWORD))


# -- where credentials come from ---------------------------------------------------------


def test_env_credentials() -> None:
    env = {"KOHA_BRIDGE_CLIENT_ID": CLIENT_ID, "KOHA_BRIDGE_CLIENT_SECRET": GOOD_SECRET}
    creds = load_credentials(Config(), env)
    assert (creds.method, creds.identity, creds.secret) == ("oauth2", CLIENT_ID, GOOD_SECRET)
    assert GOOD_SECRET not in repr(creds)
    basic = load_credentials(Config(koha=KohaConfig(auth="basic")),
                             {"KOHA_BRIDGE_USER": USER, "KOHA_BRIDGE_PASSWORD": PASSWORD})
    assert (basic.method, basic.identity, basic.secret) == ("basic", USER, PASSWORD)


def test_missing_credentials_say_which_variables() -> None:
    with pytest.raises(ConfigError, match="KOHA_BRIDGE_CLIENT_SECRET") as caught:
        load_credentials(Config(), {"KOHA_BRIDGE_CLIENT_ID": CLIENT_ID})
    assert "Thiếu thông tin đăng nhập" in str(caught.value)
    assert caught.value.exit_code == 2


def _secrets_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "koha-secrets"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    "text",
    [
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{GOOD_SECRET}"\n',
        f"# bridge\nexport KOHA_BRIDGE_CLIENT_ID={CLIENT_ID}\n"
        f"KOHA_BRIDGE_CLIENT_SECRET='{GOOD_SECRET}'\n",
    ],
    ids=["toml", "key-value"],
)
def test_secrets_file(tmp_path: Path, text: str) -> None:
    path = _secrets_file(tmp_path, text)
    config = Config(koha=KohaConfig(secrets_file="koha-secrets"), source=tmp_path / "x.toml")
    creds = load_credentials(config, {})
    assert (creds.identity, creds.secret) == (CLIENT_ID, GOOD_SECRET)
    assert read_secrets_file(path)["KOHA_BRIDGE_CLIENT_SECRET"] == GOOD_SECRET


def test_environment_wins_over_file(tmp_path: Path) -> None:
    path = _secrets_file(tmp_path, f'client_id = "file-id"\nclient_secret = "{WRONG_SECRET}"\n')
    config = Config(koha=KohaConfig(secrets_file=str(path)))
    env = {"KOHA_BRIDGE_CLIENT_ID": CLIENT_ID, "KOHA_BRIDGE_CLIENT_SECRET": GOOD_SECRET}
    assert load_credentials(config, env).secret == GOOD_SECRET


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_secrets_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = _secrets_file(tmp_path, f'client_secret = "{GOOD_SECRET}"\n', mode)
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        read_secrets_file(path)
    assert GOOD_SECRET not in str(caught.value)


def test_bad_secrets_file_line_is_not_echoed(tmp_path: Path) -> None:
    path = _secrets_file(tmp_path, f"KOHA_BRIDGE_CLIENT_ID={CLIENT_ID}\n{GOOD_SECRET}\n")
    with pytest.raises(ConfigError, match="dòng 2") as caught:
        read_secrets_file(path)
    assert GOOD_SECRET not in str(caught.value)


def test_missing_secrets_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Không tìm thấy tệp bí mật"):
        read_secrets_file(tmp_path / "nope")


def test_auth_objects_hide_secrets() -> None:
    oauth = auth_from_credentials(Credentials("oauth2", CLIENT_ID, GOOD_SECRET))
    basic = auth_from_credentials(Credentials("basic", USER, PASSWORD))
    assert isinstance(oauth, OAuth2ClientCredentials) and isinstance(basic, BasicAuth)
    for text in (repr(oauth), repr(basic), repr(KohaClient("http://k.test", basic))):
        assert all(leak not in text for leak in LEAKS)


# -- nothing leaks: real HTTP flows ---------------------------------------------------------


class FakeKoha(BaseHTTPRequestHandler):
    """Answers like Koha, and echoes secrets back in its errors (a worst case)."""

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path != "/api/v1/oauth/token":
            return self._send(404, {"error": "not found"})
        if form.get("client_secret") != GOOD_SECRET:
            return self._send(403, {"error": f"bad secret {form.get('client_secret')}"})
        self._send(200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        if self.path == "/api/v1/":
            return self._send(200, {"swagger": "2.0", "info": {"version": "1"}, "paths": {}})
        if auth not in (f"Bearer {TOKEN}", f"Basic {_basic(USER, PASSWORD)}"):
            return self._send(401, {"error": "Authentication failure.", "sent": auth})
        if self.path.startswith("/api/v1/libraries/MAU"):
            return self._send(200, {"library_id": "MAU", "name": "Trường THCS Mẫu"})
        if self.path.startswith("/api/v1/libraries?"):
            return self._send(200, [{"library_id": "MAU", "name": "Trường THCS Mẫu"}])
        if self.path.startswith("/api/v1/authorised_value_categories/CCODE/"):
            codes = ["SGK", "NV", "TK", "TN", "BTC", "TL"]
            return self._send(200, [{"category_name": "CCODE", "value": c} for c in codes])
        if self.path.startswith("/api/v1/item_types"):
            codes = ["SGK", "SNV", "STK", "STN", "BTC", "TL"]
            return self._send(200, [{"item_type_id": c} for c in codes])
        self._send(500, {"error": "boom", "echo": auth})


@pytest.fixture
def koha_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKoha)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    urllib3_level = logging.getLogger("urllib3").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(urllib3_level)


def _flows(url: str) -> list[str]:
    """Run succeeding and failing flows; return the text of every exception raised."""
    texts: list[str] = []

    def attempt(action: Any) -> None:
        try:
            action()
        except KohaError as exc:
            texts.extend([str(exc), repr(exc), repr(exc.body), repr(exc.__cause__)])

    good = KohaClient(url, OAuth2ClientCredentials(CLIENT_ID, GOOD_SECRET), retries=0)
    assert good.get_json("/libraries/MAU")["library_id"] == "MAU"
    assert all(f.ok for f in check_koha(Config(), KohaApi(good)))
    attempt(lambda: good.get_json("/items/1"))  # 500 echoing the bearer token
    bad = KohaClient(url, OAuth2ClientCredentials(CLIENT_ID, WRONG_SECRET), retries=0)
    attempt(lambda: bad.get_json("/libraries/MAU"))
    texts.extend(f.message + f.fix for f in check_koha(Config(), KohaApi(bad)))
    basic = KohaClient(url, BasicAuth(USER, PASSWORD), retries=0)
    assert basic.get_json("/libraries/MAU")["name"]
    attempt(lambda: basic.get_json("/items/1"))
    wrong = KohaClient(url, BasicAuth(USER, WRONG_PASSWORD), retries=0)
    attempt(lambda: wrong.get_json("/libraries/MAU"))
    texts.extend(repr(c) for c in (good, bad, basic, wrong))
    return texts


def test_no_secret_in_logs_or_errors(
    koha_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    texts = _flows(koha_url)
    assert len(texts) > 10
    assert any("urllib3" in r.name for r in caplog.records)  # debug logging really was on
    assert any("Bad secret" in t or "bad secret" in t for t in texts)  # the echo came back…
    captured = capsys.readouterr()
    everything = "\n".join([caplog.text, captured.out, captured.err, *texts])
    for leak in LEAKS:
        assert leak not in everything, leak  # …redacted


def test_no_secret_in_cli_debug_output(
    koha_url: str, tmp_path: Path, restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"KOHA_BRIDGE_URL": koha_url, "KOHA_BRIDGE_CLIENT_ID": CLIENT_ID}
    ok = runner.invoke(cli, ["--debug", "koha", "check"],
                       env={**env, "KOHA_BRIDGE_CLIENT_SECRET": GOOD_SECRET})
    assert ok.exit_code == 0, ok.output
    failed = runner.invoke(cli, ["--debug", "koha", "check"],
                           env={**env, "KOHA_BRIDGE_CLIENT_SECRET": WRONG_SECRET})
    assert failed.exit_code == 4, failed.output
    assert "koha-bridge/" not in os.environ.get("KOHA_BRIDGE_CLIENT_SECRET", "")
    everything = "\n".join([ok.output, ok.stderr, failed.output, failed.stderr])
    assert "Koha từ chối client id/secret" in everything
    for leak in LEAKS:
        assert leak not in everything, leak


def test_auth_error_mentions_no_secret_but_is_typed(koha_url: str) -> None:
    client = KohaClient(koha_url, OAuth2ClientCredentials(CLIENT_ID, WRONG_SECRET), retries=0)
    with pytest.raises(KohaAuthError) as caught:
        client.get_json("/libraries/MAU")
    assert caught.value.status == 403
    assert caught.value.body == {"error": "bad secret ***"}
