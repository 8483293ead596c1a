"""Independent MARC validators for tests: yaz-marcdump, MARC::Lint and the MARCXML XSD.

Each helper runs the external tool (found through ``tests.conftest.require_tool``, so a
missing tool fails the test) and returns what it reported, for the test to assert on.

MARC::Lint warnings we accept
-----------------------------
``ACCEPTED_LINT_WARNINGS`` lists the only warning classes a test may ignore; every other
warning fails. Each class is a regular expression matched against the whole warning.
It is empty: our records give no MARC::Lint warning at all. (245 $c used to keep spaced
initials as printed, "J. K. Rowling"; it now closes them up, as LC-PCC PS 1.7.1 asks for
transcribed fields, and 100/700 $a keep the name as the list gives it.)

Warnings we do *not* need to accept: MARC::Lint ignores tags it has no rules for, so
Koha's 942/952 produce no warning; 264 and 336-338 are in MARC::Lint 1.53's tag table.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tests.conftest import require_tool

LINT_SCRIPT = Path(__file__).resolve().parent / "marclint.pl"

ACCEPTED_LINT_WARNINGS: dict[str, re.Pattern[str]] = {}

_LEADER_LINE = re.compile(r"^\d{5}[a-z]")
_FIELD_LINE = re.compile(r"^\d{3} ")


@dataclass(frozen=True)
class ToolRun:
    """What an external validator said about a file."""

    records: int
    problems: list[str]  # empty when the tool found nothing wrong
    output: str


@dataclass(frozen=True)
class LintWarning:
    record: int  # 1-based position in the file
    record_id: str  # 001
    message: str

    @property
    def accepted_class(self) -> str | None:
        """Name of the accepted class this warning belongs to, or None."""
        for name, pattern in ACCEPTED_LINT_WARNINGS.items():
            if pattern.fullmatch(self.message):
                return name
        return None


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=120)


def yaz_marcdump(path: Path, *, marcxml: bool = False) -> ToolRun:
    """Parse a file with yaz-marcdump (ISO 2709 in UTF-8, or MARCXML).

    yaz reports structural problems inside its output as ``(...)`` lines or ``<!-- -->``
    comments, sometimes with exit status 0; every such line, any stderr text and a
    non-zero exit status count as problems.
    """
    tool = require_tool("yaz-marcdump")
    args = [tool, "-i", "marcxml"] if marcxml else [tool, "-f", "UTF-8", "-t", "UTF-8"]
    done = _run([*args, str(path)])
    problems = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        problems.append(f"exit status {done.returncode}")
    records = 0
    for line in done.stdout.splitlines():
        if _LEADER_LINE.match(line):
            records += 1
        elif line and not _FIELD_LINE.match(line):
            problems.append(line)
    return ToolRun(records, problems, done.stdout)


def marc_lint(path: Path) -> tuple[int, list[LintWarning]]:
    """Run MARC::Lint (through ``marclint.pl``) over an ISO 2709 file: count and warnings."""
    perl = require_tool("perl")
    done = _run([perl, str(LINT_SCRIPT), str(path)])
    if done.returncode != 0:
        raise AssertionError(f"MARC::Lint failed ({done.returncode}): {done.stderr}")
    match = re.search(r"^records: (\d+)$", done.stderr, re.MULTILINE)
    if match is None:
        raise AssertionError(f"MARC::Lint gave no record count: {done.stderr}")
    warnings = []
    for line in done.stdout.splitlines():
        number, record_id, message = line.split("\t", 2)
        warnings.append(LintWarning(int(number), record_id, message))
    return int(match.group(1)), warnings


def unaccepted(warnings: list[LintWarning]) -> list[LintWarning]:
    """The warnings outside ``ACCEPTED_LINT_WARNINGS`` (a test asserts this is empty)."""
    return [w for w in warnings if w.accepted_class is None]


def xsd_errors(xml_path: Path, xsd_path: Path) -> list[str]:
    """Validation errors of a MARCXML file against the MARC21 slim schema (empty = valid)."""
    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    document = etree.parse(str(xml_path))
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
