"""A first pull fills every mirror table from the fake school, exactly."""

from __future__ import annotations

from koha_bridge.config import Config
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import pull
from koha_bridge.store import Store
from tests.fakekoha import FakeKoha
from tests.fakekoha.school import School


def test_first_pull_copies_the_school(fake_koha: FakeKoha, school: School, client: KohaClient,
                                      store: Store, config: Config) -> None:
    report = pull(client, store, config)
    fake_koha.assert_clean()
    items = {r["item_id"]: r for r in store.query("SELECT * FROM koha_items")}
    assert set(items) == set(school.items)
    assert {i for i, r in items.items() if r["withdrawn"]} == set(school.withdrawn)
    assert {i for i, r in items.items() if r["lost_status"]} == set(school.lost)
    loans = store.query("SELECT checkout_id, checkin_date FROM koha_checkouts")
    assert {r[0] for r in loans if r[1] is None} == set(school.current_loans)
    assert {r[0] for r in loans if r[1] is not None} == set(school.old_loans)
    assert report.requests > 0
