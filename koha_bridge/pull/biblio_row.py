"""The register facts of one MARC21 biblio as Koha stores it (MARCXML from GET /biblios)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pymarc
from pymarc import Record

from koha_bridge.push.matching import isbn_key, record_facts

_YEAR = re.compile(r"\d{4}")
_GRADE = re.compile(r"(?i)^\s*(?:lớp|khối)\s*(\d{1,2})\b")
_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")

BIBLIO_COLUMNS = (
    "biblio_id", "isbn", "match_key", "title", "responsibility", "author", "publisher",
    "place", "year", "edition", "class_number", "language", "subject", "grade", "series",
    "timestamp",
)


def parse_collection(body: bytes) -> list[Record]:
    """The records of a MARCXML collection (one page of GET /biblios)."""
    if not body.strip():
        return []
    return [r for r in pymarc.parse_xml_to_array(io.BytesIO(body)) if r is not None]


def _clean(text: str | None) -> str | None:
    """The value without trailing ISBD punctuation; an abbreviation keeps its dot (H.)."""
    if text is None:
        return None
    value = " ".join(text.split()).rstrip(" /:;,=")
    last = value.rsplit(" ", 1)[-1].rstrip(".")
    if value.endswith(".") and not (last.isalpha() and len(last) <= 2):
        value = value.rstrip(".")
    return value.strip() or None


def _first(record: Record, *specs: str) -> str | None:
    """The first non-empty value among ``tag+code`` specs, ISBD punctuation removed."""
    for spec in specs:
        for field in record.get_fields(spec[:3]):
            for value in field.get_subfields(spec[3:]):
                cleaned = _clean(value)
                if cleaned:
                    return cleaned
    return None


def _control(record: Record, tag: str) -> str:
    field = record.get(tag)
    return (field.data or "") if field is not None and field.is_control_field() else ""


def biblio_id_of(record: Record) -> int | None:
    """Koha's biblionumber, which it writes into 999 $c."""
    value = _first(record, "999c")
    return int(value) if value and value.isdigit() else None


def _title(record: Record) -> str | None:
    field = record.get("245")
    if field is None:
        return None
    parts = [sf.value for sf in field.subfields if sf.code in "abnp" and sf.value.strip()]
    return _clean(" ".join(parts))


def _publication(record: Record) -> Any:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"]
    fields = fields or record.get_fields("260") or record.get_fields("264")
    return fields[0] if fields else None


def _year(record: Record, publication: Any) -> str | None:
    for value in publication.get_subfields("c") if publication is not None else ():
        found = _YEAR.search(value)
        if found:
            return found.group(0)
    dates = _control(record, "008")[7:11]
    return dates if dates.isdigit() else None


def _language(record: Record) -> str | None:
    code = _control(record, "008")[35:38].strip()
    if len(code) == 3 and code.isalpha():
        return code.lower()
    return _first(record, "041a")


def _grade(record: Record) -> str | None:
    note = _first(record, "521a")
    if note is None:
        return None
    found = _GRADE.match(note)
    return found.group(1) if found else note


def _timestamp(record: Record) -> str | None:
    found = _STAMP.match(_control(record, "005"))
    if found is None:
        return None
    y, mo, d, h, mi, s = found.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def biblio_row(record: Record) -> dict[str, Any] | None:
    """The ``koha_biblios`` columns of a record, or None without a 999 $c."""
    biblio_id = biblio_id_of(record)
    if biblio_id is None:
        return None
    publication = _publication(record)
    isbns = [v.strip() for f in record.get_fields("020") for v in f.get_subfields("a")
             if v.strip()]

    def sub(code: str) -> str | None:
        return _clean(publication.get(code)) if publication is not None else None

    return {
        "biblio_id": biblio_id,
        "isbn": " | ".join(isbns) or None,
        "match_key": record_facts(record).key,
        "title": _title(record),
        "responsibility": _first(record, "245c"),
        "author": _first(record, "100a", "110a", "111a", "700a", "710a"),
        "publisher": sub("b"),
        "place": sub("a"),
        "year": _year(record, publication),
        "edition": _first(record, "250a"),
        "class_number": _first(record, "082a", "084a"),
        "language": _language(record),
        "subject": _first(record, "653a", "650a", "658a"),
        "grade": _grade(record),
        "series": _first(record, "490a", "830a"),
        "timestamp": _timestamp(record),
    }


def isbn_keys(row: Mapping[str, Any]) -> list[str]:
    """ISBN-13 keys of a row's ISBNs, for the push's local index of Koha's catalogue."""
    keys = (isbn_key(part) for part in str(row.get("isbn") or "").split("|"))
    return sorted({k for k in keys if k})
