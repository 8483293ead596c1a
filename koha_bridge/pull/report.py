"""What a pull did, per resource: requests, rows written and deleted, how it read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ResourceReport:
    name: str
    label: str
    mode: str = "incremental"  # full | incremental | resumed | whole
    requests: int = 0
    rows: int = 0  # rows written (inserted or updated)
    deleted: int = 0
    settled: bool = True  # the high-water mark moved (the listing stayed stable)
    repaired: bool = False  # counts disagreed after the incremental read: read in full
    seconds: float = 0.0


@dataclass
class PullReport:
    scope: str | None  # library code, or None for every library
    resources: list[ResourceReport] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.resources)

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.resources)

    def resource(self, name: str) -> ResourceReport:
        return next(r for r in self.resources if r.name == name)


_MODES = {"full": "đọc toàn bộ", "incremental": "chỉ phần thay đổi",
          "resumed": "tiếp tục lần trước", "whole": "danh mục nhỏ, đọc toàn bộ"}


def summary_lines(report: PullReport) -> list[str]:
    """The summary the CLI prints (Vietnamese)."""
    where = f"thư viện {report.scope}" if report.scope else "mọi thư viện"
    lines = [f"Lấy dữ liệu từ Koha ({where}):"]
    for r in report.resources:
        extra = f", xoá {r.deleted}" if r.deleted else ""
        note = " — số dòng lệch, đã đọc lại toàn bộ" if r.repaired else ""
        if not r.settled:
            note += " — Koha thay đổi trong lúc đọc, lần sau đọc lại phần này"
        lines.append(f"  {r.label}: {r.rows} dòng{extra} ({_MODES[r.mode]}, "
                     f"{r.requests} yêu cầu){note}")
    lines.append(f"Tổng: {report.requests} yêu cầu tới Koha")
    return lines
