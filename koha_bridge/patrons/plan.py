"""Planning a sync: the rosters against the store's mirror of Koha's patrons.

Nothing here talks to Koha except through ``balances`` (the money leavers owe, asked
of Koha for the leavers only). The result says, person by person, what ``--apply``
would write: create, update (old → new), extend (expiry only), expire (leavers), and
what it will not touch: leavers holding loans or owing fines, flagged promotions,
cards of another library, a new identifier whose name and date of birth Koha already
has under another card (and that card), rows rejected by the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from koha_bridge.config import Config
from koha_bridge.patrons.model import Kind, Person, RosterSet
from koha_bridge.patrons.names import sort_key
from koha_bridge.patrons.schoolyear import ExpiryRules, SchoolYear
from koha_bridge.patrons.values import grade_of
from koha_bridge.store import Store
from marc.model import SourceRef
from marc.readers.header import fold

Balances = Callable[[Sequence[int]], dict[int, float]]
COMPARED = ("surname", "firstname", "category_id", "library_id", "statistics_1",
            "statistics_2", "date_of_birth", "gender", "expiry_date")
MIN_KNOWN = 20  # below this many patrons in Koha, the identifier check says nothing
MIN_SHARE = 0.2  # share of roster cards Koha must know (when it knows MIN_KNOWN of ours)


@dataclass
class Change:
    """One planned write to Koha."""

    action: str  # create | update | extend | expire
    kind: Kind
    cardnumber: str
    surname: str
    firstname: str
    values: dict[str, Any]  # the fields written, with their new values
    old: dict[str, Any] = field(default_factory=dict)  # the same fields as Koha has them
    patron_id: int | None = None
    class_name: str | None = None
    source: SourceRef | None = None

    @property
    def name(self) -> str:
        return f"{self.surname} {self.firstname}".strip()


@dataclass
class Held:
    """A person the sync does not touch, and why."""

    cardnumber: str
    surname: str
    firstname: str
    class_name: str | None
    reason: str
    patron_id: int | None = None
    loans: int = 0
    balance: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.surname} {self.firstname}".strip()


@dataclass
class SyncPlan:
    school_year: SchoolYear
    roster: RosterSet
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    extends: list[Change] = field(default_factory=list)
    expires: list[Change] = field(default_factory=list)
    up_to_date: int = 0  # on a roster, and Koha already has everything
    already_expired: int = 0  # not on a roster, and already expired
    leavers_held: list[Held] = field(default_factory=list)  # loans or fines
    flagged: list[Held] = field(default_factory=list)
    refusal: str | None = None  # why --apply must not write at all
    protected: set[str] = field(default_factory=set)  # Koha cards never taken for leavers

    @property
    def changes(self) -> list[Change]:
        return [*self.creates, *self.updates, *self.extends, *self.expires]

    def count(self, action: str, kind: Kind) -> int:
        return sum(1 for c in self.changes if c.action == action and c.kind is kind)


def plan_sync(
    roster: RosterSet,
    store: Store,
    config: Config,
    school_year: SchoolYear,
    balances: Balances | None = None,
    *,
    first_sync: bool = False,
) -> SyncPlan:
    """Compare the rosters with the mirror of Koha in ``store`` (refresh it first).

    ``first_sync``: Koha's patrons were entered under other card numbers, so rosters
    whose identifiers Koha does not know are not taken for another school's.
    """
    rules = ExpiryRules.of(school_year, config.patrons, config.school.level)
    library = config.school.library_id
    categories = {Kind.PUPIL: config.patrons.pupil_category,
                  Kind.TEACHER: config.patrons.teacher_category}
    staff = {config.patrons.teacher_category, *config.registers.staff_categories}
    koha = {r["cardnumber"]: dict(r) for r in store.query(
        "SELECT * FROM koha_patrons WHERE cardnumber IS NOT NULL AND cardnumber != ''")}
    plan = SyncPlan(school_year, roster)
    twins = {_person_key(f"{p['surname'] or ''} {p['firstname'] or ''}", p["date_of_birth"]): p
             for p in koha.values() if p["library_id"] == library and p["date_of_birth"]}
    plan.refusal = _refusal(store, roster, koha, library, set(categories.values()),
                            first_sync)
    for person in sorted(roster.people.values(), key=lambda p: (
            p.kind, p.class_name or "", sort_key(p.surname, p.firstname))):
        patron = koha.get(person.cardnumber)
        category = categories[person.kind]
        if person.kind is Kind.TEACHER and patron and patron["category_id"] in staff:
            category = patron["category_id"]  # staff (NV, CB…) keep their own category
        wanted = _values(person, category, library, rules)
        if patron is None:
            twin = twins.get(_person_key(person.full_name, person.date_of_birth))
            if twin is not None and twin["cardnumber"] not in roster.people:
                plan.flagged.append(_held(person, twin, (
                    f"có thể là bạn đọc số thẻ {twin['cardnumber']} trong Koha (cùng họ tên "
                    "và ngày sinh): sửa số thẻ trong Koha thành mã định danh, hoặc kiểm tra "
                    "lại, rồi chạy lại")))
                plan.protected.add(twin["cardnumber"])
                continue
            plan.creates.append(_change("create", person, wanted))
            continue
        if patron["library_id"] != library:
            plan.flagged.append(_held(person, patron, (
                f"số thẻ {person.cardnumber} đã có trong Koha ở thư viện "
                f"{patron['library_id']}: chuyển bạn đọc sang trường này trong Koha trước")))
            continue
        problem = _promotion_problem(person, patron, categories[Kind.PUPIL])
        if problem:
            plan.flagged.append(_held(person, patron, problem))
            continue
        differ = {k: v for k, v in wanted.items() if _text(patron.get(k)) != _text(v)}
        if not differ:
            plan.up_to_date += 1
            continue
        action = "extend" if set(differ) == {"expiry_date"} else "update"
        change = _change(action, person, differ, patron)
        (plan.extends if action == "extend" else plan.updates).append(change)
    _leavers(plan, store, koha, roster, library, categories, staff, rules, balances)
    return plan


def _values(person: Person, category: str, library: str, rules: ExpiryRules) -> dict[str, Any]:
    values: dict[str, Any] = {
        "surname": person.surname, "firstname": person.firstname, "category_id": category,
        "library_id": library,
    }
    if person.kind is Kind.PUPIL:
        values["statistics_1"] = person.class_name
        values["statistics_2"] = str(person.grade) if person.grade is not None else None
        values["expiry_date"] = rules.pupil(person.grade)
    else:
        if person.class_name:
            values["statistics_1"] = person.class_name
        values["expiry_date"] = rules.teacher
    if person.date_of_birth:
        values["date_of_birth"] = person.date_of_birth
    if person.gender:
        values["gender"] = person.gender
    return values


def _change(action: str, person: Person, values: dict[str, Any],
            patron: dict[str, Any] | None = None) -> Change:
    old = {k: patron.get(k) for k in values} if patron else {}
    return Change(action, person.kind, person.cardnumber, person.surname, person.firstname,
                  values, old, patron["patron_id"] if patron else None, person.class_name,
                  person.source)


def _held(person: Person, patron: dict[str, Any], reason: str) -> Held:
    return Held(person.cardnumber, person.surname, person.firstname, person.class_name,
                reason, patron["patron_id"])


def _person_key(full_name: str, birth: str | None) -> tuple[str, str]:
    """Who a person seems to be without an identifier: folded full name and birth date."""
    return fold(full_name), _text(birth)


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return text[:10] if len(text) > 10 and text[4:5] == "-" and text[10:11] == "T" else text


def _old_grade(patron: dict[str, Any]) -> int | None:
    stat = _text(patron.get("statistics_2"))
    if stat.isdigit() and 1 <= int(stat) <= 12:
        return int(stat)
    return grade_of(patron.get("statistics_1"), None)


def _promotion_problem(person: Person, patron: dict[str, Any], pupil_category: str) -> str:
    """Why a pupil's new grade needs a look (lower, or two grades up), else ""."""
    if person.kind is not Kind.PUPIL or patron.get("category_id") != pupil_category:
        return ""
    old, new = _old_grade(patron), person.grade
    if old is None or new is None:
        return ""
    if new < old:
        return f"khối thấp hơn năm trước ({patron.get('statistics_1')} → {person.class_name}): " \
               "kiểm tra lại danh sách"
    if new - old >= 2:
        return f"lên {new - old} khối một lúc ({patron.get('statistics_1')} → " \
               f"{person.class_name}): kiểm tra lại danh sách"
    return ""


