"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("KOHA_BRIDGE_SHARED", REPO.parent / "shared"))

pytest_plugins = ["tests.support.kohaspec", "tests.fakekoha.plugin"]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared reference folder (``../shared`` beside the checkout)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set KOHA_BRIDGE_SHARED")
    return SHARED


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def require_tool(name: str) -> str:
    """Path of an external validator; a test that needs it fails (never skips) without it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (see .ci/run for the Debian packages)")
    return path
