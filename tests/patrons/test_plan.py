"""The planner on its own: the store's mirror filled directly, no Koha."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from koha_bridge.config import Config, PatronsConfig, SchoolConfig, load_config
from koha_bridge.exceptions import ConfigError
from koha_bridge.patrons.model import Kind, Person, RosterSet, RowOutcome
from koha_bridge.patrons.plan import plan_sync
from koha_bridge.patrons.schoolyear import ExpiryRules, SchoolYear, last_grade_of
from koha_bridge.store import Store
from marc.model import SourceRef

CONFIG = Config(school=SchoolConfig(level="THCS", library_id="MAU"),
                patrons=PatronsConfig(pupil_category="HS", teacher_category="GV"))
YEAR = SchoolYear.parse("2025-2026")
SRC = SourceRef("ds.xlsx", "Sheet1", 2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "kb.sqlite") as opened:
        yield opened


def koha(store: Store, *patrons: tuple[int, str, str, str, str | None, str | None, str]) -> None:
    """(patron_id, card, category, library, class, grade, expiry) into the mirror."""
    with store.atomic() as conn:
        for pid, card, category, library, cls, grade, expiry in patrons:
            conn.execute(
                "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, "
                "category_id, library_id, statistics_1, statistics_2, expiry_date, pulled_at)"
                " VALUES (?, ?, 'Lê Văn', 'Tám', ?, ?, ?, ?, ?, 'x')",
                (pid, card, category, library, cls, grade, expiry))


def pupil(card: str, cls: str, grade: int, surname: str = "Lê Văn") -> Person:
    return Person(Kind.PUPIL, card, surname, "Tám", SRC, class_name=cls, grade=grade)


def roster(*people: Person, kinds: set[Kind] | None = None,
           rejected: tuple[str, ...] = ()) -> RosterSet:
    result = RosterSet(people={p.cardnumber: p for p in people},
                       kinds=kinds or {Kind.PUPIL})
    result.outcomes += [RowOutcome(SRC, "rejected", "ngày sinh không có thật", card)
                        for card in rejected]
    return result


def test_promotions_repeaters_and_flags(store: Store) -> None:
    koha(store, (1, "A", "HS", "MAU", "6A1", "6", "2025-07-31"),
         (2, "B", "HS", "MAU", "7A1", "7", "2025-07-31"),
         (3, "C", "HS", "MAU", "8A1", "8", "2025-07-31"),
         (4, "D", "HS", "MAU", "6A2", None, "2025-07-31"))  # grade only in the class
    plan = plan_sync(roster(pupil("A", "7A3", 7), pupil("B", "7A2", 7),
                            pupil("C", "7A1", 7), pupil("D", "8A2", 8)), store, CONFIG, YEAR)
    updates = {c.cardnumber: c for c in plan.updates}
    assert sorted(updates) == ["A", "B"]  # up one; repeating is normal
    assert updates["A"].values == {"statistics_1": "7A3", "statistics_2": "7",
                                      "expiry_date": "2026-07-31"}
    assert {h.cardnumber: h.reason.split(" (")[0] for h in plan.flagged} == {
        "C": "khối thấp hơn năm trước", "D": "lên 2 khối một lúc"}


def test_leavers_only_of_the_kinds_given_and_never_rejected_rows(store: Store) -> None:
    koha(store, (1, "GONE", "HS", "MAU", "9A1", "9", "2026-05-31"),
         (2, "FIX", "HS", "MAU", "8A1", "8", "2026-05-31"),
         (3, "T1", "GV", "MAU", "Tổ Toán", None, "2099-12-31"),
         (4, "OLD", "HS", "MAU", "9A1", "9", "2024-07-31"),
         (5, "ELSE", "HS", "KHAC", "9A1", "9", "2026-07-31"))
    plan = plan_sync(roster(rejected=("FIX",)), store, CONFIG, YEAR)
    assert [(c.cardnumber, c.values) for c in plan.expires] == [
        ("GONE", {"expiry_date": "2025-07-31"})]  # no staff list given: teachers kept
    assert plan.already_expired == 1
    staff = plan_sync(roster(kinds={Kind.PUPIL, Kind.TEACHER}, rejected=("FIX",)), store,
                      CONFIG, YEAR)
    assert sorted(c.cardnumber for c in staff.expires) == ["GONE", "T1"]


def test_loans_and_fines_hold_a_leaver(store: Store) -> None:
    koha(store, (1, "LOAN", "HS", "MAU", "9A1", "9", "2026-05-31"),
         (2, "FINE", "HS", "MAU", "9A1", "9", "2026-05-31"),
         (3, "FREE", "HS", "MAU", "9A1", "9", "2026-05-31"))
    with store.atomic() as conn:
        conn.execute("INSERT INTO koha_checkouts (checkout_id, patron_id, item_id, "
                     "checkout_date, due_date, pulled_at) VALUES (1, 1, 9, '2025-05-01', "
                     "'2025-05-15', 'x'), (2, 3, 9, '2025-01-01', '2025-01-15', 'x')")
        conn.execute("UPDATE koha_checkouts SET checkin_date = '2025-01-10' WHERE "
                     "checkout_id = 2")  # returned: no hold
    asked: list[list[int]] = []

    def balances(ids: list[int]) -> dict[int, float]:
        asked.append(sorted(ids))
        return {2: 15000.0}

    plan = plan_sync(roster(), store, CONFIG, YEAR, balances)  # type: ignore[arg-type]
    assert asked == [[1, 2, 3]]
    assert {h.cardnumber: (h.loans, h.balance) for h in plan.leavers_held} == {
        "LOAN": (1, 0.0), "FINE": (0, 15000.0)}
    assert [c.cardnumber for c in plan.expires] == ["FREE"]


def test_another_schools_rosters_are_refused(store: Store) -> None:
    koha(store, *[(i, f"K{i}", "HS", "MAU", "7A1", "7", "2025-07-31") for i in range(1, 31)])
    strangers = [pupil(f"S{i}", "8A1", 8) for i in range(25)]
    plan = plan_sync(roster(*strangers), store, CONFIG, YEAR)
    assert plan.refusal and "trường khác" in plan.refusal
    first = plan_sync(roster(*strangers), store, CONFIG, YEAR, first_sync=True)
    assert first.refusal is None and len(first.creates) == 25
    ours = plan_sync(roster(*[pupil(f"K{i}", "8A1", 8) for i in range(1, 26)]), store,
                     CONFIG, YEAR)
    assert ours.refusal is None
    with store.atomic() as conn:
        conn.execute("INSERT INTO koha_libraries (library_id, name, pulled_at) VALUES "
                     "('KHAC', 'Khác', 'x')")
    assert "không có thư viện 'MAU'" in (plan_sync(roster(), store, CONFIG, YEAR).refusal or "")


def test_expiry_rules_and_levels() -> None:
    rules = ExpiryRules.of(YEAR, CONFIG.patrons, "THCS")
    assert (rules.pupil(8), rules.pupil(9), rules.leaver, rules.teacher) == (
        "2026-07-31", "2026-06-30", "2025-07-31", "2099-12-31")
    assert (last_grade_of("TH"), last_grade_of("THCS-THPT"), last_grade_of("MN")) == (5, 12, 0)
    with pytest.raises(ConfigError):
        SchoolYear.parse("2025-2027")


def test_patrons_config_section_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[patrons]\npupil_category = "HS_THCS"\nlast_grade = 12\n',
                    encoding="utf-8")
    loaded = load_config(path).patrons
    assert (loaded.pupil_category, loaded.last_grade, loaded.pupil_expiry) == (
        "HS_THCS", 12, "07-31")
    path.write_text('[patrons]\npupil_expiry = "31/07"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="MM-DD"):
        load_config(path)


def test_staff_keep_their_category_and_leave_like_teachers(store: Store) -> None:
    koha(store, (1, "NV1", "NV", "MAU", "Văn phòng", None, "2099-12-31"),
         (2, "NV2", "NV", "MAU", "Văn phòng", None, "2099-12-31"),
         (3, "GV1", "GV", "MAU", "Tổ Toán", None, "2099-12-31"))
    staff = Person(Kind.TEACHER, "NV1", "Lê Văn", "Tám", SRC, class_name="Tổ Văn phòng")
    new = Person(Kind.TEACHER, "GV2", "Lê Văn", "Chín", SRC)
    plan = plan_sync(roster(staff, new, kinds={Kind.TEACHER}), store, CONFIG, YEAR)
    assert [(c.cardnumber, c.values) for c in plan.updates] == [
        ("NV1", {"statistics_1": "Tổ Văn phòng"})]  # NV stays NV
    assert [(c.cardnumber, c.values["category_id"]) for c in plan.creates] == [("GV2", "GV")]
    assert sorted(c.cardnumber for c in plan.expires) == ["GV1", "NV2"]


def test_a_pupil_koha_knows_under_an_old_card_is_flagged_not_created(store: Store) -> None:
    with store.atomic() as conn:
        conn.execute(
            "INSERT INTO koha_patrons (patron_id, cardnumber, surname, firstname, category_id,"
            " library_id, statistics_1, statistics_2, date_of_birth, expiry_date, pulled_at)"
            " VALUES (1, 'TV0007', 'Lê  văn', 'TÁM', 'HS', 'MAU', '7A1', '7', '2012-03-04',"
            " '2026-05-31', 'x')")
    same = Person(Kind.PUPIL, "7900000001", "Lê Văn", "Tám", SRC, "2012-03-04",
                  class_name="8A1", grade=8)
    other = Person(Kind.PUPIL, "7900000002", "Lê Văn", "Tám", SRC, "2013-01-01",
                   class_name="7A1", grade=7)  # a namesake born another day
    plan = plan_sync(roster(same, other), store, CONFIG, YEAR, first_sync=True)
    assert [c.cardnumber for c in plan.creates] == ["7900000002"]
    assert [(h.cardnumber, h.patron_id) for h in plan.flagged] == [("7900000001", 1)]
    assert "TV0007" in plan.flagged[0].reason
    assert plan.expires == []  # the old card is not a leaver
