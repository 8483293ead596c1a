"""``FakeKoha``: a stateful Koha REST API on 127.0.0.1 for integration tests and benchmarks.

A ``ThreadingHTTPServer`` (daemon threads, keep-alive) with one handler class; the
``Engine`` routes each request. State lives in an SQLite file, so ``restart()`` (also
after ``faults.crash_after``) comes back on the same port with everything committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
import socket
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pymarc import Record

from tests.fakekoha import routes_biblios, routes_items, routes_patrons, routes_reference
from tests.fakekoha.engine import Engine, RequestRecord
from tests.fakekoha.faults import Faults
from tests.fakekoha.routes_auth import AuthSettings, expire_tokens, token_route
from tests.fakekoha.state import Doc, State, library
from tests.fakekoha.web import API, Response
from tests.support.kohaspec import KohaSpec

REPO = Path(__file__).resolve().parents[2]


def default_openapi_dir() -> Path:
    return REPO / "tests" / "data" / "koha-openapi"


@functools.lru_cache(maxsize=4)
def load_spec(openapi_dir: Path) -> KohaSpec:
    """Koha's spec, loaded once per folder."""
    return KohaSpec.load(openapi_dir)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, port: int, app: Engine) -> None:
        self.app = app
        self.dead = False
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._conns_lock:
            self._conns.add(conn)
        return conn, addr

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished (killed, timed out) is normal here; anything else is
        printed as ``socketserver`` does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def kill_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _any(self) -> None:
        self.server.app.serve(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any


class FakeKoha:
    """A running fake Koha. Use ``url``/``client_id``/``client_secret`` to talk to it."""

    def __init__(self, db_path: Path | None = None, *, port: int = 0,
                 spec: KohaSpec | None = None, strict: bool = False,
                 client_id: str = "koha-bridge-test", client_secret: str | None = None,
                 token_ttl: float = 3600.0, seed: int = 0, latency: float = 0.0,
                 jitter: float = 0.0, log_requests: bool = True, seed_data: bool = True,
                 ) -> None:
        self._tmpdir = None
        if db_path is None:  # removed again by stop()
            self._tmpdir = tempfile.TemporaryDirectory(prefix="fakekoha-")
            db_path = Path(self._tmpdir.name) / "koha.sqlite"
        self.db_path = Path(db_path)
        self.faults = Faults(seed=seed, latency=latency, jitter=jitter)
        self._auth = AuthSettings(client_id, client_secret or secrets.token_hex(16), token_ttl)
        self.spec = spec or load_spec(default_openapi_dir())
        routes = [token_route(self._auth), *routes_biblios.ROUTES, *routes_items.ROUTES,
                  *routes_patrons.ROUTES, *routes_reference.ROUTES,
                  *routes_reference.spec_routes(self.spec)]
        self._engine = Engine(self.spec, routes, self._auth, self.faults, strict, log_requests)
        self._engine.on_crash = self._crash
        self.state = State(self.db_path)
        if seed_data and self.state.is_empty():
            self.state.seed_defaults()
        self._engine.state = self.state
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stop_lock = threading.Lock()
        self.port = self._start(port)

    # -- lifecycle ---------------------------------------------------------------------

    def _start(self, port: int) -> int:
        server = _Server(port, self._engine)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"fakekoha-{server.server_address[1]}", daemon=True)
        thread.start()
        self._server, self._thread = server, thread
        return int(server.server_address[1])

    def _halt(self) -> None:
        """Stop serving: refuse new connections and cut the open ones."""
        with self._stop_lock:
            server, thread = self._server, self._thread
            if server is None:
                return
            server.dead = True
            server.shutdown()
            server.server_close()
            server.kill_connections()
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=5)
            self._server = self._thread = None

    def _crash(self, server: _Server) -> None:
        if server is self._server:
            self._halt()

    @property
    def running(self) -> bool:
        """False once stopped or crashed (even while the crash is still tearing down)."""
        server = self._server
        return server is not None and not server.dead

    def restart(self) -> None:
        """Stop (if running) and start again on the same port from the SQLite file."""
        self._halt()
        self.state.close()
        self.state = State(self.db_path)
        self._engine.state = self.state
        self._start(self.port)

    def stop(self) -> None:
        self._halt()
        self.state.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> FakeKoha:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- connection facts ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the Koha server (the API is under ``/api/v1``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + API

    @property
    def client_id(self) -> str:
        return self._auth.client_id

    @property
    def client_secret(self) -> str:
        return self._auth.client_secret

    @property
    def token_ttl(self) -> float:
        return self._auth.token_ttl

    @token_ttl.setter
    def token_ttl(self, seconds: float) -> None:
        with self._auth.lock:
            self._auth.token_ttl = seconds

    def enable_basic(self, user: str, password: str) -> None:
        """Turn on RESTBasicAuth with one valid user."""
        with self._auth.lock:
            self._auth.basic_user, self._auth.basic_password = user, password

    def disable_basic(self) -> None:
        with self._auth.lock:
            self._auth.basic_user = self._auth.basic_password = None

    def expire_tokens(self) -> int:
        """Expire every token issued so far (the next Bearer request gets 401)."""
        return expire_tokens(self.state)

    @property
    def strict(self) -> bool:
        return self._engine.strict

    @strict.setter
    def strict(self, on: bool) -> None:
        self._engine.strict = on

    # -- inspection --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request received so far (a copy)."""
        with self._engine._lock:
            return list(self._engine.requests)

    def clear_requests(self) -> None:
        with self._engine._lock:
            self._engine.requests.clear()

    @property
    def response_violations(self) -> list[str]:
        """Strict mode: responses of the fake that the spec does not allow (fake bugs)."""
        with self._engine._lock:
            return list(self._engine.response_violations)

    @property
    def request_violations(self) -> list[str]:
        """Strict mode: requests refused by spec validation (client bugs)."""
        with self._engine._lock:
            return list(self._engine.request_violations)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of operations that crashed (answered 500)."""
        with self._engine._lock:
            return list(self._engine.errors)

    def assert_clean(self) -> None:
        """Fail if a response broke the spec, a request was refused by it, or a handler
        crashed."""
        problems = self.response_violations + self.request_violations + self.errors
        assert not problems, "\n".join(problems)

    def biblios(self) -> list[Doc]:
        """JSON views of all biblios (as GET /biblios would return them)."""
        return [dict(view) for view in routes_biblios.views(self.state)]

    def biblio_record(self, biblio_id: int) -> Record | None:
        """The stored MARC of one biblio."""
        return routes_biblios.record_of(self.state, biblio_id)

    def items(self) -> list[Doc]:
        """Stored items (copies: changing them changes nothing in the fake)."""
        return [dict(item) for item in self.state.all("item")]

    def patrons(self) -> list[Doc]:
        """Stored patrons (copies), including their ``extended_attributes``."""
        return [dict(patron) for patron in self.state.all("patron")]

    def checkouts(self, checked_in: bool = False) -> list[Doc]:
        return [dict(c) for c in self.state.all("old_checkout" if checked_in else "checkout")]

    # -- seeding -----------------------------------------------------------------------------

    def add_biblio_marc(self, record: Record, framework_id: str = "") -> int:
        """Store a record as AddBiblio would (no duplicate check); returns its id."""
        biblio_id, _ = routes_biblios.store_new_biblio(self.state, record, framework_id)
        assert biblio_id is not None
        return biblio_id

    def add_item(self, biblio_id: int, **fields: Any) -> Doc:
        """Add an item (API field names) as POST /biblios/{id}/items would."""
        result = routes_items.new_item(self.state, biblio_id, fields)
        if isinstance(result, Response):
            raise ValueError(result.body.decode("utf-8"))
        return result

    def add_patron(self, **fields: Any) -> Doc:
        """Add a patron (API field names, ``extended_attributes`` allowed) without HTTP."""
        result = routes_patrons.new_patron(self.state, fields)
        if isinstance(result, Response):
            raise ValueError(result.body.decode("utf-8"))
        return result

    def add_library(self, library_id: str, name: str) -> None:
        self.state.put("library", library(library_id, name))

    def remove_code(self, list_name: str, code: str) -> None:
        """Delete a library (``"library"``), an item type (``"item_type"``) or an
        authorised value (``"CCODE"``, ``"LOC"`` …), to play a Koha set up otherwise."""
        if list_name in ("library", "item_type"):
            assert self.state.delete(list_name, code) is not None, (list_name, code)
            return
        found = [av for av in self.state.all("authorised_value")
                 if av["category_name"] == list_name and av["value"] == code]
        assert found, (list_name, code)
        for av in found:
            self.state.delete("authorised_value", av["authorised_value_id"])

    def set_balance(self, patron_id: int, amount: float) -> None:
        """Seed what a patron owes (the ``account_balance`` embed of GET /patrons)."""
        routes_patrons.set_balance(self.state, patron_id, amount)

    def seed_checkout(self, patron_id: int, item_id: int, **options: Any) -> Doc:
        """A current checkout, or a returned one with ``checked_in=True``; options:
        ``checkout_date``, ``due_date``, ``checkin_date`` (datetimes), ``library_id``."""
        return routes_reference.seed_checkout(self.state, patron_id, item_id, **options)

    def return_checkout(self, checkout_id: int, when: dt.datetime | None = None) -> Doc:
        """Check a loan in (it moves to the old checkouts, as in Koha)."""
        return routes_reference.return_checkout(self.state, checkout_id, when=when)

    def renew_checkout(self, checkout_id: int, due_date: dt.datetime) -> Doc:
        return routes_reference.renew_checkout(self.state, checkout_id, due_date)

    def change_item(self, item_id: int, **fields: Any) -> Doc:
        """Change item columns as the staff interface would (``timestamp`` moves on)."""
        return routes_items.change_item(self.state, item_id, fields)

    def delete_item(self, item_id: int) -> None:
        """Delete an item as DELETE /items/{id} would (no loan checks)."""
        if self.state.delete("item", item_id) is None:
            raise KeyError(f"no item {item_id}")
