"""The job behind ``stats``: compute one school's statistics, then write them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.registers.build import pdf_fonts, write
from koha_bridge.reports.schoolyear import SchoolYear
from koha_bridge.stats.report import stats_report
from koha_bridge.stats.school import SchoolStats, school_stats
from koha_bridge.stats.sql import Roles
from koha_bridge.store import Store


def roles_of(config: Config) -> Roles:
    """Pupils and teachers are the patrons whose category code starts with ``[patrons]``
    ``pupil_category`` / ``teacher_category`` (``HS`` covers ``HS_THCS``, ``HS_TH`` …)."""
    return Roles(config.patrons.pupil_category, config.patrons.teacher_category)


@dataclass(frozen=True)
class Written:
    """The files a job wrote, and the date of the data they show."""

    files: list[Path]
    data_date: str | None = None


def write_stats(store: Store, config: Config, year: SchoolYear, library: str,
                out_dir: Path) -> tuple[SchoolStats, Written]:
    """``thongke-CODE-YEAR.xlsx`` and ``.pdf`` for one library."""
    roles = roles_of(config)
    stats = school_stats(store.conn, year, library, config.categories, roles)
    report = stats_report(stats, config.school, config.categories, roles)
    files = write(report, out_dir, f"thongke-{stats.library_id}-{year.label}", pdf_fonts(config))
    return stats, Written(list(files), stats.data_date)
