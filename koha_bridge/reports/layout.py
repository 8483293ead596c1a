"""Report layouts as data: a YAML file gives the title, the parts and their column headings.

A layout file looks like::

    title: SỔ ĐĂNG KÝ CÁ BIỆT
    landscape: true
    parts:
      main:
        sheet: ĐKCB
        heading: ""
        columns:
          - {key: date, heading: Ngày vào sổ, width: 11, kind: date}
          - {key: copies, heading: [Tổng số, Bản], width: 7, kind: int}
    signatures:
      - {role: Người lập sổ}
    notes: [...]

A heading given as a list is a path of multi-level headings (top level first): adjacent
columns sharing a top level are merged under it. A school may reorder, relabel or drop
columns; the keys are what a register's query fills.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from koha_bridge.exceptions import ConfigError
from koha_bridge.reports.model import KINDS, Column, Kind, Signature


@dataclass(frozen=True)
class PartLayout:
    """The sheet name, heading and columns of one part."""

    sheet: str
    heading: str
    columns: tuple[Column, ...]

    def keys(self) -> set[str]:
        return {c.key for c in self.columns}


@dataclass(frozen=True)
class Layout:
    """A whole report's layout."""

    title: str
    parts: Mapping[str, PartLayout]
    landscape: bool = False
    signatures: tuple[Signature, ...] = ()
    notes: tuple[str, ...] = ()

    def part(self, key: str) -> PartLayout:
        try:
            return self.parts[key]
        except KeyError as exc:
            raise ConfigError(f"Mẫu báo cáo {self.title!r} thiếu phần {key!r}") from exc


def _fail(path: Path, message: str) -> ConfigError:
    return ConfigError(f"Mẫu báo cáo {path}: {message}")


def _column(path: Path, where: str, spec: Any) -> Column:
    if not isinstance(spec, dict) or "key" not in spec or "heading" not in spec:
        raise _fail(path, f"{where}: mỗi cột cần 'key' và 'heading'")
    unknown = set(spec) - {"key", "heading", "width", "kind"}
    if unknown:
        raise _fail(path, f"{where}: khoá không hợp lệ: {', '.join(sorted(unknown))}")
    heading = spec["heading"]
    levels = tuple(str(h) for h in heading) if isinstance(heading, list) else (str(heading),)
    if not levels or any(not level.strip() for level in levels[:-1]):
        raise _fail(path, f"{where}: tiêu đề cột rỗng")
    kind = str(spec.get("kind", "text"))
    if kind not in KINDS:
        raise _fail(path, f"{where}: kind phải là một trong {', '.join(KINDS)}")
    width = spec.get("width", 12)
    if isinstance(width, bool) or not isinstance(width, (int, float)) or width <= 0:
        raise _fail(path, f"{where}: width phải là một số dương")
    return Column(str(spec["key"]), levels, float(width), cast(Kind, kind))


def load_layout(path: Path) -> Layout:
    """Read and check a layout file (every problem names the file and the place)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _fail(path, f"không đọc được: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("parts"), dict):
        raise _fail(path, "cần 'title' và 'parts'")
    unknown = set(data) - {"title", "landscape", "parts", "signatures", "notes"}
    if unknown:
        raise _fail(path, f"khoá không hợp lệ: {', '.join(sorted(unknown))}")
    parts: dict[str, PartLayout] = {}
    for key, spec in data["parts"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("columns"), list):
            raise _fail(path, f"parts.{key}: cần danh sách 'columns'")
        columns = tuple(
            _column(path, f"parts.{key}.columns[{i}]", c) for i, c in enumerate(spec["columns"])
        )
        keys = [c.key for c in columns]
        if len(set(keys)) != len(keys):
            raise _fail(path, f"parts.{key}: khoá cột trùng nhau")
        parts[str(key)] = PartLayout(
            str(spec.get("sheet", key))[:31], str(spec.get("heading", "")), columns
        )
    signatures = tuple(
        Signature(str(s["role"]), str(s.get("hint", "(Ký, ghi rõ họ tên)")))
        for s in _dicts(path, data.get("signatures", []), "signatures", "role")
    )
    return Layout(
        title=str(data.get("title", "")),
        parts=parts,
        landscape=bool(data.get("landscape", False)),
        signatures=signatures,
        notes=tuple(str(n) for n in data.get("notes", []) or []),
    )


def _dicts(path: Path, items: Any, where: str, required: str) -> Sequence[dict[str, Any]]:
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and required in i for i in items
    ):
        raise _fail(path, f"{where}: mỗi mục cần '{required}'")
    return items


def require_keys(layout: PartLayout, available: set[str], path: Path | str) -> None:
    """Every column of a layout must be one the register fills."""
    unknown = sorted(layout.keys() - available)
    if unknown:
        raise ConfigError(
            f"Mẫu báo cáo {path}: cột không có dữ liệu: {', '.join(unknown)} "
            f"(dùng được: {', '.join(sorted(available))})"
        )
