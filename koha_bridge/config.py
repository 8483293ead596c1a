"""Configuration: one TOML file (``koha-bridge.toml``) read once into frozen dataclasses.

Secrets never live here: they come from environment variables or an owner-only file
(see ``koha_bridge.secrets``). The CLI loads the config once and passes it down.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from koha_bridge.exceptions import ConfigError

DEFAULT_CONFIG_NAME = "koha-bridge.toml"


@dataclass(frozen=True)
class Category:
    """A collection category: how its copies are typed, shelved and numbered."""

    code: str  # SGK, NV, TK, TN ...
    name: str
    item_type: str  # Koha item type (952 $y, 942 $c)
    collection: str  # Koha collection code (952 $8)
    accession_prefix: str
    location: str = ""  # Koha shelving location (952 $c); empty = none
    aliases: tuple[str, ...] = ()  # other words for it in lists and sheet names


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("SGK", "Sách giáo khoa", "SGK", "SGK", "SGK", aliases=("GK", "giáo khoa")),
    Category(
        "NV", "Sách nghiệp vụ", "SNV", "NV", "NV",
        aliases=("SNV", "GV", "nghiệp vụ", "sách giáo viên"),
    ),
    Category("TK", "Sách tham khảo", "STK", "TK", "TK", aliases=("STK", "tham khảo")),
    Category("TN", "Sách thiếu nhi", "STN", "TN", "TN", aliases=("STN", "thiếu nhi")),
    Category("BTC", "Báo, tạp chí", "BTC", "BTC", "BTC", aliases=("báo", "tạp chí")),
    Category(
        "TL", "Bản đồ, tranh ảnh, băng đĩa, tài liệu số", "TL", "TL", "TL",
        aliases=("bản đồ", "tranh ảnh", "băng đĩa"),
    ),
)


@dataclass(frozen=True)
class SchoolConfig:
    name: str = "Trường THCS Mẫu"
    level: str = "THCS"  # MN, TH, THCS, THPT
    library_id: str = "MAU"  # Koha library code (952 $a/$b, 040 $a/$c)
    managing_body: str = ""


@dataclass(frozen=True)
class KohaConfig:
    url: str = ""
    auth: str = "oauth2"  # "oauth2" or "basic"
    secrets_file: str = ""  # optional owner-only file with the credentials
    timeout: float = 30.0
    verify_tls: bool = True
    retries: int = 5
    per_page: int = 100


@dataclass(frozen=True)
class AcquisitionsConfig:
    default_category: str = "TK"
    language: str = "vie"
    acquisition_source: str = "mua"  # 952 $e when the list names no supplier
    supplier: str = ""
    expand_places: bool = False  # "H." → "Hà Nội"
    publication_field: str = "264"  # "264" (RDA _1) or "260" (AACR2, Koha-mapped)
    column_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassificationConfig:
    enabled: bool = True
    scheme: str = "ddc"
    ddc_indicator: str = "0"  # 082 ind1: 0 full edition, 1 abridged
    ddc_edition: str = "23"
    textbook_policy: str = "subject_plus_level"  # subject_plus_level | subject | cip
    min_confidence: str = "medium"  # below this, proposals go to the review sheet
    rules_file: str = ""  # extra school rules (YAML), tried before the defaults
    author_mark_strategy: str = "first3"
    call_number_parts: tuple[str, ...] = ("classification", "author_mark")
    volume_prefix: str = "T."
    class_in_942h: bool = True
    local_scheme_code: str = "bbk19"  # 084 $2 for legacy 19-class numbers


@dataclass(frozen=True)
class AccessionConfig:
    enabled: bool = True
    separator: str = "."
    width: int = 5
    textbook_numbering: str = "per_category"  # per_category | per_title
    barcode: str = "accession"  # accession | numeric
    barcode_prefix: str = ""
    barcode_width: int = 8
    barcode_check_digit: bool = False


@dataclass(frozen=True)
class LabelsConfig:
    preset: str = "a4-3x8"
    page_size: str = ""  # "A4", or "210x297" in mm; empty = from preset
    rows: int = 0
    columns: int = 0
    label_width_mm: float = 0.0
    label_height_mm: float = 0.0
    margin_top_mm: float = -1.0
    margin_left_mm: float = -1.0
    gap_x_mm: float = -1.0
    gap_y_mm: float = -1.0
    font: str = ""  # TTF path; empty = bundled DejaVu Sans
    colours: dict[str, str] = field(default_factory=dict)  # DDC main class → #RRGGBB
    collection_colours: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    school: SchoolConfig = field(default_factory=SchoolConfig)
    koha: KohaConfig = field(default_factory=KohaConfig)
    acquisitions: AcquisitionsConfig = field(default_factory=AcquisitionsConfig)
    classification: ClassificationConfig = field(default_factory=ClassificationConfig)
    accession: AccessionConfig = field(default_factory=AccessionConfig)
    labels: LabelsConfig = field(default_factory=LabelsConfig)
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    store_path: str = "koha-bridge.sqlite"
    source: Path | None = None  # the file it was read from

    def category(self, code: str) -> Category:
        for cat in self.categories:
            if cat.code == code:
                return cat
        raise ConfigError(f"Loại sách không có trong cấu hình: {code!r}")

    @property
    def koha_url(self) -> str:
        """Koha's base URL: ``KOHA_BRIDGE_URL`` wins over the config file."""
        return os.environ.get("KOHA_BRIDGE_URL") or self.koha.url