def _refusal(store: Store, roster: RosterSet, koha: dict[str, dict[str, Any]], library: str,
             categories: set[str], first_sync: bool) -> str | None:
    """Why these rosters must not be applied to this Koha (wrong school), or None."""
    libraries = {r[0] for r in store.query("SELECT library_id FROM koha_libraries")}
    if libraries and library not in libraries:
        return (f"Koha không có thư viện {library!r} ([school] library_id): sai trường hoặc "
                "sai cấu hình, không ghi gì")
    cards = list(roster.people)
    if not cards:
        return None
    elsewhere = sum(1 for c in cards if c in koha and koha[c]["library_id"] != library)
    if elsewhere >= max(5, len(cards) // 2):
        return (f"{elsewhere}/{len(cards)} số thẻ trong danh sách thuộc thư viện khác trong "
                "Koha: có lẽ đây là danh sách của trường khác, không ghi gì")
    ours = [p for p in koha.values()
            if p["library_id"] == library and p["category_id"] in categories]
    known = sum(1 for c in cards if c in koha)
    if (not first_sync and len(ours) >= MIN_KNOWN and len(cards) >= MIN_KNOWN
            and known < MIN_SHARE * len(cards)):
        return (f"Koha chỉ biết {known}/{len(cards)} mã trong danh sách dù đã có {len(ours)} "
                "bạn đọc của trường: có lẽ đây là danh sách của trường khác, không ghi gì "
                "(lần đồng bộ đầu tiên, khi bạn đọc cũ mang số thẻ khác: --first-sync)")
    return None


def _leavers(plan: SyncPlan, store: Store, koha: dict[str, dict[str, Any]], roster: RosterSet,
             library: str, categories: dict[Kind, str], staff: set[str],
             rules: ExpiryRules, balances: Balances | None) -> None:
    """People of Koha on no roster: expire them, unless they hold loans or owe money.

    Only kinds given as lists count: without a staff list no teacher is a leaver. Staff
    are the teacher category and ``[registers] staff_categories``.
    """
    protected = plan.protected | {o.cardnumber for o in roster.rejected if o.cardnumber}
    by_category: dict[str, Kind] = {}
    if Kind.TEACHER in roster.kinds:
        by_category.update(dict.fromkeys(staff, Kind.TEACHER))
    if Kind.PUPIL in roster.kinds:
        by_category[categories[Kind.PUPIL]] = Kind.PUPIL
    gone = [p for card, p in koha.items()
            if p["library_id"] == library and p["category_id"] in by_category
            and card not in roster.people and card not in protected]
    loans = {int(r[0]): int(r[1]) for r in store.query(
        "SELECT patron_id, COUNT(*) FROM koha_checkouts WHERE checkin_date IS NULL "
        "GROUP BY patron_id")}
    owing = balances([int(p["patron_id"]) for p in gone]) if balances and gone else {}
    for patron in sorted(gone, key=lambda p: sort_key(p["surname"] or "", p["firstname"] or "")):
        pid = int(patron["patron_id"])
        held_loans, balance = loans.get(pid, 0), owing.get(pid, 0.0)
        kind = by_category[patron["category_id"]]
        if held_loans or balance > 0:
            debts = [f"đang mượn {held_loans} tài liệu"] if held_loans else []
            debts += [f"còn nợ {balance:,.0f} đ".replace(",", ".")] if balance > 0 else []
            plan.leavers_held.append(Held(
                patron["cardnumber"], patron["surname"] or "", patron["firstname"] or "",
                patron.get("statistics_1"),
                "; ".join(debts) + ": cần thu hồi/thanh toán, chưa đặt hết hạn",
                pid, held_loans, balance))
            continue
        expiry = _text(patron.get("expiry_date"))
        if expiry and expiry <= rules.leaver:
            plan.already_expired += 1
            continue
        plan.expires.append(Change(
            "expire", kind, patron["cardnumber"], patron["surname"] or "",
            patron["firstname"] or "", {"expiry_date": rules.leaver},
            {"expiry_date": patron.get("expiry_date")}, pid, patron.get("statistics_1")))
