"""Sổ mượn sách: the loans of a school year, one row per loan.

Pupils by class (one section per class, classes and names in Vietnamese order), then
teachers and staff (one section per person). A loan belongs to the school year of its
checkout date; current and returned loans alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from koha_bridge.registers.common import Context, columns, frame, part, table
from koha_bridge.registers.holdings import day
from koha_bridge.reports.collation import class_key, name_key
from koha_bridge.reports.model import Report, Section
from koha_bridge.store import Store

NAME = "so-muon"
PUPIL_KEYS = {"number", "name", "class", "title", "accession", "checkout", "due", "returned",
              "signature", "note"}
STAFF_KEYS = {"number", "checkout", "title", "accession", "sign_out", "returned", "sign_in",
              "note"}
NO_CLASS = "Chưa rõ lớp"

_LOANS = """
SELECT c.checkout_id, c.checkout_date, c.due_date, c.checkin_date, c.item_id,
       p.patron_id, p.surname, p.firstname, p.category_id, p.statistics_1,
       pc.category_type
FROM koha_checkouts c
LEFT JOIN koha_patrons p ON p.patron_id = c.patron_id
LEFT JOIN koha_patron_categories pc ON pc.category_id = p.category_id
WHERE c.library_id = ? AND c.checkout_date >= ? AND c.checkout_date < ?
"""


@dataclass(frozen=True, slots=True)
class Loan:
    """One checkout with its borrower."""

    checkout_id: int
    item_id: int
    checkout: date | None
    due: date | None
    returned: date | None
    patron_id: int | None
    surname: str
    firstname: str
    staff: bool
    class_name: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.surname, self.firstname) if p) or "(không rõ)"


def load_loans(store: Store, ctx: Context) -> list[Loan]:
    """The checkouts the library issued in the context's school year."""
    staff_categories = set(ctx.config.registers.staff_categories)
    end = date.fromordinal(ctx.year.end.toordinal() + 1).isoformat()
    loans = []
    for row in store.execute(_LOANS, (ctx.holdings.library, ctx.year.start.isoformat(), end)):
        staff = row["category_id"] in staff_categories or row["category_type"] == "S"
        loans.append(Loan(
            checkout_id=row["checkout_id"], item_id=row["item_id"],
            checkout=day(row["checkout_date"]), due=day(row["due_date"]),
            returned=day(row["checkin_date"]), patron_id=row["patron_id"],
            surname=row["surname"] or "", firstname=row["firstname"] or "", staff=staff,
            class_name=(row["statistics_1"] or "").strip(),
        ))
    return loans


def _status(loan: Loan, today: date) -> str:
    if loan.returned is not None:
        return ""
    if loan.due is not None and loan.due < today:
        return "Quá hạn, chưa trả"
    return "Đang mượn"


def build(ctx: Context, loans: list[Loan], today: date) -> Report:
    layout = ctx.layout(NAME)
    pupil_cols = columns(layout.part("pupils"), PUPIL_KEYS, ctx.year, NAME)
    staff_cols = columns(layout.part("staff"), STAFF_KEYS, ctx.year, NAME)
    copies = {c.item_id: c for c in ctx.holdings.copies}
    classes: dict[str, list[Loan]] = defaultdict(list)
    people: dict[int | None, list[Loan]] = defaultdict(list)
    for loan in loans:
        if loan.staff:
            people[loan.patron_id].append(loan)
        else:
            classes[loan.class_name or NO_CLASS].append(loan)

    def row(loan: Loan, number: int) -> dict:
        copy = copies.get(loan.item_id)
        title = ctx.holdings.title(copy).title if copy else "(bản không có trong kho dữ liệu)"
        return {"number": number, "name": loan.name, "class": loan.class_name, "title": title,
                "accession": copy.accession if copy else "", "checkout": loan.checkout,
                "due": loan.due, "returned": loan.returned, "note": _status(loan, today)}

    def order(loan: Loan) -> tuple:
        return (*name_key(loan.firstname, loan.surname), loan.patron_id or 0,
                loan.checkout or date.min, loan.checkout_id)

    pupil_sections = []
    for name in sorted(classes, key=lambda c: (c == NO_CLASS, class_key(c))):
        rows = [row(loan, n) for n, loan in enumerate(sorted(classes[name], key=order), 1)]
        pupil_sections.append(Section(rows, f"Lớp {name}" if name != NO_CLASS else name,
                                      {"title": f"Cộng: {len(rows)} lượt mượn"}))
    staff_sections = []
    for patron in sorted(people, key=lambda p: order(people[p][0])[:3]):
        mine = sorted(people[patron], key=lambda ln: (ln.checkout or date.min, ln.checkout_id))
        rows = [row(loan, n) for n, loan in enumerate(mine, 1)]
        staff_sections.append(Section(rows, mine[0].name,
                                      {"title": f"Cộng: {len(rows)} lượt mượn"}))
    pupil_count = sum(len(v) for v in classes.values())
    staff_count = sum(len(v) for v in people.values())
    parts = [
        part(layout, "pupils", [table(pupil_cols, pupil_sections,
                                      {"title": f"Tổng cộng: {pupil_count} lượt mượn"})]),
        part(layout, "staff", [table(staff_cols, staff_sections,
                                     {"title": f"Tổng cộng: {staff_count} lượt mượn"})]),
    ]
    return frame(ctx, layout, parts, place_date=False)
