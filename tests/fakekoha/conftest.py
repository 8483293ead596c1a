"""Helpers for the fake Koha's own tests: an authenticated session and MARC records."""

from __future__ import annotations

from collections.abc import Iterator

import pymarc
import pytest
import requests
from pymarc import Field, Indicators, Record, Subfield

from tests.fakekoha import FakeKoha

MARCXML = "application/marcxml+xml"


def make_record(title: str, author: str | None = None, isbns: tuple[str, ...] = (),
                year: str = "2023", barcodes: tuple[str, ...] = ()) -> Record:
    """A small MARC21 book record, with one 952 per barcode."""
    record = Record()
    record.leader = pymarc.Leader("00000nam a22000007a 4500")
    record.add_field(Field(tag="008", data="230101s2023    vm            000 0 vie d"))
    for isbn in isbns:
        record.add_field(Field(tag="020", indicators=Indicators(" ", " "),
                               subfields=[Subfield("a", isbn)]))
    if author:
        record.add_field(Field(tag="100", indicators=Indicators("0", " "),
                               subfields=[Subfield("a", author)]))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                           subfields=[Subfield("a", title)]))
    record.add_field(Field(tag="260", indicators=Indicators(" ", " "), subfields=[
        Subfield("a", "H."), Subfield("b", "Giáo dục Việt Nam"), Subfield("c", f"c{year}.")]))
    record.add_field(Field(tag="942", indicators=Indicators(" ", " "),
                           subfields=[Subfield("c", "STK")]))
    for barcode in barcodes:
        record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
            Subfield("a", "MAU"), Subfield("b", "MAU"), Subfield("p", barcode),
            Subfield("y", "STK")]))
    return record


def marcxml(record: Record) -> bytes:
    return pymarc.record_to_xml(record, namespace=True)


def token(fake: FakeKoha) -> str:
    response = requests.post(f"{fake.api_url}/oauth/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": fake.client_id,
        "client_secret": fake.client_secret})
    assert response.status_code == 200, response.text
    access: str = response.json()["access_token"]
    return access


@pytest.fixture
def api(fake_koha: FakeKoha) -> Iterator[requests.Session]:
    """A session with a Bearer token; relative paths are not supported, use fake.api_url."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token(fake_koha)}"
    yield session
    session.close()


def post_biblio(api: requests.Session, fake: FakeKoha, record: Record,
                **headers: str) -> requests.Response:
    return api.post(f"{fake.api_url}/biblios", data=marcxml(record), timeout=5,
                    headers={"Content-Type": MARCXML, **headers})


def item_body(barcode: str, **extra: object) -> dict[str, object]:
    return {"external_id": barcode, "home_library_id": "MAU", "holding_library_id": "MAU",
            "item_type_id": "STK", "callnumber": "895.922 NG-A", **extra}
