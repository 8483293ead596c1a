"""The bundled sample school: deterministic, consistent, and the demo writes its registers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from koha_bridge.config import Config
from koha_bridge.demo.school import SCHOOLS, fill_school, legacy_counts
from koha_bridge.store import Store

TABLES = ("koha_libraries", "koha_patron_categories", "koha_biblios", "koha_items",
          "koha_patrons", "koha_checkouts")


def _dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_demo_writes_every_register(demo: tuple[Path, str]) -> None:
    out, output = demo
    for key in ("tong-quat", "ca-biet", "sach-giao-khoa", "so-muon", "kiem-ke", "thanh-ly"):
        for suffix in ("xlsx", "pdf"):
            path = out / "so-sach" / f"{key}-2025-2026.{suffix}"
            assert path.stat().st_size > 2000, path
            assert str(path) in output
    assert "Trường THCS Bình An" in output


def test_demo_store_is_consistent(demo: tuple[Path, str]) -> None:
    out, _ = demo
    conn = sqlite3.connect(out / "koha-bridge.sqlite")
    libraries = {r[0] for r in conn.execute("SELECT library_id FROM koha_libraries")}
    assert libraries == {"MAU", "BINHAN"}
    duplicates = conn.execute(
        "SELECT home_library_id, inventory_number FROM koha_items GROUP BY 1, 2"
        " HAVING COUNT(*) > 1").fetchall()
    assert duplicates == []
    orphans = conn.execute(
        "SELECT COUNT(*) FROM koha_checkouts c LEFT JOIN koha_items i USING (item_id)"
        " LEFT JOIN koha_patrons p USING (patron_id) WHERE i.item_id IS NULL"
        " OR p.patron_id IS NULL").fetchone()[0]
    assert orphans == 0
    # the sample delivery is numbered after the legacy copies of each category
    counts = legacy_counts(SCHOOLS[0])
    for category, count in counts.items():
        first = conn.execute(
            "SELECT MIN(CAST(substr(inventory_number, length(?) + 2) AS INTEGER)) FROM"
            " koha_items WHERE home_library_id = 'MAU' AND inventory_number LIKE ? || '.%'"
            " AND internal_notes LIKE '%131/PGH%'", (category, category)).fetchone()[0]
        if first is not None:
            assert first == count + 1, category
    current = conn.execute("SELECT COUNT(*) FROM koha_checkouts WHERE checkin_date IS NULL"
                           ).fetchone()[0]
    on_loan = conn.execute("SELECT COUNT(*) FROM koha_items WHERE checked_out_date IS NOT NULL"
                           ).fetchone()[0]
    assert current == on_loan > 0
    conn.close()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for run in ("a", "b"):
        path = tmp_path / f"{run}.sqlite"
        with Store(path) as store:
            for school in SCHOOLS:
                fill_school(store, Config(), school)
        dumps.append(_dump(path))
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["koha_items"]) > 300 and len(dumps[0]["koha_checkouts"]) > 500
