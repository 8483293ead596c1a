"""Entry point: the ``koha-bridge`` command group and its exit codes.

Exit codes: 0 done; 1 done, but some rows were rejected or some copies failed;
2 usage or configuration error; 3 an input file or the local store is unusable;
4 Koha refused or could not be reached.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from cli.common import DEBUG, NORMAL, QUIET, VERBOSE, AppContext, setup_logging
from koha_bridge import __version__
from koha_bridge.exceptions import KohaBridgeError
from koha_bridge.secrets import redact

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_INPUT, EXIT_KOHA = 0, 1, 2, 3, 4


class BridgeGroup(click.Group):
    """A group that turns our errors into a short Vietnamese message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KohaBridgeError as exc:
            app = ctx.find_object(AppContext)
            if app is not None and app.verbosity >= DEBUG:
                click.echo(redact(traceback.format_exc()), err=True)
            click.echo(f"Lỗi: {redact(str(exc))}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=BridgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="koha-bridge")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    envvar="KOHA_BRIDGE_CONFIG", help="Tệp cấu hình (mặc định ./koha-bridge.toml).",
)
@click.option(
    "--db", "store_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Kho dữ liệu SQLite (mặc định theo cấu hình).",
)
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi.")
@click.option("-v", "--verbose", is_flag=True, help="In thêm chi tiết.")
@click.option("--debug", is_flag=True, help="In cả traceback và nhật ký gỡ lỗi.")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: Path | None,
    store_path: Path | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """koha-bridge: đưa sách, nhãn và bạn đọc của thư viện trường học vào Koha."""
    verbosity = DEBUG if debug else VERBOSE if verbose else QUIET if quiet else NORMAL
    ctx.obj = AppContext(config_path=config_path, verbosity=verbosity, store_path=store_path)
    setup_logging(verbosity)


def _register() -> None:
    from cli import acq, config_cmd

    for module in (config_cmd, acq):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="koha-bridge")
