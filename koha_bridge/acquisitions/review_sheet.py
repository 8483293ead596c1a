"""Writing the classification review sheet (columns and reader: ``classification.review``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from classification.apply import Classified
from classification.review import COLUMNS, GUIDE, GUIDE_LINES, SHEET
from koha_bridge.reports.xlsx import Table, lines_sheet, workbook

_CONFIDENCE_VI = {"high": "cao", "medium": "trung bình", "low": "thấp",
                  "unconfirmed": "chưa xác nhận"}
_SOURCE_VI = {"list": "danh sách", "record": "biểu ghi", "subject": "môn học",
              "review": "duyệt"}


def _source_vi(source: str) -> str:
    if source.startswith("rule:"):
        return f"quy tắc {source[5:]}"
    return _SOURCE_VI.get(source, source)


def write_review_sheet(items: Iterable[Classified], path: Path) -> int:
    """Write the review sheet (streaming: fine for 20,000 rows); returns rows written."""
    rows = 0
    with workbook(path) as book:
        correction_columns = (len(COLUMNS) - 2, len(COLUMNS) - 1)  # text cells to fill in
        table = Table(book, SHEET, COLUMNS, text_columns=correction_columns, fill="#DDEBF7")
        for item in items:
            proposal = item.proposal
            table.append([
                item.record_id, item.title, item.author, item.grade or "",
                proposal.number if proposal else "",
                _source_vi(proposal.source) if proposal else "",
                _CONFIDENCE_VI.get(proposal.confidence, proposal.confidence) if proposal else "",
                proposal.why if proposal else "Không tìm được số phân loại: hãy nhập số",
                "Cần duyệt" if item.needs_review else "Đã ghi",
            ])
            rows += 1
        lines_sheet(book, GUIDE, GUIDE_LINES, width=110)
    return rows
