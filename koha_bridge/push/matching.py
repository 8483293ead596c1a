"""Matching our titles with biblios already in Koha.

The rule: the same ISBN (any 020 $a of ours among the ISBNs Koha copied from 020 $a,
compared as ISBN-13 so that ``604-1-23456-7`` equals ``9786041234567``), or, for a title
without an ISBN, the same folded title + author + year. Koha's REST API has no catalogue
search, so matches come from the local index (built from earlier pushes and refreshable
from Koha's paged biblio list) and from ``q`` filters on the biblio columns; Koha's own
duplicate finder on ``POST /biblios`` is the last net.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import isbnlib
from pymarc import Record

from marc.names import fold

_YEAR = re.compile(r"\d{4}")
_JOINERS = re.compile(r"[\s\-‐‑–]+")
_CODE = re.compile(r"(?<!\d)(?:97[89]\d{10}|\d{9}[\dX])(?![\dX])")


def match_key(title: str | None, author: str | None, year: str | int | None) -> str:
    found = _YEAR.search(str(year)) if year else None
    return "|".join((fold(title or ""), fold(author or ""), found.group(0) if found else ""))


def isbn_key(text: str) -> str | None:
    """The ISBN-13 digits of an 020 $a value (``978-604-1-23456-7 (tập 1)`` too), or None."""
    match = _CODE.search(_JOINERS.sub("", text.upper()))
    if match is None:
        return None
    code = match.group(0)
    if len(code) == 10:
        return isbnlib.to_isbn13(code) or None
    return code


def isbn_pattern(isbn13: str) -> str:
    """A ``-like`` pattern that finds this ISBN however Koha stores it.

    Koha copies 020 $a as typed (hyphens, ISBN-10 or -13), and its ``q`` filter does no
    ISBN normalisation: the nine core digits with ``%`` between them match every form;
    false hits are dropped by comparing :func:`isbn_key` values afterwards.
    """
    return "%" + "%".join(isbn13[3:12]) + "%"


@dataclass(frozen=True)
class TitleFacts:
    """What matching needs to know about one of our records."""

    record_id: str
    title: str
    author: str
    year: str
    isbns: tuple[str, ...]
    main_title: str = ""  # 245 $a alone: what Koha's ``title`` column holds

    @property
    def key(self) -> str:
        return match_key(self.title, self.author, self.year)


def _isbns(values: list[str]) -> tuple[str, ...]:
    keys = (isbn_key(v) for v in values)
    return tuple(dict.fromkeys(k for k in keys if k))


def record_facts(record: Record) -> TitleFacts:
    title_field = record.get("245")
    title = " ".join(title_field.get_subfields("a", "n", "p")) if title_field else ""
    main_title = (title_field.get("a") or "") if title_field else ""
    author = ""
    for tag in ("100", "110", "111"):
        field = record.get(tag)
        if field is not None and field.get("a"):
            author = field.get("a") or ""
            break
    year = ""
    for tag in ("264", "260"):
        field = record.get(tag)
        if field is not None and field.get("c"):
            year = field.get("c") or ""
            break
    isbns = _isbns([v for f in record.get_fields("020") for v in f.get_subfields("a")])
    control = record.get("001")
    record_id = control.data if control is not None and control.data else ""
    return TitleFacts(
        record_id, _strip_isbd(title), _strip_isbd(author), year, isbns, _strip_isbd(main_title)
    )


def koha_facts(biblio: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """ISBNs and match key of a biblio from Koha's JSON view."""
    isbns = _isbns(str(biblio.get("isbn") or "").split("|"))
    title = " ".join(
        str(biblio[k]) for k in ("title", "part_number", "part_name") if biblio.get(k)
    )
    year = biblio.get("copyright_date") or biblio.get("publication_year") or ""
    return isbns, match_key(_strip_isbd(title), _strip_isbd(biblio.get("author") or ""), year)


def same_title(ours: TitleFacts, biblio: dict[str, Any]) -> bool:
    """True if a Koha biblio is this title: a shared ISBN, or (no ISBN) the same key."""
    isbns, key = koha_facts(biblio)
    if ours.isbns:
        return bool(set(isbns) & set(ours.isbns))
    return bool(fold(ours.title)) and key == ours.key


def same_accession(ours: str | None, theirs: Any) -> bool:
    """The same accession number (952 $i / ``inventory_number``); both empty counts too."""
    return (ours or "").strip().casefold() == str(theirs or "").strip().casefold()


def _strip_isbd(text: str) -> str:
    return text.strip().rstrip(" /:;,.=").strip()
