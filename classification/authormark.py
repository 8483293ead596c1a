"""Author marks (ký hiệu tác giả), as a registry of named strategies.

A strategy is a function ``(record) -> str | None``. ``STRATEGIES`` holds the bundled
ones (``first3``, ``first3_given_name``); add another without touching any caller::

    from classification.authormark import STRATEGIES, mark_letters, main_heading

    def surname5(record):
        heading = main_heading(record)
        return mark_letters(heading[1], 5) if heading else None

    STRATEGIES.register("surname5", surname5)

and name it in the config (``[classification] author_mark_strategy = "surname5"``).
Callers that want a private set pass ``strategies=STRATEGIES.copy()`` with their
additions instead of registering globally.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from pymarc import Field, Record

from classification.tables import fold_letters
from marc.errors import ConfigError

MarkStrategy = Callable[[Record], "str | None"]
_NOT_MARK = re.compile(r"[^A-Z0-9]+")
HEADING_TAGS = ("100", "110", "111")


@lru_cache(maxsize=1 << 14)
def mark_letters(text: str, length: int = 3) -> str | None:
    """The first ``length`` letters/digits of ``text``: ASCII-folded, upper case, no spaces."""
    letters = _NOT_MARK.sub("", fold_letters(text).upper())
    return letters[:length] or None


def main_heading(record: Record) -> tuple[str, str] | None:
    """``(tag, text)`` of the main entry heading (100, 110 or 111 $a).

    Only the first field of each tag counts; read in one pass that stops at the first
    100 when it has a name (the usual case).
    """
    firsts: dict[str, Field] = {}
    for field in record.fields:
        tag = field.tag
        if tag in HEADING_TAGS and tag not in firsts:
            if tag == "100" and (value := _heading_text(field)):
                return tag, value
            firsts[tag] = field
    return heading_of(firsts)


def heading_of(firsts: Mapping[str, Field]) -> tuple[str, str] | None:
    """``main_heading`` from the first 100, 110 and 111 fields of a record (by tag)."""
    for tag in HEADING_TAGS:
        field = firsts.get(tag)
        if field is not None:
            value = _heading_text(field)
            if value:
                return tag, value
    return None


def _heading_text(field: Field) -> str:
    return " ".join([s.value for s in field.subfields if s.code == "a"]).strip()


def filing_title(record: Record) -> str | None:
    """245 $a without the non-filing characters counted by the second indicator."""
    field = record.get("245")
    if field is None:
        return None
    title = " ".join(field.get_subfields("a")).strip()
    skip = field.indicator2
    if skip and skip.isdigit():
        title = title[int(skip):]
    return title or None


def first3(record: Record) -> str | None:
    """First three letters of the main heading, or of the filing title without one."""
    heading = main_heading(record)
    text = heading[1] if heading else filing_title(record)
    return mark_letters(text) if text else None


def first3_given_name(record: Record) -> str | None:
    """For a personal name in direct order (no comma), the given name (last word)."""
    heading = main_heading(record)
    if heading is None or heading[0] != "100" or "," in heading[1]:
        return first3(record)
    words = heading[1].rstrip(" .").split()
    return mark_letters(words[-1]) if words else first3(record)


class MarkStrategies:
    """An explicit registry of author-mark strategies by name."""

    def __init__(self, strategies: Mapping[str, MarkStrategy] | None = None) -> None:
        self._strategies: dict[str, MarkStrategy] = dict(strategies or {})

    def register(self, name: str, strategy: MarkStrategy) -> None:
        if name in self._strategies:
            raise ValueError(f"author-mark strategy already registered: {name}")
        self._strategies[name] = strategy

    def get(self, name: str) -> MarkStrategy:
        try:
            return self._strategies[name]
        except KeyError as exc:
            known = ", ".join(sorted(self._strategies))
            raise ConfigError(
                f"[classification] author_mark_strategy = {name!r} không có; dùng một trong: "
                f"{known}"
            ) from exc

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._strategies))

    def copy(self) -> MarkStrategies:
        return MarkStrategies(self._strategies)


STRATEGIES = MarkStrategies({"first3": first3, "first3_given_name": first3_given_name})


def author_mark(
    record: Record, strategy: str = "first3", *, strategies: MarkStrategies = STRATEGIES
) -> str | None:
    """The author mark of a record by the named strategy (None when nothing to take)."""
    return strategies.get(strategy)(record)
