"""The inventory against a scan file: found, missing, status and unknown barcodes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.registers.build import context, school_year
from koha_bridge.registers.inventory import Scan, take
from koha_bridge.store import Store
from tests.registers import expected as ex


def test_scan_file_inventory(school_store: Store, tmp_path: Path) -> None:
    on = date(2026, 5, 20)
    shelf = [i for i in ex.MINE if ex.held(i, on) and not (i.lost and i.lost <= on)
             and not i.on_loan]
    skipped = {"TK.00008", "SGK.00033", "TN.00009"}
    lines = ["", *(f"MAU-{i.accession}" for i in shelf if i.accession not in skipped),
             "MAU-TK.00003",  # reported lost, found on the shelf
             "mau-tk.00001",  # withdrawn long ago (any case)
             "NOPE-1", "MAU-TK.00005", "KHAC-TK.00001"]
    path = tmp_path / "scan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    config = Config()
    ctx = context(school_store, config, school_year(config, "2025-2026"), "MAU")
    result = take(ctx.holdings.copies, on, Scan.read(path), seen_since=None)
    assert sorted(c.accession for c in result.missing) == sorted(skipped)
    assert len(result.found) == len(shelf) - len(skipped)
    assert {c.accession for c in result.on_loan} == {"TN.00006"}
    assert {c.accession for c in result.lost} == {"TK.00003"}
    assert {c.accession for c, _ in result.status} == {"TK.00003", "TK.00001"}
    assert result.unknown == [("NOPE-1", len(lines) - 2), ("KHAC-TK.00001", len(lines))]
    missing = {c.accession for c in result.missing}
    assert not missing & {"TN.00006", "TK.00003", "TK.00001", "TK.00002"}
