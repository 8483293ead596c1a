"""Koha's list machinery: ``q`` filters, ``_match``, ``_order_by`` and paging.

Comparisons imitate MySQL's ``utf8mb4_unicode_ci``: case- and accent-insensitive
(``Nguyen`` = ``Nguyễn``, ``đ`` = ``d``), trailing spaces ignored by ``=``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]


class QueryError(ValueError):
    """A ``q`` document Koha would refuse (400 ``invalid_query``)."""


@functools.lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Collation key: NFD without combining marks, case-folded, đ → d."""
    if text.isascii():
        return text.lower()  # nothing to decompose; casefold() is lower() on ASCII
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("đ", "d")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def compare(left: Any, right: Any) -> int:
    """-1/0/1 like MySQL would compare a column value with a query value."""
    if isinstance(left, int | float | bool) or isinstance(right, int | float | bool):
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            return (a > b) - (a < b)
    x, y = fold(str(left)).rstrip(" "), fold(str(right)).rstrip(" ")
    return (x > y) - (x < y)


def equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return compare(left, right) == 0


def _key(value: Any) -> str:
    return fold(str(value)).rstrip(" ")


def _one_of(operands: list[Any]) -> Callable[[Any], bool]:
    """Equality with any operand; numbers and strings through a set (as an index would)."""
    if operands and all(isinstance(o, int | float) and not isinstance(o, bool)
                        for o in operands):
        numbers = frozenset(float(o) for o in operands)
        return lambda v: v is not None and _number(v) in numbers
    if any(isinstance(o, bool | int | float | dict | list) or o is None for o in operands):
        return lambda v: any(equal(v, o) for o in operands)
    keys = frozenset(_key(o) for o in operands)

    def test(value: Any) -> bool:
        if value is None:
            return False
        if isinstance(value, bool | int | float):
            return any(equal(value, o) for o in operands)
        return _key(value) in keys

    return test


@functools.lru_cache(maxsize=4096)
def _like_test(pattern: str) -> Callable[[str], bool]:
    """A matcher on folded text; plain ``%text%`` / ``text%`` / ``%text`` avoid regexes."""
    folded = fold(pattern)
    inner = folded.strip("%")
    if "_" not in inner and "%" not in inner and "\\" not in inner:
        starts, ends = folded.startswith("%"), folded.endswith("%")
        if starts and ends:
            return lambda text: inner in text
        if ends:
            return lambda text: text.startswith(inner)
        if starts:
            return lambda text: text.endswith(inner)
    regex = _like_regex(pattern)
    return lambda text: regex.fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def _like_regex(pattern: str) -> re.Pattern[str]:
    out = []
    escaped = False
    for char in fold(pattern):
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.S)


def like(value: Any, pattern: Any) -> bool:
    if value is None or pattern is None:
        return False
    return _like_test(str(pattern))(fold(str(value)))


def _values(row: Row, field: str) -> list[Any]:
    """The value(s) of a field; dotted names reach into embedded lists/objects."""
    if "." not in field:
        return [row.get(field)]
    head, rest = field.split(".", 1)
    related = row.get(head)
    if isinstance(related, list):
        return [v for r in related if isinstance(r, Mapping) for v in _values(r, rest)]
    if isinstance(related, Mapping):
        return _values(related, rest)
    return [None]


_ORDER_CHECKS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0, ">": lambda c: c > 0, "<=": lambda c: c <= 0, ">=": lambda c: c >= 0,
}


def _ordered(key: str, operand: Any) -> Callable[[Any], bool]:
    """``<``, ``>``, ``<=``, ``>=``; text against text through the operand's key, made once."""
    checks = _ORDER_CHECKS[key]
    if operand is None:
        return lambda v: False
    if not isinstance(operand, str):
        return lambda v: v is not None and checks(compare(v, operand))
    right = _key(operand)

    def test(v: Any) -> bool:
        if v is None:
            return False
        if v.__class__ is str:
            left = _key(v)
            return checks((left > right) - (left < right))
        return checks(compare(v, operand))

    return test


