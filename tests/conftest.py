"""Shared pytest fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Third-party files the tests need, vendored with their sources (see tests/data/README.md).
TEST_DATA = Path(__file__).resolve().parent / "data"
KOHA_OPENAPI = TEST_DATA / "koha-openapi"
MARC_XSD = TEST_DATA / "MARC21slim.xsd"

pytest_plugins = [
    "tests.support.kohaspec",
    "tests.fakekoha.plugin",
    "tests.support.rootguard",
    "pytester",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def require_tool(name: str) -> str:
    """Path of an external validator; a test that needs it fails (never skips) without it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (see .ci/run for the Debian packages)")
    return path
