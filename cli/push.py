"""``koha-bridge push``: send records and their copies to Koha, resumably."""

from __future__ import annotations

import threading
from pathlib import Path

import click
import requests
from requests.adapters import HTTPAdapter

from cli.common import AppContext, counter, echo, pass_app, warn, warn_rejected
from koha_bridge.acquisitions.pipeline import load_records
from koha_bridge.config import Config
from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.koha.client import KohaClient
from koha_bridge.push.report import outcome_lines, plan_lines, write_push_report
from koha_bridge.push.run import Pusher, plan_push, refresh_index
from koha_bridge.store.journal import Journal


@click.command("push")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ lập kế hoạch, không ghi gì vào Koha.")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Số yêu cầu gửi song song.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Báo cáo XLSX (mặc định <nguồn>-koha.xlsx).")
@click.option("--refresh-index", "refresh", is_flag=True,
              help="Đọc lại toàn bộ danh sách biểu ghi của Koha vào chỉ mục cục bộ trước.")
@pass_app
def push(
    app: AppContext,
    source: Path,
    dry_run: bool,
    workers: int,
    report: Path | None,
    refresh: bool,
) -> None:
    """Đẩy biểu ghi (.mrc, MARCXML, hoặc một danh sách sách) và các bản lên Koha.

    Chạy lại lệnh sau khi bị ngắt là an toàn: những gì đã tạo trong Koha không bị tạo
    lần nữa. Mã thoát: 0 xong hết; 1 có bản lỗi hoặc xung đột; 4 không kết nối được
    Koha hoặc Koha từ chối đăng nhập.
    """
    report = report or source.with_name(f"{source.stem}-koha.xlsx")
    api = KohaApi(make_client(app.config, workers))
    with app.open_store() as store:
        journal = Journal(store)
        if refresh:
            count = refresh_index(api, journal)
            echo(app, f"Chỉ mục cục bộ: {count} biểu ghi từ Koha")
        records, rejected = load_records(source, app.config, store=store)
        warn_rejected(rejected)
        plan = plan_push(records, api, journal, item_from_952, workers=workers)
        if dry_run:
            write_push_report(plan, report, planned=True)
            for line in plan_lines(plan):
                echo(app, line)
            echo(app, f"Kế hoạch (chưa gửi gì lên Koha): {report}")
            return
        todo = sum(len(t.copies) for t in plan.titles)
        with counter(app, length=todo, label="Đẩy lên Koha") as bar:
            lock = threading.Lock()

            def tick() -> None:
                with lock:
                    bar.update(1)

            outcome = Pusher(api, journal, on_copy=tick).run(plan, workers=workers)
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


def make_client(config: Config, workers: int) -> KohaClient:
    """A client whose connection pool keeps one connection per worker thread."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(10, workers), max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return KohaClient.from_config(config, session=session)


COMMANDS = [push]
