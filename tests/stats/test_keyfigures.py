"""Golden test: every key figure equals the value recomputed from the dataset's rows."""

from __future__ import annotations

import pytest

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.keyfigures import BUCKETS, key_figures
from koha_bridge.store import Store
from marc.settings import DEFAULT_CATEGORIES
from tests.stats import reference as ref
from tests.stats.dataset import Dataset

YEAR = SchoolYear.parse("2025-2026")


@pytest.mark.parametrize("lib", ["MAU", "KHAC1"])
def test_key_figures_match_the_rows(store: Store, known: Dataset, lib: str) -> None:
    fig = key_figures(store.conn, YEAR, DEFAULT_CATEGORIES)[lib]
    year = ref.Y2526
    stock = ref.stock(known, lib, year)
    assert fig.stock == {b: stock[b] for b in BUCKETS}
    usable = ref.usable(known, lib, year)
    assert fig.usable == {b: usable[b] for b in BUCKETS}
    n_added, v_added = ref.added(known, lib, year)
    assert fig.added == {b: n_added[b] for b in BUCKETS}
    assert fig.added_value == {b: round(v_added[b]) for b in BUCKETS}
    gone = ref.withdrawn(known, lib, year)
    assert fig.withdrawn == {b: gone[b] for b in BUCKETS}
    loans = ref.loans(known, lib, year)
    assert fig.loans == len(loans) > 0
    assert fig.borrowers == len({c.patron_id for c in loans})
    assert (fig.pupils, fig.active_pupils) == ref.people(known, lib, year, "pupil")
    assert (fig.teachers, fig.active_teachers) == ref.people(known, lib, year, "teacher")
    assert fig.per_pupil() == pytest.approx(
        sum(usable[b] for b in ref.BOOKS) / fig.pupils)
    assert 0 < fig.active_pupils < fig.pupils


def test_one_library_equals_the_set_wise_figures(store: Store) -> None:
    every = key_figures(store.conn, YEAR, DEFAULT_CATEGORIES)
    one = key_figures(store.conn, YEAR, DEFAULT_CATEGORIES, libraries=["MAU"])
    assert list(one) == ["MAU"]
    assert one["MAU"] == every["MAU"]


def test_a_library_without_data_is_kept_empty(store: Store) -> None:
    figs = key_figures(store.conn, YEAR, DEFAULT_CATEGORIES, libraries=["MAU", "NONE"])
    assert not figs["NONE"].has_data and figs["MAU"].has_data
    assert figs["NONE"].per_pupil() is None


def test_another_year_gives_other_figures(store: Store, known: Dataset) -> None:
    earlier = SchoolYear.parse("2024-2025")
    fig = key_figures(store.conn, earlier, DEFAULT_CATEGORIES)["MAU"]
    year = ref.Year(earlier.start, earlier.end)
    assert fig.loans == len(ref.loans(known, "MAU", year))
    assert fig.total_stock == sum(ref.stock(known, "MAU", year).values())


def test_the_registers_count_the_same_copies(store: Store, known: Dataset) -> None:
    """Same categories and stock as the registers' holdings (copies with a dated history)."""
    from koha_bridge.registers.holdings import load_holdings

    holdings = load_holdings(store, "MAU", DEFAULT_CATEGORIES)
    undated = {i.item_id for i in known.items
               if i.withdrawn and not (i.withdrawn_date or i.timestamp)}
    fig = key_figures(store.conn, YEAR, DEFAULT_CATEGORIES)["MAU"]
    theirs: dict[str, int] = dict.fromkeys(BUCKETS, 0)
    for copy in holdings.copies:
        if copy.item_id not in undated and copy.held_on(YEAR.end):
            theirs[copy.category if copy.category in ref.BOOKS else "KHAC"] += 1
    assert theirs == fig.stock


def test_rollup_of_one_store_keeps_libraries_without_data(store: Store, known: Dataset) -> None:
    from koha_bridge.standards.rollup import from_store, totals

    with store.atomic() as conn:
        conn.execute("INSERT OR IGNORE INTO koha_libraries VALUES ('TRONG', 'Trường trống', 'x')")
    rows = from_store(store.conn, "store.sqlite", YEAR, DEFAULT_CATEGORIES)
    assert [r.library_id for r in rows] == ["KHAC1", "MAU", "TRONG"]
    assert not rows[2].figures.has_data and rows[2].level == "Chưa đánh giá"
    total = totals(rows)
    assert total.loans == sum(len(ref.loans(known, lib, ref.Y2526)) for lib in ("MAU", "KHAC1"))
    assert total.stock == {b: sum(r.figures.stock[b] for r in rows) for b in BUCKETS}
    assert total.pupils == sum(r.figures.pupils for r in rows)
