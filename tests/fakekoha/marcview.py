"""MARC in and out of the fake: parsing request bodies, Koha's JSON view, duplicates."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from typing import Any

import pymarc
from pymarc import Field, Indicators, Record, Subfield

MARC_TYPES = ("application/marcxml+xml", "application/marc-in-json", "application/marc")
READ_TYPES = ("application/json", *MARC_TYPES, "text/plain")
_TRAILING = re.compile(r"[\s/:;=,.]+$")


def parse_record(body: bytes, mime: str) -> Record:
    """One record from a request body; ValueError when it yields no usable record."""
    try:
        if mime == "application/marcxml+xml":
            records = pymarc.parse_xml_to_array(io.BytesIO(body))
        elif mime == "application/marc-in-json":
            records = list(pymarc.JSONReader(body.decode("utf-8")))
        else:
            records = list(pymarc.MARCReader(body, to_unicode=True, force_utf8=True))
    except Exception as exc:  # pymarc raises many unrelated types on bad input
        raise ValueError(str(exc)) from exc
    if not records or records[0] is None or not records[0].fields:
        raise ValueError("no record")
    record: Record = records[0]
    for field in record.fields:
        if field.is_control_field():
            field.data = unicodedata.normalize("NFC", field.data or "")
        else:
            field.subfields = [
                Subfield(sf.code, unicodedata.normalize("NFC", sf.value))
                for sf in field.subfields
            ]
    return record


def strip_items(record: Record) -> None:
    """What ModBiblio does before saving: drop every item (952) field."""
    for field in record.get_fields("952"):
        record.remove_field(field)


def stamp_ids(record: Record, biblio_id: int) -> None:
    """Koha writes its own ids into 999 $c/$d when it stores a record."""
    for field in record.get_fields("999"):
        if field.get_subfields("c", "d"):
            record.remove_field(field)
    record.add_ordered_field(Field(
        tag="999",
        indicators=Indicators("f", "f"),
        subfields=[Subfield("c", str(biblio_id)), Subfield("d", str(biblio_id))],
    ))


def to_marcxml(record: Record) -> str:
    return pymarc.record_to_xml(record, namespace=True).decode("utf-8")


def from_marcxml(text: str) -> Record:
    record: Record = pymarc.parse_xml_to_array(io.BytesIO(text.encode("utf-8")))[0]
    return record


def _first(record: Record, *specs: str) -> str | None:
    for spec in specs:
        tag, code = spec[:3], spec[3:]
        for field in record.get_fields(tag):
            for value in field.get_subfields(code):
                if value.strip():
                    return value.strip()
    return None


def _joined(record: Record, tag: str, code: str) -> str | None:
    values = [v.strip() for f in record.get_fields(tag) for v in f.get_subfields(code)]
    values = [v for v in values if v]
    return " | ".join(values) if values else None


def biblio_view(record: Record, biblio_id: int, framework_id: str, stamp: str,
                created: str) -> dict[str, Any]:
    """Koha's JSON view of the biblio/biblioitems columns filled from the MARC."""
    date = _first(record, "260c", "264c")
    year = re.search(r"\d{4}", date or "")
    serial = _first(record, "942s")
    return {
        "biblio_id": biblio_id,
        "framework_id": framework_id,
        "title": _first(record, "245a"),
        "subtitle": _joined(record, "245", "b"),
        "medium": _first(record, "245h"),
        "part_number": _joined(record, "245", "n"),
        "part_name": _joined(record, "245", "p"),
        "author": _first(record, "100a", "110a"),
        "copyright_date": int(year.group(0)) if year else None,
        "isbn": _joined(record, "020", "a"),
        "issn": _joined(record, "022", "a"),
        "publisher": _first(record, "260b", "264b"),
        "publication_place": _first(record, "260a", "264a"),
        "edition_statement": _first(record, "250a"),
        "item_type": _first(record, "942c"),
        "pages": _first(record, "300a"),
        "size": _first(record, "300c"),
        "notes": _joined(record, "500", "a"),
        "abstract": _joined(record, "520", "a"),
        "serial": bool(serial and serial != "0"),
        "timestamp": stamp,
        "creation_date": created,
    }


def isbn_key(text: str) -> str | None:
    """Digits of the first token of an ISBN, as ISBN-13 when it was a valid ISBN-10."""
    token = text.strip().split(" ")[0]
    digits = re.sub(r"[^0-9Xx]", "", token).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        check = (10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits or None


def duplicate_keys(view: dict[str, Any]) -> tuple[frozenset[str], str, str]:
    """(ISBN keys, folded-ready title, author) used by the duplicate finder."""
    isbns = frozenset(
        k for k in (isbn_key(part) for part in (view.get("isbn") or "").split(" | ")) if k
    )
    title = _TRAILING.sub("", view.get("title") or "")
    author = _TRAILING.sub("", view.get("author") or "")
    return isbns, title, author


def render_records(records: list[Record], mime: str, collection: bool) -> bytes:
    """Records in one of Koha's MARC output types (a collection for list routes)."""
    if mime == "application/marcxml+xml":
        if not collection:
            return pymarc.record_to_xml(records[0], namespace=True)
        out = io.BytesIO()
        writer = pymarc.XMLWriter(out)
        for record in records:
            writer.write(record)
        writer.close(close_fh=False)
        return out.getvalue()
    if mime == "application/marc-in-json":
        docs = [json.loads(r.as_json()) for r in records]
        return json.dumps(docs if collection else docs[0], ensure_ascii=False).encode("utf-8")
    if mime == "application/marc":
        return b"".join(r.as_marc() for r in records)
    return "\n".join(str(r) for r in records).encode("utf-8")
