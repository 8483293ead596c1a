"""Publisher catalogue forms and places of publication (260/264 $a $b).

Known publishers and their aliases come from ``data/publishers-vn.csv`` (a copy of the
shared domain file). Otherwise "NXB"/"Nxb."/"Nhà xuất bản" is stripped, except when the
bare name is a place (``Nxb. Hà Nội``): places are listed in ``data/places-vn.csv``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from marc.names import clean, fold

_NXB = re.compile(r"^(?:nhà\s+xuất\s+bản|n\.?\s?x\.?\s?b)\.?\s*", re.IGNORECASE)
_HANOI = "Hà Nội"
_HCMC = "Thành phố Hồ Chí Minh"
# Folded written forms → full place name, used when config.expand_places is on.
_EXPANSIONS: dict[str, str] = {
    "h": _HANOI,
    "hn": _HANOI,
    "ha noi": _HANOI,
    "tp hcm": _HCMC,
    "tphcm": _HCMC,
    "hcm": _HCMC,
    "tp ho chi minh": _HCMC,
    "thanh pho ho chi minh": _HCMC,
}


@dataclass(frozen=True)
class Publisher:
    """One row of ``publishers-vn.csv``."""

    full_name: str
    catalogue_form: str
    default_place: str
    place_abbrev: str


@lru_cache(maxsize=1)
def _index() -> dict[str, Publisher]:
    """Folded full name, catalogue form and every alias → publisher."""
    text = resources.files("marc").joinpath("data/publishers-vn.csv").read_text("utf-8")
    index: dict[str, Publisher] = {}
    for row in csv.DictReader(text.splitlines()):
        publisher = Publisher(
            clean(row["full_name"]),
            clean(row["catalogue_form"]),
            clean(row["default_place"]),
            clean(row["place_abbrev"]),
        )
        names = [publisher.full_name, publisher.catalogue_form, *row["aliases"].split("|")]
        for name in names:
            if name.strip():
                index.setdefault(fold(name), publisher)
    return index


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    text = resources.files("marc").joinpath("data/places-vn.csv").read_text("utf-8")
    return frozenset(fold(row["name"]) for row in csv.DictReader(text.splitlines()))


@lru_cache(maxsize=4096)
def publisher_form(text: str) -> tuple[str, Publisher | None]:
    """Catalogue form of a publisher cell and the known publisher it matched, if any."""
    text = clean(text)
    index = _index()
    known = index.get(fold(text))
    if known is None:
        bare = _NXB.sub("", text).strip(" .,:-")
        known = index.get(fold(bare))
        if known is None:
            if not bare:
                return text, None
            if fold(bare) in _places():
                return f"Nxb. {bare}", None
            return bare, None
    return known.catalogue_form, known


def place_form(place: str, publisher: Publisher | None, *, expand: bool) -> str | None:
    """The place as written, else the publisher's default; expanded when asked."""
    place = clean(place)
    if not place and publisher is not None:
        place = publisher.place_abbrev
    if not place:
        return None
    if expand:
        return _EXPANSIONS.get(fold(place), place)
    return place
