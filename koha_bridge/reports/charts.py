"""Charts for reports: matplotlib figures rendered to PNG bytes for an ``ImageBlock``.

The text is set in DejaVu Sans (shipped with matplotlib, every Vietnamese letter) and
rasterised into the picture, so the PDF and the XLSX carry the chart as an image that a
reader can copy. Figures are made without pyplot (no global figure registry).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

FONT: Any = {"font.family": "DejaVu Sans", "font.size": 9}
COLOUR = "#2E6DA4"
DPI = 120


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
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
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.subplots()
        positions = range(len(values))
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
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


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
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.subplots()
        count = max(len(series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(series):
            offsets = [x + (index - (count - 1) / 2) * width for x in range(len(labels))]
            ax.bar(offsets, values, width, label=name)
        ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0,
                      ha="right" if len(labels) > 6 else "center")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def _short(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")
