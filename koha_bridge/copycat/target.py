"""A catalogue to ask for copy cataloguing (read from the config; no HTTP here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SruTarget:
    """One catalogue to ask: base URL, the CQL index for ISBNs, how far to trust it."""

    name: str = ""
    url: str = ""
    index: str = "bath.isbn"
    version: str = "1.1"
    record_schema: str = "marcxml"
    confidence: str = "medium"
