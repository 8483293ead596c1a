"""``koha-bridge rollup``: one row per school for the managing body (XLSX + PDF)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from cli.common import AppContext, echo, pass_app, progress
from cli.stats import out_option, year_option
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards.run import write_rollup


@click.command("rollup")
@year_option
@click.option("--store", "stores", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Kho dữ liệu của một trường (lặp lại), hoặc một thư mục các kho; "
                   "không ghi thì dùng mọi thư viện trong kho dữ liệu đang cấu hình.")
@out_option
@pass_app
def rollup(app: AppContext, school_year: str, stores: tuple[Path, ...], out_dir: Path) -> None:
    """Tổng hợp số liệu thư viện các trường cho cơ quan quản lý."""
    year = SchoolYear.parse(school_year, app.config.registers.year_start)
    def shown(files: list[Path]) -> Iterator[Path]:
        with progress(app, files, length=len(files), label="Đọc kho dữ liệu các trường") as bar:
            yield from bar

    rows, written = write_rollup(app.config, year, out_dir, stores, app.open_store, shown)
    empty = sum(not r.figures.has_data for r in rows)
    echo(app, f"{len(rows)} trường, {empty} trường không có số liệu năm học {year.label}")
    for path in written.files:
        echo(app, f"Đã ghi: {path}")


COMMANDS = [rollup]
