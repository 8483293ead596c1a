"""What every register shares: its layout (YAML), the school year, the report frame."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

from koha_bridge.config import Config
from koha_bridge.registers.holdings import UNKNOWN_DAY, Holdings
from koha_bridge.reports.layout import Layout, PartLayout, load_layout, require_keys
from koha_bridge.reports.model import Block, Column, Part, Report, Row, TableBlock
from koha_bridge.reports.schoolyear import SchoolYear


@dataclass(frozen=True)
class Context:
    """One build: the config, the school year, the library's holdings and a day."""

    config: Config
    year: SchoolYear
    holdings: Holdings
    library_name: str = ""

    def layout(self, name: str) -> Layout:
        """A register's layout: the school's own file if it has one, else the bundled one."""
        own = self.config.registers.headings_dir
        if own:
            path = Path(own).expanduser() / f"{name}.yaml"
            if path.is_file():
                return load_layout(path)
        bundled = resources.files("koha_bridge.registers").joinpath(f"data/{name}.yaml")
        return load_layout(Path(str(bundled)))

    @property
    def school(self) -> str:
        """The configured school's name, or the Koha library's for another library."""
        if self.holdings.library == self.config.school.library_id:
            return self.config.school.name
        return self.library_name or self.holdings.library


def columns(part: PartLayout, available: set[str], year: SchoolYear,
            where: str) -> tuple[Column, ...]:
    """The layout's columns, checked against what the register fills; ``{year}`` filled in."""
    require_keys(part, available, where)
    return tuple(
        replace(c, heading=tuple(h.replace("{year}", year.label) for h in c.heading))
        for c in part.columns
    )


def frame(ctx: Context, layout: Layout, parts: list[Part], *, place_date: bool = True) -> Report:
    """The report around the parts: title, school, school year, notes and signatures."""
    return Report(
        title=layout.title,
        subtitle=(ctx.school, ctx.year.title),
        parts=parts,
        notes=layout.notes,
        signatures=layout.signatures,
        place_date="Ngày … tháng … năm …" if place_date else "",
        landscape=layout.landscape,
        header=ctx.school,
    )


def part(layout: Layout, key: str, blocks: list[Block], sheet: str = "",
         heading: str | None = None) -> Part:
    spec = layout.part(key)
    return Part(sheet or spec.sheet, spec.heading if heading is None else heading, blocks)


def table(cols: tuple[Column, ...], sections: list, totals: Row | None = None,
          caption: str = "") -> TableBlock:
    return TableBlock(cols, sections, totals, caption)


def vn_date(day: date | None) -> str:
    """dd/mm/yyyy; ``(không rõ)`` for a withdrawal Koha never dated."""
    if day is None:
        return ""
    return "(không rõ)" if day == UNKNOWN_DAY else day.strftime("%d/%m/%Y")
