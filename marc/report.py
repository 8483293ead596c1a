"""The conversion report: every input row with its fate, as XLSX and as a screen summary."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from marc.model import Status
from marc.pipeline import Conversion, accession_ranges

STATUS_VI = {
    Status.CONVERTED: "Đã chuyển",
    Status.MERGED: "Đã gộp",
    Status.REJECTED: "Bị loại",
}

DETAIL_HEADINGS = (
    "Tệp", "Trang tính", "Dòng", "Kết quả", "Nhan đề", "Số bản",
    "Gộp vào dòng", "Số ĐKCB", "Lý do loại", "Cảnh báo", "Ghi chú khi đọc",
)


def summary_lines(conversion: Conversion) -> list[str]:
    """The counts a librarian checks first, in Vietnamese."""
    total = len(conversion.outcomes)
    lines = [
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
    if conversion.skipped:
        lines.append(f"Dòng không phải sách đã bỏ qua: {len(conversion.skipped)}")
    for sheet in conversion.sheets:
        if sheet.unmapped:
            where = f"{sheet.file} [{sheet.sheet}]" if sheet.sheet else sheet.file
            lines.append(f"Cột không nhận ra ở {where}: {', '.join(sheet.unmapped)}")
    return lines


def rejection_lines(conversion: Conversion, limit: int = 20) -> list[str]:
    rejected = [o for o in conversion.outcomes if o.status is Status.REJECTED]
    lines = [f"- {o.source}: {'; '.join(o.reasons)}" for o in rejected[:limit]]
    if len(rejected) > limit:
        lines.append(f"  … và {len(rejected) - limit} dòng khác (xem báo cáo XLSX)")
    return lines


def write_report(conversion: Conversion, path: Path) -> None:
    """Write the XLSX report: summary, one line per data row, skipped rows, sheets read."""
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook.create_sheet("Tổng hợp"), conversion)
    _detail_sheet(workbook.create_sheet("Chi tiết"), conversion)
    _skipped_sheet(workbook.create_sheet("Dòng bỏ qua"), conversion)
    _sheets_sheet(workbook.create_sheet("Trang tính đã đọc"), conversion)
    workbook.save(path)


def _heading(sheet: WriteOnlyWorksheet, titles: tuple[str, ...]) -> None:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def _summary_sheet(sheet: WriteOnlyWorksheet, conversion: Conversion) -> None:
    sheet.column_dimensions["A"].width = 90
    _heading(sheet, ("Báo cáo chuyển đổi danh sách sách sang MARC21",))
    for line in summary_lines(conversion):
        sheet.append([line.strip()])


def _detail_sheet(sheet: WriteOnlyWorksheet, conversion: Conversion) -> None:
    widths = (24, 16, 7, 11, 50, 8, 14, 30, 50, 60, 50)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    _heading(sheet, DETAIL_HEADINGS)
    for o in conversion.outcomes:
        sheet.append([
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


def _skipped_sheet(sheet: WriteOnlyWorksheet, conversion: Conversion) -> None:
    _heading(sheet, ("Tệp", "Trang tính", "Dòng", "Lý do"))
    for s in conversion.skipped:
        sheet.append([s.source.file, s.source.sheet or "", s.source.row, s.reason])


def _sheets_sheet(sheet: WriteOnlyWorksheet, conversion: Conversion) -> None:
    _heading(
        sheet,
        ("Tệp", "Trang tính", "Dòng tiêu đề", "Bảng mã", "Cột đã nhận", "Cột không nhận ra",
         "Ghi chú"),
    )
    for s in conversion.sheets:
        mapping = ", ".join(f"{k} → {v}" for k, v in s.mapping.items())
        sheet.append([
            s.file, s.sheet or "", s.header_row, s.encoding or "", mapping,
            ", ".join(s.unmapped), "; ".join(s.notes),
        ])
