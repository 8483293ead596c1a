"""A realistic school in the fake Koha, for pull tests, register tests and benchmarks.

``seed_school`` writes, straight into the fake's state (no HTTP), with Koha's row
timestamps backdated to when each thing happened:

- legacy holdings catalogued by hand before the bridge (no delivery note), some of them
  withdrawn (with a date) or lost (with a date), in the categories TK, TN, NV and SGK;
- two deliveries pushed by the bridge: 952 $d = the note's date, $e = the supplier,
  $x = ``marc.itemnote``'s delivery note;
- pupils (class in ``statistics_1``/sort1, grade in ``statistics_2``/sort2) and teachers;
- returned loans across two school years and some current loans.

Everything is drawn from ``random.Random(seed)``, so a seed always gives the same school.
``School`` says what was made, for tests that compute their expectations themselves.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import pymarc
from pymarc import Field, Indicators, Record, Subfield

from marc.itemnote import DeliveryNote, format_delivery_note
from tests.fakekoha import routes_biblios, routes_items, routes_patrons, routes_reference
from tests.fakekoha.server import FakeKoha
from tests.fakekoha.state import State, library

UTC = dt.UTC
_B = Indicators(" ", " ")
SUBJECTS = ("Toán", "Ngữ văn", "Tiếng Anh", "Khoa học tự nhiên", "Lịch sử và Địa lí")
SERIES = ("Kết nối tri thức với cuộc sống", "Chân trời sáng tạo", "Cánh Diều")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hưng", "Khánh", "Linh", "Minh",
         "Ngọc", "Phương", "Quân", "Thảo", "Trung", "Vy")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Gia", "Quốc")
PUBLISHERS = ("Giáo dục Việt Nam", "Kim Đồng", "Trẻ", "Văn học", "Đại học Sư phạm")
DELIVERIES = (
    DeliveryNote("128/PGH", dt.date(2024, 10, 2), 1),
    DeliveryNote("131/PGH", dt.date(2025, 10, 2), 2),
)
SUPPLIER = "Công ty Sách và Thiết bị trường học Hà Nội"
CATEGORIES = {"TK": "STK", "TN": "STN", "NV": "SNV", "SGK": "SGK"}


@dataclass
class School:
    """What ``seed_school`` made (ids are the fake's)."""

    library_id: str
    biblios: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    delivered: dict[str, list[int]] = field(default_factory=dict)  # document → item ids
    pupils: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)
    current_loans: list[int] = field(default_factory=list)
    old_loans: list[int] = field(default_factory=list)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _record(rng: random.Random, n: int, category: str, year: int) -> Record:
    record = Record()
    record.leader = pymarc.Leader("00000nam a22000007a 4500")
    textbook = category == "SGK"
    grade = 6 + n % 4
    subject = SUBJECTS[n % len(SUBJECTS)]
    title = f"{subject} {grade}" if textbook else f"Tuyển tập truyện ngắn số {n}"
    author = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    language = "eng" if n % 17 == 0 else "vie"
    record.add_field(Field(tag="005", data=f"{year}0101120000.0"))
    record.add_field(Field(tag="008", data=f"{year % 100:02d}0101s{year}    vm            "
                                            f"000 0 {language} d"))
    record.add_field(Field(tag="020", indicators=_B,
                           subfields=[Subfield("a", f"978604{n:06d}{n % 10}")]))
    record.add_field(Field(tag="082", indicators=Indicators("0", "4"), subfields=[
        Subfield("a", "372.7" if textbook else "895.9223"), Subfield("2", "23")]))
    record.add_field(Field(tag="100", indicators=Indicators("0", " "),
                           subfields=[Subfield("a", author + ",")]))
    record.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[
        Subfield("a", title + " /"), Subfield("c", author + ".")]))
    if n % 5 == 0:
        record.add_field(Field(tag="250", indicators=_B,
                               subfields=[Subfield("a", "Tái bản lần thứ 2.")]))
    record.add_field(Field(tag="260", indicators=_B, subfields=[
        Subfield("a", "H. :"), Subfield("b", rng.choice(PUBLISHERS) + ","),
        Subfield("c", f"{year}.")]))
    if textbook:
        record.add_field(Field(tag="490", indicators=Indicators("0", " "),
                               subfields=[Subfield("a", SERIES[n % len(SERIES)])]))
        record.add_field(Field(tag="521", indicators=_B,
                               subfields=[Subfield("a", f"Lớp {grade}")]))
        record.add_field(Field(tag="653", indicators=_B, subfields=[Subfield("a", subject)]))
    record.add_field(Field(tag="942", indicators=_B,
                           subfields=[Subfield("c", CATEGORIES[category])]))
    return record


