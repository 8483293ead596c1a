"""``koha-bridge db``: the local store (SQLite) and its schema migrations."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import AppContext, echo, pass_app
from koha_bridge.store import Store


@click.group("db")
def db() -> None:
    """Kho dữ liệu cục bộ (SQLite): nhật ký đẩy, số ĐKCB, chỉ mục Koha."""


@db.command("migrate")
@click.option("--list", "list_only", is_flag=True, help="Chỉ liệt kê, không nâng cấp.")
@pass_app
def migrate(app: AppContext, list_only: bool) -> None:
    """Nâng cấp cấu trúc kho dữ liệu (tự sao lưu trước khi nâng cấp)."""
    path = app.store_path or Path(app.config.store_path)
    with Store(path, migrate=False) as store:
        applied = store.applied_migrations()
        pending = store.pending_migrations()
        if list_only:
            echo(app, f"Kho dữ liệu: {path}")
            for name in applied:
                echo(app, f"  [đã áp dụng] {name}")
            for name in pending:
                echo(app, f"  [chờ]        {name}")
            return
        done = store.migrate()
    echo(app, f"Đã áp dụng {len(done)} bước nâng cấp" if done else "Kho dữ liệu đã mới nhất")


COMMANDS = [db]
