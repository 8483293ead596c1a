"""Charts for reports: matplotlib figures rendered to PNG bytes for an ``ImageBlock``.

The text is set in DejaVu Sans (shipped with matplotlib, every Vietnamese letter) and
rasterised into the picture, so the PDF and the XLSX carry the chart as an image that a
reader can copy. Figures are made without pyplot (no global figure registry).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import get_all_start_methods
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from koha_bridge.reports.model import ImageBlock, Report
from marc.workers import worker_pool

FONT: Any = {"font.family": "DejaVu Sans", "font.size": 9}
COLOUR = "#2E6DA4"
DPI = 100


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white",
                pil_kwargs={"compress_level": 1})  # the PDF recompresses it anyway
    return buffer.getvalue()


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    ylabel: str = "",
    horizontal: bool = False,
    size: tuple[float, float] = (8.0, 3.6),
) -> bytes:
    """One series of bars with its values written on them."""
    with rc_context(FONT):
        fig = Figure(figsize=size)
        ax = fig.subplots()
        positions = range(len(values))
        tilt = False
        if horizontal:
            bars = ax.barh(positions, values, color=COLOUR)
            ax.set_yticks(list(positions), labels)
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
        else:
            bars = ax.bar(positions, values, color=COLOUR)
            tilt = len(labels) > 8 or sum(len(label) for label in labels) > 40
            ax.set_xticks(list(positions), labels, rotation=30 if tilt else 0,
                          ha="right" if tilt else "center")
            ax.set_ylabel(ylabel)
        ax.bar_label(bars, labels=[_short(v) for v in values], fontsize=7, padding=2)
        if horizontal:
            ax.margins(x=0.12)  # room for the value labels
        else:
            ax.margins(y=0.12)
        ax.set_title(title, y=1.0)  # no top ticks: skip the automatic placement pass
        ax.spines[["top", "right"]].set_visible(False)
        _margins(fig, labels, size, horizontal=horizontal, tilted=not horizontal and tilt)
        return _png(fig)


def _margins(fig: Figure, labels: Sequence[str], size: tuple[float, float], *,
             horizontal: bool, tilted: bool) -> None:
    """Fixed margins sized from the longest label (no layout engine: one draw per chart)."""
    longest = max((len(label) for label in labels), default=1)
    label_in = 0.075 * longest  # ~ width of one character at 9 pt, in inches
    left = (label_in + 0.25) / size[0] if horizontal else 0.7 / size[0]
    bottom = (0.55 * label_in + 0.35) / size[1] if tilted else 0.45 / size[1]
    fig.subplots_adjust(left=min(left, 0.5), bottom=min(bottom, 0.5), right=0.97,
                        top=1 - 0.4 / size[1])


def grouped_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    ylabel: str = "",
    size: tuple[float, float] = (8.0, 3.8),
) -> bytes:
    """Several series side by side per label (e.g. schools × figures), with a legend."""
    with rc_context(FONT):
        fig = Figure(figsize=size)
        ax = fig.subplots()
        count = max(len(series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(series):
            offsets = [x + (index - (count - 1) / 2) * width for x in range(len(labels))]
            ax.bar(offsets, values, width, label=name)
        ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0,
                      ha="right" if len(labels) > 6 else "center")
        ax.set_ylabel(ylabel)
        ax.set_title(title, y=1.0)  # no top ticks: skip the automatic placement pass
        ax.legend(fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        _margins(fig, labels, size, horizontal=False, tilted=len(labels) > 6)
        return _png(fig)


def _short(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class Chart:
    """A bar chart still to be drawn: put it in an ``ImageBlock``, then ``render_report``."""

    labels: tuple[str, ...]
    values: tuple[float, ...]
    title: str
    ylabel: str = ""
    horizontal: bool = False
    size: tuple[float, float] = (8.0, 3.6)

    def render(self) -> bytes:
        return bar_chart(self.labels, self.values, title=self.title, ylabel=self.ylabel,
                         horizontal=self.horizontal, size=self.size)


def _render(charts: Sequence[Chart]) -> list[bytes]:
    return [chart.render() for chart in charts]


def render_report(report: Report) -> Report:
    """Draw every ``Chart`` of the report into PNG bytes, in place.

    With four charts or more, every other one is drawn by a forked worker process (it
    inherits the loaded matplotlib, so it starts at once) on the second core.
    """
    blocks: list[ImageBlock] = []
    charts: list[Chart] = []
    for part in report.parts:
        for block in part.blocks:
            if isinstance(block, ImageBlock) and isinstance(block.image, Chart):
                blocks.append(block)
                charts.append(block.image)
    pictures: list[bytes]
    if len(charts) < 4 or "fork" not in get_all_start_methods():
        pictures = _render(charts)
    else:
        with worker_pool("fork") as side:
            theirs = side.submit(_render, charts[1::2])
            mine = _render(charts[0::2])
            pictures = [b""] * len(charts)
            pictures[0::2] = mine
            pictures[1::2] = theirs.result()
    for block, picture in zip(blocks, pictures, strict=True):
        block.image = picture
    return report
