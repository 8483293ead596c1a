"""The plain data of a roster sync: people read from rosters and what became of each row."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from marc.model import SourceRef


class Kind(StrEnum):
    PUPIL = "pupil"
    TEACHER = "teacher"


@dataclass(frozen=True)
class Person:
    """One pupil or teacher of the rosters, as Koha should have them."""

    kind: Kind
    cardnumber: str
    surname: str
    firstname: str
    source: SourceRef
    date_of_birth: str | None = None  # ISO
    gender: str | None = None  # Koha code: M / F
    class_name: str | None = None  # as given (6A1, 12.6, Lá 1); teachers: department
    grade: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.firstname}".strip()


@dataclass(frozen=True)
class RowOutcome:
    """What became of one roster row: ``converted``, ``merged`` or ``rejected``."""

    source: SourceRef
    status: str
    reason: str = ""
    cardnumber: str = ""


@dataclass
class RosterSet:
    """Everything read from the rosters of one sync."""

    people: dict[str, Person] = field(default_factory=dict)  # card number → person
    outcomes: list[RowOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # per sheet: header found, kind, class
    kinds: set[Kind] = field(default_factory=set)  # kinds of list given (pupils, teachers)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]
