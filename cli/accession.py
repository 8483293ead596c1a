"""``koha-bridge accession``: số đăng ký cá biệt (952 $i) and barcodes (952 $p)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from classification.accession import AccessionBook, SeriesState
from classification.assign import AssignReport, assign_accessions
from cli.common import AppContext, echo, pass_app, progress, strict_option, warn, warn_marc
from marc.io import MarcReadReport, read_records, write_marcxml, write_mrc

EXIT_PARTIAL = 1

_KINDS = {
    "category": "theo loại", "titles": "số đầu sách", "title": "bản của đầu sách",
    "barcode": "mã vạch",
}
_HEADINGS = (
    "Dãy số", "Kiểu", "Tiền tố", "Mẫu số", "Số cuối đã cấp", "Số kế tiếp", "Đã cấp", "Đã huỷ",
)


@click.group("accession")
def accession() -> None:
    """Số đăng ký cá biệt (ĐKCB) và mã vạch của từng bản sách."""


@accession.command("assign")
@click.argument("input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp MARC21 (.mrc) ghi kết quả.",
)
@click.option(
    "--marcxml", type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi thêm bản MARCXML.",
)
@strict_option
@pass_app
def assign(
    app: AppContext, input_path: Path, out: Path, marcxml: Path | None, strict: bool
) -> None:
    """Cấp số ĐKCB và mã vạch cho các bản chưa có (INPUT: .mrc hoặc MARCXML)."""
    report = AssignReport()
    marc = MarcReadReport()
    with app.open_store() as store:
        records = read_records(input_path, strict=strict, report=marc)
        stream = assign_accessions(records, store, app.config, report=report)
        with progress(app, stream, label="Cấp số ĐKCB") as bar:
            written = write_mrc(bar, out)
    if marcxml is not None:
        write_marcxml(read_records(out), marcxml)
    if not app.config.accession.enabled:
        warn("Cấu hình [accession] enabled = false: không cấp số ĐKCB.")
    echo(app, f"Đã ghi {written} biểu ghi ({report.copies} bản) vào {out}.")
    echo(app, f"Cấp mới: {report.assigned} số; giữ số đã cấp trước đây: {report.reused}; "
              f"bản đã có số ĐKCB: {report.kept} (ghi nhận vào kho: {report.registered}).")
    for problem in report.problems:
        warn(problem)
    if warn_marc(marc) or report.problems:
        sys.exit(EXIT_PARTIAL)


@accession.command("set-next")
@click.argument("series")
@click.argument("number", type=click.IntRange(min=1))
@pass_app
def set_next(app: AppContext, series: str, number: int) -> None:
    """Đặt số kế tiếp của một dãy (khi chuyển từ sổ giấy), ví dụ: set-next TK 1532."""
    with app.open_store() as store:
        book = AccessionBook(store, app.config)
        book.set_next(series, number)
        state = next(s for s in book.series_states() if s.series == series)
    echo(app, f"Dãy {series}: số kế tiếp là {state.next}.")


@accession.command("void")
@click.argument("number")
@click.option("--reason", required=True, help="Lý do huỷ (bắt buộc).")
@pass_app
def void(app: AppContext, number: str, reason: str) -> None:
    """Huỷ một số ĐKCB (bản bị trả lại, thanh lý…): số được giữ lại, không cấp lại."""
    with app.open_store() as store:
        voided = AccessionBook(store, app.config).void(number, reason)
    echo(app, f"Đã huỷ số {voided.accession} (lý do: {reason.strip()}). "
              "Số này sẽ không bao giờ được cấp lại.")


@accession.command("show")
@pass_app
def show(app: AppContext) -> None:
    """Trạng thái các dãy số ĐKCB và mã vạch."""
    with app.open_store() as store:
        book = AccessionBook(store, app.config)
        states = book.series_states()
    click.echo(render_states(states))
    if book.per_title:
        click.echo(
            "\nSách giáo khoa đánh số theo đầu sách: mỗi đầu sách lấy một số từ dãy SGK "
            "(4 chữ số) và có dãy riêng cho các bản, bắt đầu từ 1 (3 chữ số): "
            "SGK.0012.003 là bản thứ 3 của đầu sách số 12."
        )


def render_states(states: list[SeriesState]) -> str:
    """A plain-text table, one line per series."""
    rows = [_HEADINGS] + [
        (
            s.series + (f" ({s.titles} đầu sách)" if s.titles else ""),
            _KINDS.get(s.kind, s.kind),
            s.prefix or "(không)",
            s.pattern,
            s.last_given or "—",
            s.next,
            str(s.assigned),
            str(s.void),
        )
        for s in states
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADINGS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


COMMANDS: list[click.Command] = [accession]
