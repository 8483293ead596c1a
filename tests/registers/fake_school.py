"""The known school of ``dataset`` written into the fake Koha, as the bridge left it.

Biblios go in as MARC records (what ``pull`` reads back from MARCXML), items with the
delivery note in 952 $x, patrons and loans through the fake's own seeding helpers.
"""

from __future__ import annotations

import datetime as dt

import pymarc
from pymarc import Field, Indicators, Record, Subfield

from marc.itemnote import format_delivery_note
from tests.fakekoha import routes_biblios, routes_items, routes_patrons, routes_reference
from tests.fakekoha.server import FakeKoha
from tests.fakekoha.state import library, patron_category
from tests.registers import dataset

_B = Indicators(" ", " ")
UTC = dt.UTC


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), UTC)


def _stamp(day: dt.date, hour: int = 9) -> str:
    return _moment(day, hour).isoformat()


def _record(b: dict[str, str]) -> Record:
    record = Record()
    record.leader = pymarc.Leader("00000nam a22000007a 4500")
    record.add_field(Field(tag="008", data=f"200101s{b['year']}    vm            000 0 "
                                            f"{b['language']} d"))
    record.add_field(Field(tag="082", indicators=Indicators("0", "4"),
                           subfields=[Subfield("a", b["class_number"])]))
    if b["author"]:
        record.add_field(Field(tag="100", indicators=Indicators("0", " "),
                               subfields=[Subfield("a", b["author"])]))
    record.add_field(Field(tag="245", indicators=Indicators("1" if b["author"] else "0", "0"),
                           subfields=[Subfield("a", b["title"])]))
    record.add_field(Field(tag="260", indicators=_B, subfields=[
        Subfield("a", b["place"] + " :"), Subfield("b", b["publisher"] + ","),
        Subfield("c", b["year"] + ".")]))
    if b.get("series"):
        record.add_field(Field(tag="490", indicators=Indicators("0", " "),
                               subfields=[Subfield("a", b["series"])]))
        record.add_field(Field(tag="521", indicators=_B,
                               subfields=[Subfield("a", f"Lớp {b['grade']}")]))
        record.add_field(Field(tag="653", indicators=_B, subfields=[Subfield("a", b["subject"])]))
    return record


def seed(fake: FakeKoha) -> tuple[dict[str, int], dict[str, int]]:
    """Put the whole dataset into the fake (no HTTP); returns the fake's item ids by
    accession number and its current checkout ids by accession number."""
    state = fake.state
    with state.transaction():
        state.put("library", library("KHAC", "Trường khác"))
        for code, (name, kind) in dataset.CATEGORIES.items():
            state.put("patron_category", patron_category(code, name, kind))
        biblios = {}
        for key, b in dataset.BIBLIOS.items():
            biblio_id, _ = routes_biblios.store_new_biblio(state, _record(b))
            assert biblio_id is not None
            biblios[key] = biblio_id
        items: dict[str, int] = {}
        for item in dataset.ITEMS:
            fields = {
                "external_id": f"{item.library}-{item.accession}",
                "inventory_number": item.accession, "home_library_id": item.library,
                "holding_library_id": item.library,
                "item_type_id": dataset.ITEM_TYPES[item.category],
                "collection_code": item.category,
                "acquisition_date": item.acquired.isoformat() if item.acquired else None,
                "acquisition_source": item.source or None,
                "internal_notes": format_delivery_note(item.note) if item.note else None,
                "purchase_price": item.price, "replacement_price": item.price,
                "withdrawn": item.withdrawn_code if item.withdrawn else 0,
                "withdrawn_date": _stamp(item.withdrawn, 15) if item.withdrawn else None,
                "lost_status": 1 if item.lost else 0,
                "lost_date": _stamp(item.lost, 15) if item.lost else None,
                "damaged_status": int(item.damaged),
                "last_seen_date": _stamp(item.last_seen) if item.last_seen else None,
            }
            doc = routes_items.seed_item(state, biblios[item.biblio], fields,
                                         "2026-05-04T03:00:00+00:00")
            if item.library == dataset.LIBRARY:
                items[item.accession] = int(doc["item_id"])
        patrons = {}
        for key, (surname, firstname, category, klass) in dataset.PATRONS.items():
            patron = routes_patrons.new_patron(state, {
                "surname": surname, "firstname": firstname, "library_id": dataset.LIBRARY,
                "category_id": category, "cardnumber": f"HS{key:04d}",
                "userid": f"user{key}", "statistics_1": klass or None,
            })
            assert isinstance(patron, dict), patron
            patrons[key] = patron["patron_id"]
        current = {}
        for patron, accession, out, due, back in dataset.LOANS:
            doc = routes_reference.seed_checkout(
                state, patrons[patron], items[accession], checkout_date=_moment(out),
                due_date=_moment(due, 23), checked_in=back is not None,
                checkin_date=_moment(back, 10) if back else None,
                timestamp=_stamp(back or out, 10))
            if back is None:
                current[accession] = int(doc["checkout_id"])
    return items, current