def _section(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"[{where}]: khoá không hợp lệ: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"[{where}] {key}: cần một danh sách")
            value = tuple(value)
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"[{where}] {key}: cần một bảng")
            value = {
                k: tuple(v) if isinstance(v, list) else v for k, v in value.items()
            }
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"[{where}] {key}: cần true hoặc false")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"[{where}] {key}: cần một số")
            value = type(default)(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"[{where}] {key}: cần một chuỗi")
        values[key] = value
    return cls(**values)


def _categories(data: dict[str, Any]) -> tuple[Category, ...]:
    by_code = {c.code: c for c in DEFAULT_CATEGORIES}
    for code, spec in data.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"[categories.{code}]: cần một bảng")
        base = by_code.get(code) or Category(code, code, code, code, code)
        merged = {f.name: getattr(base, f.name) for f in fields(Category)}
        for key, value in spec.items():
            if key not in merged or key == "code":
                raise ConfigError(f"[categories.{code}]: khoá không hợp lệ: {key}")
            merged[key] = tuple(value) if key == "aliases" else str(value)
        by_code[code] = Category(**merged)
    return tuple(by_code.values())


def load_config(path: Path | str | None = None) -> Config:
    """Read a config file; with no path, ``./koha-bridge.toml`` if present, else defaults."""
    if path is None:
        candidate = Path(DEFAULT_CONFIG_NAME)
        if not candidate.exists():
            return Config()
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Không tìm thấy tệp cấu hình: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Tệp cấu hình {path} không đọc được: {exc}") from exc
    sections = {
        "school": SchoolConfig,
        "koha": KohaConfig,
        "acquisitions": AcquisitionsConfig,
        "classification": ClassificationConfig,
        "accession": AccessionConfig,
        "labels": LabelsConfig,
    }
    kwargs: dict[str, Any] = {"source": path}
    for key, value in data.items():
        if key in sections:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}]: cần một bảng")
            kwargs[key] = _section(sections[key], value, key)
        elif key == "categories":
            kwargs["categories"] = _categories(value)
        elif key == "store":
            store_path = value.get("path") if isinstance(value, dict) else None
            if not isinstance(store_path, str):
                raise ConfigError("[store] path: cần một chuỗi")
            kwargs["store_path"] = store_path
        else:
            raise ConfigError(f"Mục cấu hình không hợp lệ: [{key}]")
    config = Config(**kwargs)
    _check(config)
    return config


def _check(config: Config) -> None:
    codes = {c.code for c in config.categories}
    if config.acquisitions.default_category not in codes:
        raise ConfigError(
            f"[acquisitions] default_category = {config.acquisitions.default_category!r} "
            "không phải là một loại sách đã khai báo"
        )
    if config.koha.auth not in ("oauth2", "basic"):
        raise ConfigError("[koha] auth phải là 'oauth2' hoặc 'basic'")
    if config.acquisitions.publication_field not in ("260", "264"):
        raise ConfigError("[acquisitions] publication_field phải là '260' hoặc '264'")
    if config.classification.textbook_policy not in ("cip", "subject_plus_level", "subject"):
        raise ConfigError(
            "[classification] textbook_policy phải là cip, subject_plus_level hoặc subject"
        )
    if config.accession.barcode not in ("accession", "numeric"):
        raise ConfigError("[accession] barcode phải là 'accession' hoặc 'numeric'")
    if config.accession.textbook_numbering not in ("per_category", "per_title"):
        raise ConfigError("[accession] textbook_numbering phải là per_category hoặc per_title")


def as_dict(obj: Any) -> Any:
    """A plain-data view of a config object (for ``config show``)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: as_dict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [as_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: as_dict(v) for k, v in obj.items()}
    if isinstance(obj, Path):
        return str(obj)
    return obj
