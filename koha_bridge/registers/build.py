"""Build every register of a school year from the store alone (Koha may be unreachable)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from multiprocessing import get_all_start_methods
from pathlib import Path

from classification.labels.fonts import fonts_for
from koha_bridge.config import Config
from koha_bridge.registers import general, individual, inventory, loans, textbooks, withdrawals
from koha_bridge.registers.common import Context
from koha_bridge.registers.holdings import load_holdings
from koha_bridge.reports.model import Report
from koha_bridge.reports.pdf_writer import PdfFonts, write_pdf
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.reports.xlsx_writer import write_xlsx
from koha_bridge.store import Store
from marc.workers import worker_pool


@dataclass(frozen=True)
class Register:
    """A register: its file stem, its title, and how it is built."""

    key: str
    title: str
    build: Callable[[Context, Store, date], Report]


def _inventory(ctx: Context, store: Store, today: date) -> Report:
    on = min(today, ctx.year.end)
    count = inventory.take(ctx.holdings.copies, on, None, seen_since=ctx.year.start)
    return inventory.build(ctx, count)


REGISTERS: tuple[Register, ...] = (
    Register(general.NAME, "Sổ đăng ký tổng quát", lambda ctx, _s, _t: general.build(ctx)),
    Register(individual.NAME, "Sổ đăng ký cá biệt", lambda ctx, _s, _t: individual.build(ctx)),
    Register(textbooks.NAME, "Sổ đăng ký sách giáo khoa",
             lambda ctx, _s, _t: textbooks.build(ctx)),
    Register(loans.NAME, "Sổ mượn sách",
             lambda ctx, store, today: loans.build(ctx, loans.load_loans(store, ctx), today)),
    Register(inventory.NAME, "Biên bản kiểm kê (theo ngày Koha ghi nhận thấy sách)",
             _inventory),
    Register(withdrawals.NAME, "Biên bản thanh lý", lambda ctx, _s, _t: withdrawals.build(ctx)),
)


@dataclass(frozen=True)
class Built:
    """One register written to disk."""

    register: Register
    xlsx: Path
    pdf: Path


def file_stem(register: str, year: SchoolYear) -> str:
    return f"{register}-{year.label}"


def context(store: Store, config: Config, year: SchoolYear, library: str) -> Context:
    """Read the library's holdings once for every register of the build."""
    holdings = load_holdings(store, library, config.categories)
    row = store.execute(
        "SELECT name FROM koha_libraries WHERE library_id = ?", (library,)).fetchone()
    return Context(config, year, holdings, row[0] if row and row[0] else "")


def school_year(config: Config, text: str) -> SchoolYear:
    return SchoolYear.parse(text, config.registers.year_start)


def current_year(config: Config, today: date) -> SchoolYear:
    return SchoolYear.containing(today, config.registers.year_start)


def pdf_fonts(config: Config) -> PdfFonts:
    """The labels' Vietnamese font (DejaVu Sans unless ``[labels] font`` names another)."""
    fonts = fonts_for(config.labels)
    return PdfFonts(fonts.regular, fonts.bold)


def write(report: Report, out_dir: Path, stem: str, fonts: PdfFonts) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = write_xlsx(report, out_dir / f"{stem}.xlsx")
    pdf = write_pdf(report, out_dir / f"{stem}.pdf", fonts)
    return xlsx, pdf


#: What the worker writes (register key → formats); this process, which also read the
#: holdings, writes the rest. Chosen so that the two take about the same CPU on the
#: benchmark's school: here the individual and general registers' PDFs (the largest
#: jobs) and the small registers; there their workbooks, the loan register and the
#: textbook register.
WORKER_JOBS: dict[str, tuple[str, ...]] = {
    individual.NAME: ("xlsx",), general.NAME: ("xlsx",), loans.NAME: ("xlsx", "pdf"),
    textbooks.NAME: ("xlsx", "pdf"),
}

Jobs = dict[str, tuple[str, ...]]  # register key → the formats to write ("xlsx", "pdf")

#: The context read by the parent, inherited by the forked worker (not pickled).
_INHERITED: list[Context] = []


def _write(ctx: Context, store: Store, out_dir: Path, today: date, fonts: PdfFonts,
           jobs: Jobs, progress: Callable[[str], None] | None = None
           ) -> dict[tuple[str, str], Path]:
    written = {}
    for register in REGISTERS:
        kinds = jobs.get(register.key, ())
        if not kinds:
            continue
        if progress:
            progress(register.title)
        report = register.build(ctx, store, today)
        for kind in kinds:
            path = out_dir / f"{file_stem(register.key, ctx.year)}.{kind}"
            written[(register.key, kind)] = (
                write_xlsx(report, path) if kind == "xlsx" else write_pdf(report, path, fonts))
    return written


def _inherit(ctx: Context) -> None:
    _INHERITED[:] = [ctx]


def _worker(store_path: Path, out_dir: Path, today: date, fonts: PdfFonts,
            jobs: Jobs) -> dict[tuple[str, str], Path]:
    """The worker's share of a build, on the inherited context and its own connection."""
    with Store(store_path) as store:
        return _write(_INHERITED[0], store, out_dir, today, fonts, jobs)


def build_all(store: Store, config: Config, year: SchoolYear, library: str, out_dir: Path,
              fonts: PdfFonts, *, today: date | None = None,
              progress: Callable[[str], None] | None = None, parallel: bool = True) -> list[Built]:
    """Every register of ``year`` for ``library`` as XLSX and PDF in ``out_dir``.

    The holdings are read once, here. With ``parallel`` (where ``fork`` exists), a forked
    worker inherits them and writes the ``WORKER_JOBS`` while this process writes the rest;
    the worker opens its own connection to the store for what it still reads (the loans).
    """
    today = today or date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = context(store, config, year, library)
    every: Jobs = {r.key: ("xlsx", "pdf") for r in REGISTERS}
    if not (parallel and "fork" in get_all_start_methods()):
        written = _write(ctx, store, out_dir, today, fonts, every, progress)
    else:
        mine: Jobs = {key: tuple(k for k in kinds if k not in WORKER_JOBS.get(key, ()))
                      for key, kinds in every.items()}
        with worker_pool("fork", initializer=_inherit, initargs=(ctx,)) as pool:
            worker = pool.submit(_worker, store.path, out_dir, today, fonts, WORKER_JOBS)
            written = _write(ctx, store, out_dir, today, fonts, mine, progress)
            written |= worker.result()
        for register in REGISTERS:
            if progress and not mine[register.key]:
                progress(register.title)
    return [Built(r, written[(r.key, "xlsx")], written[(r.key, "pdf")]) for r in REGISTERS]
