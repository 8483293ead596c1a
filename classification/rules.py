"""Proposal rules as data: read, validate and precompile ``ddc-rules.yaml`` files.

A rule says "when the title/subject text, category and original language look like
this, propose that DDC number". School rules (``[classification] rules_file``) have the
same format as the bundled ``data/ddc-rules.yaml`` and are tried before it; the first
matching rule wins. See the head of ``data/ddc-rules.yaml`` for the format.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from classification.tables import (
    CONFIDENCE_ORDER,
    DATA_DIR,
    fold,
    load_tables,
    parse_class_number,
    read_yaml,
)
from koha_bridge.exceptions import ConfigError

_MATCH_KEYS = frozenset({"any", "all", "none", "category", "language"})
_RULE_KEYS = frozenset({"id", "label", "match", "number", "confidence", "basis"})


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One word-bounded regex for folded phrases (longest first), None when there are none."""
    folded = sorted({fold(p) for p in phrases if fold(p)}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in folded) + r")\b")


@dataclass(frozen=True)
class Condition:
    """One set of conditions; all of the given ones must hold."""

    any_of: re.Pattern[str] | None
    all_of: tuple[re.Pattern[str], ...]
    none_of: re.Pattern[str] | None
    categories: frozenset[str]
    languages: frozenset[str]
    first_words: frozenset[str]  # of the 'any' phrases: a cheap test before the regex

    def matches(
        self, text: str, words: frozenset[str], category: str | None, languages: Collection[str]
    ) -> bool:
        if self.categories and category not in self.categories:
            return False
        if self.languages and self.languages.isdisjoint(languages):
            return False
        if self.any_of is not None and (
            self.first_words.isdisjoint(words) or not self.any_of.search(text)
        ):
            return False
        if not all(p.search(text) for p in self.all_of):
            return False
        return self.none_of is None or not self.none_of.search(text)


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    conditions: tuple[Condition, ...]
    number: str
    confidence: str
    basis: str


class RuleSet:
    """Rules in order, indexed by the first words of their phrases (built once per run).

    A condition with an ``any`` list can only hold when one of its first words is in
    the text, so only those conditions (and the ones without ``any``) are tried.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._pairs: list[tuple[Condition, Rule]] = [
            (c, r) for r in self.rules for c in r.conditions
        ]
        self._always: set[int] = set()
        self._by_word: dict[str, set[int]] = {}
        for index, (condition, _) in enumerate(self._pairs):
            if condition.any_of is None:
                self._always.add(index)
            for word in condition.first_words:
                self._by_word.setdefault(word, set()).add(index)

    def first_match(
        self, text: str, category: str | None, languages: Collection[str]
    ) -> Rule | None:
        """The first rule whose conditions hold for this folded text, category, languages."""
        words = frozenset(text.split())
        candidates = set(self._always)
        for word in words:
            candidates.update(self._by_word.get(word, ()))
        for index in sorted(candidates):
            condition, rule = self._pairs[index]
            if condition.matches(text, words, category, languages):
                return rule
        return None


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _condition(spec: Any, where: str, errors: list[str]) -> Condition | None:
    if not isinstance(spec, dict) or not spec:
        errors.append(f"{where}: 'match' cần một bảng điều kiện")
        return None
    unknown = sorted(set(spec) - _MATCH_KEYS)
    if unknown:
        errors.append(f"{where}: điều kiện không hợp lệ: {', '.join(unknown)}")
    values: dict[str, list[str]] = {}
    for key in _MATCH_KEYS & set(spec):
        items = _strings(spec[key])
        if items is None:
            errors.append(f"{where}: '{key}' cần một danh sách chuỗi")
            return None
        values[key] = items
    blocked = phrase_pattern(values.get("none", []))
    dead = [p for p in values.get("any", []) if blocked is not None and blocked.fullmatch(fold(p))]
    if dead:
        errors.append(f"{where}: 'none' chặn luôn cụm từ của 'any': {', '.join(dead)}")
    return Condition(
        any_of=phrase_pattern(values.get("any", [])),
        all_of=tuple(p for p in (phrase_pattern([x]) for x in values.get("all", [])) if p),
        none_of=phrase_pattern(values.get("none", [])),
        categories=frozenset(values.get("category", [])),
        languages=frozenset(v.lower() for v in values.get("language", [])),
        first_words=frozenset(fold(p).split(" ")[0] for p in values.get("any", []) if fold(p)),
    )


def _rule(spec: Any, where: str, errors: list[str]) -> Rule | None:
    if not isinstance(spec, dict):
        errors.append(f"{where}: cần một bảng")
        return None
    rule_id = spec.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        errors.append(f"{where}: thiếu 'id'")
        return None
    where = f"{where} ({rule_id})"
    unknown = sorted(set(spec) - _RULE_KEYS)
    if unknown:
        errors.append(f"{where}: khoá không hợp lệ: {', '.join(unknown)}")
    parsed = parse_class_number(str(spec.get("number", "")))
    if parsed is None or parsed[1] != "ddc":
        errors.append(f"{where}: 'number' phải là một số DDC, có {spec.get('number')!r}")
    confidence = spec.get("confidence")
    if confidence not in CONFIDENCE_ORDER:
        errors.append(f"{where}: 'confidence' phải là một trong {', '.join(CONFIDENCE_ORDER)}")
    for key in ("label", "basis"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            errors.append(f"{where}: thiếu '{key}'")
    match = spec.get("match")
    specs = match if isinstance(match, list) else [match]
    conditions = [_condition(s, where, errors) for s in specs]
    if parsed is None or None in conditions or not conditions:
        return None
    return Rule(
        id=rule_id,
        label=str(spec.get("label", "")),
        conditions=tuple(c for c in conditions if c is not None),
        number=parsed[0],
        confidence=str(confidence),
        basis=str(spec.get("basis", "")),
    )


def compile_rules(data: Any, source: str) -> tuple[Rule, ...]:
    """Validate and precompile a rules document; every problem is reported at once."""
    errors: list[str] = []
    specs = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(specs, list):
        raise ConfigError(f"{source}: cần một danh sách 'rules'")
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, spec in enumerate(specs, start=1):
        rule = _rule(spec, f"{source}: quy tắc {n}", errors)
        if rule is None:
            continue
        if rule.id in seen:
            errors.append(f"{source}: quy tắc {n}: 'id' {rule.id!r} bị trùng")
        seen.add(rule.id)
        rules.append(rule)
    if errors:
        raise ConfigError("Quy tắc phân loại không hợp lệ:\n" + "\n".join(errors))
    return tuple(rules)


@cache
def default_rules() -> tuple[Rule, ...]:
    """The bundled rules, compiled once."""
    return compile_rules(load_tables().rules, str(DATA_DIR / "ddc-rules.yaml"))


@cache
def school_rules(path: Path) -> tuple[Rule, ...]:
    """A school's rules file, compiled once per run."""
    return compile_rules(read_yaml(path), str(path))


@cache
def language_aliases() -> Mapping[str, str]:
    """Folded language words of the list ("tiếng Anh", "en") → MARC code ("eng")."""
    aliases: dict[str, str] = {}
    for code, words in load_tables().rules.get("languages", {}).items():
        aliases[code] = code
        for word in words:
            aliases[fold(word)] = code
    return aliases


def language_code(value: str | None) -> str | None:
    """A MARC language code for a list's language cell, or the folded value itself."""
    if not value:
        return None
    folded = fold(value)
    return language_aliases().get(folded, folded or None)
