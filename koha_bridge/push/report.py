"""The push report: every copy with what happened to it and the row it came from."""

from __future__ import annotations

from pathlib import Path

from koha_bridge.push.run import CopyPlan, PushOutcome, PushPlan, Result, TitlePlan, TitleResult
from koha_bridge.reports.xlsx import Table, workbook
from marc.itemnote import PREFIX

RESULT_VI = {
    Result.CREATED: "Đã tạo (nhan đề mới)",
    Result.ADDED: "Đã thêm vào nhan đề có sẵn",
    Result.SKIPPED: "Bỏ qua (đã đẩy lần trước)",
    Result.CONFLICT: "Xung đột",
    Result.FAILED: "Lỗi",
}
PLANNED_NEW_VI = "Sẽ tạo (nhan đề mới)"
PLANNED_ADD_VI = "Sẽ thêm vào nhan đề có sẵn"
UNSENT_VI = "Chưa gửi (lần chạy bị dừng)"
HEADINGS = (
    "Phiếu giao (952 $x)", "Nhan đề", "Mã biểu ghi", "Mã vạch", "Số ĐKCB", "Kết quả",
    "biblio_id", "item_id", "Lý do",
)
WIDTHS = (40, 45, 16, 14, 14, 28, 10, 10, 60)
MAX_LISTED = 20  # problem lines printed on screen; the XLSX has them all


def source_text(source: str) -> str:
    """``koha-bridge: chứng từ 131/PGH …`` (952 $x) → ``chứng từ 131/PGH …``."""
    return source.removeprefix(PREFIX).strip()


def plan_lines(plan: PushPlan) -> list[str]:
    """What a push would do, for ``--dry-run`` (Vietnamese)."""
    sendable = [t for t in plan.titles if t.without_items or _unsent(t)]
    new = [t for t in sendable if t.is_new]
    existing = [t for t in sendable if t.existing and not t.done]
    done = [t for t in sendable if t.done]
    to_send = [c for t in sendable for c in _unsent(t)]
    to_existing = [c for t in sendable if not t.is_new for c in _unsent(t)]
    conflicts = [c for c in plan.copies if c.result is Result.CONFLICT]
    invalid = [c for c in plan.copies if c.result is Result.FAILED]
    skipped = [c for c in plan.copies if c.result is Result.SKIPPED]
    lines = [
        f"Nhan đề mới sẽ tạo: {len(new)}",
        f"Nhan đề đã có trong Koha (sẽ thêm bản vào): {len(existing)}",
        f"Nhan đề đã đẩy ở lần trước, còn bản chưa gửi: {len(done)}",
        f"Bản sẽ tạo: {len(to_send)} (trong đó thêm vào nhan đề có sẵn: {len(to_existing)})",
        f"Bản đã đẩy ở lần trước (bỏ qua): {len(skipped)}",
        f"Xung đột (mã vạch hoặc số ĐKCB đã có trong Koha): {len(conflicts)}",
        f"Bản không gửi được: {len(invalid)}",
    ]
    lines += [
        f"+ {t.facts.title} → biểu ghi {t.biblio_id} có sẵn trong Koha "
        f"({len(_unsent(t))} bản)"
        for t in existing[:MAX_LISTED]
    ]
    return lines + _bare(plan, done=False) + _problems(conflicts + invalid)


def outcome_lines(outcome: PushOutcome) -> list[str]:
    """The summary after a run (Vietnamese)."""
    problems = [c for c in outcome.plan.copies if c.result in (Result.CONFLICT, Result.FAILED)]
    lines = [
        f"Nhan đề: tạo mới {outcome.titles(TitleResult.CREATED)}, thêm bản vào nhan đề có sẵn "
        f"{outcome.titles(TitleResult.MATCHED)}, đã đẩy lần trước "
        f"{outcome.titles(TitleResult.DONE)}, lỗi {outcome.titles(TitleResult.FAILED)}",
        f"Bản: tạo {outcome.count(Result.CREATED)}, thêm vào nhan đề có sẵn "
        f"{outcome.count(Result.ADDED)}, bỏ qua {outcome.count(Result.SKIPPED)}, "
        f"xung đột {outcome.count(Result.CONFLICT)}, lỗi {outcome.count(Result.FAILED)}",
    ]
    if outcome.unsent:
        lines.append(f"Chưa gửi (lần chạy bị dừng): {outcome.unsent}")
    return lines + _bare(outcome.plan, done=True) + _problems(problems)


IN_KOHA = (Result.CREATED, Result.ADDED, Result.SKIPPED)


def titles_without_copies(plan: PushPlan) -> list[TitlePlan]:
    """Titles whose biblio is in Koha while none of their copies is."""
    return [t for t in plan.titles if t.biblio_id is not None and t.copies and not t.existing
            and not any(c.result in IN_KOHA for c in t.copies)]


def _bare(plan: PushPlan, *, done: bool) -> list[str]:
    bare = titles_without_copies(plan)
    if not done:  # planning: the ones an earlier run left so (this run sends their copies)
        bare = [t for t in bare if t.done]
    if not bare:
        return []
    head = ("Nhan đề đã có trong Koha nhưng chưa có bản nào (sửa lỗi của các bản rồi chạy "
            f"lại lệnh): {len(bare)}" if done else
            f"Nhan đề lần trước đã tạo trong Koha nhưng chưa có bản (lần này gửi tiếp): "
            f"{len(bare)}")
    lines = [head] + [f"* {t.facts.title} → biểu ghi {t.biblio_id}" for t in bare[:MAX_LISTED]]
    if len(bare) > MAX_LISTED:
        lines.append(f"* … và {len(bare) - MAX_LISTED} nhan đề khác (xem báo cáo XLSX)")
    return lines


def _unsent(title: TitlePlan) -> list[CopyPlan]:
    return [c for c in title.copies if c.result is None]


def _problems(copies: list[CopyPlan]) -> list[str]:
    lines = [f"- {source_text(c.source) or c.barcode}: {c.reason}" for c in copies[:MAX_LISTED]]
    if len(copies) > MAX_LISTED:
        lines.append(f"- … và {len(copies) - MAX_LISTED} bản khác (xem báo cáo XLSX)")
    return lines


def write_push_report(plan: PushPlan, path: Path, *, planned: bool = False) -> None:
    """One row per copy: its result after a run, or what would happen (``planned``)."""
    name = "Kế hoạch đẩy lên Koha" if planned else "Kết quả đẩy lên Koha"
    with workbook(path) as book:
        table = Table(book, name, list(zip(HEADINGS, WIDTHS, strict=True)))
        for title in plan.titles:
            for c in title.copies:
                table.append([
                    source_text(c.source), title.facts.title, title.facts.record_id, c.barcode,
                    c.accession, _label(title, c, planned), title.biblio_id, c.item_id,
                    c.reason or title.failed,
                ])
        for c in plan.invalid:
            table.append([source_text(c.source), "", "", c.barcode, c.accession,
                          RESULT_VI[c.result or Result.FAILED], None, None, c.reason])


def _label(title: TitlePlan, plan_copy: CopyPlan, planned: bool) -> str:
    if plan_copy.result is not None:
        return RESULT_VI[plan_copy.result]
    if not planned:
        return UNSENT_VI
    return PLANNED_NEW_VI if title.is_new else PLANNED_ADD_VI
