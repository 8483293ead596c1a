"""The two-process build writes exactly what the one-process build writes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl

from koha_bridge.config import Config
from koha_bridge.registers.build import REGISTERS, WORKER_JOBS, build_all, school_year
from koha_bridge.store import Store
from tests.registers import dataset
from tests.registers.conftest import TODAY, fonts


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


def _words(path: Path) -> list[str]:
    """Every word of the PDF with its box, page by page (not the head's creation date)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.findall(r"<page\b.*?</page>", html, re.S)


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    assert set(WORKER_JOBS) <= {r.key for r in REGISTERS}
    config = Config()
    year = school_year(config, "2025-2026")
    with Store(tmp_path / "store.sqlite") as store:
        dataset.fill(store)
        serial = build_all(store, config, year, dataset.LIBRARY, tmp_path / "serial", fonts(),
                           today=TODAY, parallel=False)
        forked = build_all(store, config, year, dataset.LIBRARY, tmp_path / "forked", fonts(),
                           today=TODAY, parallel=True)
    assert [b.register.key for b in serial] == [b.register.key for b in forked]
    for one, two in zip(serial, forked, strict=True):
        assert two.xlsx.parent.name == "forked" and two.pdf.exists()
        assert _cells(one.xlsx) == _cells(two.xlsx), one.register.key
        words = _words(one.pdf)
        assert words and "<word" in words[0]
        assert words == _words(two.pdf), one.register.key
