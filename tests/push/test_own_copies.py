"""Our own copies are ours: a barcode already in Koha on the same title with the same
accession number is recorded as created; only another title or another accession
number is a conflict. Conflicts and failures of an earlier run are looked at again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.push.run import Pusher, PushOutcome, Result, plan_push
from koha_bridge.store import Store
from koha_bridge.store.journal import Journal
from tests.fakekoha import FakeKoha
from tests.push.conftest import book, books, client_for


def _push(fake: FakeKoha, journal: Journal, records: list[Any]) -> PushOutcome:
    api = KohaApi(client_for(fake))
    plan = plan_push(records, api, journal, item_from_952)
    return Pusher(api, journal, backoff=0.0).run(plan, workers=2)


def _writes(fake: FakeKoha) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests
            if r.method != "GET" and not r.path.endswith("/oauth/token")]


def _other_journal(tmp_path: Path, name: str) -> tuple[Store, Journal]:
    store = Store(tmp_path / name)
    return store, Journal(store)


def test_copies_made_by_another_push_of_the_same_list_are_ours(
    fake_koha: FakeKoha, journal: Journal, tmp_path: Path
) -> None:
    records = books(4, 10)
    first_store, first = _other_journal(tmp_path, "other.sqlite")
    with first_store:
        assert _push(fake_koha, first, records).complete
    fake_koha.clear_requests()
    outcome = _push(fake_koha, journal, records)  # a store that never saw that push
    assert outcome.complete and outcome.count(Result.SKIPPED) == 10
    assert not _writes(fake_koha)
    assert journal.counts() == {("titles", "matched"): 4, ("items", "created"): 10}
    fake_koha.clear_requests()
    again = _push(fake_koha, journal, records)
    assert again.complete and not fake_koha.requests  # nothing left to look at
    fake_koha.assert_clean()


def test_conflicts_left_by_an_earlier_run_are_looked_at_again(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    """The journal of the old double push: copies marked conflict that Koha holds fine."""
    records = books(3, 9)
    assert _push(fake_koha, journal, records).complete
    for record in records:
        for field in record.get_fields("952"):
            journal.mark_item(field["p"], "conflict", record_id=record["001"].data,
                              reason="Mã vạch đã có trong Koha")
    outcome = _push(fake_koha, journal, records)
    assert outcome.complete, [c.reason for c in outcome.plan.copies if c.reason]
    assert outcome.count(Result.SKIPPED) == 9 and outcome.count(Result.CONFLICT) == 0
    assert journal.counts() == {("titles", "created"): 3, ("items", "created"): 9}
    assert len(fake_koha.items()) == 9
    fake_koha.assert_clean()


def test_another_title_or_another_accession_number_is_a_conflict(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    mine = fake_koha.add_biblio_marc(book(1, copies=0))
    other = fake_koha.add_biblio_marc(book(60, copies=0))
    fake_koha.add_item(mine, external_id="TV00010", inventory_number="TK.00010",
                       home_library_id="MAU")  # ours
    fake_koha.add_item(mine, external_id="TV00011", inventory_number="TK.99999",
                       home_library_id="MAU")  # our barcode, another accession number
    fake_koha.add_item(other, external_id="TV00012", inventory_number="TK.00012",
                       home_library_id="MAU")  # our barcode and number, another title
    outcome = _push(fake_koha, journal, [book(1, copies=4)])
    got = {c.barcode: c.result for c in outcome.plan.copies}
    assert got == {"TV00010": Result.SKIPPED, "TV00011": Result.CONFLICT,
                   "TV00012": Result.CONFLICT, "TV00013": Result.ADDED}
    reasons = {c.barcode: c.reason for c in outcome.plan.copies}
    assert reasons["TV00011"].startswith(
        "Mã vạch TV00011 đã có trong Koha với số ĐKCB khác (TK.99999)")
    assert reasons["TV00012"].startswith(
        f"Mã vạch TV00012 đã có trong Koha trên một nhan đề khác (biểu ghi {other},")
    fake_koha.assert_clean()


def test_the_match_rule_ties_a_duplicate_biblio_to_our_title(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    """Koha holds the title twice; our copy sits on the one the index does not pick."""
    fake_koha.add_biblio_marc(book(2, copies=0))
    second = fake_koha.add_biblio_marc(book(2, copies=0))
    fake_koha.add_item(second, external_id="TV00020", inventory_number="TK.00020",
                       home_library_id="MAU")
    outcome = _push(fake_koha, journal, [book(2, copies=2)])
    got = {c.barcode: c.result for c in outcome.plan.copies}
    assert got == {"TV00020": Result.SKIPPED, "TV00021": Result.ADDED}
    assert journal.item("TV00020")["biblio_id"] == second
    fake_koha.assert_clean()


def test_a_copy_made_between_planning_and_sending_is_claimed(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    api = KohaApi(client_for(fake_koha))
    plan = plan_push([book(3, copies=3)], api, journal, item_from_952)
    biblio = fake_koha.add_biblio_marc(book(3, copies=0))  # the other push got there first
    fake_koha.add_item(biblio, external_id="TV00031", inventory_number="TK.00031",
                       home_library_id="MAU")
    outcome = Pusher(api, journal).run(plan)
    assert outcome.complete
    statuses = [r.status for r in fake_koha.requests if r.path.endswith("/items")
                and r.method == "POST"]
    assert statuses.count(409) == 1
    assert {c.barcode: c.item_id is not None for c in outcome.plan.copies} == {
        "TV00030": True, "TV00031": True, "TV00032": True}
    assert len(fake_koha.items()) == 3
    assert journal.counts()[("items", "created")] == 3
    fake_koha.assert_clean()


def test_a_conflict_gone_from_koha_is_pushed_on_the_next_run(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    other = fake_koha.add_biblio_marc(book(70, copies=0))
    taken = fake_koha.add_item(other, external_id="TV00041", home_library_id="MAU")
    first = _push(fake_koha, journal, [book(4, copies=2)])
    assert first.count(Result.CONFLICT) == 1
    assert journal.item("TV00041") is None or journal.item("TV00041")["state"] != "created"
    fake_koha.state.delete("item", taken["item_id"])  # the librarian fixed it in Koha
    second = _push(fake_koha, journal, [book(4, copies=2)])
    assert second.complete and second.count(Result.CREATED) == 1
    assert sorted(i["external_id"] for i in fake_koha.items()) == ["TV00040", "TV00041"]
    fake_koha.assert_clean()
