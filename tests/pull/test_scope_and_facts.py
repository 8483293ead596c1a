"""Default library vs --all-libraries, a narrowed pull, the register facts, the data age."""

from __future__ import annotations

import datetime as dt

from koha_bridge.config import Config
from koha_bridge.koha.client import KohaClient
from koha_bridge.pull import age_line, data_age, pull
from koha_bridge.store import Store
from marc.itemnote import parse_delivery_note
from tests.fakekoha import FakeKoha
from tests.fakekoha.school import School, seed_school


def _libraries(store: Store, table: str, column: str) -> set[str]:
    return {r[0] for r in store.query(f"SELECT DISTINCT {column} FROM {table}")}


def test_default_pull_keeps_to_the_configured_library(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config, tmp_path: object) -> None:
    other = seed_school(fake_koha, titles=20, pupils=20, loans=50, current=5,
                        library_id="LAC", library_name="Trường THCS Lạc Long Quân")
    pull(client, store, config)
    fake_koha.assert_clean()
    assert _libraries(store, "koha_items", "home_library_id") == {"MAU"}
    assert _libraries(store, "koha_patrons", "library_id") == {"MAU"}
    assert _libraries(store, "koha_checkouts", "library_id") == {"MAU"}
    assert _libraries(store, "koha_libraries", "library_id") == {"MAU", "LAC"}
    biblios = {r[0] for r in store.query("SELECT biblio_id FROM koha_biblios")}
    assert biblios == set(school.biblios)

    everything = pull(client, store, config, all_libraries=True)
    assert everything.scope is None
    items = {r[0] for r in store.query("SELECT item_id FROM koha_items")}
    assert items == set(school.items) | set(other.items)
    loans = {r[0] for r in store.query("SELECT checkout_id FROM koha_checkouts")}
    assert loans == set(school.old_loans + school.current_loans + other.old_loans
                        + other.current_loans)
    assert data_age(store, "LAC") is not None and data_age(store, "MAU") is not None


def test_a_narrowed_pull_reads_only_patrons_and_loans(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config) -> None:
    fake_koha.clear_requests()
    report = pull(client, store, config, resources=("patrons", "checkouts"))
    paths = {r.path for r in fake_koha.requests if not r.path.endswith("/oauth/token")}
    assert paths == {"/api/v1/patrons", "/api/v1/checkouts"}
    assert [r.name for r in report.resources] == ["patrons", "old_checkouts", "checkouts"]
    assert store.query("SELECT COUNT(*) FROM koha_items")[0][0] == 0
    assert store.query("SELECT COUNT(*) FROM koha_patrons")[0][0] == len(
        school.pupils + school.staff)


def test_the_register_facts_come_through(fake_koha: FakeKoha, school: School,
                                         client: KohaClient, store: Store,
                                         config: Config) -> None:
    pull(client, store, config)
    textbook = store.query("SELECT * FROM koha_biblios WHERE biblio_id = ?",
                           (school.biblios[0],))[0]
    record = fake_koha.biblio_record(school.biblios[0])
    assert record is not None
    assert textbook["title"] == record["245"]["a"].rstrip(" /")
    assert textbook["responsibility"] == record["245"]["c"].rstrip(".")
    assert textbook["publisher"] == record["260"]["b"].rstrip(",")
    assert textbook["place"] == "H."
    assert textbook["year"] == record["260"]["c"][:4]
    assert textbook["class_number"] == "372.7"
    assert textbook["language"] == "vie"
    assert textbook["grade"] == record["521"]["a"].removeprefix("Lớp ")
    assert textbook["subject"] == record["653"]["a"]
    assert textbook["series"] == record["490"]["a"]
    assert textbook["isbn"] == record["020"]["a"]
    assert store.query("SELECT COUNT(*) FROM koha_biblio_isbns WHERE biblio_id = ?",
                       (school.biblios[0],))[0][0] == 1
    edition = store.query("SELECT edition FROM koha_biblios WHERE biblio_id = ?",
                          (school.biblios[4],))[0][0]
    assert edition == "Tái bản lần thứ 2"
    for document, ids in school.delivered.items():
        marks = ", ".join("?" * len(ids))
        notes = store.query(f"SELECT internal_notes, acquisition_source, acquisition_date "
                            f"FROM koha_items WHERE item_id IN ({marks})", ids)
        assert len(notes) == len(ids)
        for note, source, acquired in notes:
            parsed = parse_delivery_note(note)
            assert parsed is not None and parsed.document == document
            assert parsed.date is not None and acquired == parsed.date.isoformat()
            assert source
    withdrawn = store.query("SELECT withdrawn_date FROM koha_items WHERE withdrawn = 1")
    assert len(withdrawn) == len(school.withdrawn) and all(r[0] for r in withdrawn)


def test_data_age_says_when_the_store_was_last_filled(
        fake_koha: FakeKoha, school: School, client: KohaClient, store: Store,
        config: Config) -> None:
    assert data_age(store) is None
    assert "chạy 'koha-bridge pull'" in age_line(store)
    pull(client, store, config, resources=("items",))
    assert data_age(store) is None  # patrons and loans are still missing
    before = dt.datetime.now(dt.UTC)
    pull(client, store, config)
    when = data_age(store, "MAU")
    assert when is not None and before <= when <= dt.datetime.now(dt.UTC)
    line = age_line(store, "MAU", now=when + dt.timedelta(hours=3))
    assert "(3 giờ trước)" in line and "Dữ liệu lấy từ Koha lúc" in line
