"""What the sync asks Koha itself before writing: the school, the categories, new cards
and the money leavers owe. The store's mirror holds only this school's patrons, so a
card number Koha gave to another school is only seen here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from koha_bridge.exceptions import KohaAuthError, KohaNotFoundError
from koha_bridge.koha.api import KohaApi
from koha_bridge.patrons.model import Kind
from koha_bridge.patrons.plan import Balances, Held, SyncPlan
from koha_bridge.store.journal import chunks

BATCH = 100


def balances_from(api: KohaApi) -> Balances:
    """A ``Balances`` asking Koha (``x-koha-embed: account_balance``), 100 patrons a page."""

    def owed(patron_ids: Sequence[int]) -> dict[int, float]:
        found: dict[int, float] = {}
        for chunk in chunks(list(patron_ids), BATCH):
            for patron in api.patrons(q={"patron_id": chunk}, embed=("account_balance",)):
                found[int(patron["patron_id"])] = float(patron.get("account_balance") or 0)
        return found

    return owed


def check_with_koha(api: KohaApi, plan: SyncPlan, library_id: str,
                    categories: dict[Kind, str]) -> None:
    """Refuse a wrong school, and hold back new pupils whose card another library holds."""
    try:
        api.library(library_id)
    except KohaNotFoundError:
        plan.refusal = (f"Koha không có thư viện {library_id!r} ([school] library_id): sai "
                        "trường hoặc sai cấu hình, không ghi gì")
        return
    needed = {categories[c.kind] for c in plan.changes if c.action != "expire"}
    try:
        known = {c["patron_category_id"] for c in api.patron_categories()}
    except KohaAuthError:
        known = needed  # the account may not read categories; Koha still checks each write
    missing = sorted(needed - known)
    if missing:
        plan.refusal = (f"Koha không có hạng bạn đọc {', '.join(missing)} ([patrons] "
                        "pupil_category / teacher_category): không ghi gì")
        return
    _cards_elsewhere(api, plan, library_id)


def _cards_elsewhere(api: KohaApi, plan: SyncPlan, library_id: str) -> None:
    cards = [c.cardnumber for c in plan.creates]
    owners: dict[str, dict[str, Any]] = {}
    for chunk in chunks(cards, BATCH):
        for patron in api.patrons(q={"cardnumber": chunk}):
            owners[str(patron.get("cardnumber"))] = patron
    elsewhere = {card for card, p in owners.items() if p.get("library_id") != library_id}
    people = len(plan.roster.people)
    if people and len(elsewhere) >= max(5, people // 2):
        plan.refusal = (f"{len(elsewhere)}/{people} số thẻ trong danh sách thuộc thư viện "
                        "khác trong Koha: có lẽ đây là danh sách của trường khác, không ghi gì")
    kept = []
    for change in plan.creates:
        owner = owners.get(change.cardnumber)
        if owner is not None and change.cardnumber in elsewhere:
            plan.flagged.append(Held(
                change.cardnumber, change.surname, change.firstname, change.class_name,
                f"số thẻ đã có trong Koha ở thư viện {owner.get('library_id')}: chuyển bạn "
                "đọc sang trường này trong Koha trước", int(owner["patron_id"])))
        else:
            kept.append(change)
    plan.creates = kept
