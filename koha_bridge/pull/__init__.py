"""Koha → store: the mirror tables the registers, statistics and patron sync read.

``pull()`` is the one entry point; ``data_age()`` tells a command that runs from the
store alone how old its data is.
"""

from koha_bridge.pull.age import age_line, data_age, unfinished
from koha_bridge.pull.report import PullReport, ResourceReport, summary_lines
from koha_bridge.pull.run import RESOURCES, Progress, pull

__all__ = [
    "RESOURCES", "Progress", "PullReport", "ResourceReport", "age_line", "data_age", "pull",
    "summary_lines", "unfinished",
]
