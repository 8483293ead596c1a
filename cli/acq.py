"""``koha-bridge acquisitions``: supplier lists to MARC21 (wired in by the pipeline)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
