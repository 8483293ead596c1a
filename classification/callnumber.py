"""Call numbers (ký hiệu xếp giá): class number, author mark, year, volume."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pymarc import Record

from marc.errors import ConfigError

CALL_NUMBER_PARTS = frozenset({"classification", "author_mark", "year", "volume"})
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2\d\d\d)(?!\d)")
_NUMBERED = re.compile(r"^(?:\d+|[IVXLC]+)\b")
_VOLUME_WORD = re.compile(
    r"^(?:tập|tap|quyển|quyen|cuốn|cuon|vol(?:ume)?|tome|t|q)\s*\.?\s*", re.IGNORECASE
)


def check_parts(parts: Sequence[str]) -> None:
    """Fail early on an unknown ``call_number_parts`` entry."""
    unknown = [p for p in parts if p not in CALL_NUMBER_PARTS]
    if unknown:
        raise ConfigError(
            f"[classification] call_number_parts: không hiểu {', '.join(unknown)}; "
            f"dùng {', '.join(sorted(CALL_NUMBER_PARTS))}"
        )


def publication_year(record: Record) -> str | None:
    """The four-digit year of 264 (publication first) or 260 $c, else 008/07-10."""
    fields = sorted(record.get_fields("264"), key=lambda f: f.indicator2 != "1")
    for field in [*fields, *record.get_fields("260")]:
        for value in field.get_subfields("c"):
            found = _YEAR.search(value)
            if found:
                return found.group()
    f008 = record.get("008")
    if f008 is not None and f008.data and _YEAR.fullmatch(f008.data[7:11]):
        return f008.data[7:11]
    return None


def volume_of(record: Record) -> str | None:
    """245 $n as catalogued ("Tập 1"), None when there is none."""
    field = record.get("245")
    if field is None:
        return None
    value = " ".join(field.get_subfields("n")).strip(" .,;:")
    return value or None


def format_volume(volume: str | None, prefix: str) -> str | None:
    """"Tập 1" → "T.1" (with ``prefix``); "Quyển II" → "T.II"; "3" → "T.3"."""
    if not volume:
        return None
    volume = volume.strip()
    rest = _VOLUME_WORD.sub("", volume, count=1).strip(" .,;:")
    if rest == volume and not _NUMBERED.match(rest):
        return volume  # "Phần đầu": no volume word, no number: keep as catalogued
    return f"{prefix}{rest}" if rest else None


def call_number(
    class_number: str | None,
    mark: str | None,
    *,
    year: str | None,
    volume: str | None,
    parts: Sequence[str],
    volume_prefix: str,
) -> str:
    """The parts named in ``parts`` that have a value, in that order, joined by one space."""
    values = {
        "classification": class_number,
        "author_mark": mark,
        "year": year,
        "volume": format_volume(volume, volume_prefix),
    }
    return " ".join(v for v in (values.get(p) for p in parts) if v)
