"""The issue-9 job at small scale: kill -9 mid-way, two pushes together, re-runs, random
faults. Every title and copy ends in Koha once, the last run writes nothing, and the
whole job stays under 2 requests per copy (injected faults not counted)."""

from __future__ import annotations

import multiprocessing

from benchmarks import push_faults
from benchmarks.bench_push import make_records
from koha_bridge.config import Config


def test_kill_concurrency_and_faults_stay_under_two_requests_per_copy() -> None:
    records = make_records(45, 135, Config())
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=push_faults.serve, args=(theirs, 0.01, 0.05, 0.02, 5),
                        daemon=True)
    child.start()
    try:
        result = push_faults.run_scenario(records, ours, workers=3)
    finally:
        child.join(timeout=30)
    lines = "\n".join(push_faults.report(result))
    assert result["steps"][1] == "two together: exit [0, 2]", lines
    assert "đang được dùng bởi tiến trình" in result["refused_message"]
    assert result["final_exit"] == 0 and result["last_exit"] == 0, lines
    assert (result["biblios"], result["items"]) == (45, 135), lines
    assert result["duplicate_titles"] == result["duplicate_items"] == 0
    assert result["spec_problems"] == 0, lines
    assert result["last_run_writes"] == 0, lines
    assert result["faults"] > 0, lines  # the faults really were there
    assert result["per_copy"] < 2, lines
