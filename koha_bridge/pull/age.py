"""How old the store's copy of Koha is, for commands that run from the store alone."""

from __future__ import annotations

from datetime import UTC, datetime

from koha_bridge.store import Store

#: The passes a register needs; the data is as old as the oldest of them.
CORE = ("items", "biblios", "patrons", "checkouts", "old_checkouts")


def data_age(store: Store, library_id: str | None = None) -> datetime | None:
    """When the store last finished pulling everything a register needs, or None.

    For a library, a pull of that library or of every library counts; the newer wins.
    """
    scopes = ["*"] if library_id is None else [library_id, "*"]
    if library_id is None:
        scopes += [r[0].partition("@")[2] for r in store.query(
            "SELECT DISTINCT resource FROM pull_state WHERE resource LIKE 'items@%'")]
    best: datetime | None = None
    for scope in dict.fromkeys(scopes):
        keys = [f"{name}@{scope}" for name in CORE]
        marks = ", ".join("?" * len(keys))
        rows = store.query(
            f"SELECT last_pull_at FROM pull_state WHERE resource IN ({marks})", keys)
        stamps = [r[0] for r in rows if r[0]]
        if len(stamps) < len(keys):
            continue
        oldest = min(datetime.fromisoformat(s) for s in stamps)
        best = oldest if best is None or oldest > best else best
    return best


def unfinished(store: Store) -> list[str]:
    """Resources whose last pass was interrupted (the next pull continues them)."""
    return [r[0] for r in store.query(
        "SELECT resource FROM pull_state WHERE pass_started IS NOT NULL ORDER BY resource")]


def age_line(store: Store, library_id: str | None = None,
             now: datetime | None = None) -> str:
    """One Vietnamese line saying how old the data is (for register commands)."""
    when = data_age(store, library_id)
    if when is None:
        return "Kho chưa có dữ liệu đầy đủ từ Koha: chạy 'koha-bridge pull' trước."
    moment = when.astimezone()
    hours = ((now or datetime.now(UTC)) - when).total_seconds() / 3600
    ago = (f"{int(hours * 60)} phút trước" if hours < 1 else
           f"{int(hours)} giờ trước" if hours < 48 else f"{int(hours // 24)} ngày trước")
    line = f"Dữ liệu lấy từ Koha lúc {moment:%H:%M %d/%m/%Y} ({ago})."
    if unfinished(store):
        line += " Lần lấy gần nhất chưa xong: chạy lại 'koha-bridge pull'."
    return line
