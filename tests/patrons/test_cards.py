"""Library cards: text intact (NFC), barcodes decoded by zbarimg, 10 a page, filters."""

from __future__ import annotations

import os
import stat
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.config import Config, PatronsConfig, SchoolConfig
from koha_bridge.patrons.cards import CardOptions, cards_from_store, write_cards
from koha_bridge.store import Store
from tests.conftest import require_tool
from tests.fakekoha import FakeKoha
from tests.patrons.school import config_text, env_for, seed_last_year
from tests.patrons.test_sync_cli import sync

CONFIG = Config(school=SchoolConfig(name="Trường THCS Nguyễn Trãi", library_id="MAU"),
                patrons=PatronsConfig(pupil_category="HS_THCS", teacher_category="GV"))


def _seed_store(path: Path, n: int) -> None:
    with Store(path) as store, store.atomic() as conn:
        for i in range(n):
            conn.execute(
                "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, "
                "category_id, library_id, statistics_1, statistics_2, expiry_date, pulled_at)"
                " VALUES (?, ?, ?, ?, ?, 'MAU', ?, ?, '2026-07-31', 'x')",
                (i + 1, f"79{i:08d}", "Nguyễn Thị Ngọc", ["Bích", "Ấn", "Ân", "Ánh"][i // 2 % 4],
                 "HS_THCS", f"6A{1 + i % 2}", "6"))
        conn.execute(
            "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, category_id,"
            " library_id, statistics_1, expiry_date, pulled_at) VALUES (900, 'GV001', "
            "'Trần Quốc', 'Toản', 'GV', 'MAU', 'Tổ Toán', '2099-12-31', 'x')")
        conn.execute(  # another school's pupil and a leaver: no card
            "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, category_id,"
            " library_id, statistics_1, expiry_date, pulled_at) VALUES (901, 'X1', 'Lê', "
            "'Khác', 'HS_THCS', 'KHAC', '6A1', '2026-07-31', 'x'), (902, 'X2', 'Lê', 'Đi', "
            "'HS_THCS', 'MAU', '9A1', '2025-07-31', 'x')")


def decode(pdf: Path, work: Path) -> list[str]:
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    subprocess.run([pdftoppm, "-r", "300", "-gray", "-png", str(pdf), str(work / "page")],
                   check=True)
    values: list[str] = []
    for png in sorted(work.glob("page*.png")):
        done = subprocess.run([zbarimg, "-q", "--raw", "-Sdisable", "-Scode128.enable",
                               str(png)], capture_output=True, text=True, check=False)
        values += done.stdout.split()
    return values


def test_cards_text_barcodes_pages_and_order(tmp_path: Path) -> None:
    _seed_store(tmp_path / "kb.sqlite", 23)
    with Store(tmp_path / "kb.sqlite") as store:
        cards, year = cards_from_store(store, CONFIG, school_year="2025-2026")
    assert year == "2025-2026"
    assert len(cards) == 24  # 23 pupils and the teacher; not the other school, not the leaver
    given = [c.name.split()[-1] for c in cards if c.class_name == "6A1"]
    assert given == ["Ánh"] * 3 + ["Ân"] * 3 + ["Ấn"] * 3 + ["Bích"] * 3  # Vietnamese order
    assert cards[0].class_name == "6A1" and cards[-1].cardnumber == "GV001"
    out = tmp_path / "the.pdf"
    pages = write_cards(cards, out, CardOptions.of(CONFIG, year))
    assert pages == 3  # 10 a page
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with pdfplumber.open(out) as doc:
        first = doc.pages[0]
        assert (round(first.width), round(first.height)) == (595, 842)  # A4
        text = "\n".join(page.extract_text() for page in doc.pages)
    assert text == unicodedata.normalize("NFC", text)
    assert text.count("Trường THCS Nguyễn Trãi") == 24
    assert text.count("THẺ THƯ VIỆN · Năm học 2025-2026") == 24
    assert "Nguyễn Thị Ngọc Ánh" in text and "Lớp: 6A2" in text and "Tổ Toán" in text
    assert sorted(decode(out, tmp_path)) == sorted(c.cardnumber for c in cards)


def test_cards_for_one_class_or_the_new_patrons_from_the_command(
        fake_koha: FakeKoha, tmp_path: Path, roster_files: list[Path]) -> None:
    seed_last_year(fake_koha)
    sync(tmp_path, fake_koha, roster_files, "--apply")

    def cards(*args: str) -> str:
        out = tmp_path / "cards.pdf"
        result = CliRunner().invoke(
            cli, ["--config", str(config_text(tmp_path, "card_photo = true\n")), "--db",
                  str(tmp_path / "kb.sqlite"), "patrons", "cards", *args, "--out", str(out)],
            env=env_for(fake_koha), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return " ".join(sorted(decode(out, tmp_path / args[0].strip("-"))))

    (tmp_path / "class").mkdir()
    (tmp_path / "new").mkdir()
    assert cards("--class", "6A1") == "7900000001 7900000011"
    assert cards("--new") == "7900000001 7900000011 7900000024 GV002 HS702 HS703"


def test_card_sheet_geometry_is_the_card_preset() -> None:
    from classification.labels.layout import presets

    card = presets()["a4-2x5-card"]
    assert (card.columns * card.rows, card.label_width_mm, card.label_height_mm) == (
        10, 85.6, 54.0)
