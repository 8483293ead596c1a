"""Edge cases of Koha's data: undated withdrawals, unknown categories, no delivery note."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.registers import general, individual
from koha_bridge.registers.build import context, school_year
from koha_bridge.registers.holdings import UNKNOWN_DAY, accession_key
from koha_bridge.store import Store


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.sqlite")
    rows = [  # item_id, accession, collection, acquired, withdrawn, withdrawn_date, timestamp
        (1, "TK.00001", "TK", "2024-10-01", 1, None, None),
        (2, "TK.00002", "TK", "2024-10-01", 1, None, "2025-03-04T10:00:00+07:00"),
        (3, "TK.00010", "TK", None, 0, None, None),
        (4, "XY.00001", "XY", "2025-10-01", 0, None, None),
    ]
    with store.atomic() as conn:
        conn.execute("INSERT INTO koha_biblios (biblio_id, title, refreshed_at)"
                     " VALUES (1, 'Sách', 'x')")
        for item_id, accession, collection, acquired, withdrawn, when, stamp in rows:
            conn.execute(
                "INSERT INTO koha_items (item_id, biblio_id, home_library_id, collection_code,"
                " inventory_number, acquisition_date, purchase_price, withdrawn,"
                " withdrawn_date, timestamp, pulled_at) VALUES (?,1,'MAU',?,?,?,1000,?,?,?,'x')",
                (item_id, collection, accession, acquired, withdrawn, when, stamp))
    return store


def test_withdrawals_without_a_date(tmp_path: Path) -> None:
    config = Config()
    with _store(tmp_path) as store:
        ctx = context(store, config, school_year(config, "2025-2026"), "MAU")
        copies = {c.accession: c for c in ctx.holdings.copies}
        assert copies["TK.00001"].withdrawn_on == UNKNOWN_DAY
        assert copies["TK.00002"].withdrawn_on == date(2025, 3, 4)  # Koha's last change
        assert not copies["TK.00001"].held_on(date(2024, 10, 2))
        assert copies["TK.00010"].held_on(date(2000, 1, 1))  # undated legacy copy
        assert copies["XY.00001"].category == ""  # no configured category claims it
        report = general.build(ctx)
        withdrawal = report.parts[1].blocks[0]
        undated = withdrawal.sections[0]  # type: ignore[union-attr]
        assert undated.caption.startswith("Không rõ ngày")
        assert undated.rows[0]["date"] is None and undated.rows[0]["copies"] == 1
        balance = report.parts[2].blocks[0].sections[0].rows  # type: ignore[union-attr]
        assert [r["year"] for r in balance] == ["2024-2025", "2025-2026"]
        assert balance[-1]["end_copies"] == 2  # TK.00010 and XY.00001
        intake_total = report.parts[0].blocks[0].totals  # type: ignore[union-attr]
        assert intake_total["cat_other"] == 1
        tk = individual.build(ctx).parts[1].blocks[0].sections[0].rows  # type: ignore
        notes = {r["accession"]: r["note"] for r in tk}
        assert notes["TK.00001"] == "Đã xuất ngày (không rõ) – Lý do khác"


def test_accession_order_is_numeric_within_a_prefix() -> None:
    numbers = ["TK.10", "TK.9", "TN.1", "TK-00011", "TK.00008"]
    assert sorted(numbers, key=accession_key) == ["TK.00008", "TK.9", "TK.10", "TK-00011",
                                                  "TN.1"]


def test_general_register_roman_dates(tmp_path: Path) -> None:
    from dataclasses import replace

    from koha_bridge.config import RegistersConfig

    config = replace(Config(), registers=RegistersConfig(general_dates="roman"))
    assert general.roman_date(date(2007, 11, 26)) == "26.XI.2007"
    with _store(tmp_path) as store:
        report = general.build(context(store, config, school_year(config, "2025-2026"), "MAU"))
    intake = report.parts[0].blocks[0].sections  # type: ignore[union-attr]
    dates = [r["date"] for s in intake for r in s.rows]
    assert "1.X.2024" in dates and "1.X.2025" in dates
