"""The session guard fails a run that leaves new files in the repository root."""

from __future__ import annotations

import pytest


def test_a_file_left_in_the_root_fails_the_run(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_leaky="""
        from pathlib import Path

        def test_writes_into_the_cwd():
            Path("koha-bridge.sqlite").write_bytes(b"")
    """)
    result = pytester.runpytest("-p", "tests.support.rootguard")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*left new files in*: koha-bridge.sqlite*"])


def test_a_clean_run_passes(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_clean="""
        def test_writes_under_tmp_path(tmp_path):
            (tmp_path / "koha-bridge.sqlite").write_bytes(b"")
    """)
    result = pytester.runpytest("-p", "tests.support.rootguard")
    assert result.ret == pytest.ExitCode.OK
