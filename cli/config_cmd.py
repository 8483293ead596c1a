"""``koha-bridge config``: write the commented example, show the effective config."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import click

from cli.common import AppContext, echo, pass_app
from koha_bridge.config import DEFAULT_CONFIG_NAME, as_dict


def template_text() -> str:
    return resources.files("koha_bridge").joinpath("data/koha-bridge.toml").read_text("utf-8")


@click.group("config")
def config_group() -> None:
    """Tệp cấu hình koha-bridge.toml."""


@config_group.command("init")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@pass_app
def init(app: AppContext, path: Path | None, force: bool) -> None:
    """Ghi một tệp cấu hình mẫu có chú thích."""
    target = path or app.config_path or Path(DEFAULT_CONFIG_NAME)
    if target.exists() and not force:
        raise click.UsageError(f"{target} đã có; dùng --force để ghi đè.")
    target.write_text(template_text(), encoding="utf-8")
    echo(app, f"Đã ghi {target}")


@config_group.command("show")
@pass_app
def show(app: AppContext) -> None:
    """In cấu hình đang dùng (không có mật khẩu)."""
    click.echo(json.dumps(as_dict(app.config), ensure_ascii=False, indent=2))


COMMANDS = [config_group]
