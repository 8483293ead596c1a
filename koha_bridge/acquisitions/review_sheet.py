"""Writing the classification review sheet (columns and reader: ``classification.review``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from classification.apply import Classified
from classification.review import COLUMNS, GUIDE, GUIDE_LINES, SHEET
from classification.tables import confidence_rank
from koha_bridge.reports.xlsx import Table, lines_sheet, workbook

_CONFIDENCE_VI = {"high": "cao", "medium": "trung bình", "low": "thấp",
                  "unconfirmed": "chưa xác nhận"}
_SOURCE_VI = {"list": "danh sách", "record": "biểu ghi", "subject": "môn học",
              "review": "duyệt", "model": "mô hình nhan đề"}


def _source_vi(source: str) -> str:
    if source.startswith("rule:"):
        return f"quy tắc {source[5:]}"
    if source.startswith("sru:"):
        return f"biên mục sao chép ({source[4:]})"
    return _SOURCE_VI.get(source, source)


def need(item: Classified) -> tuple[bool, int, str]:
    """Sort key, the rows that need the librarian most first: under review before
    written, no proposal before the least confident one, then by title."""
    proposal = item.proposal
    rank = confidence_rank(proposal.confidence) if proposal is not None else -1
    return (not item.needs_review, rank, item.title)


def _runner_up(item: Classified) -> str:
    other = item.runner_up
    if other is None:
        return ""
    confidence = _CONFIDENCE_VI.get(other.confidence, other.confidence)
    return f"{other.number} ({_source_vi(other.source)}, {confidence})"


def write_review_sheet(items: Iterable[Classified], path: Path) -> int:
    """Write the review sheet, rows sorted by :func:`need`; returns rows written."""
    rows = 0
    with workbook(path) as book:
        correction_columns = (len(COLUMNS) - 2, len(COLUMNS) - 1)  # text cells to fill in
        table = Table(book, SHEET, COLUMNS, text_columns=correction_columns, fill="#DDEBF7")
        for item in sorted(items, key=need):
            proposal = item.proposal
            table.append([
                item.record_id, item.title, item.author, item.grade or "", item.subject or "",
                proposal.number if proposal else "",
                _source_vi(proposal.source) if proposal else "",
                _CONFIDENCE_VI.get(proposal.confidence, proposal.confidence) if proposal else "",
                proposal.why if proposal else "Không tìm được số phân loại: hãy nhập số",
                _runner_up(item), item.found,
                "Cần duyệt" if item.needs_review else "Đã ghi",
            ])
            rows += 1
        lines_sheet(book, GUIDE, GUIDE_LINES, width=110)
    return rows
