"""A minimal SRU client: ``searchRetrieve`` by ISBN, MARCXML records back.

Speaks SRU 1.1/1.2 (``http://www.loc.gov/zing/srw/``) and 2.0
(``http://docs.oasis-open.org/ns/search-ws/sruResponse``) responses whose records are
MARC21 slim XML (``recordSchema=marcxml``). One ``requests.Session`` per client, with
the configured timeout and no proxy or netrc from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from lxml import etree

from koha_bridge import __version__
from koha_bridge.copycat.target import SruTarget
from koha_bridge.exceptions import KohaBridgeError

__all__ = ["CopiedFields", "SruClient", "SruError", "SruTarget", "parse_response"]

MARC = "http://www.loc.gov/MARC21/slim"
_RECORDS = (
    "{http://www.loc.gov/zing/srw/}records",
    "{http://docs.oasis-open.org/ns/search-ws/sruResponse}records",
)
_DIAGNOSTIC = "{http://www.loc.gov/zing/srw/diagnostic/}message"


class SruError(KohaBridgeError):
    """A target that did not answer, or answered something that is not SRU."""


@dataclass(frozen=True)
class CopiedFields:
    """What one record of a target says: its 082 $a (first) and edition ($2)."""

    class_number: str | None
    edition: str | None
    record_xml: str


class SruClient:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy variables or .netrc: the config decides
        self.session.headers["User-Agent"] = f"koha-bridge/{__version__}"

    def close(self) -> None:
        self.session.close()

    def search_isbn(self, target: SruTarget, isbn: str) -> CopiedFields | None:
        """The first MARC record for this ISBN, None when the target has none."""
        params = {
            "version": target.version,
            "operation": "searchRetrieve",
            "query": f'{target.index}="{isbn}"',
            "maximumRecords": "1",
            "recordSchema": target.record_schema,
        }
        try:
            response = self.session.get(target.url, params=params, timeout=self.timeout)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise SruError(f"{target.name}: không truy vấn được SRU ({exc})") from exc
        return parse_response(response.content, target.name)


def parse_response(body: bytes, target: str) -> CopiedFields | None:
    """The first MARC record of a searchRetrieve response (None: no record)."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise SruError(f"{target}: câu trả lời không phải XML ({exc})") from exc
    diagnostic = root.find(f".//{_DIAGNOSTIC}")
    if diagnostic is not None:
        raise SruError(f"{target}: máy chủ SRU báo lỗi: {diagnostic.text}")
    if not any(root.find(f".//{tag}") is not None for tag in _RECORDS) and root.tag not in (
        "{http://www.loc.gov/zing/srw/}searchRetrieveResponse",
        "{http://docs.oasis-open.org/ns/search-ws/sruResponse}searchRetrieveResponse",
    ):
        raise SruError(f"{target}: câu trả lời không phải searchRetrieveResponse")
    record = root.find(f".//{{{MARC}}}record")
    if record is None:
        return None
    number = edition = None
    for field in record.iterfind(f"{{{MARC}}}datafield[@tag='082']"):
        for sub in field.iterfind(f"{{{MARC}}}subfield"):
            if sub.get("code") == "a" and number is None and sub.text:
                number = sub.text.strip()
            elif sub.get("code") == "2" and edition is None and sub.text:
                edition = sub.text.strip()
        if number:
            break
    return CopiedFields(number, edition, etree.tostring(record, encoding="unicode"))
