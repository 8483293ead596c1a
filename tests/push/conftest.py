"""Records, stores and a Koha client for the push tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pymarc
import pytest
from pymarc import Field, Indicators, Record, Subfield

from koha_bridge.koha.auth import OAuth2ClientCredentials
from koha_bridge.koha.client import KohaClient
from koha_bridge.store import Store
from koha_bridge.store.journal import Journal
from tests.fakekoha import FakeKoha
from tests.fakekoha.query import compile_query

SOURCE_FILE = "ds-2025.xlsx"


def isbn13(n: int) -> str:
    """A valid Vietnamese ISBN-13 (978-604-…) numbered ``n``."""
    core = f"978604{n:06d}"
    check = (10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(core)) % 10) % 10
    return core + str(check)


def provenance(row: int) -> str:
    return f"koha-bridge: {SOURCE_FILE} [Sheet1] dòng {row}"


def book(
    n: int,
    *,
    copies: int = 3,
    isbn: str | None = "auto",
    title: str | None = None,
    author: str = "Nguyễn Văn An",
    year: str = "2024",
    item_type: str = "STK",
) -> Record:
    """Title number ``n`` with ``copies`` copies: barcodes ``TV{n:04d}{k}``, accession
    numbers ``TK.{n:04d}{k}``, provenance row ``n + 1``."""
    record = Record()
    record.leader = pymarc.Leader("00000nam a22000007i 4500")
    record.add_field(Field(tag="001", data=f"KB{n:012x}"))
    record.add_field(Field(tag="008", data=f"250101s{year}    vm            000 0 vie d"))
    if isbn is not None:
        value = isbn13(n) if isbn == "auto" else isbn
        record.add_field(Field(tag="020", indicators=Indicators(" ", " "),
                               subfields=[Subfield("a", value)]))
    record.add_field(Field(tag="100", indicators=Indicators("0", " "),
                           subfields=[Subfield("a", author + ",")]))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[
        Subfield("a", (title or f"Tuyển tập truyện ngắn số {n}") + " /"),
        Subfield("c", author + ".")]))
    record.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=[
        Subfield("a", "H. :"), Subfield("b", "Giáo dục Việt Nam,"), Subfield("c", year + ".")]))
    record.add_field(Field(tag="942", indicators=Indicators(" ", " "),
                           subfields=[Subfield("c", item_type)]))
    for k in range(copies):
        record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
            Subfield("a", "MAU"), Subfield("b", "MAU"), Subfield("d", "2025-09-05"),
            Subfield("g", "45000"), Subfield("y", item_type), Subfield("8", "TK"),
            Subfield("i", f"TK.{n:04d}{k}"), Subfield("p", f"TV{n:04d}{k}"),
            Subfield("o", "895.9223 NG-A"), Subfield("x", provenance(n + 1))]))
    return record


def books(titles: int, copies: int, start: int = 1) -> list[Record]:
    """``titles`` titles sharing ``copies`` copies as evenly as possible."""
    per, extra = divmod(copies, titles)
    return [book(start + i, copies=per + (1 if i < extra else 0)) for i in range(titles)]


def write_mrc(records: list[Record], path: Path) -> Path:
    with path.open("wb") as handle:
        for record in records:
            handle.write(record.as_marc())
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite") as opened:
        yield opened


@pytest.fixture
def journal(store: Store) -> Journal:
    return Journal(store)


def client_for(fake: FakeKoha, **kwargs: Any) -> KohaClient:
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", 10.0)
    return KohaClient(fake.url, OAuth2ClientCredentials(fake.client_id, fake.client_secret),
                      **kwargs)


class MemoryKoha:
    """A tiny in-memory ``KohaCatalogue`` for plan and pusher logic (no HTTP)."""

    BIBLIO_FIELDS = frozenset({"biblio_id", "title", "author", "isbn", "copyright_date",
                               "part_number", "part_name"})
    ITEM_FIELDS = frozenset({"item_id", "biblio_id", "external_id", "inventory_number"})

    def __init__(self) -> None:
        self.biblios: dict[int, dict[str, Any]] = {}
        self.items: dict[int, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.duplicate_of: int | None = None  # next add_biblio answers "Duplicate biblio N"

    def seed_biblio(self, title: str, author: str = "", isbn: str | None = None,
                    year: int | None = None) -> int:
        biblio_id = len(self.biblios) + 1
        self.biblios[biblio_id] = {"biblio_id": biblio_id, "title": title, "author": author,
                                   "isbn": isbn, "copyright_date": year}
        return biblio_id

    def seed_item(self, biblio_id: int, barcode: str, accession: str | None = None) -> int:
        item_id = len(self.items) + 1
        self.items[item_id] = {"item_id": item_id, "biblio_id": biblio_id,
                               "external_id": barcode, "inventory_number": accession}
        return item_id

    def _select(self, rows: list[dict[str, Any]], q: Mapping[str, Any] | None,
                fields: frozenset[str]) -> Iterator[dict[str, Any]]:
        test = compile_query(dict(q), fields) if q else (lambda row: True)
        return iter([dict(r) for r in rows if test(r)])

    def list_biblios(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        self.calls.append("GET /biblios")
        return self._select(list(self.biblios.values()), q, self.BIBLIO_FIELDS)

    def add_biblio(self, marc: bytes, content_type: str = "application/marcxml+xml", *,
                   confirm_not_duplicate: bool = False) -> int:
        from koha_bridge.exceptions import KohaDuplicateBiblioError

        self.calls.append("POST /biblios" + (" confirm" if confirm_not_duplicate else ""))
        if self.duplicate_of is not None and not confirm_not_duplicate:
            raise KohaDuplicateBiblioError("dup", biblio_id=self.duplicate_of, status=400,
                                           body={"error": f"Duplicate biblio {self.duplicate_of}"})
        record = pymarc.parse_xml_to_array(__import__("io").BytesIO(marc))[0]
        assert not record.get_fields("952"), "952 sent with the biblio"
        isbn = record.get("020")
        return self.seed_biblio(record["245"]["a"], "", isbn["a"] if isbn else None)

    def list_items(self, q: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        self.calls.append("GET /items")
        return self._select(list(self.items.values()), q, self.ITEM_FIELDS)

    def find_items_by_barcode(self, barcode: str) -> list[dict[str, Any]]:
        self.calls.append("GET /items?external_id")
        return [dict(i) for i in self.items.values() if i["external_id"] == barcode]

    def add_item(self, biblio_id: int, item: Mapping[str, Any]) -> dict[str, Any]:
        from koha_bridge.exceptions import KohaConflictError, KohaNotFoundError

        self.calls.append("POST /items")
        if biblio_id not in self.biblios:
            raise KohaNotFoundError("Không tìm thấy", status=404,
                                    body={"error": "Biblio not found"})
        if any(i["external_id"] == item["external_id"] for i in self.items.values()):
            raise KohaConflictError("Đã có", status=409, body={"error": "Duplicate barcode."})
        item_id = self.seed_item(biblio_id, item["external_id"], item.get("inventory_number"))
        return dict(self.items[item_id])


@pytest.fixture
def memory_koha() -> MemoryKoha:
    return MemoryKoha()
