"""The plan of a sync as an owner-only XLSX (one sheet per kind of change) and as lines.

The workbook holds pupils' names: it is created ``0600`` before a byte is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from koha_bridge.exceptions import FatalInputError
from koha_bridge.patrons.apply import ApplyOutcome
from koha_bridge.patrons.model import Kind
from koha_bridge.patrons.plan import Change, Held, SyncPlan
from koha_bridge.reports.xlsx import Table, lines_sheet, workbook

FIELDS_VI = {
    "surname": "Họ và tên đệm", "firstname": "Tên", "category_id": "Hạng bạn đọc",
    "library_id": "Thư viện", "statistics_1": "Lớp (sort1)", "statistics_2": "Khối (sort2)",
    "date_of_birth": "Ngày sinh", "gender": "Giới tính", "expiry_date": "Hết hạn",
}
KIND_VI = {Kind.PUPIL: "Học sinh", Kind.TEACHER: "Giáo viên"}
DONE_VI = "Đã ghi vào Koha"
UNSENT_VI = "Chưa gửi (lần chạy bị dừng): chạy lại lệnh"
PERSON = [("Số thẻ", 16), ("Họ và tên đệm", 22), ("Tên", 10), ("Lớp / tổ", 10),
          ("Loại", 10)]


def owner_only(path: Path) -> None:
    """Create (or empty) ``path`` readable and writable by its owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
    except OSError as exc:
        raise FatalInputError(f"Không ghi được tệp {path}: {exc.strerror}") from exc


def _vi_date(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return text


def _show(key: str, value: Any) -> str:
    if key in ("date_of_birth", "expiry_date"):
        return _vi_date(value)
    if key == "gender":
        return {"M": "Nam", "F": "Nữ"}.get(str(value), "" if value is None else str(value))
    return "" if value is None else str(value)


def _person(change: Change | Held, kind: Kind | None = None) -> list[str]:
    return [change.cardnumber, change.surname, change.firstname, change.class_name or "",
            KIND_VI[kind] if kind else ""]


def summary_lines(plan: SyncPlan) -> list[str]:
    roster = plan.roster
    read = len(roster.outcomes)
    lines = [
        f"Năm học {plan.school_year}: đọc {read} dòng = {roster.count('converted')} chuyển "
        f"đổi + {roster.count('merged')} gộp (trùng người) + {roster.count('rejected')} loại",
        f"Học sinh mới (tạo): {plan.count('create', Kind.PUPIL)}",
        f"Giáo viên mới (tạo): {plan.count('create', Kind.TEACHER)}",
        f"Thay đổi lớp/khối/thông tin (cập nhật): {len(plan.updates)}",
        f"Không đổi (chỉ gia hạn thẻ): {len(plan.extends)}",
        f"Đã đúng, không cần ghi: {plan.up_to_date}",
        f"Học sinh đã rời trường (đặt hết hạn): {plan.count('expire', Kind.PUPIL)}",
        f"Giáo viên đã rời trường (đặt hết hạn): {plan.count('expire', Kind.TEACHER)}",
        f"Rời trường nhưng còn mượn sách/nợ phí (không đụng tới): {len(plan.leavers_held)}",
        f"Cần xem lại (không áp dụng): {len(plan.flagged)}",
    ]
    if plan.already_expired:
        lines.append(f"Không có trong danh sách, thẻ đã hết hạn từ trước: {plan.already_expired}")
    for held in plan.leavers_held[:20]:
        lines.append(f"  còn mượn/nợ: {held.cardnumber} {held.name} — {held.reason}")
    if plan.refusal:
        lines.append(f"KHÔNG THỂ ÁP DỤNG: {plan.refusal}")
    return lines


def outcome_lines(outcome: ApplyOutcome) -> list[str]:
    lines = [f"Đã ghi vào Koha: {len(outcome.done)} thay đổi"]
    if outcome.failed:
        lines.append(f"Koha từ chối {len(outcome.failed)} bạn đọc (xem báo cáo):")
        lines += [f"  {c.cardnumber}: {reason}" for c, reason in outcome.failed[:20]]
    return lines


def write_plan(plan: SyncPlan, path: Path, outcome: ApplyOutcome | None = None) -> Path:
    """The plan (and, after ``--apply``, what happened) as an owner-only XLSX."""
    owner_only(path)
    results: dict[str, str] = {}
    if outcome is not None:
        results = {c.cardnumber: UNSENT_VI for c in plan.changes}
        results.update({c.cardnumber: DONE_VI for c in outcome.done})
        results.update({c.cardnumber: f"Lỗi: {r}" for c, r in outcome.failed})
    with workbook(path) as book:
        lines_sheet(book, "Tóm tắt", summary_lines(plan) + plan.roster.notes)
        _changes(book, "Mới", plan.creates, results)
        _changes(book, "Thay đổi", plan.updates, results, old_new=True)
        _changes(book, "Gia hạn", plan.extends, results, old_new=True)
        _changes(book, "Rời trường", plan.expires, results, old_new=True)
        _held(book, "Rời trường còn mượn", plan.leavers_held, with_debts=True)
        _held(book, "Cần xem lại", plan.flagged)
        rejected = Table(book, "Dòng bị loại", [("Tệp", 24), ("Trang", 12), ("Dòng", 6),
                                                ("Số thẻ", 16), ("Lý do", 90)], text_columns=[3])
        for o in plan.roster.rejected:
            rejected.append([o.source.file, o.source.sheet or "", o.source.row, o.cardnumber,
                             o.reason])
    os.chmod(path, 0o600)
    return path


def _changes(book: Any, name: str, changes: list[Change], results: dict[str, str],
             old_new: bool = False) -> None:
    columns = [*PERSON, ("Thay đổi" if old_new else "Giá trị ghi vào Koha", 70),
               ("Nguồn", 34), ("Kết quả", 40)]
    table = Table(book, name, columns, text_columns=[0])
    for change in changes:
        if old_new:
            parts = [f"{FIELDS_VI.get(k, k)}: {_show(k, change.old.get(k))} → {_show(k, v)}"
                     for k, v in change.values.items()]
        else:
            parts = [f"{FIELDS_VI.get(k, k)}: {_show(k, v)}" for k, v in change.values.items()
                     if k not in ("surname", "firstname", "library_id")]
        table.append([*_person(change, change.kind), "; ".join(parts),
                      str(change.source or ""), results.get(change.cardnumber, "")])


def _held(book: Any, name: str, people: list[Held], with_debts: bool = False) -> None:
    columns = [*PERSON, ("Lý do", 70)]
    if with_debts:
        columns += [("Đang mượn", 10), ("Còn nợ (đ)", 12)]
    table = Table(book, name, columns, text_columns=[0])
    for held in people:
        row: list[Any] = [*_person(held), held.reason]
        if with_debts:
            row += [held.loans, held.balance]
        table.append(row)
