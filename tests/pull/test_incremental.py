"""Full, then incremental: request counts, changes picked up, deletions repaired."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import pull
from koha_bridge.store import Store
from tests.fakekoha import FakeKoha
from tests.fakekoha.school import School
from tests.fakekoha.state import now_iso
from tests.pull.conftest import pull_counted, snapshot


def _fresh(fake: FakeKoha, client: KohaClient, config: Config, path: Path,
           **options: object) -> dict[str, list[tuple[object, ...]]]:
    """What an uninterrupted first pull into a new store holds."""
    with Store(path) as other:
        pull(client, other, config, **options)  # type: ignore[arg-type]
        return snapshot(other)


def test_second_pull_with_nothing_changed_sends_at_most_a_quarter(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config) -> None:
    first, first_sent = pull_counted(fake_koha, client, store, config)
    before = snapshot(store)
    second, second_sent = pull_counted(fake_koha, client, store, config)
    fake_koha.assert_clean()
    assert first.requests == first_sent and second.requests == second_sent
    assert first_sent >= 60  # pages of 10: the school is read page by page
    assert second_sent <= first_sent * 0.25, (first_sent, second_sent)
    assert {r.mode for r in second.resources} == {"whole", "incremental"}
    assert not any(r.repaired for r in second.resources)
    assert snapshot(store) == before


def test_incremental_pull_picks_up_changes(fake_koha: FakeKoha, school: School,
                                           client: KohaClient, store: Store, config: Config,
                                           tmp_path: Path) -> None:
    pull(client, store, config)
    withdrawn, lost, moved = school.items[5], school.items[9], school.items[13]
    fake_koha.change_item(withdrawn, withdrawn=1, withdrawn_date=now_iso())
    fake_koha.change_item(lost, lost_status=1, lost_date=now_iso())
    fake_koha.change_item(moved, callnumber="895.9223 NG-A", internal_notes="ghi chú mới")
    new_item = fake_koha.add_item(school.biblios[0], external_id="MAUTK99999",
                                  inventory_number="TK.99999", home_library_id="MAU",
                                  item_type_id="STK", collection_code="TK")
    fake_koha.return_checkout(school.current_loans[0])
    fake_koha.renew_checkout(school.current_loans[1],
                             dt.datetime.now(dt.UTC) + dt.timedelta(days=21))
    loan = fake_koha.seed_checkout(school.pupils[0], school.items[20])
    patron = fake_koha.state.get("patron", school.pupils[3])
    assert patron is not None
    fake_koha.state.put("patron", dict(patron, statistics_1="7B", statistics_2="7",
                                       updated_on=now_iso()))
    report = pull(client, store, config)
    fake_koha.assert_clean()
    assert not any(r.repaired for r in report.resources)
    items = {r["item_id"]: r for r in store.query("SELECT * FROM koha_items")}
    assert items[withdrawn]["withdrawn"] == 1 and items[withdrawn]["withdrawn_date"]
    assert items[lost]["lost_status"] == 1 and items[lost]["lost_date"]
    assert items[moved]["internal_notes"] == "ghi chú mới"
    assert items[new_item["item_id"]]["inventory_number"] == "TK.99999"
    returned = store.query("SELECT checkin_date FROM koha_checkouts WHERE checkout_id = ?",
                           (school.current_loans[0],))
    assert returned[0][0] is not None
    renewed = store.query("SELECT renewals_count FROM koha_checkouts WHERE checkout_id = ?",
                          (school.current_loans[1],))
    assert renewed[0][0] == 1
    assert store.query("SELECT 1 FROM koha_checkouts WHERE checkout_id = ?",
                       (loan["checkout_id"],))
    assert store.query("SELECT statistics_1 FROM koha_patrons WHERE patron_id = ?",
                       (school.pupils[3],))[0][0] == "7B"
    assert snapshot(store) == _fresh(fake_koha, client, config, tmp_path / "fresh.sqlite")


def test_a_changed_title_is_read_again(fake_koha: FakeKoha, school: School,
                                       client: KohaClient, store: Store,
                                       config: Config) -> None:
    pull(client, store, config)
    biblio_id = school.biblios[2]
    record = fake_koha.biblio_record(biblio_id)
    assert record is not None
    record["245"]["a"] = "Tên sách đã sửa /"
    doc = fake_koha.state.get("biblio", biblio_id)
    assert doc is not None
    from tests.fakekoha.marcview import to_marcxml

    fake_koha.state.put("biblio", dict(doc, marcxml=to_marcxml(record),
                                       view=dict(doc["view"], timestamp=now_iso())))
    report = pull(client, store, config)
    assert report.resource("biblios").rows >= 1
    assert store.query("SELECT title FROM koha_biblios WHERE biblio_id = ?",
                       (biblio_id,))[0][0] == "Tên sách đã sửa"


def test_deleted_items_are_found_by_the_count_and_removed(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config, tmp_path: Path) -> None:
    pull(client, store, config)
    gone = school.items[30]
    fake_koha.delete_item(gone)
    report = pull(client, store, config)
    items = report.resource("items")
    assert items.repaired and items.deleted == 1
    assert not store.query("SELECT 1 FROM koha_items WHERE item_id = ?", (gone,))
    assert snapshot(store) == _fresh(fake_koha, client, config, tmp_path / "fresh.sqlite")
    again = pull(client, store, config)
    assert not again.resource("items").repaired


def test_full_repairs_a_damaged_store(fake_koha: FakeKoha, school: School,
                                      client: KohaClient, store: Store, config: Config,
                                      tmp_path: Path) -> None:
    pull(client, store, config)
    with store.atomic() as conn:  # damage no count would notice
        conn.execute("UPDATE koha_items SET callnumber = 'SAI' WHERE item_id = ?",
                     (school.items[0],))
        conn.execute("UPDATE koha_biblios SET title = 'SAI'")
        conn.execute("UPDATE koha_checkouts SET due_date = NULL")
    pull(client, store, config)
    assert store.query("SELECT COUNT(*) FROM koha_biblios WHERE title = 'SAI'")[0][0] > 0
    report = pull(client, store, config, full=True)
    fake_koha.assert_clean()
    assert {r.mode for r in report.resources} == {"whole", "full"}
    assert snapshot(store) == _fresh(fake_koha, client, config, tmp_path / "fresh.sqlite")


def test_biblio_rows_lost_from_the_store_are_read_again(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config, tmp_path: Path) -> None:
    pull(client, store, config)
    with store.atomic() as conn:  # what the push's --refresh-index does first
        conn.execute("DELETE FROM koha_biblio_isbns")
        conn.execute("DELETE FROM koha_biblios")
    report, sent = pull_counted(fake_koha, client, store, config)
    assert report.resource("biblios").rows == len(school.biblios)
    assert sent <= 13 + -(-len(school.biblios) // config.koha.per_page)
    assert snapshot(store) == _fresh(fake_koha, client, config, tmp_path / "fresh.sqlite")


def test_busy_koha_answers_are_retried_within_the_clients_policy(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config, tmp_path: Path) -> None:
    fake_koha.faults.fail_next(2, 503, path="/api/v1/items")
    fake_koha.faults.fail_next(1, 502, path="/api/v1/checkouts")
    fake_koha.faults.rate_limit_next(1, retry_after=0, path="/api/v1/biblios")
    report = pull(client, store, config)
    statuses = [r.status for r in fake_koha.requests]
    assert statuses.count(503) == 2 and statuses.count(502) == 1 and 429 in statuses
    assert all(r.settled for r in report.resources)
    assert snapshot(store) == _fresh(fake_koha, client, config, tmp_path / "fresh.sqlite")
