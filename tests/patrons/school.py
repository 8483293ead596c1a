"""A fake-Koha school as last year (2024-2025) left it, matching ``rosters_data``.

``seed_last_year(fake)`` adds patrons of library MAU (and one of another school) and
open loans; ``EXPECTED`` says what the 2025-2026 sync of the roster fixtures must plan
for each card number, worked out by hand from the fixtures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pymarc import Record

from tests.fakekoha import FakeKoha
from tests.fakekoha.conftest import make_record
from tests.fakekoha.state import library

PUPIL, TEACHER = "HS_THCS", "GV"
LAST_YEAR_END = "2025-07-31"

# card → (surname, firstname, class, grade, expiry, extra fields)
LAST_YEAR: dict[str, tuple[str, str, str | None, str | None, str, dict[str, Any]]] = {
    "7900000002": ("Trần Thi", "Bình", "6A2", "6", LAST_YEAR_END,
                   {"date_of_birth": "2013-11-17", "gender": "F"}),  # surname corrected
    "7900000006": ("Vũ Ngọc", "Ánh", "8.1", "8", LAST_YEAR_END,
                   {"date_of_birth": "2010-09-09", "gender": "F"}),
    "7900000021": ("Nguyễn Văn", "Nam", "7A2", "7", LAST_YEAR_END,
                   {"date_of_birth": "2011-05-06", "gender": "M"}),
    "7900000022": ("Nguyễn Văn", "Nam", "8A3", "8", LAST_YEAR_END,
                   {"date_of_birth": "2011-08-09", "gender": "M"}),  # repeats 8A3
    "7900000031": ("Mai Anh", "Tuấn", "6A1", "6", LAST_YEAR_END, {}),  # 6 → 8: flagged
    "HS701": ("Đỗ Minh", "Khang", "8A1", "8", LAST_YEAR_END, {}),  # 8 → 7: flagged
    "7900000003": ("Lê Hoàng", "Cường", "7A1", "7", LAST_YEAR_END, {}),  # row rejected
    "7900000090": ("Hoàng Thu", "Hà", "9A1", "9", "2026-05-31", {}),  # moved away
    "7900000091": ("Lê Văn", "Khoa", "9A2", "9", "2026-05-31", {}),  # left, holds a loan
    "7900000092": ("Phạm Thị", "Hoa", "9A2", "9", "2026-05-31", {}),  # left, owes a fine
    "7900000093": ("Trương Văn", "Lực", "9A3", "9", "2025-06-30", {}),  # left long ago
    "GV001": ("Nguyễn Thị", "Hồng", "Tổ Ngữ văn", None, "2099-12-31",
              {"date_of_birth": "1985-05-12", "gender": "F"}),
    "GV009": ("Đinh Văn", "Cũ", "Tổ Toán", None, "2099-12-31", {}),  # teacher who left
}
OTHER_SCHOOL = {"7900000012": ("Bùi Thị", "Châu")}  # a card another library holds

EXPECTED = {
    "create": {"7900000001", "7900000011", "HS702", "HS703", "7900000024", "GV002"},
    "update": {"7900000002", "7900000006", "7900000021"},
    "extend": {"7900000022"},
    "expire": {"7900000090", "GV009"},
    "held": {"7900000091", "7900000092"},
    "flagged": {"7900000031", "HS701", "7900000012"},
    "up_to_date": {"GV001"},
}


def seed_last_year(fake: FakeKoha) -> dict[str, int]:
    """Seed the school; returns card number → patron_id."""
    fake.state.put("library", library("KHAC", "Trường THCS Khác"))
    ids: dict[str, int] = {}
    for card, (surname, firstname, cls, grade, expiry, extra) in LAST_YEAR.items():
        category = TEACHER if card.startswith("GV") else PUPIL
        patron = fake.add_patron(cardnumber=card, surname=surname, firstname=firstname,
                                 category_id=category, library_id="MAU", statistics_1=cls,
                                 statistics_2=grade, expiry_date=expiry,
                                 date_enrolled="2024-09-05", **extra)
        ids[card] = int(patron["patron_id"])
    for card, (surname, firstname) in OTHER_SCHOOL.items():
        patron = fake.add_patron(cardnumber=card, surname=surname, firstname=firstname,
                                 category_id=PUPIL, library_id="KHAC", statistics_1="6A1",
                                 statistics_2="6", expiry_date="2026-07-31")
        ids[card] = int(patron["patron_id"])
    record: Record = make_record("Dế Mèn phiêu lưu ký", "Tô Hoài", barcodes=())
    biblio = fake.add_biblio_marc(record)
    item = fake.add_item(biblio, external_id="TV000001", home_library_id="MAU",
                         holding_library_id="MAU", item_type_id="STK")
    fake.seed_checkout(ids["7900000091"], int(item["item_id"]))
    fake.set_balance(ids["7900000092"], 20000)
    return ids


def config_text(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "koha-bridge.toml"
    path.write_text(
        '[school]\nname = "Trường THCS Mẫu"\nlevel = "THCS"\nlibrary_id = "MAU"\n'
        '[koha]\nretries = 1\ntimeout = 5.0\n'
        f'[patrons]\npupil_category = "{PUPIL}"\nteacher_category = "{TEACHER}"\n{extra}',
        encoding="utf-8")
    return path


def env_for(fake: FakeKoha) -> dict[str, str]:
    return {"KOHA_BRIDGE_URL": fake.url, "KOHA_BRIDGE_CLIENT_ID": fake.client_id,
            "KOHA_BRIDGE_CLIENT_SECRET": fake.client_secret}
