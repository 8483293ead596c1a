"""``koha-bridge stats``: the school year's statistics and yearly report (XLSX + PDF)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import AppContext, bulk_objects, echo, pass_app
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.run import write_stats

year_option = click.option("--school-year", "school_year", required=True,
                           help="Năm học, ví dụ 2025-2026 (01/09 đến 31/08).")
library_option = click.option("--library", default=None,
                              help="Mã thư viện trong Koha (mặc định [school] library_id).")
out_option = click.option("--out", "out_dir", required=True,
                          type=click.Path(file_okay=False, path_type=Path),
                          help="Thư mục ghi kết quả.")


@click.command("stats")
@year_option
@library_option
@out_option
@pass_app
def stats(app: AppContext, school_year: str, library: str | None, out_dir: Path) -> None:
    """Thống kê năm học có biểu đồ và số liệu báo cáo tổng kết (từ kho dữ liệu)."""
    year = SchoolYear.parse(school_year, app.config.registers.year_start)
    with bulk_objects(), app.open_store() as store:  # matplotlib makes many small objects
        result, written = write_stats(store, app.config, year,
                                      library or app.config.school.library_id, out_dir)
    f = result.figures
    echo(app, f"{result.library_name} — năm học {year.label}: {f.total_stock} bản cuối năm, "
              f"{f.total_added} bản bổ sung, {f.loans} lượt mượn, "
              f"{f.active_pupils}/{f.pupils} học sinh có mượn")
    echo(app, f"Số liệu lấy từ Koha lúc: {written.data_date or 'không rõ'}")
    for path in written.files:
        echo(app, f"Đã ghi: {path}")


COMMANDS = [stats]
