"""``koha-bridge acquisitions``: supplier lists to shelf-ready MARC21 records."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from cli.common import AppContext, bulk_objects, echo, pass_app, progress, warn
from koha_bridge.acquisitions.pipeline import (
    Conversion,
    Given,
    prepare,
    records,
    write_outputs,
)
from koha_bridge.acquisitions.report import (
    rejection_lines,
    summary_lines,
    write_report,
    write_sheets,
)
from koha_bridge.config import Config
from koha_bridge.store import Store

INPUT_TYPES = click.Path(exists=True, dir_okay=False, path_type=Path)
OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.group("acquisitions")
def acquisitions() -> None:
    """Danh sách sách của nhà cung cấp → biểu ghi MARC21."""


@acquisitions.command("convert")
@click.argument("inputs", nargs=-1, required=True, type=INPUT_TYPES)
@click.option("--out", "out", required=True, type=OUTPUT, help="Tệp MARC21 ISO 2709 (.mrc).")
@click.option("--marcxml", type=OUTPUT, help="Ghi thêm tệp MARCXML.")
@click.option("--report", type=OUTPUT, help="Báo cáo XLSX (mặc định <out>-baocao.xlsx).")
@click.option("--review", type=OUTPUT, help="Bảng duyệt phân loại (mặc định <out>-duyet.xlsx).")
@click.option("--category", help="Loại sách cho mọi dòng (SGK, NV, TK, TN ...).")
@click.option("--strict", is_flag=True, help="Không ghi gì nếu có dòng bị loại.")
@click.option("--document", help="Số chứng từ của phiếu giao (thay cho số ghi ở đầu phiếu).")
@click.option("--date", "delivery_date", metavar="NGÀY",
              help="Ngày của phiếu giao, dd/mm/yyyy (thay cho ngày ghi ở đầu phiếu).")
@click.option("--supplier", help="Nhà cung cấp (thay cho tên công ty ở đầu phiếu).")
@pass_app
@bulk_objects()
def convert(
    app: AppContext,
    inputs: tuple[Path, ...],
    out: Path,
    marcxml: Path | None,
    report: Path | None,
    review: Path | None,
    category: str | None,
    strict: bool,
    document: str | None,
    delivery_date: str | None,
    supplier: str | None,
) -> None:
    """Chuyển danh sách (.xlsx, .xls, .ods, .csv) thành biểu ghi MARC21 kèm mục 952.

    Các tệp của một lần chuyển là một phiếu giao: số chứng từ, ngày và nhà cung cấp
    được đọc từ đầu phiếu (hoặc lấy từ --document, --date, --supplier).
    """
    config = app.config
    if category is not None:
        config.category(category)  # unknown code: a config error, exit 2
    given = Given(_text(document), parse_date(delivery_date), _text(supplier))
    conversion = prepare(list(inputs), config, forced_category=category, given=given,
                         classify_ahead=True)
    report = report or out.with_name(f"{out.stem}-baocao.xlsx")
    if strict and conversion.rejected:
        write_report(conversion, report)
        _print_summary(app, conversion)
        warn(f"--strict: có {conversion.rejected} dòng bị loại nên không ghi biểu ghi nào.")
        echo(app, f"Báo cáo: {report}")
        raise SystemExit(1)
    with app.open_store() as store:
        written = write_records(app, config, conversion, out, marcxml, store)
    review = review or out.with_name(f"{out.stem}-duyet.xlsx")
    reviewing = write_sheets(conversion, report, review)
    _print_summary(app, conversion)
    echo(app, f"Đã ghi {written} biểu ghi vào {out}" + (f" và {marcxml}" if marcxml else ""))
    echo(app, f"Báo cáo từng dòng: {report}")
    if reviewing:
        echo(app, f"Cần duyệt số phân loại: {len(conversion.review)} nhan đề → {review}")
    if conversion.rejected:
        raise SystemExit(1)


def write_records(
    app: AppContext,
    config: Config,
    conversion: Conversion,
    out: Path,
    marcxml: Path | None,
    store: Store | None,
) -> int:
    """Number, build and classify the records, with a progress bar, and write them."""
    stream = records(conversion, config, store=store)
    with progress(app, stream, length=len(conversion.titles), label="Tạo biểu ghi") as bar:
        return write_outputs(bar, out, marcxml)


def parse_date(text: str | None) -> date | None:
    """``--date``: ``02/10/2025`` (or ``2025-10-02``) → a date; a usage error otherwise."""
    if text is None or not text.strip():
        return None
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{text!r} không phải là ngày dd/mm/yyyy", param_hint="--date")


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _print_summary(app: AppContext, conversion: Conversion) -> None:
    for line in summary_lines(conversion):
        echo(app, line)
    lines = rejection_lines(conversion)
    if lines:
        warn("Dòng bị loại:")
        for line in lines:
            warn(line)


COMMANDS = [acquisitions]
