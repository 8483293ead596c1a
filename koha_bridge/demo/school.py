"""Generate a sample school's mirror of Koha, deterministically, as ``pull`` would fill it.

Legacy holdings from before the bridge (entered by hand in Koha: no delivery note), an
earlier delivery through the bridge, the bundled sample delivery (its MARC records, on
delivery note 131/PGH), withdrawals and losses, pupils by class, teachers and staff,
and two school years of loans. ``SCHOOLS`` holds two variants (two schools in one
managing body's Koha) for the statistics and roll-up demos.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

from pymarc import Record

from koha_bridge.config import Config
from koha_bridge.pull.age import CORE
from koha_bridge.store import Store
from marc.itemnote import DeliveryNote, format_delivery_note

PULLED_AT = "2026-06-01T07:30:00+07:00"
SAMPLE_NOTE = DeliveryNote("131/PGH", date(2025, 10, 2), 2)
EARLIER_NOTE = DeliveryNote("82/PGH", date(2024, 10, 7), 1)
LEGACY_YEARS = (2019, 2020, 2021, 2022, 2023)
LOAN_YEARS = (2024, 2025)  # school years 2024-2025 and 2025-2026
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE_M = ("Văn", "Minh", "Quốc", "Gia", "Đức", "Thanh", "Hoàng")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Khánh", "Bảo", "Thanh", "Hoài")
GIVEN_M = ("An", "Bình", "Dũng", "Hải", "Hiếu", "Hùng", "Huy", "Khang", "Khoa", "Long",
           "Minh", "Nam", "Phúc", "Quân", "Sơn", "Trí", "Tú", "Đức", "Ánh", "Tâm")
GIVEN_F = ("Anh", "Châu", "Chi", "Giang", "Hà", "Hân", "Hoa", "Lan", "Linh", "Mai", "My",
           "Ngân", "Nhi", "Quỳnh", "Thảo", "Trang", "Uyên", "Vy", "Yến", "Ánh")


@dataclass(frozen=True)
class DemoSchool:
    """One variant: its Koha library, name, random seed and size."""

    library_id: str
    name: str
    seed: int
    scale: float = 1.0
    with_sample: bool = True  # receives the bundled sample delivery


SCHOOLS = (
    DemoSchool("MAU", "Trường THCS Mẫu", 1),
    DemoSchool("BINHAN", "Trường THCS Bình An", 2, scale=0.6, with_sample=False),
)


@dataclass
class Filled:
    """What was generated for one school (counted for the demo's summary)."""

    items: int = 0
    patrons: int = 0
    loans: int = 0
    legacy_counts: dict[str, int] = field(default_factory=dict)


def legacy_titles() -> list[dict[str, str]]:
    """The bundled legacy catalogue (``titles.tsv``)."""
    text = resources.files("koha_bridge.demo").joinpath("titles.tsv").read_text("utf-8")
    keys = ("category", "title", "author", "publisher", "place", "year", "class_number",
            "language", "subject", "grade", "series", "price")
    return [dict(zip(keys, line.split("\t"), strict=True))
            for line in text.splitlines() if line and not line.startswith("#")]


def legacy_counts(school: DemoSchool) -> dict[str, int]:
    """Copies per category of the legacy holdings (to continue numbering after them)."""
    counts: dict[str, int] = {}
    for index, title in enumerate(legacy_titles()):
        copies = _legacy_copies(school, index, title["category"])
        counts[title["category"]] = counts.get(title["category"], 0) + copies
    return counts


def _legacy_copies(school: DemoSchool, index: int, category: str) -> int:
    base = {"SGK": 30, "TN": 6, "TK": 4, "NV": 3}.get(category, 2)
    return max(1, round((base + (index * 7 + school.seed) % 4) * school.scale))


class _Writer:
    """Inserts mirror rows with running ids shared by every school of the store."""

    def __init__(self, store: Store, config: Config, pulled_at: str) -> None:
        self.store, self.config, self.pulled_at = store, config, pulled_at
        conn = store.conn
        self.next_item = (conn.execute("SELECT MAX(item_id) FROM koha_items").fetchone()[0]
                          or 0) + 1
        self.next_patron = (conn.execute("SELECT MAX(patron_id) FROM koha_patrons")
                            .fetchone()[0] or 0) + 1
        self.next_checkout = (conn.execute("SELECT MAX(checkout_id) FROM koha_checkouts")
                              .fetchone()[0] or 0) + 1
        self.biblios: dict[str, int] = {
            row[1]: row[0] for row in conn.execute("SELECT biblio_id, match_key FROM koha_biblios")
        }

    def biblio(self, key: str, fields: dict[str, str]) -> int:
        if key in self.biblios:
            return self.biblios[key]
        biblio_id = max(self.biblios.values(), default=0) + 1
        self.store.execute(
            "INSERT INTO koha_biblios (biblio_id, match_key, title, author, publisher, place,"
            " year, class_number, language, subject, grade, series, isbn, refreshed_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (biblio_id, key, fields.get("title"), fields.get("author") or None,
             fields.get("publisher"), fields.get("place"), fields.get("year"),
             fields.get("class_number"), fields.get("language") or "vie",
             fields.get("subject") or None, fields.get("grade") or None,
             fields.get("series") or None, fields.get("isbn") or None, self.pulled_at))
        self.biblios[key] = biblio_id
        return biblio_id

    def item(self, library: str, biblio_id: int, category: str, accession: str,
             **values: object) -> int:
        cat = self.config.category(category)
        item_id = self.next_item
        self.next_item += 1
        row = {"item_id": item_id, "biblio_id": biblio_id, "home_library_id": library,
               "holding_library_id": library, "item_type_id": cat.item_type,
               "collection_code": cat.collection, "external_id": accession,
               "inventory_number": accession, "pulled_at": self.pulled_at,
               "timestamp": self.pulled_at, **values}
        self.store.execute(
            f"INSERT INTO koha_items ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()))
        return item_id


def _accession(config: Config, category: str, number: int) -> str:
    sep, width = config.accession.separator, config.accession.width
    return f"{config.category(category).accession_prefix}{sep}{number:0{width}d}"


def _record_fields(record: Record) -> dict[str, str]:
    """The biblio columns ``pull`` keeps, from a MARC record of the sample delivery."""
    def first(tag: str, code: str) -> str:
        for f in record.get_fields(tag):
            value = f.get(code)
            if value:
                return str(value).rstrip(" /:;,.")
        return ""

    publication = "264" if record.get_fields("264") else "260"
    grade = first("521", "a").removeprefix("Lớp ").strip()
    return {
        "title": " ".join(v for v in (first("245", "a"), first("245", "b")) if v),
        "author": first("100", "a") or first("110", "a"), "publisher": first(publication, "b"),
        "place": first(publication, "a"), "year": first(publication, "c").strip("[]"),
        "class_number": first("082", "a") or first("084", "a"),
        "language": ((record["008"].data or "")[35:38] if record["008"] else "") or "vie",
        "subject": first("653", "a"), "grade": grade, "series": first("490", "a"),
        "isbn": first("020", "a"),
    }


def fill_school(store: Store, config: Config, school: DemoSchool,
                records: Sequence[Record] = (), *, pulled_at: str = PULLED_AT) -> Filled:
    """Write one school (library, holdings, patrons, loans) into the store's mirror."""
    rng = random.Random(school.seed)
    filled = Filled(legacy_counts=legacy_counts(school))
    with store.atomic():
        writer = _Writer(store, config, pulled_at)
        store.execute("INSERT OR REPLACE INTO koha_libraries VALUES (?, ?, ?)",
                      (school.library_id, school.name, pulled_at))
        for code, name, kind in (("HS", "Học sinh", "C"), ("GV", "Giáo viên", "S"),
                                 ("NV", "Nhân viên", "S")):
            store.execute("INSERT OR REPLACE INTO koha_patron_categories VALUES (?, ?, ?, ?)",
                          (code, name, kind, pulled_at))
        items = _legacy(writer, school, rng)
        items += _delivery_records(writer, school, records, rng)
        filled.items = len(items)
        _withdraw_and_lose(store, items, rng)
        patrons = _patrons(writer, school, rng)
        filled.patrons = len(patrons)
        filled.loans = _loans(writer, school, items, patrons, rng)
        for name in CORE:  # what a finished full pull of this library records
            store.execute(
                "INSERT OR REPLACE INTO pull_state (resource, last_full_at, last_pull_at, rows)"
                " VALUES (?, ?, ?, 0)", (f"{name}@{school.library_id}", pulled_at, pulled_at))
    return filled


@dataclass
class _Copy:
    item_id: int
    category: str
    acquired: date


def _legacy(writer: _Writer, school: DemoSchool, rng: random.Random) -> list[_Copy]:
    numbers: dict[str, int] = {}
    copies: list[_Copy] = []
    sources = ("mua", "cấp phát", "biếu tặng", "xã hội hóa")
    for index, title in enumerate(legacy_titles()):
        category = title["category"]
        biblio_id = writer.biblio(f"demo:{index}", title)
        count = _legacy_copies(school, index, category)
        for batch, size in enumerate([count // 2, count - count // 2] if count > 3 else [count]):
            year = LEGACY_YEARS[(index + batch * 2 + school.seed) % len(LEGACY_YEARS)]
            acquired = date(year, 3 + (index % 8), 5 + batch * 10)
            note = EARLIER_NOTE if category in ("TN", "TK") and batch == 1 else None
            if note and note.date:
                acquired = note.date
            source = "Công ty Sách Hà Nội" if note else rng.choice(sources)
            for _ in range(size):
                numbers[category] = numbers.get(category, 0) + 1
                accession = _accession(writer.config, category, numbers[category])
                item_id = writer.item(
                    school.library_id, biblio_id, category, accession,
                    acquisition_date=acquired.isoformat(),
                    acquisition_source=source,
                    internal_notes=format_delivery_note(note) if note else None,
                    purchase_price=int(title["price"]), replacement_price=int(title["price"]))
                copies.append(_Copy(item_id, category, acquired))
    return copies


def _delivery_records(writer: _Writer, school: DemoSchool, records: Iterable[Record],
                      rng: random.Random) -> list[_Copy]:
    if not school.with_sample:
        return []
    copies = []
    note = format_delivery_note(SAMPLE_NOTE)
    assert SAMPLE_NOTE.date is not None
    for record in records:
        fields = _record_fields(record)
        biblio_id = writer.biblio(str(record["001"].data if record["001"] else fields["title"]),
                                  fields)
        for item in record.get_fields("952"):
            category = next((c.code for c in writer.config.categories
                             if c.collection == item.get("8")), "TK")
            price = int(item.get("g") or 0)
            item_id = writer.item(
                school.library_id, biblio_id, category, str(item.get("i") or item.get("p")),
                external_id=item.get("p"), acquisition_date=SAMPLE_NOTE.date.isoformat(),
                acquisition_source=item.get("e") or "mua", internal_notes=note,
                purchase_price=price, replacement_price=price, callnumber=item.get("o"),
                copy_number=item.get("t"))
            copies.append(_Copy(item_id, category, SAMPLE_NOTE.date))
    return copies


def _withdraw_and_lose(store: Store, copies: list[_Copy], rng: random.Random) -> None:
    """About 4 % of the older copies withdrawn (with a reason), 1 % reported lost."""
    for copy in copies:
        if copy.acquired.year >= 2025:
            continue
        roll = rng.random()
        if roll < 0.04:
            when = copy.acquired + timedelta(days=rng.randint(200, 2000))
            when = min(when, date(2026, 5, 25))
            code = rng.choice((1, 2, 2, 3))
            lost = code == 1 and rng.random() < 0.5
            store.execute(
                "UPDATE koha_items SET withdrawn = ?, withdrawn_date = ?, lost_status = ?,"
                " lost_date = ?, damaged_status = ? WHERE item_id = ?",
                (code, when.isoformat(), int(lost),
                 (when - timedelta(days=30)).isoformat() if lost else None,
                 int(code == 2), copy.item_id))
        elif roll < 0.05:
            store.execute("UPDATE koha_items SET lost_status = 1, lost_date = ? WHERE item_id = ?",
                          (date(2026, 1, 5 + int(roll * 1000) % 20).isoformat(), copy.item_id))


def _patrons(writer: _Writer, school: DemoSchool, rng: random.Random) -> list[tuple[int, str]]:
    """Pupils of grades 6–9 (sections A, B), teachers and staff: (patron id, category)."""
    people: list[tuple[int, str]] = []
    classes = [f"{grade}{section}" for grade in (6, 7, 8, 9) for section in "AB"]
    per_class = max(4, round(28 * school.scale))
    rows = [("HS", klass) for klass in classes for _ in range(per_class)]
    rows += [("GV", "")] * max(3, round(14 * school.scale)) + [("NV", "")] * 2
    for category, klass in rows:
        female = rng.random() < 0.5
        surname = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)}"
        firstname = rng.choice(GIVEN_F if female else GIVEN_M)
        patron_id = writer.next_patron
        writer.next_patron += 1
        writer.store.execute(
            "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, category_id,"
            " library_id, statistics_1, statistics_2, date_enrolled, gender, updated_on,"
            " pulled_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (patron_id, f"{school.library_id}{patron_id:05d}", surname, firstname, category,
             school.library_id, klass or None, klass[:-1] or None, "2024-09-05",
             "F" if female else "M", writer.pulled_at, writer.pulled_at))
        people.append((patron_id, category))
    return people


