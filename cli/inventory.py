"""``koha-bridge inventory``: the biên bản kiểm kê from a scan file or Koha's last-seen dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from cli.common import AppContext, echo, pass_app
from cli.registers import library_option, report_age, year_option
from koha_bridge.exceptions import ConfigError
from koha_bridge.registers import inventory as inv
from koha_bridge.registers.build import context, current_year, pdf_fonts, school_year, write


@click.command("inventory")
@click.option("--scanned", "scanned", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Tệp mã vạch quét trên giá, mỗi dòng một mã.")
@click.option("--seen-since", "seen_since", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="Không có tệp quét: coi là tìm thấy các bản Koha ghi nhận thấy từ ngày này.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="Ngày kiểm kê (mặc định: hôm nay, hoặc ngày cuối năm học đã qua).")
@year_option
@library_option
@click.option("--out", "out_dir", default="so-sach", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi biên bản.")
@pass_app
def inventory(app: AppContext, scanned: Path | None, seen_since: datetime | None,
              on: datetime | None,
              year_text: str | None, library: str | None, out_dir: Path) -> None:
    """Lập biên bản kiểm kê: cần có trên giá, tìm thấy, thiếu theo loại, mã vạch lạ."""
    config = app.config
    today = date.today()
    year = school_year(config, year_text) if year_text else current_year(config, today)
    day = on.date() if on else min(today, year.end)
    since = seen_since.date() if seen_since else None
    if scanned is None and since is None:
        raise ConfigError("Cần --scanned TỆP (mã vạch quét được) hoặc --seen-since NGÀY")
    scan = inv.Scan.read(scanned) if scanned else None
    library = library or config.school.library_id
    with app.open_store() as store:
        report_age(app, store, library)
        ctx = context(store, config, year, library)
    result = inv.take(ctx.holdings.copies, day, scan, since)
    stem = f"{inv.NAME}-{day.isoformat()}"
    xlsx, pdf = write(inv.build(ctx, result), out_dir, stem, pdf_fonts(config))
    echo(app, f"Cần có trên giá: {len(result.held) - len(result.on_loan) - len(result.lost)} "
              f"bản; tìm thấy {len(result.found)}; thiếu {len(result.missing)}; "
              f"mã vạch lạ {len(result.unknown)}")
    echo(app, f"Biên bản kiểm kê: {xlsx} | {pdf}")


COMMANDS = [inventory]
