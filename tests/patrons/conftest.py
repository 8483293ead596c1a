"""Roster files for the patron tests (written fresh per session from rosters_data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.patrons.rosters_data import write_rosters


@pytest.fixture(scope="session")
def roster_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_rosters(tmp_path_factory.mktemp("rosters"))
