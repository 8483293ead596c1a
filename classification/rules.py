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
from functools import cache, cached_property, lru_cache
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
from marc.errors import ConfigError
from marc.model import ClassNumber

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
    # Words of each 'any' / 'all' / 'none' phrase. A phrase can only occur in a folded
    # text holding all of its words: cheap set tests that spare most regex searches.
    any_words: tuple[frozenset[str], ...]
    all_words: frozenset[str]
    none_words: tuple[frozenset[str], ...]

    def matches(
        self, text: str, words: frozenset[str], category: str | None, languages: Collection[str]
    ) -> bool:
        return self.admits(category, languages) and self.matches_text(text, words)

    def admits(self, category: str | None, languages: Collection[str]) -> bool:
        """The category and language conditions (those that do not look at the text)."""
        if self.categories and category not in self.categories:
            return False
        return not (self.languages and self.languages.isdisjoint(languages))

    def matches_text(self, text: str, words: frozenset[str]) -> bool:
        """The phrase conditions, for a folded text and its set of words."""
        if self.any_of is not None and (
            not any(phrase <= words for phrase in self.any_words)
            or not self.any_of.search(text)
        ):
            return False
        if not (self.all_words <= words and all(p.search(text) for p in self.all_of)):
            return False
        return (
            self.none_of is None
            or not any(phrase <= words for phrase in self.none_words)
            or not self.none_of.search(text)
        )


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    conditions: tuple[Condition, ...]
    number: str
    confidence: str
    basis: str

    @cached_property
    def proposal(self) -> ClassNumber:
        """What this rule proposes (built once; ``ClassNumber`` is immutable)."""
        return ClassNumber(
            self.number, "ddc", f"rule:{self.id}", self.confidence,
            f"Quy tắc {self.id}: {self.label}",
        )


class RuleSet:
    """Rules in order, indexed by the words of their 'any' phrases (built once per run).

    A condition with an ``any`` list can only hold when all the words of one of its
    phrases are in the text, so only those conditions (and the ones without ``any``)
    are tried. The index is narrowed once per (category, languages) seen to the
    conditions that admit them, so only phrase conditions are left to test per record.
    """

    _MAX_VIEWS = 1024

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._pairs: list[tuple[Condition, Rule]] = [
            (c, r) for r in self.rules for c in r.conditions
        ]
        self._views: dict[tuple[str | None, frozenset[str]], _View] = {}

    def _view(self, category: str | None, languages: Collection[str]) -> _View:
        """The index narrowed to the conditions admitting this category and languages."""
        key = (category, frozenset(languages))
        view = self._views.get(key)
        if view is None:
            always: list[int] = []
            phrases: dict[str, list[tuple[frozenset[str], int]]] = {}
            for index, (condition, _) in enumerate(self._pairs):
                if not condition.admits(category, languages):
                    continue
                if condition.any_of is None:
                    always.append(index)
                for words in condition.any_words:
                    key_word = max(words, key=lambda w: (len(w), w))  # likely the rarest
                    phrases.setdefault(key_word, []).append((words, index))
            view = _View(
                frozenset(always), {w: tuple(p) for w, p in phrases.items()}, frozenset(phrases)
            )
            if len(self._views) >= self._MAX_VIEWS:
                self._views.clear()
            self._views[key] = view
        return view

    def first_match(
        self, text: str, category: str | None, languages: Collection[str]
    ) -> Rule | None:
        """The first rule whose conditions hold for this folded text, category, languages."""
        view = self._view(category, languages)
        words = frozenset(text.split())
        candidates = set(view.always)
        phrases = view.phrases
        for word in view.key_words.intersection(words):
            for phrase, index in phrases[word]:
                if phrase <= words:
                    candidates.add(index)
        pairs = self._pairs
        for index in sorted(candidates):
            condition, rule = pairs[index]
            if condition.matches_text(text, words):
                return rule
        return None


@dataclass(frozen=True)
class _View:
    always: frozenset[int]  # admitted conditions without an 'any' list
    phrases: dict[str, tuple[tuple[frozenset[str], int], ...]]  # key word → (words, index)
    key_words: frozenset[str]  # the keys of 'phrases'


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
        any_words=_phrase_words(values.get("any", [])),
        all_words=frozenset(w for p in values.get("all", []) for w in fold(p).split()),
        none_words=_phrase_words(values.get("none", [])),
    )


def _phrase_words(phrases: Iterable[str]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(fold(p).split()) for p in phrases if fold(p))


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


@lru_cache(maxsize=1024)
def language_code(value: str | None) -> str | None:
    """A MARC language code for a list's language cell, or the folded value itself."""
    if not value:
        return None
    folded = fold(value)
    return language_aliases().get(folded, folded or None)
