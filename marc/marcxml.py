"""MARCXML records from files made elsewhere, streamed; a record that is not MARC is skipped.

A ``<record>`` whose leader, tags, indicators or subfield codes are not MARC21 is skipped
and reported (record number, line, reason), like an unreadable ISO 2709 record. XML that is
not well-formed cannot be read past the error: it stops the read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO
from xml.sax import SAXException, make_parser
from xml.sax.handler import feature_namespaces
from xml.sax.xmlreader import Locator

from pymarc import Record
from pymarc.exceptions import PymarcException
from pymarc.marcxml import XmlHandler

from marc.iso2709 import MarcReadReport, SkippedRecord, UnreadableRecord

_CHUNK = 1 << 16
_TAG = re.compile(r"[0-9A-Za-z]{3}")
_INDICATOR = re.compile(r"[0-9a-z ]")
_CODE = re.compile(r"[!-~]")  # one visible ASCII character


class BrokenXml(Exception):
    """MARCXML that is not well-formed: nothing after the error can be read."""


class _Handler(XmlHandler):
    """pymarc's handler, keeping each finished record with its problem (None if good)."""

    def __init__(self) -> None:
        super().__init__(normalize_form="NFC")
        self.done: list[tuple[int, Record | None, str | None]] = []  # (line, record, problem)
        self._line = 0
        self._problem: str | None = None
        self._locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self._locator = locator

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        if name[1] == "record":
            self._line = (self._locator.getLineNumber() or 0) if self._locator else 0
            self._problem = None
        if self._problem is None:
            try:
                super().startElementNS(name, qname, attrs)
            except (KeyError, ValueError, PymarcException) as exc:
                self._problem = f"phần tử <{name[1]}> hỏng ({type(exc).__name__}: {exc})"

    def endElementNS(self, name: Any, qname: Any) -> None:
        if name[1] == "record" and self._record is not None:
            problem = self._problem or _problem(self._record)
            self.done.append((self._line, None if problem else self._record, problem))
            self._record = None
            self._field = None
            self._subfield_code = None
            self._text = []
            return
        if self._problem is None and name[1] == "leader":
            leader = "".join(self._text)
            if len(leader) != 24:
                self._problem = f"đầu biểu (leader) có {len(leader)} ký tự, cần 24"
        if self._problem is None:
            try:
                super().endElementNS(name, qname)
            except (KeyError, ValueError, PymarcException) as exc:
                self._problem = f"phần tử <{name[1]}> hỏng ({type(exc).__name__}: {exc})"

    def process_record(self, record: Record) -> None:
        """Never called: finished records are judged in ``endElementNS``."""


def _problem(record: Record) -> str | None:
    """Why a parsed record is not MARC21, in Vietnamese (None if it is)."""
    leader = str(record.leader)
    if len(leader) != 24:
        return f"đầu biểu (leader) có {len(leader)} ký tự, cần 24"
    if not record.fields:
        return "bản ghi không có trường nào"
    for field in record.fields:
        if not _TAG.fullmatch(field.tag or ""):
            return f"nhãn trường không hợp lệ: {field.tag!r}"
        if field.control_field:
            continue
        indicators = field.indicators or ("", "")
        if not all(_INDICATOR.fullmatch(i or "") for i in indicators):
            return (f"trường {field.tag}: chỉ thị không hợp lệ ({''.join(indicators)!r}, "
                    "cần 0-9, a-z hoặc khoảng trắng)")
        for sub in field.subfields:
            if not _CODE.fullmatch(sub.code or ""):
                return f"trường {field.tag}: mã trường con không hợp lệ ({sub.code!r})"
    return None


def iter_marcxml(
    handle: BinaryIO, report: MarcReadReport, *, strict: bool = False
) -> Iterator[Record]:
    """The good records of a MARCXML file (NFC); raise :class:`BrokenXml` when not well-formed.

    With ``strict``, the first record that is not MARC raises :class:`UnreadableRecord`.
    """
    handler = _Handler()
    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    if isinstance(parser, Locator):  # expat tells lines; it gives no locator when fed
        handler.setDocumentLocator(parser)
    while True:
        chunk = handle.read(_CHUNK)
        try:
            if chunk:
                parser.feed(chunk)  # type: ignore[attr-defined]
            else:
                parser.close()  # type: ignore[attr-defined]
        except SAXException as exc:
            raise BrokenXml(
                f"MARCXML hỏng sau bản ghi số {report.read + len(handler.done)} ({exc})"
            ) from exc
        for line, record, problem in handler.done:
            report.read += 1
            if record is not None:
                record.leader.coding_scheme = "a"
                yield record
                continue
            skipped = SkippedRecord(report.read, None, problem or "", line=line)
            if strict:
                raise UnreadableRecord(skipped)
            report.skipped.append(skipped)
        handler.done.clear()
        if not chunk:
            return
