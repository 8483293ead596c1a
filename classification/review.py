"""The classification review sheet: its columns, and reading the librarian's decisions back.

The sheet is written by ``koha_bridge.acquisitions.review_sheet``.

Convention (also printed in the sheet's "Hướng dẫn" tab):

* "Số phân loại đã sửa" filled: that number (DDC → 082, 19-class → 084) replaces the
  record's number; the call numbers are recomputed.
* else "Chấp nhận" holds ``x`` (or "có", "v", "ok", "1"): the number in "Đề xuất" is
  written as if it had been given.
* else the row changes nothing.

A correction that is neither DDC nor 19-class is reported with its row and not applied.
Applying is idempotent: a decision already in the record reports "không đổi".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from pymarc import Record

from classification.apply import Classifier, record_id
from classification.authormark import STRATEGIES, MarkStrategies
from classification.tables import fold, parse_class_number
from marc.errors import FatalInputError
from marc.model import ClassNumber
from marc.settings import Settings

SHEET = "Duyệt phân loại"
GUIDE = "Hướng dẫn"
COL_ID = "Mã biểu ghi (001)"
COL_PROPOSAL = "Đề xuất"
COL_ACCEPT = "Chấp nhận"
COL_CORRECTION = "Số phân loại đã sửa"
COL_RUNNER_UP = "Phương án 2"
COLUMNS: tuple[tuple[str, int], ...] = (
    (COL_ID, 18), ("Nhan đề", 48), ("Tác giả", 24), ("Lớp", 8), ("Môn", 16),
    (COL_PROPOSAL, 14), ("Nguồn", 22), ("Độ tin cậy", 14), ("Lý do", 60),
    (COL_RUNNER_UP, 26), ("Nhan đề cho biết", 36), ("Trạng thái", 12),
    (COL_ACCEPT, 11), (COL_CORRECTION, 20),
)
GUIDE_LINES = (
    "Cách dùng bảng duyệt phân loại",
    "Mỗi dòng của trang 'Duyệt phân loại' là một biểu ghi, xếp theo mức cần duyệt: trước "
    "hết các sách chưa có đề xuất, rồi đề xuất có độ tin cậy thấp nhất. 'Phương án 2' là số "
    "khác đáng cân nhắc (thường thuộc lớp chính khác); 'Nhan đề cho biết' là loại sách, môn, "
    "lớp, bộ sách đọc được từ nhan đề. 'Trạng thái' = 'Cần duyệt': "
    "đề xuất chưa được ghi vào biểu ghi (độ tin cậy thấp hơn mức tối thiểu trong cấu hình); "
    "'Đã ghi': đề xuất đã được ghi, bạn vẫn có thể sửa.",
    "1. Muốn dùng số khác: gõ số vào cột 'Số phân loại đã sửa' (DDC như 895.9223, hoặc số "
    "bảng 19 lớp như 53(075)). Số này thay số cũ của biểu ghi và ký hiệu xếp giá được tính lại.",
    "2. Đồng ý với đề xuất: để trống cột 'Số phân loại đã sửa' và gõ x vào cột 'Chấp nhận'.",
    "3. Bỏ trống cả hai cột: biểu ghi giữ nguyên như hiện tại.",
    "Sau đó chạy: koha-bridge classify --apply <bảng này>.xlsx <tệp MARC> --out <tệp mới>.mrc",
    "Chạy lại nhiều lần với cùng bảng không làm thay đổi gì thêm. Số sửa không hợp lệ được "
    "báo kèm số dòng và không được áp dụng.",
)
_YES = frozenset({"x", "co", "v", "ok", "1", "dong y", "chap nhan"})
_NO = frozenset({"", "khong", "0", "no"})


class ReviewAction(StrEnum):
    """What applying the sheet did to one record (the start of each message)."""

    CORRECTED = "đã sửa"
    ACCEPTED = "đã chấp nhận"
    UNCHANGED = "không đổi"
    REJECTED = "không áp dụng"
    NOT_LISTED = "không có trong bảng"


@dataclass(frozen=True)
class Decision:
    """One row's decision: a number to write (``action`` says why), or a problem."""

    record_id: str
    row: int
    action: ReviewAction
    number: ClassNumber | None = None
    problem: str = ""


