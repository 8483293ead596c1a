"""The statistics read a library's checkouts from covering indexes, never from the table."""

from __future__ import annotations

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.school import school_stats
from koha_bridge.store import Store
from marc.settings import DEFAULT_CATEGORIES

YEAR = SchoolYear.parse("2025-2026")


def test_checkouts_are_read_from_the_covering_index(store: Store) -> None:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        school_stats(store.conn, YEAR, "MAU", DEFAULT_CATEGORIES)
    finally:
        store.conn.set_trace_callback(None)
    on_checkouts = [sql for sql in statements if "FROM koha_checkouts c" in sql]
    assert len(on_checkouts) >= 6  # loans: key figures, by month/class/grade/…, overdue
    used: set[str] = set()
    for sql in on_checkouts:
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        reads = [step for step in plan if step.startswith(("SCAN c", "SEARCH c"))]
        assert reads, (sql, plan)
        assert all("USING COVERING INDEX" in step for step in reads), (sql, plan)
        used |= {step.split("COVERING INDEX ")[1].split()[0] for step in reads}
    assert "koha_checkouts_library_cover" in used
