"""Entry point: the ``koha-bridge`` command group and its exit codes.

Exit codes: 0 done; 1 done, but some rows were rejected or some copies failed;
2 usage or configuration error; 3 an input file or the local store is unusable;
4 Koha refused or could not be reached.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from cli.common import DEBUG, NORMAL, QUIET, VERBOSE, AppContext, bulk_objects, setup_logging
from koha_bridge import __version__
from koha_bridge.exceptions import KohaBridgeError
from koha_bridge.koha.secrets import redact

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_INPUT, EXIT_KOHA = 0, 1, 2, 3, 4


#: Command name → the module defining it (in its ``COMMANDS``), imported on first use so
#: that one command does not pay for the imports of all the others.
SUBCOMMANDS = {
    "accession": "cli.accession",
    "acquisitions": "cli.acq",
    "classify": "cli.classify",
    "config": "cli.config_cmd",
    "db": "cli.db",
    "deliveries": "cli.deliveries",
    "demo": "cli.demo",
    "inventory": "cli.inventory",
    "koha": "cli.koha",
    "labels": "cli.labels",
    "patrons": "cli.patrons",
    "pull": "cli.pull",
    "push": "cli.push",
    "registers": "cli.registers",
    "rollup": "cli.rollup",
    "standards": "cli.standards",
    "stats": "cli.stats",
}


class BridgeGroup(click.Group):
    """Lazily loaded subcommands; our errors become a short Vietnamese message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = SUBCOMMANDS.get(cmd_name)
        if module_name is None:
            return None
        with bulk_objects():  # imports make many long-lived objects: collect rarely meanwhile
            module = importlib.import_module(module_name)
        return next(c for c in module.COMMANDS if c.name == cmd_name)

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


def main() -> None:
    cli(prog_name="koha-bridge")
