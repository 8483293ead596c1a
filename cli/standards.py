"""``koha-bridge standards check``: the Thông tư 16/2022 evidence pack (exit 1 unless met)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.common import AppContext, echo, pass_app, warn
from cli.stats import library_option, out_option, year_option
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards.criteria import GRADE_NAMES
from koha_bridge.standards.evaluate import STATUS_VI
from koha_bridge.standards.run import check_standards, inputs_path, write_template_if_missing


@click.group("standards")
def standards() -> None:
    """Đánh giá thư viện theo Thông tư 16/2022/TT-BGDĐT."""


@standards.command("check")
@year_option
@click.option("--level", type=click.Choice(["1", "2"]), default="1", show_default=True,
              help="Mức độ cần kiểm tra (Mức 2 gồm cả Mức 1).")
@click.option("--inputs", "inputs_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp TOML số liệu nhập tay (chưa có thì ghi mẫu; mặc định trong --out).")
@library_option
@out_option
@pass_app
def check(app: AppContext, school_year: str, level: str, inputs_file: Path | None,
          library: str | None, out_dir: Path) -> None:
    """Minh chứng từng tiêu chí; mã thoát 0 khi mọi tiêu chí của mức đều đạt, 1 nếu không."""
    year = SchoolYear.parse(school_year, app.config.registers.year_start)
    path = inputs_file or inputs_path(out_dir, year)
    if write_template_if_missing(path, app.config, year):
        warn(f"Chưa có số liệu nhập tay: đã ghi tệp mẫu {path} — điền rồi chạy lại.")
    grade = f"level_{level}"
    with app.open_store() as store:
        result, written = check_standards(store, app.config, year,
                                          library or app.config.school.library_id, path,
                                          out_dir, grade)
    counts = {s: sum(ln.status == s for ln in result.lines) for s in STATUS_VI}
    echo(app, f"{result.library_name} — năm học {year.label}: {result.reached}")
    echo(app, "; ".join(f"{STATUS_VI[s]}: {n}" for s, n in counts.items()))
    for path_out in written.files:
        echo(app, f"Đã ghi: {path_out}")
    if not result.passes(grade):
        warn(f"Chưa đạt mọi tiêu chí của {GRADE_NAMES[grade]}.")
        sys.exit(1)


COMMANDS = [standards]
