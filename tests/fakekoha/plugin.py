"""Pytest fixtures for the fake Koha (registered in tests/conftest.py ``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakekoha.server import FakeKoha, default_openapi_dir, load_spec
from tests.support.kohaspec import KohaSpec


def _spec(request: pytest.FixtureRequest) -> KohaSpec:
    try:
        spec: KohaSpec = request.getfixturevalue("koha_spec")
    except pytest.FixtureLookupError:
        spec = load_spec(default_openapi_dir())
    return spec


@pytest.fixture
def fake_koha(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[FakeKoha]:
    """A fresh fake Koha in strict mode: library MAU, item types SGK/SNV/STK/STN/BTC/TL,
    patron categories HS_TH/HS_THCS/HS_THPT/GV/NV, LOC and CCODE values.

    On teardown it fails the test if one of its responses broke the spec or an operation
    crashed; requests refused by the spec are in ``fake.request_violations``.
    """
    fake = FakeKoha(tmp_path / "fakekoha.sqlite", spec=_spec(request), strict=True)
    try:
        yield fake
    finally:
        fake.stop()
    problems = fake.response_violations + fake.errors
    assert not problems, "fake Koha misbehaved:\n" + "\n".join(problems)