def _op(op: str, operand: Any) -> Callable[[Any], bool]:
    key = op.lower().lstrip("-")
    if key in ("=", "ident"):
        return lambda v: equal(v, operand)
    if key in ("!=", "<>", "not"):
        return lambda v: v is not None and not equal(v, operand)
    if key in ("<", ">", "<=", ">="):
        return _ordered(key, operand)
    if key in ("like", "not_like"):
        negate = key == "not_like"
        return lambda v: v is not None and like(v, operand) != negate
    if key in ("in", "not_in"):
        if not isinstance(operand, list):
            raise QueryError(f"{op} needs an array")
        negate = key == "not_in"
        member = _one_of(operand)
        return lambda v: v is not None and member(v) != negate
    if key in ("between", "not_between"):
        if not isinstance(operand, list) or len(operand) != 2:
            raise QueryError(f"{op} needs two values")
        low, high = operand
        negate = key == "not_between"
        return lambda v: v is not None and (
            compare(v, low) >= 0 and compare(v, high) <= 0) != negate
    if key == "regexp":
        regex = re.compile(str(operand), re.I)
        return lambda v: v is not None and regex.search(str(v)) is not None
    raise QueryError(f"Invalid operator {op}")


def _any_of(tests: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    if len(tests) == 1:
        return tests[0]

    def test(value: Any) -> bool:
        return any(t(value) for t in tests)
    return test


def _all_of(tests: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    if len(tests) == 1:
        return tests[0]

    def test(value: Any) -> bool:
        return all(t(value) for t in tests)
    return test


def _listed(operand: Any) -> list[Any]:
    return operand if isinstance(operand, list) else [operand]


def _condition(spec: Any) -> Callable[[Any], bool]:
    """A test on one column value from a SQL::Abstract right-hand side."""
    if isinstance(spec, list):
        if not any(isinstance(s, dict | list) for s in spec):
            return _one_of(spec)
        return _any_of([_condition(s) for s in spec])
    if isinstance(spec, dict):
        parts = []
        for op, operand in spec.items():
            if op.lower() in ("-and", "-or"):
                subs = [_condition(s) for s in _listed(operand)]
                parts.append(_all_of(subs) if op.lower() == "-and" else _any_of(subs))
            else:
                parts.append(_op(op, operand))
        return _all_of(parts)
    if isinstance(spec, str):
        return _one_of([spec])  # one collation key, compared as a set member
    return lambda v: equal(v, spec)


def _on_field(key: str, test: Callable[[Any], bool]) -> Predicate:
    if "." not in key:
        return lambda row: test(row.get(key))

    def pred(row: Row) -> bool:
        return any(test(v) for v in _values(row, key))
    return pred


def compile_query(doc: Any, fields: frozenset[str]) -> Predicate:
    """Predicate for one ``q`` document over rows keyed by API field names."""
    if isinstance(doc, list):
        return _any_of([compile_query(d, fields) for d in doc])
    if not isinstance(doc, dict):
        raise QueryError("q must be a JSON object or array")
    preds: list[Predicate] = []
    for key, spec in doc.items():
        lowered = key.lower()
        if lowered in ("-and", "-or"):
            subs = [compile_query(s, fields) for s in _listed(spec)]
            preds.append(_all_of(subs) if lowered == "-and" else _any_of(subs))
            continue
        if key.split(".", 1)[0] not in fields:
            raise QueryError(f"Unknown attribute {key}")
        preds.append(_on_field(key, _condition(spec)))
    return _all_of(preds)


def parse_queries(raw: Iterable[str], fields: frozenset[str]) -> list[Predicate]:
    preds = []
    for text in raw:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise QueryError(f"q is not valid JSON: {exc}") from exc
        preds.append(compile_query(doc, fields))
    return preds


def match_filter(field: str, value: str, mode: str) -> Predicate:
    """A plain query parameter compared with ``_match`` (default ``contains``)."""
    needle = fold(value)

    def test(row: Row) -> bool:
        have = row.get(field)
        if have is None:
            return False
        if isinstance(have, bool | int | float) and not isinstance(have, str):
            return equal(have, value)
        text = fold(str(have))
        if mode == "exact":
            return text.rstrip(" ") == needle.rstrip(" ")
        if mode == "starts_with":
            return text.startswith(needle)
        if mode == "ends_with":
            return text.endswith(needle)
        return needle in text

    return test


def order_rows(rows: list[dict[str, Any]], order_by: list[str]) -> list[dict[str, Any]]:
    """Stable sort by ``_order_by`` keys (``+field``/``-field``/``field``), NULLs first."""
    for key in reversed([k.strip() for k in order_by if k.strip()]):
        descending = key.startswith("-")
        name = key.lstrip("+-")

        def sort_key(row: dict[str, Any], name: str = name) -> tuple[int, Any]:
            value = row.get(name)
            if value is None:
                return (0, "")
            if isinstance(value, int | float) and not isinstance(value, bool):
                return (1, value)
            return (2, fold(str(value)))

        rows = sorted(rows, key=sort_key, reverse=descending)
    return rows