def _loans(writer: _Writer, school: DemoSchool, copies: list[_Copy],
           patrons: list[tuple[int, str]], rng: random.Random) -> int:
    """Loans through school years 2024-2025 and 2025-2026; a few still out at the end."""
    store = writer.store
    lendable = [c for c in copies if c.category != "SGK"]
    out_until: dict[int, date] = {}
    count = 0
    for first in LOAN_YEARS:
        day = date(first, 9, 8)
        while day < date(first + 1, 5, 30):
            for _ in range(rng.randint(1, max(2, round(8 * school.scale)))):
                copy = rng.choice(lendable)
                if copy.acquired > day or out_until.get(copy.item_id, date.min) >= day:
                    continue
                patron, category = rng.choice(patrons)
                due = day + timedelta(days=30 if category != "HS" else 14)
                back = day + timedelta(days=rng.randint(3, 20))
                current = first == LOAN_YEARS[-1] and day > date(first + 1, 5, 12)
                out_until[copy.item_id] = date.max if current else back
                store.execute(
                    "INSERT INTO koha_checkouts (checkout_id, patron_id, item_id, library_id,"
                    " checkout_date, due_date, checkin_date, renewals_count, timestamp,"
                    " pulled_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (writer.next_checkout, patron, copy.item_id, school.library_id,
                     day.isoformat(), due.isoformat(), None if current else back.isoformat(),
                     0, writer.pulled_at, writer.pulled_at))
                writer.next_checkout += 1
                count += 1
                seen = day if current else back
                store.execute(
                    "UPDATE koha_items SET last_seen_date = ?, checked_out_date = ?"
                    " WHERE item_id = ?",
                    (seen.isoformat(), day.isoformat() if current else None, copy.item_id))
            day += timedelta(days=rng.choice((1, 1, 2, 3)))
    for copy in copies:  # the shelf check of May 2026: most copies seen
        if rng.random() < 0.97:
            store.execute(
                "UPDATE koha_items SET last_seen_date = MAX(COALESCE(last_seen_date, ''), ?)"
                " WHERE item_id = ? AND withdrawn = 0 AND lost_status = 0",
                (date(2026, 5, 20 + rng.randint(0, 8)).isoformat(), copy.item_id))
    return count


def schools(config: Config) -> tuple[DemoSchool, ...]:
    """The two variants, the first one under the configured library code and name."""
    first = SCHOOLS[0]
    named = DemoSchool(config.school.library_id, config.school.name, first.seed, first.scale)
    return (named, *SCHOOLS[1:])


def continue_numbering(store: Store, config: Config, school: DemoSchool) -> None:
    """Start the store's accession series after the legacy copies, as a real school would."""
    from classification.accession import AccessionBook

    book = AccessionBook(store, config)
    for category, count in legacy_counts(school).items():
        book.set_next(category, count + 1)
