"""Registers rebuilt from a fresh pull equal those of the store that has been pulling all
along, and those of the store written straight from the known dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from koha_bridge.pull import pull
from koha_bridge.store import Store
from tests.fakekoha import routes_items, routes_reference
from tests.fakekoha.server import FakeKoha
from tests.pull.conftest import client_for, make_config
from tests.registers import dataset, fake_school
from tests.registers.conftest import build


def _cells(built: dict[str, Any]) -> dict[str, dict[str, list[list[Any]]]]:
    """Every value of every sheet of every register workbook."""
    out = {}
    for key, item in built.items():
        book = openpyxl.load_workbook(item.xlsx)
        out[key] = {name: [[c.value for c in row] for row in book[name].iter_rows()]
                    for name in book.sheetnames}
    return out


def test_fresh_pull_rebuilds_the_same_registers(fake_koha: FakeKoha, tmp_path: Path) -> None:
    items, current = fake_school.seed(fake_koha)
    config = make_config(per_page=6)
    with client_for(fake_koha, config) as client, Store(tmp_path / "old.sqlite") as old, \
            Store(tmp_path / "direct.sqlite") as direct:
        pull(client, old, config)
        dataset.fill(direct)
        assert _cells(build(old, tmp_path / "a", "2025-2026")) == \
            _cells(build(direct, tmp_path / "b", "2025-2026"))
        # the library's year goes on in Koha: a withdrawal, a return; the old store pulls
        routes_items.change_item(fake_koha.state, items["TK.00005"], {
            "withdrawn": 2, "withdrawn_date": "2026-04-10T08:00:00+00:00"})
        routes_reference.return_checkout(fake_koha.state, current["TN.00006"],
                                         when=dt.datetime(2026, 5, 25, 9, tzinfo=dt.UTC))
        pull(client, old, config)
        with Store(tmp_path / "new.sqlite") as new:  # the new laptop
            pull(client, new, config)
            before = _cells(build(direct, tmp_path / "c", "2025-2026"))
            kept = _cells(build(old, tmp_path / "d", "2025-2026"))
            fresh = _cells(build(new, tmp_path / "e", "2025-2026"))
    assert kept == fresh
    assert kept != before
    withdrawn = [row for row in fresh["thanh-ly"]["Danh sách thanh lý"] if "TK.00005" in row]
    assert len(withdrawn) == 1 and "Rách nát, hư hỏng" in withdrawn[0]
    loans = [row for row in fresh["so-muon"]["Học sinh"] if "TN.00006" in row]
    assert len(loans) == 1 and dt.datetime(2026, 5, 25) in loans[0]
