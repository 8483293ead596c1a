"""Thin helpers for the Koha REST routes koha-bridge uses (one method per route).

Each method builds exactly what Koha's OpenAPI spec declares for its route (checked by
tests/koha/test_spec_contract.py) and returns plain JSON data. Connection policy,
retries and errors are ``KohaClient``'s job.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from koha_bridge.koha.client import KohaClient

MARC_TYPES = ("application/marcxml+xml", "application/marc-in-json", "application/marc")

# 952 subfield → REST item key and how its text becomes a JSON value. Subfields Koha
# computes or maintains itself (6 9 l m n q r s) and ones without a REST key (j) are
# never sent.
ITEM_952: dict[str, tuple[str, str]] = {
    "0": ("withdrawn", "int"),
    "1": ("lost_status", "int"),
    "2": ("call_number_source", "str"),
    "3": ("materials_notes", "str"),
    "4": ("damaged_status", "int"),
    "5": ("restricted_status", "int"),
    "7": ("not_for_loan_status", "int"),
    "8": ("collection_code", "str"),
    "a": ("home_library_id", "str"),
    "b": ("holding_library_id", "str"),
    "c": ("location", "str"),
    "d": ("acquisition_date", "date"),
    "e": ("acquisition_source", "str"),
    "f": ("coded_location_qualifier", "str"),
    "g": ("purchase_price", "price"),
    "h": ("serial_issue_number", "str"),
    "i": ("inventory_number", "str"),
    "o": ("callnumber", "str"),
    "p": ("external_id", "str"),
    "t": ("copy_number", "str"),
    "u": ("uri", "str"),
    "v": ("replacement_price", "price"),
    "w": ("replacement_price_date", "date"),
    "x": ("internal_notes", "str"),
    "y": ("item_type_id", "str"),
    "z": ("public_notes", "str"),
}
_PRICE = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


class KohaApi:
    """Endpoint helpers over one ``KohaClient``."""

    def __init__(self, client: KohaClient) -> None:
        self.client = client

    # -- reference data ------------------------------------------------------------

    def api_spec(self) -> Any:
        """``GET /api/v1/``: the OpenAPI document the Koha server runs (no auth needed)."""
        response = self.client.request("GET", "/", authenticate=False)
        try:
            return response.json() if response.content else None
        except ValueError:  # not Koha, or a Koha that hides its spec
            return None

    def libraries(self) -> list[dict[str, Any]]:
        return list(self.client.paginate("/libraries"))

    def library(self, library_id: str) -> dict[str, Any]:
        return self.client.get_json(f"/libraries/{_seg(library_id)}")

    def item_types(self) -> list[dict[str, Any]]:
        return list(self.client.paginate("/item_types"))

    def patron_categories(self) -> list[dict[str, Any]]:
        return list(self.client.paginate("/patron_categories"))

    def authorised_values(self, category: str) -> list[dict[str, Any]]:
        """The values of one authorised-value category (``CCODE``, ``LOC`` …)."""
        path = f"/authorised_value_categories/{_seg(category)}/authorised_values"
        return list(self.client.paginate(path))

    # -- bibliographic records -----------------------------------------------------

    def get_biblio_marcxml(self, biblio_id: int) -> str:
        response = self.client.request(
            "GET", f"/biblios/{int(biblio_id)}", headers={"Accept": "application/marcxml+xml"}
        )
        return response.content.decode("utf-8")

    def list_biblios(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        return self.client.paginate("/biblios", params=_q(q))

    def add_biblio(
        self,
        marc: bytes,
        content_type: str = "application/marcxml+xml",
        *,
        confirm_not_duplicate: bool = False,
        framework_id: str | None = None,
    ) -> int:
        """``POST /biblios``; Koha answers 200 ``{"id": n}``. Never retried after sending."""
        headers = _marc_headers(content_type, framework_id)
        if confirm_not_duplicate:
            headers["x-confirm-not-duplicate"] = "1"
        response = self.client.request(
            "POST", "/biblios", data=marc, content_type=content_type, headers=headers
        )
        return int(response.json()["id"])

    def update_biblio(
        self,
        biblio_id: int,
        marc: bytes,
        content_type: str = "application/marcxml+xml",
        *,
        framework_id: str | None = None,
    ) -> int:
        """``PUT /biblios/{id}`` (Koha strips 952 fields on update; items are separate)."""
        response = self.client.request(
            "PUT", f"/biblios/{int(biblio_id)}", data=marc, content_type=content_type,
            headers=_marc_headers(content_type, framework_id),
        )
        return int(response.json()["id"])

    # -- items -----------------------------------------------------------------------

    def biblio_items(self, biblio_id: int) -> Iterator[dict[str, Any]]:
        return self.client.paginate(f"/biblios/{int(biblio_id)}/items")

    def add_item(self, biblio_id: int, item: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /biblios/{id}/items`` → the created item (201). Never retried after sending."""
        response = self.client.request(
            "POST", f"/biblios/{int(biblio_id)}/items", json_body=dict(item)
        )
        return response.json()

    def update_item(
        self, biblio_id: int, item_id: int, item: Mapping[str, Any]
    ) -> dict[str, Any]:
        response = self.client.request(
            "PUT", f"/biblios/{int(biblio_id)}/items/{int(item_id)}", json_body=dict(item)
        )
        return response.json()

    def get_item(self, item_id: int) -> dict[str, Any]:
        return self.client.get_json(f"/items/{int(item_id)}")

    def find_items_by_barcode(self, barcode: str) -> list[dict[str, Any]]:
        """Items whose barcode is exactly ``barcode`` (Koha's default match is "contains")."""
        params = {"external_id": barcode, "_match": "exact"}
        return list(self.client.paginate("/items", params=params))

    def list_items(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        return self.client.paginate("/items", params=_q(q))

    # -- patrons and circulation -----------------------------------------------------

    def patrons(
        self, q: Mapping[str, Any] | None = None, *, match: str = "exact",
        embed: Sequence[str] = (), **filters: Any
    ) -> Iterator[dict[str, Any]]:
        """``GET /patrons`` with plain filters (``cardnumber=...``) and/or a ``q`` document;
        ``embed`` names ``x-koha-embed`` values (``account_balance``, ``checkouts+count``)."""
        params: dict[str, Any] = {**filters, **_q(q)}
        if filters:
            params["_match"] = match
        headers = {"x-koha-embed": ",".join(embed)} if embed else None
        return self.client.paginate("/patrons", params=params, headers=headers)

    def get_patron(self, patron_id: int) -> dict[str, Any]:
        return self.client.get_json(f"/patrons/{int(patron_id)}")

    def add_patron(
        self, patron: Mapping[str, Any], *, welcome_email: bool | None = False
    ) -> dict[str, Any]:
        """``POST /patrons`` → the patron (201). ``welcome_email=None`` leaves Koha's default."""
        headers = {}
        if welcome_email is not None:
            headers["x-koha-override"] = "welcome_yes" if welcome_email else "welcome_no"
        response = self.client.request(
            "POST", "/patrons", json_body=dict(patron), headers=headers
        )
        return response.json()

    def update_patron(self, patron_id: int, patron: Mapping[str, Any]) -> dict[str, Any] | None:
        """``PUT /patrons/{id}`` → the patron, or None when Koha says nothing changed (204)."""
        response = self.client.request(
            "PUT", f"/patrons/{int(patron_id)}", json_body=dict(patron)
        )
        return response.json() if response.content else None

    def checkouts(
        self,
        *,
        patron_id: int | None = None,
        checked_in: bool = False,
        q: Mapping[str, Any] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Current checkouts, or returned ones with ``checked_in=True``."""
        params: dict[str, Any] = dict(_q(q))
        if patron_id is not None:
            params["patron_id"] = int(patron_id)
        if checked_in:
            params["checked_in"] = True
        return self.client.paginate("/checkouts", params=params)


def item_from_952(field: Any) -> dict[str, Any]:
    """A pymarc 952 ``Field`` (or ``(code, value)`` pairs) → a REST item object.

    The first occurrence of a subfield wins; empty values are left out. Raises
    ``ValueError`` (Vietnamese) for a price, date or status code Koha would refuse.
    """
    pairs: Iterable[Any] = getattr(field, "subfields", field)
    item: dict[str, Any] = {}
    for code, value in ((s[0], s[1]) for s in pairs):
        spec = ITEM_952.get(code)
        text = (value or "").strip()
        if spec is None or not text or spec[0] in item:
            continue
        key, kind = spec
        item[key] = _convert(kind, text, code)
    return item


def _convert(kind: str, text: str, code: str) -> Any:
    if kind == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"952 ${code}: cần một số nguyên, gặp {text!r}")
        return int(text)
    if kind == "price":
        cleaned = text.replace(" ", "").removesuffix("đ")
        if _THOUSANDS.match(cleaned):  # "120.000" is 120 000 đồng, not 120
            return int(re.sub(r"[.,]", "", cleaned))
        if not _PRICE.match(cleaned):
            raise ValueError(f"952 ${code}: giá không hợp lệ {text!r}")
        number = float(cleaned.replace(",", "."))
        return int(number) if number.is_integer() else number
    if kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise ValueError(f"952 ${code}: ngày phải theo dạng YYYY-MM-DD, gặp {text!r}") from exc
    return text


def q_param(query: Mapping[str, Any] | list[Any]) -> str:
    """A ``q=`` filter document as Koha expects it: compact JSON."""
    return json.dumps(query, ensure_ascii=False, separators=(",", ":"))


def _q(q: Mapping[str, Any] | None) -> dict[str, str]:
    return {"q": q_param(q)} if q else {}


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def _marc_headers(content_type: str, framework_id: str | None) -> dict[str, str]:
    if content_type not in MARC_TYPES:
        raise ValueError(f"Koha không nhận biểu ghi dạng {content_type}; dùng {MARC_TYPES}")
    headers = {"x-record-schema": "MARC21"}
    if framework_id:
        headers["x-framework-id"] = framework_id
    return headers
