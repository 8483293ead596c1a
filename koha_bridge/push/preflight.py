"""The push preflight: checked before the first write to Koha, and nothing is sent if it fails.

Two checks, all problems reported together:

- every copy belongs to the library this push is for: each 952 ``$a``/``$b`` equals
  ``[school] library_id``, or the code given with ``--library`` (a list made for another
  school's library is refused, not pushed);
- every library, item type (952 ``$y``, 942 ``$c``), collection (952 ``$8``) and shelving
  location (952 ``$c``) code the records use exists in Koha, each Koha list read once.
  Koha would otherwise answer each copy of an unknown library with a bare HTTP 500
  (a foreign-key error) after the titles were already created.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pymarc import Record

from koha_bridge.config import Config
from koha_bridge.koha.codes import CodeUse, Kind, KohaCodes, config_keys, missing_codes

# (tag, subfield) → the kind of code it holds
CODED: dict[tuple[str, str], Kind] = {
    ("952", "a"): "library", ("952", "b"): "library", ("952", "y"): "item_type",
    ("942", "c"): "item_type", ("952", "8"): "collection", ("952", "c"): "location",
}


@dataclass(frozen=True)
class Problem:
    """One reason not to push, and what to change (Vietnamese)."""

    message: str
    fix: str


def preflight(
    records: Iterable[Record], config: Config, codes: KohaCodes, *, library: str | None = None
) -> list[Problem]:
    """Every reason the records cannot be pushed yet (empty: go ahead)."""
    expected = library or config.school.library_id
    source = "--library" if library else "[school] library_id"
    counts = _coded_values(records)
    problems: list[Problem] = []
    uses = [CodeUse("library", expected, source)]
    for (tag, code, kind, value), n in counts.items():
        if kind == "library" and value != expected:
            problems.append(_other_library(tag, code, value, n, expected, source))
            continue
        where = config_keys(config, kind, value) if kind != "library" else [source]
        uses += [CodeUse(kind, value, w) for w in where]
        uses.append(CodeUse(kind, value, f"{tag} ${code} ({n} {_unit(tag)})"))
    problems += [Problem(m.message, m.fix) for m in missing_codes(uses, codes)]
    return problems


def _coded_values(records: Iterable[Record]) -> Counter[tuple[str, str, Kind, str]]:
    counts: Counter[tuple[str, str, Kind, str]] = Counter()
    for record in records:
        for (tag, code), kind in CODED.items():
            for field in record.get_fields(tag):
                value = (field.get(code) or "").strip()
                if value:
                    counts[(tag, code, kind, value)] += 1
    return counts


def _unit(tag: str) -> str:
    return "bản" if tag == "952" else "biểu ghi"


def _other_library(
    tag: str, code: str, value: str, n: int, expected: str, source: str
) -> Problem:
    return Problem(
        f"{n} bản có {tag} ${code} = {value}, không phải thư viện {expected} của lần đẩy "
        f"này ({source})",
        f"Nếu đúng là đẩy vào thư viện {value}, chạy lại với --library {value}; nếu không, "
        f"sửa {tag} ${code} trong tệp nguồn (hoặc [school] library_id rồi chuyển đổi lại "
        "danh sách)",
    )
