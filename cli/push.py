"""``koha-bridge push``: send records and their copies to Koha, resumably."""

from __future__ import annotations

import threading
from pathlib import Path

import click
import requests
from requests.adapters import HTTPAdapter

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
from koha_bridge.acquisitions.pipeline import load_records
from koha_bridge.config import Config
from koha_bridge.exceptions import PreflightError
from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.koha.client import KohaClient
from koha_bridge.koha.codes import KohaCodes
from koha_bridge.push.preflight import preflight
from koha_bridge.push.report import outcome_lines, plan_lines, write_push_report
from koha_bridge.push.run import Pusher, PushOutcome, PushPlan, plan_push, refresh_index
from koha_bridge.store.journal import Journal
from koha_bridge.store.lock import store_lock
from marc.io import MarcReadReport


@click.command("push")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ lập kế hoạch, không ghi gì vào Koha.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Số yêu cầu gửi song song.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Báo cáo XLSX (mặc định <nguồn>-koha.xlsx).")
@click.option("--refresh-index", "refresh", is_flag=True,
              help="Đọc lại toàn bộ danh sách biểu ghi của Koha vào chỉ mục cục bộ trước.")
@click.option("--library", metavar="MÃ",
              help="Đẩy vào thư viện Koha này dù khác [school] library_id "
                   "(952 $a/$b của các bản phải là mã này).")
@strict_option
@pass_app
def push(
    app: AppContext,
    source: Path,
    dry_run: bool,
    workers: int,
    report: Path | None,
    refresh: bool,
    library: str | None,
    strict: bool,
) -> None:
    """Đẩy biểu ghi (.mrc, MARCXML, hoặc một danh sách sách) và các bản lên Koha.

    Trước khi ghi, lệnh kiểm tra rằng Koha có đủ mã thư viện, kiểu tài liệu, bộ sưu
    tập và vị trí kho mà các bản dùng. Chạy lại lệnh sau khi bị ngắt là an toàn: những
    gì đã tạo trong Koha không bị tạo lần nữa. Mã thoát: 0 xong hết; 1 có bản lỗi, bản
    ghi MARC hỏng bị bỏ qua hoặc xung đột; 2 Koha thiếu mã, bản thuộc thư viện khác
    (chưa ghi gì), hoặc một lệnh khác đang dùng kho dữ liệu này; 3 tệp không dùng được
    (kể cả --strict gặp bản ghi hỏng); 4 không kết nối được Koha hoặc Koha từ chối đăng
    nhập.
    """
    report = report or source.with_name(f"{source.stem}-koha.xlsx")
    with store_lock(app.store_file, "push"), app.open_store() as store:
        api = KohaApi(make_client(app.config, workers))
        journal = Journal(store)
        if refresh:
            count = refresh_index(api, journal)
            echo(app, f"Chỉ mục cục bộ: {count} biểu ghi từ Koha")
        marc = MarcReadReport()
        records, rejected = load_records(
            source, app.config, store=store, strict=strict, marc_report=marc
        )
        warn_rejected(rejected)
        rejected += warn_marc(marc)
        problems = preflight(records, app.config, KohaCodes(api), library=library)
        if problems:
            raise PreflightError([(p.message, p.fix) for p in problems])
        plan = plan_push(records, api, journal, item_from_952, workers=workers)
        if dry_run:
            write_push_report(plan, report, planned=True)
            for line in plan_lines(plan):
                echo(app, line)
            echo(app, f"Kế hoạch (chưa gửi gì lên Koha): {report}")
            return
        outcome = _send(app, Pusher(api, journal), plan, workers)
    write_push_report(plan, report)
    for line in outcome_lines(outcome):
        echo(app, line)
    echo(app, f"Báo cáo: {report}")
    if outcome.aborted is not None:
        warn("Đã dừng giữa chừng: chạy lại lệnh để tiếp tục (không tạo trùng).")
        raise outcome.aborted
    if not outcome.complete or rejected:
        warn("Có bản chưa vào Koha: sửa theo báo cáo rồi chạy lại lệnh (không tạo trùng).")
        raise SystemExit(1)


def _send(app: AppContext, pusher: Pusher, plan: PushPlan, workers: int) -> PushOutcome:
    """Run the plan with a progress bar ticked from the worker threads."""
    todo = sum(len(t.copies) for t in plan.titles)
    with counter(app, length=todo, label="Đẩy lên Koha") as bar:
        lock = threading.Lock()

        def tick() -> None:
            with lock:
                bar.update(1)

        pusher.on_copy = tick
        return pusher.run(plan, workers=workers)


def make_client(config: Config, workers: int) -> KohaClient:
    """A client whose connection pool keeps one connection per worker thread."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(10, workers), max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return KohaClient.from_config(config, session=session)


COMMANDS = [push]
