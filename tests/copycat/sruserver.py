"""A small SRU server on 127.0.0.1 for the tests: ``searchRetrieve`` by ISBN.

Answers in the standard SRU 1.1 form (``http://www.loc.gov/zing/srw/``) with MARC21
slim records (``recordSchema=marcxml``) from an in-memory ``{isbn: 082 $a or None}``
catalogue; an unknown ISBN gives ``numberOfRecords`` 0, a bad query a diagnostic.
Counts the requests it served; ``delay`` makes it slow (timeouts).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

_QUERY = re.compile(r'^bath\.isbn\s*=\s*"?(\d{10,13})"?$')


@dataclass
class Catalogue:
    numbers: dict[str, str | None]  # ISBN → 082 $a (None: a record without 082)
    delay: float = 0.0
    requests: list[dict[str, list[str]]] = field(default_factory=list)


def _record(isbn: str, number: str | None) -> str:
    datafields = f"""
      <datafield tag="020" ind1=" " ind2=" "><subfield code="a">{isbn}</subfield></datafield>
      <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Sách mẫu</subfield></datafield>"""
    if number is not None:
        datafields += f"""
      <datafield tag="082" ind1="0" ind2="4"><subfield code="a">{escape(number)}</subfield>
        <subfield code="2">23</subfield></datafield>"""
    return f"""<record xmlns="http://www.loc.gov/MARC21/slim">
      <leader>00000nam a2200000 a 4500</leader>{datafields}
    </record>"""


def response(catalogue: Catalogue, query: str) -> str:
    found = _QUERY.match(query)
    if found is None:
        return """<?xml version="1.0" encoding="UTF-8"?>
<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/">
  <zs:version>1.1</zs:version>
  <zs:diagnostics><diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/">
    <diag:uri>info:srw/diagnostic/1/10</diag:uri><diag:message>Query syntax error</diag:message>
  </diag:diagnostic></zs:diagnostics>
</zs:searchRetrieveResponse>"""
    isbn = found.group(1)
    records = ""
    count = 0
    if isbn in catalogue.numbers:
        count = 1
        records = f"""<zs:records><zs:record>
      <zs:recordSchema>marcxml</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking>
      <zs:recordData>{_record(isbn, catalogue.numbers[isbn])}</zs:recordData>
      <zs:recordPosition>1</zs:recordPosition></zs:record></zs:records>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/">
  <zs:version>1.1</zs:version><zs:numberOfRecords>{count}</zs:numberOfRecords>{records}
</zs:searchRetrieveResponse>"""


@contextmanager
def sru_server(catalogue: Catalogue) -> Iterator[str]:
    """Serve the catalogue on a free port of 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = parse_qs(url.query)
            catalogue.requests.append(params)
            if catalogue.delay:
                time.sleep(catalogue.delay)
            if url.path != "/sru" or params.get("operation") != ["searchRetrieve"]:
                self.send_error(404)
                return
            body = response(catalogue, params.get("query", [""])[0]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sru"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