def _add_biblio(state: State, record: Record, when: dt.datetime) -> int:
    biblio_id, _ = routes_biblios.store_new_biblio(state, record)
    assert biblio_id is not None
    doc = state.get("biblio", biblio_id)
    assert doc is not None
    view = dict(doc["view"], timestamp=_stamp(when), creation_date=_stamp(when))
    state.put("biblio", dict(doc, view=view))
    return biblio_id


class _Seeder:
    def __init__(self, state: State, school: School, rng: random.Random) -> None:
        self.state, self.school, self.rng = state, school, rng
        self.numbers: dict[str, int] = {}

    def item(self, biblio_id: int, category: str, acquired: dt.date, **extra: Any) -> int:
        number = self.numbers.get(category, 0) + 1
        self.numbers[category] = number
        lib = self.school.library_id
        accession = f"{category}.{number:05d}"
        price = self.rng.choice((18000, 25000, 32000, 45000, 68000, 120000))
        fields = {
            "external_id": f"{lib}{category}{number:05d}", "inventory_number": accession,
            "home_library_id": lib, "holding_library_id": lib,
            "item_type_id": CATEGORIES[category], "collection_code": category,
            "callnumber": f"895.9223 {category}-{number}", "acquisition_date": acquired.isoformat(),
            "purchase_price": price, "replacement_price": price,
            "last_seen_date": _stamp(dt.datetime.combine(acquired, dt.time(9), UTC)),
            **extra,
        }
        when = dt.datetime.combine(acquired, dt.time(10), UTC)
        for key in ("withdrawn_date", "lost_date"):
            if fields.get(key):
                when = max(when, dt.datetime.fromisoformat(fields[key]))
        doc = routes_items.seed_item(self.state, biblio_id, fields, _stamp(when))
        self.school.items.append(doc["item_id"])
        return int(doc["item_id"])


def seed_school(fake: FakeKoha, *, titles: int = 60, copies: int = 4, pupils: int = 80,
                staff: int = 8, loans: int = 300, current: int = 30, seed: int = 0,
                library_id: str = "MAU", library_name: str | None = None) -> School:
    """Seed one school (see the module docstring); several libraries may share a fake."""
    rng = random.Random(f"{seed}-{library_id}")
    state = fake.state
    school = School(library_id)
    seeder = _Seeder(state, school, rng)
    today = dt.date.today()
    with state.transaction():
        if state.get("library", library_id) is None:
            state.put("library", library(library_id, library_name or f"Trường {library_id}"))
        base = state.seq.get("biblio", 0)
        for n in range(titles):
            category = ("SGK", "TK", "TK", "TN", "NV")[n % 5]
            delivery = DELIVERIES[n % 2] if n % 4 == 3 else None
            year = delivery.date.year if delivery and delivery.date else 2010 + n % 14
            acquired = (delivery.date if delivery and delivery.date else
                        _day(rng, dt.date(year, 1, 1), dt.date(year, 12, 28)))
            when = dt.datetime.combine(acquired, dt.time(8), UTC)
            biblio_id = _add_biblio(state, _record(rng, base + n + 1, category, year), when)
            school.biblios.append(biblio_id)
            for k in range(copies):
                extra: dict[str, Any] = {}
                if delivery is not None:
                    extra.update(acquisition_source=SUPPLIER,
                                 internal_notes=format_delivery_note(delivery))
                elif k == 0 and n % 6 == 1:
                    gone = _day(rng, acquired, min(today, dt.date(2026, 6, 30)))
                    extra.update(withdrawn=1, withdrawn_date=_stamp(
                        dt.datetime.combine(gone, dt.time(15), UTC)))
                elif k == 1 and n % 7 == 2:
                    lost = _day(rng, acquired, min(today, dt.date(2026, 6, 30)))
                    extra.update(lost_status=1, lost_date=_stamp(
                        dt.datetime.combine(lost, dt.time(15), UTC)))
                item_id = seeder.item(biblio_id, category, acquired, **extra)
                if extra.get("withdrawn"):
                    school.withdrawn.append(item_id)
                if extra.get("lost_status"):
                    school.lost.append(item_id)
                if delivery is not None and delivery.document:
                    school.delivered.setdefault(delivery.document, []).append(item_id)
        _patrons(state, school, rng, pupils, staff)
        _loans(state, school, rng, loans, current, today)
    return school


