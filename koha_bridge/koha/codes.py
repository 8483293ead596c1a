"""Koha's code lists (libraries, item types, collections, locations) against ours.

``KohaCodes`` reads each list once (one paged GET per list, only for the kinds asked
about) and keeps it for the run. ``missing_codes`` compares the codes we use, each with
where it comes from, and names every code Koha lacks together with what to change:
the key of the config file, or the menu of Koha. Used by the push preflight and by
``koha-bridge koha check``; it only reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from koha_bridge.config import Config
from koha_bridge.exceptions import KohaNotFoundError
from koha_bridge.koha.api import KohaApi

Kind = Literal["library", "item_type", "collection", "location"]
KINDS: tuple[Kind, ...] = ("library", "item_type", "collection", "location")

KIND_VI: dict[Kind, str] = {
    "library": "thư viện",
    "item_type": "kiểu tài liệu",
    "collection": "bộ sưu tập (CCODE)",
    "location": "vị trí kho (LOC)",
}
KOHA_MENU: dict[Kind, str] = {
    "library": "Quản trị › Thư viện",
    "item_type": "Quản trị › Kiểu tài liệu",
    "collection": "Quản trị › Giá trị định sẵn › CCODE",
    "location": "Quản trị › Giá trị định sẵn › LOC",
}
SHOWN_KNOWN = 12  # Koha's codes listed in a fix, at most
AUTHORISED_CATEGORY: dict[Kind, str] = {"collection": "CCODE", "location": "LOC"}
CATEGORY_KEY: dict[Kind, str] = {
    "item_type": "item_type", "collection": "collection", "location": "location",
}


@dataclass(frozen=True)
class CodeUse:
    """One code we send to Koha and where it comes from (a config key or the source)."""

    kind: Kind
    code: str
    where: str  # "[school] library_id", "[categories.TK] item_type", "952 $y (3 bản)" …


@dataclass(frozen=True)
class MissingCode:
    """A code Koha does not know, with every place that uses it."""

    kind: Kind
    code: str
    where: tuple[str, ...]
    known: tuple[str, ...] = ()  # the codes of this kind Koha has

    @property
    def message(self) -> str:
        return f"Koha không có {KIND_VI[self.kind]} mã {self.code} (dùng ở {', '.join(self.where)})"

    @property
    def fix(self) -> str:
        keys = [w for w in self.where if w.startswith("[")]
        options = [w for w in self.where if w.startswith("--")]
        if keys:
            change = f"Sửa {' và '.join(keys)} trong tệp cấu hình"
        elif options:
            change = f"Sửa mã đưa cho {' và '.join(options)}"
        else:
            change = f"Sửa mã {self.code} trong tệp nguồn"
        if self.known:
            shown = ", ".join(self.known[:SHOWN_KNOWN])
            more = " …" if len(self.known) > SHOWN_KNOWN else ""
            change += f" (Koha có: {shown}{more})"
        return (f"{change}, hoặc tạo {KIND_VI[self.kind]} {self.code} trong "
                f"Koha ({KOHA_MENU[self.kind]})")


class KohaCodes:
    """Koha's code lists, each fetched at most once per run."""

    def __init__(self, api: KohaApi) -> None:
        self.api = api
        self._known: dict[Kind, dict[str, str]] = {}

    def known(self, kind: Kind) -> dict[str, str]:
        """Koha's codes of one kind, each with its name."""
        if kind not in self._known:
            self._known[kind] = dict(self._fetch(kind))
        return self._known[kind]

    def _fetch(self, kind: Kind) -> Iterable[tuple[str, str]]:
        if kind == "library":
            return ((str(r.get("library_id")), str(r.get("name") or ""))
                    for r in self.api.libraries())
        if kind == "item_type":
            return ((str(r.get("item_type_id")), str(r.get("description") or ""))
                    for r in self.api.item_types())
        try:
            rows = self.api.authorised_values(AUTHORISED_CATEGORY[kind])
        except KohaNotFoundError:  # the category itself is missing: no value is known
            return ()
        return ((str(r.get("value")), str(r.get("description") or "")) for r in rows)


def missing_codes(uses: Iterable[CodeUse], codes: KohaCodes) -> list[MissingCode]:
    """Every used code Koha lacks, in the order of ``KINDS`` then of first use."""
    places: dict[tuple[Kind, str], list[str]] = {}
    for use in uses:
        where = places.setdefault((use.kind, use.code), [])
        if use.where not in where:
            where.append(use.where)
    found = []
    for kind in KINDS:
        wanted = [(code, where) for (k, code), where in places.items() if k == kind]
        if not wanted:
            continue
        known = codes.known(kind)
        found += [MissingCode(kind, code, tuple(where), tuple(sorted(known)))
                  for code, where in wanted if code not in known]
    return found


def config_uses(config: Config, library_id: str | None = None) -> list[CodeUse]:
    """The codes the config makes us send: the school's library and each category's."""
    uses = [CodeUse("library", library_id or config.school.library_id,
                    "--library" if library_id else "[school] library_id")]
    for category in config.categories:
        for kind, key in CATEGORY_KEY.items():
            code = getattr(category, key)
            if code:
                uses.append(CodeUse(kind, code, f"[categories.{category.code}] {key}"))
    return uses


def config_keys(config: Config, kind: Kind, code: str) -> list[str]:
    """The config keys that set ``code`` for ``kind`` (where to change it)."""
    if kind == "library":
        return ["[school] library_id"] if code == config.school.library_id else []
    key = CATEGORY_KEY[kind]
    return [f"[categories.{c.code}] {key}" for c in config.categories
            if getattr(c, key) == code]
