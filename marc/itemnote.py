"""The delivery note that each item carries in Koha (952 $x, REST ``internal_notes``).

It is the bridge between a delivery and the registers: the sổ đăng ký tổng quát is
rebuilt from Koha alone by reading it back. Format (Vietnamese, readable by staff)::

    koha-bridge: chứng từ 131/PGH ngày 02/10/2025; số vào sổ TQ 12

Every part is optional except the prefix; ``parse_delivery_note`` reads what
``format_delivery_note`` writes and returns None for any other note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PREFIX = "koha-bridge:"

_DOCUMENT = re.compile(r"chứng từ (?P<doc>.+?)(?= ngày \d|;|$)")
_DATE = re.compile(r"ngày (?P<d>\d{2})/(?P<m>\d{2})/(?P<y>\d{4})")
_REGISTER = re.compile(r"số vào sổ TQ (?P<n>\d+)")


@dataclass(frozen=True)
class DeliveryNote:
    """A delivery document as an item remembers it."""

    document: str | None = None  # the note's number, e.g. "131/PGH"
    date: date | None = None  # the note's date (also 952 $d)
    register_number: int | None = None  # its running "số vào sổ tổng quát"


def document_text(document: str) -> str:
    """A document number as the note keeps it: single spaces, no ``;`` (the separator)."""
    return " ".join(document.replace(";", ",").split())


def format_delivery_note(note: DeliveryNote) -> str:
    """The 952 $x text for a copy of this delivery."""
    head = []
    if note.document:
        head.append(f"chứng từ {document_text(note.document)}")
    if note.date:
        head.append(f"ngày {note.date:%d/%m/%Y}")
    parts = [" ".join(head)] if head else []
    if note.register_number is not None:
        parts.append(f"số vào sổ TQ {note.register_number}")
    return f"{PREFIX} " + "; ".join(parts)


def parse_delivery_note(text: str | None) -> DeliveryNote | None:
    """The delivery note in a 952 $x written by ``format_delivery_note``; None otherwise."""
    if not text:
        return None
    start = text.find(PREFIX)
    if start < 0:
        return None
    body = text[start + len(PREFIX):]
    document = _DOCUMENT.search(body)
    when = _DATE.search(body)
    register = _REGISTER.search(body)
    if not (document or when or register):
        return None
    day = None
    if when:
        try:
            day = date(int(when["y"]), int(when["m"]), int(when["d"]))
        except ValueError:
            day = None
    return DeliveryNote(
        document=document["doc"].strip() if document else None,
        date=day,
        register_number=int(register["n"]) if register else None,
    )
