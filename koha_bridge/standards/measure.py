"""What the store can show for a TT16 criterion: a value, how it was computed, where to see it.

Every measured figure is traceable: its definition (or query), and the register or the
statistic that prints it. Figures are those of ``koha_bridge.stats`` for the same year.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.keyfigures import KeyFigures
from koha_bridge.stats.sql import in_stock

STATS = "Thống kê năm học (thongke-{lib}-{year}.xlsx), trang 'Báo cáo năm', dòng '{line}'"


@dataclass(frozen=True)
class Measured:
    value: float | None  # the figure compared with a threshold, when there is one
    text: str  # the figure as shown
    definition: str
    evidence: str  # the register or statistic that shows it


def _vn(value: float, digits: int = 2) -> str:
    return f"{value:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def measure_all(
    conn: sqlite3.Connection, year: SchoolYear, library: str, fig: KeyFigures
) -> dict[str, Measured]:
    """The measures of every criterion the store has evidence for (keyed by criterion)."""
    label = year.label
    out: dict[str, Measured] = {}
    per = fig.per_pupil()
    out["information_resources.copies_per_pupil"] = Measured(
        per, "không tính được (không có học sinh)" if per is None else
        f"{_vn(per)} bản/HS ({fig.book_copies} bản SGK, NV, TK, TN / {fig.pupils} HS)",
        "Bản SGK, NV, TK, TN trong kho ngày cuối năm học, không bị mất, chia cho số học sinh "
        "có thẻ trong năm học.",
        STATS.format(lib=library, year=label, line="Số bản sách bình quân trên một học sinh")
        + "; Sổ đăng ký tổng quát phần III (tồn cuối năm).",
    )
    teacher_books = fig.usable["NV"] + fig.usable["TK"]
    ratio = teacher_books / fig.teachers if fig.teachers else None
    out["information_resources.copies_per_teacher"] = Measured(
        ratio, "không tính được (không có giáo viên)" if ratio is None else
        f"{_vn(ratio)} bản/GV ({teacher_books} bản NV, TK / {fig.teachers} GV)",
        "Bản sách nghiệp vụ và tham khảo trong kho, không bị mất, chia cho số giáo viên có thẻ.",
        STATS.format(lib=library, year=label, line="Số giáo viên có thẻ trong Koha"),
    )
    stock, params = in_stock(year.end)
    held, processed, types, languages, titles = conn.execute(
        "SELECT COUNT(*), SUM(COALESCE(i.callnumber, '') <> ''"
        " AND COALESCE(i.inventory_number, i.external_id, '') <> ''"
        " AND COALESCE(b.class_number, '') <> ''),"
        " COUNT(DISTINCT i.item_type_id), COUNT(DISTINCT b.language),"
        " COUNT(DISTINCT i.biblio_id)"
        " FROM koha_items i LEFT JOIN koha_biblios b ON b.biblio_id = i.biblio_id"
        f" WHERE i.home_library_id = ? AND {stock}", [library, *params]).fetchone()
    share = 100 * (processed or 0) / held if held else None
    out["information_resources.suitability_and_processing"] = Measured(
        share, "không có bản nào trong kho" if share is None else
        f"{_vn(share)} % ({processed or 0}/{held} bản có số phân loại, ký hiệu xếp giá và "
        "số đăng ký cá biệt/mã vạch)",
        "Bản trong kho ngày cuối năm có ký hiệu xếp giá (952 $o), số ĐKCB hoặc mã vạch "
        "(952 $i/$p) và số phân loại của biểu ghi (082/084).",
        "Sổ đăng ký cá biệt năm học " + label,
    )
    out["information_resources.development"] = Measured(
        fig.total_added, f"{fig.total_added} bản bổ sung, {_vn(sum(fig.added_value.values()), 0)}"
        " đồng", "Bản có ngày nhập (952 $d) trong năm học, theo loại.",
        STATS.format(lib=library, year=label, line="Số bản bổ sung trong năm học")
        + "; Sổ đăng ký tổng quát phần I.",
    )
    out["information_resources.extended_resources"] = Measured(
        None, f"{types} loại hình tài liệu (952 $y), {languages} ngôn ngữ",
        "Số loại hình (item type) và số ngôn ngữ (008/35-37) khác nhau của các bản trong kho.",
        "Sổ đăng ký cá biệt; Sổ đăng ký tổng quát phần III",
    )
    out["library_activities.lookup_system"] = Measured(
        None, f"{titles} biểu ghi có bản trong kho, tra cứu được trên OPAC của Koha",
        "Số biểu ghi thư mục khác nhau có bản trong kho ngày cuối năm học.",
        "Mục lục trực tuyến (OPAC) của Koha",
    )
    out["library_activities.circulation_system"] = Measured(
        fig.loans, f"{fig.loans} lượt mượn trong năm học, ghi trên Koha",
        "Số lần cho mượn có ngày mượn trong năm học tại thư viện.",
        STATS.format(lib=library, year=label, line="Lượt mượn") + "; Sổ mượn sách năm học " + label,
    )
    pupils = fig.pupil_share
    out["library_activities.share_of_pupils_using_library"] = Measured(
        None if pupils is None else 100 * pupils,
        "không tính được (không có học sinh)" if pupils is None else
        f"{_vn(100 * pupils)} % ({fig.active_pupils}/{fig.pupils} học sinh có mượn)",
        "Học sinh có thẻ mượn ít nhất một lần trong năm / số học sinh có thẻ.",
        STATS.format(lib=library, year=label, line="Tỉ lệ học sinh có mượn sách"),
    )
    out["library_management.software_capabilities"] = Measured(
        None, "Koha và koha-bridge: sổ đăng ký, sổ mượn, thống kê xuất từ dữ liệu Koha",
        "Sổ sách điện tử và biểu mẫu thống kê được xuất lại được từ dữ liệu Koha.",
        "Các sổ (koha-bridge registers) và thống kê (koha-bridge stats) năm học " + label,
    )
    return out
