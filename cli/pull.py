"""``koha-bridge pull``: copy Koha's data into the local store (incremental, resumable)."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from cli.common import AppContext, echo, pass_app, warn
from cli.push import make_client
from koha_bridge.exceptions import KohaError
from koha_bridge.pull import RESOURCES, age_line, pull, summary_lines
from koha_bridge.store.lock import store_lock


class _Bars:
    """One progress bar per list being read, on stderr (hidden off a terminal)."""

    def __init__(self, app: AppContext) -> None:
        self.visible = not app.quiet and sys.stderr.isatty()
        self._stack = ExitStack()
        self._label: str | None = None
        self._bar: Any = None
        self._done = 0

    def __call__(self, label: str, done: int, total: int | None) -> None:
        if not self.visible:
            return
        if label != self._label:
            self.close()
            self._label, self._done = label, 0
            self._bar = self._stack.enter_context(click.progressbar(
                length=max(total or done, 1), label=label, file=sys.stderr, show_pos=True))
        self._bar.update(max(0, done - self._done))
        self._done = done

    def close(self) -> None:
        self._stack.close()
        self._stack = ExitStack()
        self._label = None


@click.command("pull")
@click.option("--full", is_flag=True,
              help="Đọc lại toàn bộ (sửa kho bị hỏng hoặc thiếu), không chỉ phần thay đổi.")
@click.option("--all-libraries", is_flag=True,
              help="Lấy dữ liệu của mọi thư viện trong Koha (cơ quan quản lý nhiều trường).")
@click.option("--only", "only", multiple=True, type=click.Choice(RESOURCES),
              help="Chỉ lấy loại dữ liệu này (lặp lại được).")
@pass_app
def pull_command(app: AppContext, full: bool, all_libraries: bool,
                 only: tuple[str, ...]) -> None:
    """Lấy dữ liệu từ Koha vào kho cục bộ: thư viện, kiểu tài liệu, loại bạn đọc, biểu
    ghi, bản sách (cả bản đã thanh lý, bị mất), bạn đọc, lượt mượn đang mượn và đã trả.

    Lần đầu đọc toàn bộ; các lần sau chỉ đọc phần thay đổi. Bị ngắt giữa chừng thì chạy
    lại lệnh: lần sau tiếp tục từ trang đã lưu. Mã thoát: 0 xong; 4 Koha lỗi hoặc không
    kết nối được (phần đã lấy vẫn được giữ).
    """
    config = app.config
    bars = _Bars(app)
    with store_lock(app.store_path or Path(config.store_path), "pull"), \
            app.open_store() as store:
        try:
            with make_client(config, config.koha.workers) as client:
                report = pull(client, store, config, full=full, all_libraries=all_libraries,
                              resources=only or None, progress=bars)
        except KohaError:
            bars.close()
            warn("Đã dừng giữa chừng: phần đã lấy được giữ lại; chạy lại 'koha-bridge pull' "
                 "để tiếp tục.")
            raise
        bars.close()
        for line in summary_lines(report):
            echo(app, line)
        echo(app, age_line(store, None if all_libraries else config.school.library_id))


COMMANDS = [pull_command]
