"""Golden test of the loan breakdowns against the dataset's rows."""

from __future__ import annotations

from collections import Counter
from datetime import date

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats import breakdowns as bd
from koha_bridge.stats.sql import Roles
from koha_bridge.store import Store
from marc.settings import DEFAULT_CATEGORIES
from tests.stats import reference as ref
from tests.stats.dataset import Dataset

YEAR = SchoolYear.parse("2025-2026")


def _loans(known: Dataset) -> list:  # type: ignore[type-arg]
    return ref.loans(known, "MAU", ref.Y2526)


def test_months_of_the_year() -> None:
    assert bd.months(YEAR) == [f"2025-{m:02d}" for m in range(9, 13)] + [
        f"2026-{m:02d}" for m in range(1, 9)]


def test_by_month(store: Store, known: Dataset) -> None:
    expected = Counter(c.checkout_date[:7] for c in _loans(known))
    got = bd.by_month(store.conn, YEAR, "MAU")
    assert dict(got) == {m: expected.get(m, 0) for m in bd.months(YEAR)}
    assert sum(n for _, n in got) == len(_loans(known))


def test_by_class_and_grade(store: Store, known: Dataset) -> None:
    patrons = {p.patron_id: p for p in known.patrons}
    for column, attr in (("statistics_1", "statistics_1"), ("statistics_2", "statistics_2")):
        expected: Counter[str] = Counter()
        others = 0
        for c in _loans(known):
            p = patrons[c.patron_id]
            if ref.role(p) == "pupil":
                expected[getattr(p, attr) or bd.NO_CLASS] += 1
            else:
                others += 1
        got = bd.by_reader(store.conn, YEAR, "MAU", Roles(), column)
        assert dict(got[:-1]) == dict(expected)
        assert got[-1][1] == others
    classes = [k for k, _ in bd.by_reader(store.conn, YEAR, "MAU", Roles(), "statistics_1")]
    assert classes.index("6A2") < classes.index("6A10")


def test_by_category_and_ddc(store: Store, known: Dataset) -> None:
    items = {i.item_id: i for i in known.items}
    biblios = {b.biblio_id: b for b in known.biblios}
    expected = Counter(ref.category(items[c.item_id]) for c in _loans(known))
    assert dict(bd.by_category(store.conn, YEAR, "MAU", DEFAULT_CATEGORIES)) == dict(expected)
    ddc: Counter[str] = Counter()
    for c in _loans(known):
        number = biblios[items[c.item_id].biblio_id].class_number or ""
        ddc[f"{number[0]}00" if number[:3].isdigit() else bd.NO_DDC] += 1
    got = dict(bd.by_ddc(store.conn, YEAR, "MAU"))
    assert {k: v for k, v in got.items() if v} == dict(ddc)


def test_top_titles(store: Store, known: Dataset) -> None:
    items = {i.item_id: i for i in known.items}
    counts = Counter(items[c.item_id].biblio_id for c in _loans(known))
    top = bd.top_titles(store.conn, YEAR, "MAU", limit=5)
    assert [t.loans for t in top] == sorted(counts.values(), reverse=True)[:5]
    assert all(counts[t.biblio_id] == t.loans for t in top)


def test_overdue_on_the_last_day(store: Store, known: Dataset) -> None:
    day = date(2026, 8, 31)
    expected = [
        c for c in known.checkouts if c.library_id == "MAU"
        and ref.d(c.checkout_date) <= day  # type: ignore[operator]
        and (c.checkin_date is None or ref.d(c.checkin_date) > day)  # type: ignore[operator]
        and ref.d(c.due_date) < day  # type: ignore[operator]
    ]
    got = bd.overdue_on(store.conn, day, "MAU", Roles())
    assert len(got) == len(expected) > 0
    assert sorted(g.due_date for g in got) == sorted(c.due_date[:10] for c in expected)
    assert all(g.days_overdue == (day - date.fromisoformat(g.due_date)).days > 0 for g in got)
