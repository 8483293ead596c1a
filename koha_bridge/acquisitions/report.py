"""The conversion report: every input row with its fate, as XLSX and as a screen summary."""

from __future__ import annotations

from pathlib import Path

from koha_bridge.acquisitions.pipeline import Conversion, accession_ranges
from koha_bridge.reports.xlsx import Table, lines_sheet, workbook
from marc.model import Status
from marc.workers import worker_pool

STATUS_VI = {
    Status.CONVERTED: "Đã chuyển",
    Status.MERGED: "Đã gộp",
    Status.REJECTED: "Bị loại",
}

SIDE_PROCESS_ROWS = 2000  # below this, starting a second process costs more than it saves
DETAIL_COLUMNS = (
    ("Tệp", 24), ("Trang tính", 16), ("Dòng", 7), ("Kết quả", 11), ("Nhan đề", 50),
    ("Số bản", 8), ("Gộp vào dòng", 14), ("Số ĐKCB", 30), ("Lý do loại", 50),
    ("Cảnh báo", 60), ("Ghi chú khi đọc", 50),
)
SKIPPED_COLUMNS = (("Tệp", 24), ("Trang tính", 16), ("Dòng", 7), ("Lý do", 60))
SHEETS_COLUMNS = (
    ("Tệp", 24), ("Trang tính", 16), ("Dòng tiêu đề", 12), ("Bảng mã", 12),
    ("Cột đã nhận", 60), ("Cột không nhận ra", 40), ("Ghi chú", 60),
)


def delivery_lines(conversion: Conversion) -> list[str]:
    """What the conversion knows of its delivery note, and what the store made of it."""
    facts = conversion.facts
    run = conversion.delivery
    document = run.delivery.document if run else facts.document
    day = run.delivery.delivery_date if run else facts.date
    supplier = run.delivery.supplier if run else facts.supplier
    lines = [
        "Phiếu giao: số chứng từ " + (document or "(không rõ)")
        + ", ngày " + (f"{day:%d/%m/%Y}" if day else "(không rõ)")
        + ", nhà cung cấp " + (supplier or "(không rõ)")
    ]
    if facts.found:
        lines.append("  Đọc được: " + "; ".join(facts.found))
    if day is None and conversion.acquired is not None:
        lines.append(
            f"  Không rõ ngày của phiếu: ngày nhập (952 $d) là {conversion.acquired:%d/%m/%Y}"
            " (ngày chuyển đổi đầu tiên); hãy ghi --date nếu biết"
        )
    if run is not None:
        delivery = run.delivery
        lines.append(
            f"  Số vào sổ tổng quát: TQ {delivery.register_number} ({run.resolution}"
            + (f", lần sửa {delivery.revision}" if delivery.revision > 1 else "") + ")"
        )
        lines += [f"  Thay đổi so với lần trước: {change}" for change in run.changes]
    if conversion.voided:
        lines.append(
            f"  Huỷ {len(conversion.voided)} số ĐKCB của bản không còn trong phiếu: "
            + accession_ranges(conversion.voided)
        )
    return lines


def summary_lines(conversion: Conversion) -> list[str]:
    """The counts a librarian checks first, in Vietnamese."""
    total = len(conversion.outcomes)
    lines = [
        *delivery_lines(conversion),
        f"Số dòng dữ liệu đọc được: {total}",
        f"  Đã chuyển: {conversion.count(Status.CONVERTED)}",
        f"  Đã gộp vào dòng khác: {conversion.count(Status.MERGED)}",
        f"  Bị loại: {conversion.rejected}",
        f"Số biểu ghi (nhan đề): {len(conversion.titles)}; số bản: {conversion.copies}",
    ]
    numbering = conversion.numbering
    if numbering is not None:
        lines.append(
            f"Số ĐKCB: cấp mới {numbering.assigned}, dùng lại số của lần chuyển trước "
            f"{numbering.reused}, bản đã có sẵn số {numbering.kept}"
        )
        lines += [f"  Cảnh báo ĐKCB: {p}" for p in numbering.problems[:20]]
    copying = conversion.copying
    if copying is not None:
        lines.append(
            f"Biên mục sao chép (SRU): {copying.found} nhan đề có số phân loại; đã hỏi "
            f"{copying.asked} lần, lấy {copying.cached} kết quả đã lưu"
        )
        lines += [f"  Cảnh báo SRU: {p}" for p in copying.problems[:20]]
    if conversion.skipped:
        lines.append(f"Dòng không phải sách đã bỏ qua: {len(conversion.skipped)}")
    for sheet in conversion.sheets:
        where = f"{sheet.file} [{sheet.sheet}]" if sheet.sheet else sheet.file
        if sheet.encoding_note:
            lines.append(f"Bảng mã ở {where}: {sheet.encoding_note}")
        if sheet.unmapped:
            lines.append(f"Cột không nhận ra ở {where}: {', '.join(sheet.unmapped)}")
    return lines


def rejection_lines(conversion: Conversion, limit: int = 20) -> list[str]:
    rejected = [o for o in conversion.outcomes if o.status is Status.REJECTED]
    lines = [f"- {o.source}: {'; '.join(o.reasons)}" for o in rejected[:limit]]
    if len(rejected) > limit:
        lines.append(f"  … và {len(rejected) - limit} dòng khác (xem báo cáo XLSX)")
    return lines


def write_sheets(conversion: Conversion, report: Path, review: Path) -> bool:
    """The row report and, when titles wait for review, the review sheet (True if written).

    The two workbooks are independent: a long review sheet is written by a second
    process while this one writes the report.
    """
    if not conversion.review:
        write_report(conversion, report)
        return False
    from koha_bridge.acquisitions.review_sheet import write_review_sheet

    if len(conversion.review) < SIDE_PROCESS_ROWS:
        write_report(conversion, report)
        write_review_sheet(conversion.review, review)
        return True
    with worker_pool() as side:
        reviewing = side.submit(write_review_sheet, conversion.review, review)
        write_report(conversion, report)
        reviewing.result()
    return True


def write_report(conversion: Conversion, path: Path) -> None:
    """Write the XLSX report: summary, one line per data row, skipped rows, sheets read."""
    with workbook(path) as book:
        lines_sheet(book, "Tổng hợp",
                    ["Báo cáo chuyển đổi danh sách sách sang MARC21",
                     *(line.strip() for line in summary_lines(conversion))], width=90)
        details = Table(book, "Chi tiết", DETAIL_COLUMNS)
        for o in conversion.outcomes:
            details.append([
                o.source.file,
                o.source.sheet or "",
                o.source.row,
                STATUS_VI[o.status],
                o.title,
                o.copies or None,
                o.merged_into.row if o.merged_into else None,
                accession_ranges(conversion.accessions.get(o.source, [])),
                "; ".join(o.reasons),
                "; ".join(o.warnings),
                "; ".join(conversion.notes.get(o.source, ())),
            ])
        skipped = Table(book, "Dòng bỏ qua", SKIPPED_COLUMNS)
        for s in conversion.skipped:
            skipped.append([s.source.file, s.source.sheet or "", s.source.row, s.reason])
        sheets = Table(book, "Trang tính đã đọc", SHEETS_COLUMNS)
        for sheet in conversion.sheets:
            mapping = ", ".join(f"{k} → {v}" for k, v in sheet.mapping.items())
            sheets.append([
                sheet.file, sheet.sheet or "", sheet.header_row, sheet.encoding or "", mapping,
                ", ".join(sheet.unmapped), "; ".join(sheet.notes),
            ])