def _patrons(state: State, school: School, rng: random.Random, pupils: int,
             staff: int) -> None:
    lib = school.library_id
    for n in range(pupils + staff):
        pupil = n < pupils
        grade = 6 + n % 4
        klass = f"{grade}{'ABCD'[n // 4 % 4]}"
        body = {
            "surname": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)}",
            "firstname": rng.choice(GIVEN), "library_id": lib,
            "category_id": "HS_THCS" if pupil else "GV",
            "cardnumber": f"{lib}-{'HS' if pupil else 'GV'}{n:05d}",
            "userid": f"{lib.lower()}{n}",
            "statistics_1": klass if pupil else None,
            "statistics_2": str(grade) if pupil else None,
            "date_enrolled": "2024-09-05", "expiry_date": "2027-08-31",
            "date_of_birth": f"{2013 - grade + 6}-0{1 + n % 9}-1{n % 9}" if pupil else None,
            "gender": rng.choice("MF"),
        }
        patron = routes_patrons.new_patron(state, body)
        assert isinstance(patron, dict), patron
        stamp = _stamp(dt.datetime(2024, 9, 5, 8, tzinfo=UTC))
        state.put("patron", dict(patron, updated_on=stamp))
        (school.pupils if pupil else school.staff).append(patron["patron_id"])


def _loans(state: State, school: School, rng: random.Random, loans: int, current: int,
           today: dt.date) -> None:
    shelf = [i for i in school.items if i not in set(school.withdrawn) | set(school.lost)]
    readers = school.pupils + school.staff
    years = ((dt.date(2024, 9, 5), dt.date(2025, 5, 30)),
             (dt.date(2025, 9, 5), dt.date(2026, 5, 30)))
    for n in range(loans):
        start, end = years[n % 2]
        out = dt.datetime.combine(_day(rng, start, end), dt.time(9, rng.randrange(60)), UTC)
        back = out + dt.timedelta(days=rng.randrange(2, 20), hours=2)
        doc = routes_reference.seed_checkout(
            state, rng.choice(readers), rng.choice(shelf), checkout_date=out,
            due_date=out + dt.timedelta(days=14), checked_in=True, checkin_date=back,
            timestamp=_stamp(back))
        school.old_loans.append(doc["checkout_id"])
    lent = rng.sample(shelf, min(current, len(shelf)))
    for item_id in lent:
        out = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(1, 30)),
                                  dt.time(10), UTC)
        doc = routes_reference.seed_checkout(
            state, rng.choice(readers), item_id, checkout_date=out,
            due_date=out + dt.timedelta(days=14), timestamp=_stamp(out))
        school.current_loans.append(doc["checkout_id"])
