"""The wheel carries every data file the code reads, and nothing from tests or benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

DATA_DIRS = ("classification/data", "marc/data", "cli/data", "koha_bridge/data",
             "koha_bridge/registers/data", "koha_bridge/demo", "koha_bridge/standards/data")
BUILD_LEFTOVERS = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "out",
                                         "koha-bridge-demo", "*_cache", "__pycache__",
                                         "*.sqlite*")


@pytest.mark.slow
def test_wheel_contains_every_data_file(tmp_path: Path) -> None:
    # pip builds in the source tree (build/, *.egg-info): build from a copy, not the checkout
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=BUILD_LEFTOVERS)
    wheels = tmp_path / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("koha_bridge-*.whl")
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
