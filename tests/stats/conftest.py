from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from koha_bridge.store import Store
from tests.stats import dataset


@pytest.fixture(scope="module")
def known() -> dataset.Dataset:
    return dataset.make()


@pytest.fixture(scope="module")
def store(known: dataset.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("stats") / "store.sqlite"
    with Store(path) as s:
        with s.atomic() as conn:
            dataset.load(conn, known)
        yield s
