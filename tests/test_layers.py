"""Imports follow the layers of DESIGN.md: marc/ at the bottom, classification/ above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("marc", "classification", "koha_bridge", "cli")
#: classification's store-backed numbering is the one part allowed to use koha_bridge.
NUMBERING = {"accession.py", "accession_format.py", "accession_series.py", "assign.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(OURS)


@pytest.mark.parametrize("path", sorted((REPO / "marc").rglob("*.py")), ids=str)
def test_marc_imports_only_marc(path: Path) -> None:
    assert _imports(path) <= {"marc"}


@pytest.mark.parametrize("path", sorted((REPO / "classification").rglob("*.py")), ids=str)
def test_classification_stays_below_the_jobs(path: Path) -> None:
    allowed = {"marc", "classification"}
    if path.parent.name == "classification" and path.name in NUMBERING:
        allowed.add("koha_bridge")
    assert _imports(path) <= allowed


def test_the_layers_are_checked_at_all() -> None:
    found = _imports(REPO / "classification" / "assign.py")
    assert found == {"classification", "koha_bridge", "marc"}
