"""Planning and sending against an in-memory catalogue: journal, matching, conflicts."""

from __future__ import annotations

from pymarc import Subfield

from koha_bridge.koha.api import item_from_952
from koha_bridge.push.run import Pusher, Result, TitleResult, plan_push
from koha_bridge.store.journal import Journal
from tests.push.conftest import MemoryKoha, book, isbn13


def _results(plan: object) -> dict[str, Result | None]:
    return {c.barcode: c.result for c in plan.copies}  # type: ignore[attr-defined]


def test_new_titles_are_planned_and_created_without_items_in_the_biblio(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    plan = plan_push([book(1, copies=2), book(2, copies=1)], memory_koha, journal,
                     item_from_952)
    assert [t.is_new for t in plan.titles] == [True, True]
    assert all(c.result is None for c in plan.copies)
    assert plan.titles[0].copies[0].body["external_id"] == "TV00010"
    assert plan.titles[0].copies[0].body["inventory_number"] == "TK.00010"
    assert b"tag=\"952\"" not in plan.titles[0].marcxml
    outcome = Pusher(memory_koha, journal).run(plan, workers=2)
    assert outcome.complete
    assert outcome.count(Result.CREATED) == 3
    assert outcome.titles(TitleResult.CREATED) == 2
    assert len(memory_koha.biblios) == 2 and len(memory_koha.items) == 3
    counts = journal.counts()
    assert counts == {("titles", "created"): 2, ("items", "created"): 3}


def test_second_run_sends_nothing(memory_koha: MemoryKoha, journal: Journal) -> None:
    records = [book(1), book(2)]
    Pusher(memory_koha, journal).run(plan_push(records, memory_koha, journal, item_from_952))
    memory_koha.calls.clear()
    plan = plan_push(records, memory_koha, journal, item_from_952)
    assert {c.result for c in plan.copies} == {Result.SKIPPED}
    outcome = Pusher(memory_koha, journal).run(plan)
    assert outcome.complete and outcome.titles(TitleResult.DONE) == 2
    assert memory_koha.calls == []  # nothing left to look up or send


def test_new_copy_of_a_title_pushed_before_goes_to_the_same_biblio(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    Pusher(memory_koha, journal).run(plan_push([book(1, copies=1)], memory_koha, journal,
                                               item_from_952))
    plan = plan_push([book(1, copies=2)], memory_koha, journal, item_from_952)
    assert _results(plan) == {"TV00010": Result.SKIPPED, "TV00011": None}
    Pusher(memory_koha, journal).run(plan)
    assert len(memory_koha.biblios) == 1
    assert {i["biblio_id"] for i in memory_koha.items.values()} == {1}
    assert plan.titles[0].copies[1].result is Result.CREATED


def test_isbn_match_adds_copies_to_the_existing_biblio(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    hyphenated = f"978-604-{isbn13(5)[6:12]}-{isbn13(5)[-1]}"
    existing = memory_koha.seed_biblio("Sách khác hẳn", isbn=f"{hyphenated} (bìa mềm)")
    plan = plan_push([book(5, copies=2)], memory_koha, journal, item_from_952)
    title = plan.titles[0]
    assert (title.biblio_id, title.existing) == (existing, True)
    outcome = Pusher(memory_koha, journal).run(plan)
    assert outcome.count(Result.ADDED) == 2 and outcome.titles(TitleResult.MATCHED) == 1
    assert len(memory_koha.biblios) == 1
    assert "POST /biblios" not in memory_koha.calls
    assert journal.title(title.facts.record_id)["state"] == "matched"  # type: ignore[index]


def test_title_author_year_match_only_without_isbn(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    kieu = memory_koha.seed_biblio("Truyện Kiều /", "Nguyễn Du,", year=2020)
    memory_koha.seed_biblio("Truyện Kiều", "Nguyễn Du", year=1990)
    with_isbn = book(1, title="Truyện Kiều", author="Nguyễn Du", year="2020")
    without = book(2, isbn=None, title="TRUYỆN KIỀU", author="Nguyen Du", year="c2020")
    plan = plan_push([with_isbn, without], memory_koha, journal, item_from_952)
    assert plan.titles[0].is_new  # it has an ISBN: only an ISBN match counts
    assert (plan.titles[1].biblio_id, plan.titles[1].existing) == (kieu, True)


def test_barcode_or_accession_in_koha_stops_only_that_copy(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    other = memory_koha.seed_biblio("Sách cũ", isbn=isbn13(900))
    memory_koha.seed_item(other, "tv00011")  # Koha compares barcodes case-insensitively
    memory_koha.seed_item(other, "OLD-1", accession="TK.00012")
    plan = plan_push([book(1, copies=4)], memory_koha, journal, item_from_952)
    assert _results(plan) == {"TV00010": None, "TV00011": Result.CONFLICT,
                              "TV00012": Result.CONFLICT, "TV00013": None}
    reasons = [c.reason for c in plan.copies if c.result is Result.CONFLICT]
    assert reasons[0].startswith("Mã vạch TV00011 đã có trong Koha với số ĐKCB khác (trống) "
                                 "(biểu ghi 1")
    assert reasons[1].startswith("Số ĐKCB TK.00012 đã có trong Koha (mã vạch OLD-1")
    outcome = Pusher(memory_koha, journal).run(plan)
    assert outcome.count(Result.CREATED) == 2 and outcome.count(Result.CONFLICT) == 2
    assert not outcome.complete


def test_conflict_found_while_sending_is_reported_and_the_rest_continues(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    plan = plan_push([book(1, copies=3)], memory_koha, journal, item_from_952)
    memory_koha.seed_biblio("Ai đó vừa nhập", isbn=isbn13(77))
    memory_koha.seed_item(1, "TV00011")  # taken between planning and sending
    outcome = Pusher(memory_koha, journal).run(plan)
    assert _results(plan) == {"TV00010": Result.CREATED, "TV00011": Result.CONFLICT,
                              "TV00012": Result.CREATED}
    assert "Mã vạch TV00011 đã có trong Koha" in plan.copies[1].reason
    assert "Duplicate barcode." in plan.copies[1].reason
    assert outcome.count(Result.CONFLICT) == 1
    assert journal.item("TV00011")["state"] == "conflict"  # type: ignore[index]


def test_source_problems_are_rows_not_exceptions(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    no_barcode = book(1, copies=2)
    no_barcode.get_fields("952")[1].delete_subfield("p")
    bad_price = book(2, copies=1)
    bad_price.get_fields("952")[0]["g"] = "bốn mươi nghìn"
    twice = book(3, copies=1)
    same_id = book(1, copies=1)
    for field in same_id.get_fields("952"):
        field["p"] = "OTHER"
    no_id = book(4, copies=1)
    no_id.remove_fields("001")
    reused = book(5, copies=1)
    reused.get_fields("952")[0]["p"] = "TV00030"  # barcode of book 3
    plan = plan_push([no_barcode, bad_price, twice, same_id, no_id, reused], memory_koha,
                     journal, item_from_952)
    assert [t.facts.record_id for t in plan.titles] == [
        "KB000000000001", "KB000000000002", "KB000000000003", "KB000000000005"]
    reasons = sorted(c.reason.split(":")[0].split(" ")[0] for c in plan.invalid)
    assert len(plan.invalid) == 5, [c.reason for c in plan.invalid]
    assert reasons == ["Biểu", "Bản", "Bản", "Mã", "Số"]
    assert any("lặp lại trong tệp nguồn" in c.reason and c.barcode == "TV00030"
               for c in plan.invalid)
    outcome = Pusher(memory_koha, journal).run(plan)
    assert outcome.count(Result.FAILED) == 5 and outcome.count(Result.CREATED) == 2
    # A title whose only copy cannot be sent creates no empty biblio.
    assert len(memory_koha.biblios) == 2


def test_koha_duplicate_answer_is_verified_then_adopted_or_overridden(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    same = memory_koha.seed_biblio("x", isbn=isbn13(1))
    plan = plan_push([book(1, copies=1)], memory_koha, journal, item_from_952)
    assert plan.titles[0].existing  # found while planning: no POST /biblios at all
    memory_koha.biblios.clear()
    memory_koha.items.clear()
    memory_koha.seed_biblio("Khác", isbn=isbn13(50))  # id 1: another title
    memory_koha.duplicate_of = 1
    plan = plan_push([book(2, copies=1)], memory_koha, journal, item_from_952)
    Pusher(memory_koha, journal).run(plan)
    assert "POST /biblios confirm" in memory_koha.calls
    assert plan.titles[0].biblio_id == 2 and plan.copies[0].result is Result.CREATED
    memory_koha.seed_biblio("Tuyển tập", isbn=isbn13(3))  # id 3, appears after planning
    memory_koha.duplicate_of = 3
    plan = plan_push([book(3, copies=1)], memory_koha, journal, item_from_952)
    plan.titles[0].biblio_id = None  # as if the planning look-up had missed it
    plan.titles[0].existing = False
    memory_koha.calls.clear()
    Pusher(memory_koha, journal).run(plan)
    assert memory_koha.calls.count("POST /biblios") == 1
    assert "POST /biblios confirm" not in memory_koha.calls
    assert plan.titles[0].biblio_id == 3 and plan.copies[0].result is Result.ADDED
    assert same == 1


def test_biblio_gone_from_koha_fails_the_copy_and_reopens_the_title(
    memory_koha: MemoryKoha, journal: Journal
) -> None:
    Pusher(memory_koha, journal).run(plan_push([book(1, copies=1)], memory_koha, journal,
                                               item_from_952))
    memory_koha.biblios.clear()
    memory_koha.items.clear()
    plan = plan_push([book(1, copies=2)], memory_koha, journal, item_from_952)
    outcome = Pusher(memory_koha, journal).run(plan)
    assert outcome.count(Result.FAILED) == 1
    assert "không còn trong Koha" in plan.copies[1].reason
    plan = plan_push([book(1, copies=2)], memory_koha, journal, item_from_952)
    assert plan.titles[0].is_new  # the next run creates it again, with both copies
    assert _results(plan) == {"TV00010": None, "TV00011": None}
    assert Pusher(memory_koha, journal).run(plan).complete
    assert len(memory_koha.biblios) == 1 and len(memory_koha.items) == 2


def test_item_body_maps_952_subfields(memory_koha: MemoryKoha, journal: Journal) -> None:
    record = book(1, copies=1)
    record.get_fields("952")[0].add_subfield("z", "Tặng")
    plan = plan_push([record], memory_koha, journal, item_from_952)
    assert plan.titles[0].copies[0].body == {
        "home_library_id": "MAU", "holding_library_id": "MAU", "acquisition_date": "2025-09-05",
        "purchase_price": 45000, "item_type_id": "STK", "collection_code": "TK",
        "inventory_number": "TK.00010", "external_id": "TV00010", "callnumber": "895.9223 NG-A",
        "internal_notes": "koha-bridge: ds-2025.xlsx [Sheet1] dòng 2", "public_notes": "Tặng",
    }
    assert isinstance(Subfield("a", "b"), Subfield)
