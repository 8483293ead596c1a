"""``koha-bridge demo`` labels most of its copies: the classification gets them shelf-ready."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli


def test_demo_prints_spine_labels_for_at_least_85_percent(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    spine = re.search(r"Nhãn gáy \((\d+) nhãn", result.output)
    barcodes = re.search(r"Nhãn mã vạch \((\d+) nhãn\)", result.output)
    assert spine and barcodes, result.output
    labels, copies = int(spine.group(1)), int(barcodes.group(1))  # one barcode per copy
    assert copies > 1000
    assert labels / copies >= 0.85, (labels, copies)
    assert (out / "nhan-gay.pdf").stat().st_size > 10_000
