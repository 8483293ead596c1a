"""``koha-bridge patrons``: the yearly roster sync and library cards."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from cli.common import AppContext, counter, echo, pass_app, warn
from cli.push import make_client
from koha_bridge.koha.api import KohaApi
from koha_bridge.patrons.apply import Applier
from koha_bridge.patrons.cards import CardOptions, cards_from_store, write_cards
from koha_bridge.patrons.journal import SyncJournal
from koha_bridge.patrons.model import Kind
from koha_bridge.patrons.plan import plan_sync
from koha_bridge.patrons.preflight import balances_from, check_with_koha
from koha_bridge.patrons.report import outcome_lines, owner_only, summary_lines, write_plan
from koha_bridge.patrons.rosters import read_rosters
from koha_bridge.patrons.schoolyear import SchoolYear
from koha_bridge.pull import Progress, pull
from koha_bridge.store.lock import store_lock


@click.group("patrons")
def patrons() -> None:
    """Bạn đọc: đồng bộ danh sách lớp mỗi năm học, in thẻ thư viện."""


@patrons.command("sync")
@click.argument("rosters", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school-year", "year", required=True, help="Năm học, ví dụ 2025-2026.")
@click.option("--apply", "apply_", is_flag=True,
              help="Ghi vào Koha (không có cờ này: chỉ lập kế hoạch, không ghi gì).")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 32),
              help="Số yêu cầu gửi song song khi ghi.")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp kế hoạch XLSX (mặc định ban-doc-<năm học>.xlsx).")
@click.option("--first-sync", is_flag=True,
              help="Lần đầu đồng bộ: bạn đọc cũ trong Koha mang số thẻ khác, không coi danh "
                   "sách là của trường khác vì Koha không biết các mã định danh.")
@pass_app
def sync(app: AppContext, rosters: tuple[Path, ...], year: str, apply_: bool, workers: int,
         plan_path: Path | None, first_sync: bool) -> None:
    """Đối chiếu danh sách lớp/giáo viên với Koha; với --apply thì ghi các thay đổi.

    Không bao giờ xoá bạn đọc: người đã rời trường được đặt hết hạn thẻ, trừ người còn
    mượn sách hoặc còn nợ phí (được liệt kê để thu hồi). Chạy lại sau khi bị ngắt là an
    toàn. Mã thoát: 0 xong; 1 có dòng bị loại hoặc bạn đọc bị Koha từ chối; 2 không
    được áp dụng (sai trường); 3 tệp không đọc được; 4 Koha không trả lời.
    """
    config = app.config
    school_year = SchoolYear.parse(year)
    plan_path = plan_path or Path(f"ban-doc-{school_year}.xlsx")
    owner_only(plan_path)  # a path that cannot be written fails before anything is done
    roster = read_rosters(rosters, local_prefix=config.patrons.local_id_prefix)
    client = make_client(config, workers)
    api = KohaApi(client)
    categories = {Kind.PUPIL: config.patrons.pupil_category,
                  Kind.TEACHER: config.patrons.teacher_category}
    with store_lock(app.store_file, "patrons"), app.open_store() as store:
        pull(client, store, config, resources=("patrons", "checkouts"),
             progress=_pull_progress(app))
        if not app.quiet and sys.stderr.isatty():
            click.echo(err=True)
        plan = plan_sync(roster, store, config, school_year, balances_from(api),
                         first_sync=first_sync)
        check_with_koha(api, plan, config.school.library_id, categories)
        for line in summary_lines(plan):
            echo(app, line)
        if not apply_:
            write_plan(plan, plan_path)
            echo(app, f"Kế hoạch (chưa ghi gì vào Koha): {plan_path}")
            _exit_for(plan.refusal is not None, bool(roster.rejected))
            return
        if plan.refusal:
            write_plan(plan, plan_path)
            raise click.exceptions.Exit(2)
        with counter(app, length=len(plan.changes), label="Ghi vào Koha") as bar:
            lock = threading.Lock()

            def tick() -> None:
                with lock:
                    bar.update(1)

            journal = SyncJournal(store, str(school_year))
            outcome = Applier(api, journal, on_change=tick).run(plan, workers=workers)
    write_plan(plan, plan_path, outcome)
    for line in outcome_lines(outcome):
        echo(app, line)
    echo(app, f"Báo cáo: {plan_path}")
    if outcome.aborted is not None:
        warn("Đã dừng giữa chừng: chạy lại lệnh để tiếp tục (không tạo trùng).")
        raise outcome.aborted
    _exit_for(False, bool(roster.rejected or outcome.failed))


def _pull_progress(app: AppContext) -> Progress | None:
    """One updating line on stderr while the store is refreshed (on a terminal only)."""
    if app.quiet or not sys.stderr.isatty():
        return None

    def show(label: str, done: int, total: int | None) -> None:
        of = f"/{total}" if total else ""
        click.echo(f"\rTải từ Koha: {label} {done}{of}   ", nl=False, err=True)

    return show


def _exit_for(refused: bool, partial: bool) -> None:
    if refused:
        warn("Danh sách này không được áp dụng vào Koha (xem dòng KHÔNG THỂ ÁP DỤNG).")
        raise click.exceptions.Exit(2)
    if partial:
        warn("Có dòng bị loại hoặc bạn đọc chưa ghi được: xem tệp kế hoạch.")
        raise click.exceptions.Exit(1)


@patrons.command("cards")
@click.option("--class", "class_name", help="Chỉ in thẻ của một lớp, ví dụ 6A1.")
@click.option("--new", "new_only", is_flag=True,
              help="Chỉ in thẻ của bạn đọc mới tạo ở lần đồng bộ gần nhất.")
@click.option("--school-year", "year", help="Năm học in trên thẻ (mặc định: năm gần nhất "
              "đã đồng bộ).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp PDF.")
@pass_app
def cards(app: AppContext, class_name: str | None, new_only: bool, year: str | None,
          out: Path) -> None:
    """In thẻ thư viện (A4, 10 thẻ 85,6 × 54 mm một trang) từ kho dữ liệu cục bộ."""
    if class_name and new_only:
        raise click.UsageError("Chọn --class hoặc --new, không chọn cả hai.")
    config = app.config
    with app.open_store() as store:
        people, school_year = cards_from_store(
            store, config, class_name=class_name, new_only=new_only, school_year=year)
    if not people:
        warn("Không có bạn đọc nào để in thẻ (kiểm tra --class, hoặc chạy patrons sync).")
        raise click.exceptions.Exit(1)
    with counter(app, length=len(people), label="In thẻ") as bar:
        pages = write_cards(people, out, CardOptions.of(config, school_year),
                            tick=lambda: bar.update(1))
    echo(app, f"Đã in {len(people)} thẻ trên {pages} trang: {out}")


COMMANDS = [patrons]
