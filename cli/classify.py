"""``koha-bridge classify``: class numbers, author marks and call numbers for MARC files."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
from pymarc import Record

from classification.apply import Classified, classify_records, record_id
from classification.review import ReviewAction, ReviewReport, apply_review
from cli.common import AppContext, echo, pass_app, progress, strict_option, warn, warn_marc
from koha_bridge.acquisitions.review_sheet import write_review_sheet
from marc.io import MarcReadReport, read_records, write_marcxml, write_mrc

EXIT_PARTIAL = 1
_SOURCES = {"list": "theo danh sách", "record": "đã có trong biểu ghi",
            "subject": "theo môn học", "rule": "theo quy tắc",
            "model": "theo mô hình nhan đề", "sru": "theo biên mục sao chép (SRU)"}


def _collect(
    stream: Iterable[tuple[Record, Classified]], into: list[Classified]
) -> Iterator[Record]:
    for record, item in stream:
        into.append(item)
        yield record


def _for_sheet(item: Classified) -> bool:
    """Every miss and every machine proposal; not numbers given by the list or record."""
    return item.needs_review or item.proposal is None or item.proposal.source not in (
        "list", "record"
    )


def _applied(stream: Iterable[tuple[Record, str]], app: AppContext) -> Iterator[Record]:
    for record, what in stream:
        if what.startswith(ReviewAction.REJECTED):
            warn(what)
        elif app.verbosity > 0 and not what.startswith(ReviewAction.NOT_LISTED):
            echo(app, f"{record_id(record)}: {what}")
        yield record


@click.command("classify")
@click.argument("input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp MARC21 (.mrc) ghi kết quả.")
@click.option("--marcxml", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi thêm bản MARCXML.")
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi bảng duyệt phân loại (XLSX) cho thủ thư.")
@click.option("--apply", "apply_path",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Áp dụng bảng duyệt đã điền (XLSX).")
@strict_option
@pass_app
def classify(
    app: AppContext, input_path: Path, out: Path, marcxml: Path | None,
    review_path: Path | None, apply_path: Path | None, strict: bool,
) -> None:
    """Gán số phân loại, ký hiệu tác giả và ký hiệu xếp giá (INPUT: .mrc hoặc MARCXML).

    Đề xuất có độ tin cậy thấp hơn mức tối thiểu không được ghi: chúng nằm trong bảng
    duyệt (--review). Điền bảng rồi chạy lại với --apply.
    """
    if review_path is not None and apply_path is not None:
        raise click.UsageError("Dùng --review và --apply trong hai lần chạy khác nhau.")
    items: list[Classified] = []
    marc = MarcReadReport()
    stream: Iterable[Record] = _collect(
        classify_records(read_records(input_path, strict=strict, report=marc), app.config), items
    )
    report = ReviewReport()
    if apply_path is not None:
        stream = _applied(apply_review(stream, apply_path, app.config, report=report), app)
    with progress(app, stream, label="Phân loại") as bar:
        written = write_mrc(bar, out)
    if marcxml is not None:
        write_marcxml(read_records(out), marcxml)
    echo(app, f"Đã ghi {written} biểu ghi vào {out}.")
    unread = warn_marc(marc)
    sources = Counter(
        (i.proposal.source.split(":")[0] if i.proposal else "") for i in items if not i.needs_review
    )
    for key, label in _SOURCES.items():
        if sources[key]:
            echo(app, f"  Số phân loại {label}: {sources[key]}")
    pending = [i for i in items if i.needs_review]
    if apply_path is None:
        echo(app, f"  Cần thủ thư duyệt (chưa ghi số phân loại): {len(pending)}")
    else:
        echo(app, f"  Chưa có số phân loại trước khi áp dụng bảng duyệt: {len(pending)}")
    if review_path is not None:
        rows = write_review_sheet(filter(_for_sheet, items), review_path)
        echo(app, f"Bảng duyệt ({rows} dòng): {review_path}")
    if apply_path is not None:
        counts = report.counts
        echo(app, f"Bảng duyệt {apply_path}: sửa {counts[ReviewAction.CORRECTED]}, "
                  f"chấp nhận {counts[ReviewAction.ACCEPTED]}, "
                  f"không đổi {counts[ReviewAction.UNCHANGED]}, "
                  f"không áp dụng {counts[ReviewAction.REJECTED]}.")
        for problem in report.problems:
            warn(problem)
        if counts[ReviewAction.REJECTED] or report.problems:
            sys.exit(EXIT_PARTIAL)
    if unread:
        sys.exit(EXIT_PARTIAL)


COMMANDS: list[click.Command] = [classify]
