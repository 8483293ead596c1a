"""A known school for the golden tests: legacy holdings, two deliveries, withdrawals,
losses, loans across two school years, and a second library that must stay out.

Everything is plain data here; ``fill`` writes it into the store's mirror tables as
``pull`` would, and the tests compute the expected figures from the same plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from koha_bridge.pull.age import CORE
from koha_bridge.store import Store
from marc.itemnote import DeliveryNote, format_delivery_note

PULLED_AT = "2026-06-01T08:00:00+07:00"
ITEM_TYPES = {"SGK": "SGK", "TK": "STK", "TN": "STN", "NV": "SNV"}
LIBRARY = "MAU"

BIBLIOS = {
    1: dict(title="Dế Mèn phiêu lưu ký", author="Tô Hoài", publisher="Kim Đồng",
            place="Hà Nội", year="2020", class_number="895.9223", language="vie"),
    2: dict(title="Toán 6. Tập 1", author="", publisher="Giáo dục Việt Nam", place="Hà Nội",
            year="2021", class_number="510.76", language="vie", subject="Toán", grade="6",
            series="Kết nối tri thức với cuộc sống"),
    3: dict(title="Ngữ văn 7. Tập 1", author="", publisher="Giáo dục Việt Nam",
            place="Hà Nội", year="2022", class_number="807", language="vie",
            subject="Ngữ văn", grade="7", series="Cánh diều"),
    4: dict(title="Harry Potter and the Philosopher's Stone", author="J. K. Rowling",
            publisher="Bloomsbury", place="London", year="1997", class_number="823.914",
            language="eng"),
    5: dict(title="Phương pháp dạy học tích cực", author="Nguyễn Văn Cường",
            publisher="Đại học Sư phạm", place="Hà Nội", year="2019", class_number="371.3",
            language="vie"),
    6: dict(title="Lịch sử Việt Nam", author="Trần Trọng Kim", publisher="Văn học",
            place="Hà Nội", year="2018", class_number="959.7", language="vie"),
}


@dataclass(frozen=True)
class Item:
    accession: str
    biblio: int
    acquired: date | None
    source: str
    price: int
    note: DeliveryNote | None = None
    withdrawn: date | None = None
    withdrawn_code: int = 0
    lost: date | None = None
    last_seen: date | None = date(2026, 3, 1)
    on_loan: bool = False
    damaged: bool = False
    library: str = LIBRARY

    @property
    def category(self) -> str:
        return self.accession.split(".")[0]


D1 = DeliveryNote("45/PGH", date(2024, 10, 5), 1)
D2 = DeliveryNote("131/PGH", date(2025, 10, 2), 2)


def _series(prefix: str, first: int, last: int, **kw: object) -> list[Item]:
    return [Item(f"{prefix}.{n:05d}", **kw) for n in range(first, last + 1)]  # type: ignore[arg-type]


def _items() -> list[Item]:
    items = [
        *_series("TK", 1, 10, biblio=6, acquired=date(2023, 3, 15), source="mua", price=50000),
        *_series("TN", 1, 5, biblio=1, acquired=date(2024, 5, 20), source="biếu tặng",
                 price=30000),
        *_series("NV", 1, 3, biblio=5, acquired=None, source="", price=40000),
        *_series("SGK", 1, 20, biblio=2, acquired=date(2023, 8, 20), source="cấp phát",
                 price=15000),
        *_series("TK", 11, 15, biblio=4, acquired=D1.date, source="Công ty Sách A",
                 price=120000, note=D1),
        *_series("SGK", 21, 30, biblio=3, acquired=D1.date, source="Công ty Sách A",
                 price=16000, note=D1),
        *_series("TN", 6, 10, biblio=1, acquired=D2.date, source="Nhà sách B", price=35000,
                 note=D2),
        *_series("SGK", 31, 40, biblio=2, acquired=D2.date, source="Nhà sách B",
                 price=15000, note=D2),
        *_series("TK", 16, 18, biblio=6, acquired=D2.date, source="Nhà sách B", price=55000,
                 note=D2),
    ]
    changes = {
        "TK.00001": dict(withdrawn=date(2024, 6, 10), withdrawn_code=2),
        "TK.00002": dict(withdrawn=date(2025, 11, 20), withdrawn_code=3),
        **{f"SGK.{n:05d}": dict(withdrawn=date(2025, 12, 1), withdrawn_code=1)
           for n in range(1, 6)},
        "TN.00002": dict(lost=date(2025, 1, 10), withdrawn=date(2025, 3, 1), withdrawn_code=1),
        "TK.00003": dict(lost=date(2025, 12, 15)),
        "TK.00004": dict(last_seen=date(2024, 1, 1)),
        "TN.00007": dict(last_seen=None),
        "TN.00006": dict(on_loan=True),
        "TK.00009": dict(damaged=True),
    }
    out = []
    for item in items:
        extra = changes.get(item.accession, {})
        out.append(Item(**{**item.__dict__, **extra}))  # type: ignore[arg-type]
    other = [Item("TK.00001", 6, date(2025, 10, 1), "mua", 99000, library="KHAC"),
             Item("TK.00002", 6, date(2025, 10, 1), "mua", 99000, library="KHAC")]
    return out + other


ITEMS = _items()

PATRONS = {
    # id: (surname, firstname, category, class)
    1: ("Nguyễn Văn", "An", "HS", "6A"),
    2: ("Trần Thị", "Bình", "HS", "6A"),
    3: ("Lê Văn", "Ánh", "HS", "6A"),
    4: ("Đỗ Minh", "Đức", "HS", "10A1"),
    5: ("Phạm Thị", "Dung", "HS", "9A"),
    6: ("Hoàng Thị", "Hoa", "GV", ""),
    7: ("Vũ Văn", "Khánh", "NVTV", ""),
}
CATEGORIES = {"HS": ("Học sinh", "C"), "GV": ("Giáo viên", "A"), "NVTV": ("Nhân viên", "S")}

# (patron, accession, checkout, due, returned)
LOANS = [
    (1, "TN.00001", date(2024, 10, 1), date(2024, 10, 15), date(2024, 10, 10)),
    (6, "NV.00001", date(2025, 2, 3), date(2025, 3, 3), date(2025, 3, 1)),
    (5, "TK.00005", date(2025, 8, 31), date(2025, 9, 14), date(2025, 9, 10)),
    (5, "TK.00006", date(2025, 9, 1), date(2025, 9, 15), date(2025, 9, 12)),
    (2, "TN.00003", date(2025, 10, 6), date(2025, 10, 20), date(2025, 10, 18)),
    (1, "TN.00004", date(2025, 11, 3), date(2025, 11, 17), date(2025, 11, 20)),
    (3, "TK.00007", date(2025, 11, 4), date(2025, 11, 18), date(2025, 11, 17)),
    (4, "TK.00011", date(2026, 1, 12), date(2026, 1, 26), date(2026, 1, 20)),
    (6, "NV.00002", date(2026, 2, 2), date(2026, 3, 2), date(2026, 2, 27)),
    (7, "TK.00012", date(2026, 3, 9), date(2026, 3, 23), date(2026, 3, 20)),
    (2, "TN.00006", date(2026, 5, 4), date(2026, 5, 18), None),
]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def fill(store: Store) -> dict[str, int]:
    """Write the dataset into the mirror tables; returns accession → item id (of MAU)."""
    ids: dict[str, int] = {}
    with store.atomic() as conn:
        for code, name in (("MAU", "Trường THCS Mẫu"), ("KHAC", "Trường khác")):
            conn.execute("INSERT INTO koha_libraries VALUES (?, ?, ?)", (code, name, PULLED_AT))
        for code, (name, kind) in CATEGORIES.items():
            conn.execute("INSERT INTO koha_patron_categories VALUES (?, ?, ?, ?)",
                         (code, name, kind, PULLED_AT))
        for biblio_id, b in BIBLIOS.items():
            conn.execute(
                "INSERT INTO koha_biblios (biblio_id, title, author, publisher, place, year,"
                " class_number, language, subject, grade, series, refreshed_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (biblio_id, b["title"], b["author"], b["publisher"], b["place"], b["year"],
                 b["class_number"], b["language"], b.get("subject"), b.get("grade"),
                 b.get("series"), PULLED_AT))
        for item_id, item in enumerate(ITEMS, start=1):
            conn.execute(
                "INSERT INTO koha_items (item_id, biblio_id, home_library_id,"
                " holding_library_id, item_type_id, collection_code, external_id,"
                " inventory_number, acquisition_date, acquisition_source, internal_notes,"
                " purchase_price, withdrawn, withdrawn_date, lost_status, lost_date,"
                " damaged_status, last_seen_date, checked_out_date, timestamp, pulled_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (item_id, item.biblio, item.library, item.library, ITEM_TYPES[item.category],
                 item.category, f"{item.library}-{item.accession}", item.accession,
                 iso(item.acquired), item.source or None,
                 format_delivery_note(item.note) if item.note else None, item.price,
                 item.withdrawn_code if item.withdrawn else 0, iso(item.withdrawn),
                 1 if item.lost else 0, iso(item.lost), int(item.damaged), iso(item.last_seen),
                 "2026-05-04" if item.on_loan else None, "2026-05-04T10:00:00+07:00",
                 PULLED_AT))
            if item.library == LIBRARY:
                ids[item.accession] = item_id
        for patron_id, (surname, firstname, category, klass) in PATRONS.items():
            conn.execute(
                "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname,"
                " category_id, library_id, statistics_1, pulled_at) VALUES (?,?,?,?,?,?,?,?)",
                (patron_id, f"HS{patron_id:04d}", surname, firstname, category, LIBRARY,
                 klass or None, PULLED_AT))
        for checkout_id, (patron, accession, out, due, back) in enumerate(LOANS, start=1):
            conn.execute(
                "INSERT INTO koha_checkouts (checkout_id, patron_id, item_id, library_id,"
                " checkout_date, due_date, checkin_date, pulled_at) VALUES (?,?,?,?,?,?,?,?)",
                (checkout_id, patron, ids[accession], LIBRARY, iso(out), iso(due), iso(back),
                 PULLED_AT))
        for name in CORE:  # as a finished pull of MAU leaves it
            conn.execute("INSERT INTO pull_state (resource, last_full_at, last_pull_at, rows)"
                         " VALUES (?, ?, ?, 0)", (f"{name}@{LIBRARY}", PULLED_AT, PULLED_AT))
    return ids
