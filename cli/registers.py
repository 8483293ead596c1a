"""``koha-bridge registers``: the statutory registers (XLSX + PDF) from the store alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.common import AppContext, counter, echo, pass_app
from koha_bridge.pull.age import age_line, data_age
from koha_bridge.registers.build import (
    REGISTERS,
    build_all,
    current_year,
    file_stem,
    pdf_fonts,
    school_year,
)
from koha_bridge.store import Store


def report_age(app: AppContext, store: Store, library: str) -> None:
    """Say how old the mirror of Koha is (the registers never ask Koha itself)."""
    line = age_line(store, library)
    if data_age(store, library) is not None:
        line += " Sổ được lập từ kho cục bộ, không cần kết nối Koha."
    echo(app, line)


def year_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--school-year", "year_text", metavar="2025-2026",
        help="Năm học (mặc định: năm học hiện tại).",
    )(func)


def library_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--library", metavar="CODE", help="Mã thư viện Koha (mặc định: [school] library_id).",
    )(func)


@click.group("registers")
def registers() -> None:
    """Sổ sách thư viện: tổng quát, cá biệt, sách giáo khoa, sổ mượn, kiểm kê, thanh lý."""


@registers.command("list")
@year_option
@pass_app
def list_registers(app: AppContext, year_text: str | None) -> None:
    """Liệt kê các sổ và tên tệp của chúng."""
    config = app.config
    year = school_year(config, year_text) if year_text else current_year(config, date.today())
    for register in REGISTERS:
        stem = file_stem(register.key, year)
        echo(app, f"{register.title}: {stem}.xlsx, {stem}.pdf")


@registers.command("build")
@year_option
@library_option
@click.option("--out", "out_dir", default="so-sach", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi sổ.")
@pass_app
def build(app: AppContext, year_text: str | None, library: str | None, out_dir: Path) -> None:
    """Lập mọi sổ của một năm học (XLSX và PDF) từ kho cục bộ."""
    config = app.config
    today = date.today()
    year = school_year(config, year_text) if year_text else current_year(config, today)
    with app.open_store() as store:
        library = library or config.school.library_id
        report_age(app, store, library)
        with counter(app, length=len(REGISTERS), label="Lập sổ") as bar:
            built = build_all(store, config, year, library, out_dir, pdf_fonts(config), today=today,
                              progress=lambda _title: bar.update(1))
    for item in built:
        echo(app, f"{item.register.title}: {item.xlsx} | {item.pdf}")


COMMANDS = [registers]
