"""The wheel carries every data file the code reads, and nothing from tests or benchmarks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

DATA_DIRS = ("classification/data", "marc/data", "cli/data", "koha_bridge/data",
             "koha_bridge/registers/data", "koha_bridge/demo", "koha_bridge/standards/data")


@pytest.mark.slow
def test_wheel_contains_every_data_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("koha_bridge-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(path.relative_to(REPO))
        for folder in DATA_DIRS
        for path in (REPO / folder).iterdir()
        if path.is_file()
    }
    assert expected <= names, sorted(expected - names)
    assert "cli/data/sample-delivery.xlsx" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/"))]
