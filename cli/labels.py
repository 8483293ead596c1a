"""``koha-bridge labels``: spine labels and barcode labels (PDF sticker sheets)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from pymarc import Record

from classification.labels import (
    LabelOptions,
    LabelReport,
    presets,
    write_barcode_labels,
    write_spine_labels,
)
from cli.common import (
    AppContext,
    counter,
    echo,
    pass_app,
    strict_option,
    warn,
    warn_marc,
    warn_rejected,
)
from koha_bridge.acquisitions.pipeline import LIST_SUFFIXES, load_records
from koha_bridge.config import Config
from marc.io import MarcReadReport

EXIT_PARTIAL = 1


def input_records(app: AppContext, path: Path, strict: bool) -> tuple[list[Record], int]:
    """Records to label (a .mrc / MARCXML file, or a supplier list converted first), and
    how many records of a MARC file could not be read."""
    marc = MarcReadReport()
    if path.suffix.lower() in LIST_SUFFIXES and app.config.accession.enabled:
        with app.open_store() as store:
            records, rejected = load_records(path, app.config, store=store)
    else:
        records, rejected = load_records(
            path, app.config, store=None, strict=strict, marc_report=marc
        )
    warn_rejected(rejected)
    return records, warn_marc(marc)


def _config(app: AppContext, preset: str | None) -> Config:
    config = app.config
    if preset:
        config = replace(config, labels=replace(config.labels, preset=preset))
    return config


def _finish(app: AppContext, report: LabelReport, kind: str, out: Path, unread: int) -> None:
    for message in report.warnings:
        warn(f"Cảnh báo: {message}")
    echo(app, f"Đã in {report.labels} {kind} trên {report.pages} trang: {out}")
    if report.skipped:
        warn(f"{report.skipped} bản sách không in được nhãn (xem cảnh báo ở trên)")
    if report.skipped or unread:
        sys.exit(EXIT_PARTIAL)


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument(
            "input_path", metavar="INPUT",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
        ),
        click.option(
            "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
            help="Tệp PDF sẽ ghi.",
        ),
        click.option(
            "--skip", default=0, show_default=True, type=click.IntRange(min=0),
            help="Số nhãn đã dùng ở đầu tờ đầu tiên (in tiếp trên tờ dở).",
        ),
        click.option(
            "--preset", type=click.Choice(sorted(presets())),
            help="Loại tờ nhãn (mặc định theo cấu hình [labels] preset).",
        ),
        strict_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group("labels")
def labels() -> None:
    """In nhãn gáy và nhãn mã vạch ra PDF để dán lên sách."""


@labels.command("spine")
@_common
@click.option(
    "--sort", "order", type=click.Choice(["shelf", "accession"]), default="shelf",
    show_default=True, help="Thứ tự: theo giá (ký hiệu xếp giá) hoặc theo số ĐKCB.",
)
@click.option("--per-title", is_flag=True, help="Một nhãn cho mỗi nhan đề, ghi số bản (× 5).")
@click.option("--year/--no-year", default=False, show_default=True, help="In năm xuất bản.")
@click.option("--volume/--no-volume", default=True, show_default=True, help="In số tập (T.1).")
@pass_app
def spine(
    app: AppContext, input_path: Path, out: Path, skip: int, preset: str | None,
    strict: bool, order: str, per_title: bool, year: bool, volume: bool,
) -> None:
    """Nhãn gáy: mã màu lớp DDC, kho, số phân loại, ký hiệu tác giả."""
    options = LabelOptions(
        skip=skip, sort="shelf" if order == "shelf" else "accession",
        per_title=per_title, show_year=year, show_volume=volume,
    )
    records, unread = input_records(app, input_path, strict)
    with counter(app, length=_copies(records), label="In nhãn gáy") as bar:
        report = write_spine_labels(
            records, _config(app, preset), out, options, tick=lambda: bar.update(1)
        )
    _finish(app, report, "nhãn gáy", out, unread)


@labels.command("barcode")
@_common
@click.option(
    "--sort", "order", type=click.Choice(["shelf", "accession"]), default="accession",
    show_default=True, help="Thứ tự: theo số ĐKCB hoặc theo giá.",
)
@pass_app
def barcode(
    app: AppContext, input_path: Path, out: Path, skip: int, preset: str | None,
    strict: bool, order: str,
) -> None:
    """Nhãn mã vạch: tên trường, số ĐKCB, mã vạch Code 128, nhan đề."""
    options = LabelOptions(skip=skip, sort="shelf" if order == "shelf" else "accession")
    records, unread = input_records(app, input_path, strict)
    with counter(app, length=_copies(records), label="In nhãn mã vạch") as bar:
        report = write_barcode_labels(
            records, _config(app, preset), out, options, tick=lambda: bar.update(1)
        )
    _finish(app, report, "nhãn mã vạch", out, unread)


def _copies(records: list[Record]) -> int:
    return sum(len(record.get_fields("952")) for record in records)


COMMANDS: list[click.Command] = [labels]
