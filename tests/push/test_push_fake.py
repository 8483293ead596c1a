"""The push against the fake Koha over real HTTP, with the real client (strict spec mode)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.push.run import Pusher, PushOutcome, Result, TitleResult, plan_push
from koha_bridge.store.journal import Journal
from tests.fakekoha import FakeKoha
from tests.push.conftest import book, books, client_for, isbn13


def _push(fake: FakeKoha, journal: Journal, records: list[Any], workers: int = 4,
          **client: Any) -> PushOutcome:
    api = KohaApi(client_for(fake, **client))
    plan = plan_push(records, api, journal, item_from_952)
    return Pusher(api, journal, backoff=0.01).run(plan, workers=workers)


def _assert_once_each(fake: FakeKoha, records: list[Any]) -> None:
    """Exactly one biblio per title and one item per barcode, on the right biblio."""
    titles = Counter(str(b["title"]).rstrip(" /") for b in fake.biblios())
    assert sorted(titles) == sorted(r["245"]["a"].rstrip(" /") for r in records)
    assert set(titles.values()) == {1}, titles
    barcodes = Counter(i["external_id"] for i in fake.items())
    wanted = [f["p"] for r in records for f in r.get_fields("952")]
    assert sorted(barcodes) == sorted(wanted) and set(barcodes.values()) == {1}
    by_id = {b["biblio_id"]: str(b["title"]).rstrip(" /") for b in fake.biblios()}
    for record in records:
        for field in record.get_fields("952"):
            item = next(i for i in fake.items() if i["external_id"] == field["p"])
            assert by_id[item["biblio_id"]] == record["245"]["a"].rstrip(" /")


def _writes(fake: FakeKoha) -> Counter[str]:
    return Counter(f"{r.method} {r.path.split('/')[3]}" for r in fake.requests
                   if r.method != "GET" and not r.path.endswith("/oauth/token"))


def test_records_go_as_koha_expects(fake_koha: FakeKoha, journal: Journal) -> None:
    records = [book(1, copies=2), book(2, copies=1, item_type="SGK")]
    outcome = _push(fake_koha, journal, records)
    assert outcome.complete and outcome.count(Result.CREATED) == 3
    fake_koha.assert_clean()
    biblio_posts = [r for r in fake_koha.requests if r.method == "POST" and
                    r.path == "/api/v1/biblios"]
    assert len(biblio_posts) == 2
    assert all(r.headers["content-type"] == "application/marcxml+xml" for r in biblio_posts)
    assert all(b"952" not in r.body for r in biblio_posts)
    for biblio in fake_koha.biblios():
        stored = fake_koha.biblio_record(biblio["biblio_id"])
        assert stored is not None and stored.get_fields("952") == []
    item = next(i for i in fake_koha.items() if i["external_id"] == "TV00011")
    assert {k: item[k] for k in ("home_library_id", "holding_library_id", "item_type_id",
                                 "collection_code", "inventory_number", "callnumber",
                                 "purchase_price", "acquisition_date", "internal_notes")} == {
        "home_library_id": "MAU", "holding_library_id": "MAU", "item_type_id": "STK",
        "collection_code": "TK", "inventory_number": "TK.00011",
        "callnumber": "895.9223 NG-A", "purchase_price": 45000,
        "acquisition_date": "2025-09-05",
        "internal_notes": "koha-bridge: ds-2025.xlsx [Sheet1] dòng 2"}
    assert journal.counts() == {("titles", "created"): 2, ("items", "created"): 3}


def test_happy_path_request_budget(fake_koha: FakeKoha, journal: Journal) -> None:
    records = books(30, 100)
    outcome = _push(fake_koha, journal, records, workers=4)
    assert outcome.complete and outcome.count(Result.CREATED) == 100
    fake_koha.assert_clean()
    sent = len(fake_koha.requests)  # token and planning look-ups included
    assert sent <= 100 + 2 * 30, sent
    assert _writes(fake_koha) == {"POST biblios": 130}
    _assert_once_each(fake_koha, records)


def test_matching_existing_titles_and_taken_numbers(fake_koha: FakeKoha,
                                                    journal: Journal) -> None:
    hyphenated = f"978-604-{isbn13(1)[6:12]}-{isbn13(1)[-1]}"
    by_isbn = fake_koha.add_biblio_marc(book(1, copies=0, isbn=hyphenated,
                                             title="Tên khác trong Koha"))
    by_key = fake_koha.add_biblio_marc(book(90, copies=0, isbn=None, title="Truyện Kiều",
                                            author="Nguyễn Du", year="2019"))
    other = fake_koha.add_biblio_marc(book(91, copies=0))
    fake_koha.add_item(other, external_id="TV00030", home_library_id="MAU")
    fake_koha.add_item(other, external_id="OLD-7", inventory_number="TK.00031",
                       home_library_id="MAU")
    records = [book(1, copies=2), book(2, copies=1, isbn=None, title="TRUYỆN KIỀU",
                                       author="Nguyen Du", year="2019"), book(3, copies=3)]
    outcome = _push(fake_koha, journal, records)
    fake_koha.assert_clean()
    assert len(fake_koha.biblios()) == 4  # only book 3 is new
    assert outcome.titles(TitleResult.MATCHED) == 2 and outcome.titles(TitleResult.CREATED) == 1
    got = {c.barcode: c.result for c in outcome.plan.copies}
    assert got == {"TV00010": Result.ADDED, "TV00011": Result.ADDED, "TV00020": Result.ADDED,
                   "TV00030": Result.CONFLICT, "TV00031": Result.CONFLICT,
                   "TV00032": Result.CREATED}
    on = {i["external_id"]: i["biblio_id"] for i in fake_koha.items()}
    assert on["TV00010"] == on["TV00011"] == by_isbn and on["TV00020"] == by_key
    assert "TV00031" not in on and on["TV00030"] == other
    assert not outcome.complete


def test_koha_duplicate_answer_is_overridden_for_another_year(fake_koha: FakeKoha,
                                                              journal: Journal) -> None:
    fake_koha.add_biblio_marc(book(90, copies=0, isbn=None, title="Truyện Kiều",
                                   author="Nguyễn Du", year="1990"))
    records = [book(2, copies=1, isbn=None, title="Truyện Kiều", author="Nguyễn Du",
                    year="2023")]
    outcome = _push(fake_koha, journal, records)
    fake_koha.assert_clean()
    posts = [r for r in fake_koha.requests if r.method == "POST" and r.path.endswith("biblios")]
    assert [r.status for r in posts] == [400, 200]
    assert posts[1].headers["x-confirm-not-duplicate"] == "1"
    assert outcome.titles(TitleResult.CREATED) == 1 and len(fake_koha.biblios()) == 2


def test_koha_duplicate_answer_for_the_same_title_is_adopted(fake_koha: FakeKoha,
                                                             journal: Journal) -> None:
    api = KohaApi(client_for(fake_koha))
    plan = plan_push([book(4, copies=2)], api, journal, item_from_952)
    existing = fake_koha.add_biblio_marc(book(4, copies=0))  # catalogued meanwhile
    outcome = Pusher(api, journal).run(plan)
    fake_koha.assert_clean()
    assert len(fake_koha.biblios()) == 1
    assert {i["biblio_id"] for i in fake_koha.items()} == {existing}
    assert outcome.count(Result.ADDED) == 2


@pytest.mark.parametrize("path", ["/api/v1/biblios", "/api/v1/biblios/*/items"])
def test_dropped_connection_after_commit_creates_nothing_twice(
    fake_koha: FakeKoha, journal: Journal, path: str
) -> None:
    records = books(12, 36)
    fake_koha.faults.drop_after_commit_next(5, method="POST", path_glob=path)
    outcome = _push(fake_koha, journal, records, workers=4)
    fake_koha.assert_clean()
    assert outcome.complete, [c.reason for c in outcome.plan.copies if c.reason]
    assert sum(1 for r in fake_koha.requests if r.status is None) == 5
    _assert_once_each(fake_koha, records)
    assert journal.counts() == {("titles", "created"): 12, ("items", "created"): 36}


def test_dropped_connections_on_both_kinds_in_one_run(fake_koha: FakeKoha,
                                                      journal: Journal) -> None:
    records = books(10, 30)
    fake_koha.faults.drop_after_commit_next(3, method="POST", path_glob="/api/v1/biblios")
    fake_koha.faults.drop_after_commit_next(4, method="POST",
                                            path_glob="/api/v1/biblios/*/items")
    outcome = _push(fake_koha, journal, records, workers=3)
    assert outcome.complete and outcome.titles(TitleResult.CREATED) == 10
    assert outcome.count(Result.CREATED) == 30
    _assert_once_each(fake_koha, records)
    fake_koha.assert_clean()


def test_server_errors_and_rate_limits_create_everything_once(fake_koha: FakeKoha,
                                                              journal: Journal) -> None:
    records = books(10, 30)
    fake_koha.faults.fail_next(3, status=503)
    fake_koha.faults.fail_next(2, status=502, path="/api/v1/biblios/*/items", method="POST")
    fake_koha.faults.fail_next(2, status=500, path="/api/v1/biblios", method="POST")
    fake_koha.faults.rate_limit_next(2, retry_after=1)
    outcome = _push(fake_koha, journal, records, workers=3)
    assert outcome.complete, [c.reason for c in outcome.plan.copies if c.reason]
    statuses = Counter(r.status for r in fake_koha.requests)
    assert statuses[503] == 3 and statuses[502] == 2 and statuses[500] == 2
    assert statuses[429] == 2
    _assert_once_each(fake_koha, records)
    fake_koha.assert_clean()


def test_a_restart_between_runs_loses_nothing(fake_koha: FakeKoha, journal: Journal) -> None:
    records = books(8, 20)
    fake_koha.faults.crash_after(14)  # token, 2 look-ups, then the server dies mid-run
    first = _push(fake_koha, journal, records, workers=2, retries=0)
    assert first.aborted is not None and not first.complete
    made = len(fake_koha.items())
    assert 0 < made < 20
    fake_koha.restart()
    second = _push(fake_koha, journal, records, workers=2)
    assert second.complete
    assert second.count(Result.SKIPPED) >= made - 1  # one may have been in flight
    _assert_once_each(fake_koha, records)
    third = _push(fake_koha, journal, records)
    assert third.count(Result.SKIPPED) == 20 and len(fake_koha.items()) == 20
    fake_koha.assert_clean()


def test_refused_credentials_abort_the_run(fake_koha: FakeKoha, journal: Journal) -> None:
    from koha_bridge.exceptions import KohaAuthError
    from koha_bridge.koha.auth import OAuth2ClientCredentials
    from koha_bridge.koha.client import KohaClient

    client = KohaClient(fake_koha.url, OAuth2ClientCredentials(fake_koha.client_id, "sai"))
    with pytest.raises(KohaAuthError) as caught:
        plan_push([book(1)], KohaApi(client), journal, item_from_952)
    assert caught.value.exit_code == 4
    assert not fake_koha.biblios()