@dataclass
class ReviewReport:
    """Counts per action, and problems that belong to no record (unknown ids...)."""

    counts: Counter[ReviewAction] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    """A cell as text; numbers typed into a general-format cell get their DDC form back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        whole, _, fraction = text.partition(".")
        whole = whole.zfill(3)
        return f"{whole}.{fraction}" if fraction else whole
    return str(value).strip()


def _decision(record: str, row: int, values: Mapping[str, Any]) -> Decision | None:
    correction = _text(values.get(COL_CORRECTION))
    if correction:
        parsed = parse_class_number(correction)
        if parsed is None:
            return Decision(
                record, row, ReviewAction.REJECTED,
                problem=f"dòng {row}: số phân loại đã sửa {correction!r} không phải số DDC "
                        "hay số bảng 19 lớp, không áp dụng",
            )
        why = f"Thủ thư sửa (bảng duyệt, dòng {row})"
        return Decision(record, row, ReviewAction.CORRECTED,
                        ClassNumber(parsed[0], parsed[1], "review", "high", why))
    accept = fold(_text(values.get(COL_ACCEPT)))
    if accept in _NO:
        return None
    if accept not in _YES:
        return Decision(record, row, ReviewAction.REJECTED,
                        problem=f"dòng {row}: cột '{COL_ACCEPT}' chỉ nhận x, không áp dụng")
    parsed = parse_class_number(_text(values.get(COL_PROPOSAL)))
    if parsed is None:
        return Decision(record, row, ReviewAction.REJECTED,
                        problem=f"dòng {row}: không có đề xuất hợp lệ để chấp nhận")
    why = f"Thủ thư chấp nhận đề xuất (bảng duyệt, dòng {row})"
    return Decision(record, row, ReviewAction.ACCEPTED,
                    ClassNumber(parsed[0], parsed[1], "review", "high", why))


def read_review_sheet(path: Path) -> dict[str, Decision]:
    """The decisions of a filled review sheet, by record id (rows deciding nothing left out)."""
    from openpyxl import load_workbook  # only here: writing the sheet does not need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise FatalInputError(f"Không đọc được bảng duyệt {path}: {exc}") from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, ())]
        missing = [c for c in (COL_ID, COL_PROPOSAL, COL_ACCEPT, COL_CORRECTION)
                   if c not in header]
        if missing:
            raise FatalInputError(
                f"{path}: bảng duyệt thiếu cột {', '.join(missing)} (dòng tiêu đề phải giữ nguyên)"
            )
        decisions: dict[str, Decision] = {}
        for number, cells in enumerate(rows, start=2):
            values = dict(zip(header, cells, strict=False))
            record = _text(values.get(COL_ID))
            if not record:
                continue
            decision = _decision(record, number, values)
            if decision is not None:
                decisions[record] = decision
        return decisions
    finally:
        book.close()


def apply_decisions(
    records: Iterable[Record],
    decisions: Mapping[str, Decision],
    config: Settings,
    *,
    report: ReviewReport | None = None,
    strategies: MarkStrategies = STRATEGIES,
) -> Iterator[tuple[Record, str]]:
    """Apply decisions (from a sheet or any other reviewer) to records, in place."""
    report = report if report is not None else ReviewReport()
    classifier = Classifier(config, strategies)
    seen: set[str] = set()
    for record in records:
        rid = record_id(record)
        seen.add(rid)
        decision = decisions.get(rid)
        if decision is None:
            report.counts[ReviewAction.NOT_LISTED] += 1
            yield record, f"{ReviewAction.NOT_LISTED}"
            continue
        if decision.number is None:
            report.counts[ReviewAction.REJECTED] += 1
            yield record, f"{ReviewAction.REJECTED}: {decision.problem}"
            continue
        before = str(record)
        classifier.write_class_number(record, decision.number)
        call = classifier.write_call_numbers(record, decision.number, classifier.mark(record))
        action = decision.action if str(record) != before else ReviewAction.UNCHANGED
        report.counts[action] += 1
        yield record, f"{action}: dòng {decision.row}: {decision.number.number} ({call})"
    for rid in sorted(set(decisions) - seen):
        report.problems.append(
            f"dòng {decisions[rid].row}: mã biểu ghi {rid} không có trong tệp MARC"
        )


def apply_review(
    records: Iterable[Record],
    review_path: Path,
    config: Settings,
    *,
    report: ReviewReport | None = None,
) -> Iterator[tuple[Record, str]]:
    """Read a filled review sheet and apply it; yields every record with what happened."""
    yield from apply_decisions(records, read_review_sheet(review_path), config, report=report)
