"""Configuration: one TOML file (``koha-bridge.toml``) read once into frozen dataclasses.

Secrets never live here: they come from environment variables or an owner-only file
(see ``koha_bridge.koha.secrets``). The CLI loads the config once and passes it down.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from koha_bridge.copycat.target import SruTarget  # not .sru: that one imports requests
from koha_bridge.exceptions import ConfigError
from marc.settings import (
    DEFAULT_CATEGORIES,
    AccessionConfig,
    AcquisitionsConfig,
    Category,
    ClassificationConfig,
    LabelsConfig,
    SchoolConfig,
    Settings,
)

__all__ = [
    "DEFAULT_CATEGORIES", "AccessionConfig", "AcquisitionsConfig", "Category",
    "ClassificationConfig", "Config", "CopyCataloguingConfig", "KohaConfig", "LabelsConfig",
    "PatronsConfig",
    "RegistersConfig", "SchoolConfig", "Settings", "load_config",
]

DEFAULT_CONFIG_NAME = "koha-bridge.toml"
WITHDRAWAL_REASONS = ("damaged", "outdated", "lost", "other")


@dataclass(frozen=True)
class KohaConfig:
    url: str = ""
    auth: str = "oauth2"  # "oauth2" or "basic"
    secrets_file: str = ""  # optional owner-only file with the credentials
    timeout: float = 30.0
    verify_tls: bool = True
    retries: int = 5
    per_page: int = 100
    workers: int = 4  # parallel page reads (pull); keep modest, Koha's workers are few


@dataclass(frozen=True)
class PatronsConfig:
    """The yearly roster sync: Koha categories, expiry rules (``MM-DD``), card sheets."""

    pupil_category: str = "HS"  # Koha category_id of pupils
    teacher_category: str = "GV"  # Koha category_id of teachers and staff
    last_grade: int = 0  # the grade that leaves the school; 0 = from [school] level
    pupil_expiry: str = "07-31"  # continuing pupils: this day of the year's end
    last_grade_expiry: str = "06-30"  # pupils in the last grade: this day of the year's end
    leaver_expiry: str = "07-31"  # leavers: at the latest this day of the previous end
    teacher_expiry: str = "2099-12-31"  # teachers: far future until they leave
    local_id_prefix: str = ""  # card number prefix when only a school code is known
    card_preset: str = "a4-2x5-card"  # card sheet (classification/data/label-presets.csv)
    card_photo: bool = False  # leave a photo box on each card


@dataclass(frozen=True)
class RegistersConfig:
    """How the registers read Koha's data (see README, "Sổ sách thư viện")."""

    year_start: str = "09-01"  # MM-DD: school year 2025-2026 = 2025-09-01 .. 2026-08-31
    individual_categories: tuple[str, ...] = ("NV", "TK", "TN")  # in the sổ đăng ký cá biệt
    textbook_categories: tuple[str, ...] = ("SGK",)  # in the sổ đăng ký sách giáo khoa
    staff_categories: tuple[str, ...] = ("GV", "NV", "CB")  # Koha patron categories of staff
    # Koha WITHDRAWN value → reason: damaged | outdated | lost | other
    withdrawn_reasons: dict[str, str] = field(
        default_factory=lambda: {"1": "other", "2": "damaged", "3": "outdated", "4": "lost"}
    )
    headings_dir: str = ""  # the school's own register layouts (YAML), by file name
    general_dates: str = "numeric"  # sổ tổng quát: "numeric" 26/11/2007 or "roman" 26.XI.2007


@dataclass(frozen=True)
class CopyCataloguingConfig:
    """SRU catalogues asked for a class number by ISBN (none by default: may be offline)."""

    enabled: bool = False
    timeout: float = 10.0
    targets: tuple[SruTarget, ...] = ()


@dataclass(frozen=True)
class Config(Settings):
    """The whole configuration: the catalogue settings plus Koha, the store and patrons."""

    koha: KohaConfig = field(default_factory=KohaConfig)
    patrons: PatronsConfig = field(default_factory=PatronsConfig)
    registers: RegistersConfig = field(default_factory=RegistersConfig)
    copy_cataloguing: CopyCataloguingConfig = field(default_factory=CopyCataloguingConfig)
    store_path: str = "koha-bridge.sqlite"

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


def _copy_cataloguing(data: Any) -> CopyCataloguingConfig:
    if not isinstance(data, dict):
        raise ConfigError("[copy_cataloguing]: cần một bảng")
    specs = data.get("targets", [])
    if not isinstance(specs, list) or not all(isinstance(t, dict) for t in specs):
        raise ConfigError("[copy_cataloguing] targets: cần các bảng [[copy_cataloguing.targets]]")
    targets = []
    for n, spec in enumerate(specs, start=1):
        where = f"copy_cataloguing.targets {n}"
        target: SruTarget = _section(SruTarget, spec, where)
        if not target.name or not target.url:
            raise ConfigError(f"[{where}]: cần 'name' và 'url'")
        if target.confidence not in ("unconfirmed", "low", "medium", "high"):
            raise ConfigError(f"[{where}] confidence phải là high, medium, low hoặc unconfirmed")
        targets.append(target)
    rest = {k: v for k, v in data.items() if k != "targets"}
    base: CopyCataloguingConfig = _section(CopyCataloguingConfig, rest, "copy_cataloguing")
    return replace(base, targets=tuple(targets))


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
        "patrons": PatronsConfig,
        "registers": RegistersConfig,
    }
    kwargs: dict[str, Any] = {"source": path}
    for key, value in data.items():
        if key in sections:
            if not isinstance(value, dict):
                raise ConfigError(f"[{key}]: cần một bảng")
            kwargs[key] = _section(sections[key], value, key)
        elif key == "copy_cataloguing":
            kwargs[key] = _copy_cataloguing(value)
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
    if config.registers.general_dates not in ("numeric", "roman"):
        raise ConfigError("[registers] general_dates phải là 'numeric' hoặc 'roman'")
    reasons = set(config.registers.withdrawn_reasons.values()) - set(WITHDRAWAL_REASONS)
    if reasons:
        raise ConfigError(
            f"[registers] withdrawn_reasons: lý do không hợp lệ {', '.join(sorted(reasons))} "
            f"(dùng: {', '.join(WITHDRAWAL_REASONS)})"
        )
    _check_patrons(config.patrons)


def _check_patrons(patrons: PatronsConfig) -> None:
    for key in ("pupil_expiry", "last_grade_expiry", "leaver_expiry"):
        value = getattr(patrons, key)
        if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
            raise ConfigError(f"[patrons] {key} = {value!r}: cần dạng 'MM-DD', ví dụ '07-31'")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", patrons.teacher_expiry):
        raise ConfigError("[patrons] teacher_expiry: cần dạng 'YYYY-MM-DD'")
    if not 0 <= patrons.last_grade <= 12:
        raise ConfigError("[patrons] last_grade phải từ 0 đến 12")
    for key in ("pupil_category", "teacher_category"):
        if not 0 < len(getattr(patrons, key)) <= 10:
            raise ConfigError(f"[patrons] {key}: cần một mã hạng bạn đọc Koha (tối đa 10 ký tự)")


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
