"""The jobs behind ``standards check`` and ``rollup`` (and the demo's share of them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.registers.build import pdf_fonts, write
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.standards import rollup
from koha_bridge.standards.criteria import load_criteria
from koha_bridge.standards.evaluate import Assessment, assess, plan_lines
from koha_bridge.standards.inputs import read_inputs, template
from koha_bridge.standards.record import record
from koha_bridge.standards.report import evidence_report
from koha_bridge.standards.rollup_report import rollup_report
from koha_bridge.stats.run import Written, roles_of, write_stats
from koha_bridge.stats.school import school_stats
from koha_bridge.store import Store


def inputs_path(out_dir: Path, year: SchoolYear) -> Path:
    """Where the manual-inputs file is looked for (and its template written) by default."""
    return out_dir / f"tt16-nhap-tay-{year.label}.toml"


def write_template_if_missing(path: Path, config: Config, year: SchoolYear) -> bool:
    """Write the commented inputs template at ``path`` unless a file is there already."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template(plan_lines(config.school.level), config.school.name,
                             config.school.level, year.label), encoding="utf-8")
    return True


def check_standards(store: Store, config: Config, year: SchoolYear, library: str,
                    inputs_file: Path, out_dir: Path, level: str
                    ) -> tuple[Assessment, Written]:
    """Judge the library, write the evidence pack, remember the level for roll-ups."""
    known = {c.key for c in load_criteria().items}
    inputs = read_inputs(inputs_file, known)
    roles = roles_of(config)
    result = assess(store.conn, year, library, config.school.level, config.categories, inputs,
                    roles)
    stats = school_stats(store.conn, year, result.library_id, config.categories, roles)
    report = evidence_report(result, config.school, stats, level, roles)
    files = write(report, out_dir, f"tt16-minhchung-{result.library_id}-{year.label}",
                  pdf_fonts(config))
    record(store, result)
    return result, Written(list(files), result.data_date)


def write_rollup(config: Config, year: SchoolYear, out_dir: Path,
                 store_paths: Sequence[Path], open_store: Callable[[], Store],
                 shown: Callable[[list[Path]], Iterable[Path]] = iter,
                 ) -> tuple[list[rollup.SchoolRow], Written]:
    """Over the given stores (one per school; ``shown`` wraps them in a progress bar),
    or every library of the configured store."""
    if store_paths:
        stores = rollup.store_files(store_paths)
        rows = list(rollup.from_stores(shown(stores), year, config.categories,
                                       roles_of(config)))
    else:
        with open_store() as store:
            rows = rollup.from_store(store.conn, store.path.name, year, config.categories,
                                     roles_of(config))
    report = rollup_report(rows, year, config.school.managing_body)
    files = write(report, out_dir, f"tonghop-{year.label}", pdf_fonts(config))
    return rows, Written(list(files))


def demo_outputs(store: Store, config: Config, year: SchoolYear, library: str,
                 out_dir: Path) -> list[tuple[str, Path]]:
    """The demo's statistics, TT16 evidence pack (from the untouched inputs template) and
    roll-up of every sample school in the store."""
    _, stats_files = write_stats(store, config, year, library, out_dir)
    template_path = inputs_path(out_dir, year)
    write_template_if_missing(template_path, config, year)
    result, tt16 = check_standards(store, config, year, library, template_path, out_dir,
                                   "level_1")
    rows, rolled = write_rollup(config, year, out_dir, (), lambda: Store(store.path))
    return [
        *((f"Thống kê năm học {year.label}", p) for p in stats_files.files),
        (f"Mẫu số liệu nhập tay TT16 ({year.label})", template_path),
        *((f"Minh chứng TT16: {result.reached}", p) for p in tt16.files),
        *((f"Tổng hợp {len(rows)} trường mẫu", p) for p in rolled.files),
    ]
