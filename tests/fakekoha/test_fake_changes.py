"""The fake's change helpers move Koha's timestamps, and q compares on them over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import requests

from tests.fakekoha import FakeKoha
from tests.fakekoha.conftest import token
from tests.fakekoha.school import seed_school


def _get(fake: FakeKoha, path: str, **params: object) -> requests.Response:
    response = requests.get(f"{fake.api_url}{path}", params=params, timeout=10,
                            headers={"Authorization": f"Bearer {token(fake)}"})
    assert response.status_code == 200, response.text
    return response


def test_returning_a_loan_moves_it_to_the_old_checkouts_with_a_new_timestamp(
        fake_koha: FakeKoha) -> None:
    school = seed_school(fake_koha, titles=10, pupils=5, staff=1, loans=10, current=3)
    loan = school.current_loans[0]
    before = fake_koha.state.get("checkout", loan)
    assert before is not None
    back = fake_koha.return_checkout(loan)
    assert fake_koha.state.get("checkout", loan) is None
    assert back["checkout_id"] == loan and back["checkin_date"]
    assert back["timestamp"] > before["timestamp"]
    item = fake_koha.state.get("item", before["item_id"])
    assert item is not None and item["checked_out_date"] is None
    assert item["timestamp"] == back["timestamp"]
    since = json.dumps({"timestamp": {">=": back["timestamp"]}})
    old = _get(fake_koha, "/checkouts", checked_in="true", q=since).json()
    assert [c["checkout_id"] for c in old] == [loan]
    current = _get(fake_koha, "/checkouts", q=since).json()
    assert current == []
    fake_koha.assert_clean()


def test_seeded_history_is_backdated_and_changes_are_not(fake_koha: FakeKoha) -> None:
    school = seed_school(fake_koha, titles=10, pupils=5, staff=1, loans=10, current=2)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    assert all(i["timestamp"] < now for i in fake_koha.items())
    changed = fake_koha.change_item(school.items[0], withdrawn=1, withdrawn_date=now)
    assert changed["timestamp"] >= now
    newer = _get(fake_koha, "/items", q=json.dumps({"timestamp": {">=": now}}),
                 _order_by="-timestamp")
    assert newer.headers["X-Total-Count"] == "1"
    assert newer.json()[0]["item_id"] == school.items[0]
    renewed = fake_koha.renew_checkout(school.current_loans[0],
                                       dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    assert renewed["renewals_count"] == 1 and renewed["timestamp"] >= now
    fake_koha.delete_item(school.items[1])
    assert fake_koha.state.get("item", school.items[1]) is None
    fake_koha.assert_clean()


def test_a_request_cut_off_before_its_body_ends_never_reaches_koha(
        fake_koha: FakeKoha) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", fake_koha.port), timeout=5) as sock:
        sock.sendall(b"POST /api/v1/biblios/1/items HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
        sock.shutdown(socket.SHUT_WR)  # the client process died here
        assert sock.recv(100) == b""  # closed without an answer, once the fake is done
    assert fake_koha.requests == []
    assert fake_koha.items() == []
    fake_koha.assert_clean()
