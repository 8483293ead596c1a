"""Fault injection and persistence of the fake Koha."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.fakekoha import FakeKoha
from tests.fakekoha.conftest import item_body, make_record, post_biblio, token
from tests.fakekoha.faults import Faults


def test_latency_is_applied_without_serialising_requests(fake_koha: FakeKoha,
                                                         api: requests.Session) -> None:
    fake_koha.faults.set_latency(0.2)
    url = f"{fake_koha.api_url}/libraries"
    started = time.monotonic()
    assert api.get(url, timeout=5).ok
    assert time.monotonic() - started >= 0.2
    headers = dict(api.headers)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: requests.get(url, headers=headers, timeout=5)
                                 .status_code, range(8)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 8
    assert elapsed < 0.2 * 4, f"8 concurrent requests took {elapsed:.2f}s"


def test_jitter_is_deterministic_for_a_seed() -> None:
    one, two = Faults(seed=5, latency=0.01, jitter=0.05), Faults(seed=5, latency=0.01,
                                                                  jitter=0.05)
    delays = [one.delay() for _ in range(5)]
    assert delays == [two.delay() for _ in range(5)]
    assert all(0.01 <= d <= 0.06 for d in delays) and len(set(delays)) > 1


def test_fail_next_and_path_filter(fake_koha: FakeKoha, api: requests.Session) -> None:
    base = fake_koha.api_url
    fake_koha.faults.fail_next(2, status=503, path="/api/v1/items*")
    assert api.get(f"{base}/libraries", timeout=5).status_code == 200
    assert [api.get(f"{base}/items", timeout=5).status_code for _ in range(3)] == [503, 503, 200]
    fake_koha.faults.fail_next(1, status=502)
    assert api.get(f"{base}/libraries", timeout=5).status_code == 502
    assert [r.status for r in fake_koha.requests[-2:]] == [502, 200] or (
        fake_koha.requests[-1].status == 502)


def test_rate_limit_with_retry_after(fake_koha: FakeKoha, api: requests.Session) -> None:
    fake_koha.faults.rate_limit_next(1, retry_after=3)
    limited = api.get(f"{fake_koha.api_url}/item_types", timeout=5)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert api.get(f"{fake_koha.api_url}/item_types", timeout=5).status_code == 200


def test_drop_after_commit_biblio(fake_koha: FakeKoha, api: requests.Session) -> None:
    fake_koha.faults.drop_after_commit_next(1)
    with pytest.raises(requests.ConnectionError):
        post_biblio(api, fake_koha, make_record("Mất phản hồi", isbns=("9786040000011",)))
    assert [b["title"] for b in fake_koha.biblios()] == ["Mất phản hồi"]
    assert fake_koha.requests[-1].status is None
    retry = post_biblio(api, fake_koha, make_record("Mất phản hồi", isbns=("9786040000011",)))
    assert retry.status_code == 400 and retry.json()["error"].startswith("Duplicate biblio")


def test_drop_after_commit_item_only_on_success(fake_koha: FakeKoha,
                                               api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Âm nhạc 6"))
    fake_koha.add_item(biblio_id, external_id="AN1", home_library_id="MAU")
    fake_koha.faults.drop_after_commit_next(1, path_glob="/api/v1/biblios/*/items")
    url = f"{fake_koha.api_url}/biblios/{biblio_id}/items"
    assert api.post(url, json=item_body("AN1"), timeout=5).status_code == 409  # not committed
    with pytest.raises(requests.ConnectionError):
        api.post(url, json=item_body("AN2"), timeout=5)
    assert sorted(i["external_id"] for i in fake_koha.items()) == ["AN1", "AN2"]
    assert api.post(url, json=item_body("AN3"), timeout=5).status_code == 201


def test_crash_and_restart_keep_committed_state(fake_koha: FakeKoha,
                                               api: requests.Session) -> None:
    port = fake_koha.port
    biblio_id = post_biblio(api, fake_koha, make_record("Trước sự cố")).json()["id"]
    api.post(f"{fake_koha.api_url}/biblios/{biblio_id}/items", json=item_body("SC1"), timeout=5)
    api.post(f"{fake_koha.api_url}/patrons", timeout=5, json={
        "surname": "Đỗ", "library_id": "MAU", "category_id": "GV", "cardnumber": "GV9"})
    fake_koha.faults.crash_after(1)
    assert api.get(f"{fake_koha.api_url}/libraries", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{fake_koha.api_url}/libraries", timeout=5)
    assert not fake_koha.running
    fake_koha.restart()
    assert fake_koha.port == port and fake_koha.running
    again = api.get(f"{fake_koha.api_url}/items", params={"external_id": "SC1",
                                                          "_match": "exact"}, timeout=5)
    assert again.status_code == 200  # the old token survived the restart too
    assert again.json()[0]["biblio_id"] == biblio_id
    assert [p["cardnumber"] for p in fake_koha.patrons()] == ["GV9"]
    assert post_biblio(api, fake_koha, make_record("Sau sự cố")).json()["id"] == biblio_id + 1


def test_new_fake_on_same_file_sees_everything(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "koha.sqlite"  # type: ignore[operator]
    with FakeKoha(path) as first:
        biblio_id = first.add_biblio_marc(make_record("Bền vững"))
        first.add_item(biblio_id, external_id="BV1", home_library_id="MAU")
    with FakeKoha(path) as second:
        assert [b["title"] for b in second.biblios()] == ["Bền vững"]
        assert second.items()[0]["external_id"] == "BV1"
        assert len(second.state.all("library")) == 1  # not seeded twice
        headers = {"Authorization": f"Bearer {token(second)}"}
        listed = requests.get(f"{second.api_url}/biblios/{biblio_id}/items",
                              headers=headers, timeout=5)
        assert [i["external_id"] for i in listed.json()] == ["BV1"]


def test_unknown_library_on_an_item_is_a_bare_500_like_koha(fake_koha: FakeKoha,
                                                            api: requests.Session) -> None:
    biblio_id = fake_koha.add_biblio_marc(make_record("Thư viện lạ"))
    url = f"{fake_koha.api_url}/biblios/{biblio_id}/items"
    answer = api.post(url, json=item_body("TL1", home_library_id="XYZ",
                                          holding_library_id="XYZ"), timeout=5)
    assert answer.status_code == 500
    assert answer.json() == {"error": "Something went wrong, check Koha logs for details.",
                             "error_code": "internal_server_error"}
    assert fake_koha.items() == []
    fake_koha.assert_clean()  # the spec allows this answer
    assert api.post(url, json=item_body("TL1"), timeout=5).status_code == 201


def test_random_rates_are_seeded_and_marked_in_the_log(tmp_path: pytest.TempPathFactory
                                                        ) -> None:
    runs = iter(range(10))

    def run(seed: int) -> list[tuple[int | None, str | None]]:
        path = tmp_path / f"rates-{next(runs)}.sqlite"  # type: ignore[operator]
        with FakeKoha(path, seed=seed) as fake:
            biblio_id = fake.add_biblio_marc(make_record("Tỉ lệ lỗi"))
            headers = {"Authorization": f"Bearer {token(fake)}"}
            fake.clear_requests()
            fake.faults.set_rates(transient=0.2, drop_after_commit=0.2)
            url = f"{fake.api_url}/biblios/{biblio_id}/items"
            for n in range(60):
                with contextlib.suppress(requests.ConnectionError):
                    requests.post(url, json=item_body(f"R{n}"), headers=headers, timeout=5)
            log = [(r.status, r.fault) for r in fake.requests]
            stored = {i["external_id"] for i in fake.items()}
        faulted = [s for s, f in log if f == "burst"]
        assert faulted and set(faulted) <= {502, 503, 504}
        dropped = [s for s, f in log if f == "dropped"]
        assert dropped and set(dropped) == {None}
        assert len(stored) == sum(1 for s, f in log if s == 201 or f == "dropped")
        return log

    first = run(3)
    assert first == run(3) and first != run(4)


def test_a_request_cut_short_by_its_client_is_not_handled(fake_koha: FakeKoha) -> None:
    """A client killed mid-send: Koha's web server never sees a request, nor does the fake."""
    import socket

    biblio_id = fake_koha.add_biblio_marc(make_record("Bị cắt giữa chừng"))
    body = b'{"external_id": "CUT1", "home_library_id": "MAU"}'
    head = (f"POST /api/v1/biblios/{biblio_id}/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token(fake_koha)}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    fake_koha.clear_requests()
    with socket.create_connection(("127.0.0.1", fake_koha.port), timeout=5) as sock:
        sock.sendall(head + body[:10])
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""  # closed without an answer
    assert fake_koha.requests == [] and fake_koha.items() == []
    fake_koha.assert_clean()
