"""Fail the test run when it leaves new files in the repository root.

A test that forgets ``--db`` or ``--out`` writes ``koha-bridge.sqlite`` (and, on
migration, its backups) or an output file into the working directory, which is
usually the checkout. The guard lists the root directory when the session starts and
again when it ends; any new entry fails the run and is named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: Entries that pytest itself may create in the root.
ALLOWED = frozenset({".pytest_cache", "__pycache__"})

_BEFORE = pytest.StashKey[frozenset[str]]()


def _entries(root: Path) -> frozenset[str]:
    return frozenset(path.name for path in root.iterdir()) - ALLOWED


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_BEFORE] = _entries(session.config.rootpath)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.stash.get(_BEFORE, None)
    if before is None:
        return
    left = sorted(_entries(session.config.rootpath) - before)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (f"the test session left new files in {session.config.rootpath}: "
               f"{', '.join(left)} (write them under tmp_path)")
    if reporter is not None:
        reporter.write_line(message, red=True, bold=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
