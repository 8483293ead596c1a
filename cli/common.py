"""What every command shares: the app context, option decorators, progress, output."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from koha_bridge.config import Config, load_config
from koha_bridge.store import Store
from marc.io import MarcReadReport

T = TypeVar("T")

QUIET, NORMAL, VERBOSE, DEBUG = -1, 0, 1, 2


@dataclass
class AppContext:
    """Loaded once per invocation and handed to every command (no global config)."""

    config_path: Path | None = None
    verbosity: int = NORMAL
    store_path: Path | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def store_file(self) -> Path:
        """The store's path: ``--db``, else the config's ``[store] path``."""
        return self.store_path or Path(self.config.store_path)

    def open_store(self) -> Store:
        return Store(self.store_file)

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET


pass_app = click.make_pass_decorator(AppContext, ensure=True)


def setup_logging(verbosity: int) -> None:
    level = {QUIET: logging.WARNING, NORMAL: logging.WARNING, VERBOSE: logging.INFO}.get(
        verbosity, logging.DEBUG
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    from koha_bridge.koha.secrets import RedactingFilter

    handler.addFilter(RedactingFilter())
    handler.set_name("koha-bridge")
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "koha-bridge"]
    root.addHandler(handler)
    root.setLevel(level)


@contextmanager
def progress(
    app: AppContext, iterable: Iterable[T], *, length: int | None = None, label: str = ""
) -> Iterator[Iterator[T]]:
    """A progress bar on stderr, hidden with ``--quiet`` or when stderr is not a terminal."""
    if app.quiet or not sys.stderr.isatty():
        yield iter(iterable)
        return
    with click.progressbar(
        iterable, length=length, label=label, file=sys.stderr, show_pos=True
    ) as bar:
        yield iter(bar)


@contextmanager
def bulk_objects() -> Iterator[None]:
    """Garbage-collector settings for work that makes many objects that stay alive.

    A conversion of tens of thousands of rows keeps every title and copy alive while it
    makes millions of short-lived, acyclic MARC objects; Python's default thresholds then
    rescan the live ones over and over (seen: 27 full collections, 3 s of a 10 s run).
    Importing a command's modules (matplotlib, reportlab) and drawing charts do the same
    on a smaller scale (``stats``: 330 collections, 0.2 s of 2 s). Collect rarely inside
    the block.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _NoBar:
    def update(self, n_steps: int) -> None:
        """Nothing to show."""


@contextmanager
def counter(app: AppContext, *, length: int, label: str = "") -> Iterator[Any]:
    """A progress bar driven by ``bar.update(n)`` from callbacks (same visibility rules)."""
    if app.quiet or not sys.stderr.isatty():
        yield _NoBar()
        return
    with click.progressbar(
        length=length, label=label, file=sys.stderr, show_pos=True
    ) as bar:
        yield bar


def echo(app: AppContext, message: str = "", **kwargs: Any) -> None:
    """A summary line on stdout, unless ``--quiet``."""
    if not app.quiet:
        click.echo(message, **kwargs)


def warn(message: str) -> None:
    click.echo(message, err=True)


strict_option = click.option(
    "--strict", is_flag=True,
    help="Từ chối cả tệp MARC nếu có bản ghi không đọc được (mã thoát 3). Mặc định: bỏ qua "
         "bản ghi hỏng, báo số thứ tự, vị trí byte và lý do.",
)


def warn_marc(report: MarcReadReport) -> int:
    """Say what reading a MARC file skipped or converted; return how many were skipped."""
    for line in report.lines():
        warn(line)
    return len(report.skipped)


def warn_rejected(count: int) -> None:
    """Say that a supplier list converted on the way had rejected rows."""
    if count:
        warn(f"{count} dòng bị loại khi chuyển đổi, xem "
             "'koha-bridge acquisitions convert' để có báo cáo")
