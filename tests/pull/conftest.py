"""A school in the fake Koha, a client for it, a store and a config with small pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from koha_bridge.config import Config, KohaConfig
from koha_bridge.koha.auth import OAuth2ClientCredentials
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import PullReport, pull
from koha_bridge.store import Store
from tests.fakekoha import FakeKoha
from tests.fakekoha.school import School, seed_school

PER_PAGE = 10
MIRROR_TABLES = ("koha_libraries", "koha_item_types", "koha_patron_categories",
                 "koha_biblios", "koha_items", "koha_patrons", "koha_checkouts")


def make_config(per_page: int = PER_PAGE, workers: int = 3) -> Config:
    return dataclasses.replace(Config(), koha=KohaConfig(per_page=per_page, workers=workers,
                                                         retries=2, timeout=10.0))


def client_for(fake: FakeKoha, config: Config) -> KohaClient:
    return KohaClient(fake.url, OAuth2ClientCredentials(fake.client_id, fake.client_secret),
                      per_page=config.koha.per_page, retries=config.koha.retries,
                      timeout=config.koha.timeout, backoff=0.01)


@pytest.fixture
def school(fake_koha: FakeKoha) -> School:
    return seed_school(fake_koha)


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def client(fake_koha: FakeKoha, config: Config) -> Iterator[KohaClient]:
    with client_for(fake_koha, config) as made:
        yield made


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kb.sqlite") as opened:
        yield opened


def pull_counted(fake: FakeKoha, client: KohaClient, store: Store, config: Config,
                 **options: Any) -> tuple[PullReport, int]:
    """A pull and the number of API requests the fake saw (token requests excluded)."""
    fake.clear_requests()
    report = pull(client, store, config, **options)
    sent = [r for r in fake.requests if not r.path.endswith("/oauth/token")]
    return report, len(sent)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every mirror table's rows, without the columns that say when we wrote them."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in MIRROR_TABLES:
        columns = [r[1] for r in store.query(f"PRAGMA table_info({table})")
                   if r[1] not in ("pulled_at", "refreshed_at")]
        out[table] = [tuple(r) for r in store.query(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")]
    return out
