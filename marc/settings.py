"""Settings the bibliographic and classification layers read: plain frozen dataclasses.

``koha_bridge.config`` reads them from the TOML file (``Config`` extends ``Settings`` with
Koha and store settings); ``marc`` and ``classification`` see only these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from marc.errors import ConfigError


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
    min_confidence: str = "low"  # below this, proposals go to the review sheet (see README)
    rules_file: str = ""  # extra school rules (YAML), tried before the defaults
    model: bool = True  # the title model proposes where no rule answers
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
class Settings:
    """What the catalogue-building layers need to know of the school's configuration."""

    school: SchoolConfig = field(default_factory=SchoolConfig)
    acquisitions: AcquisitionsConfig = field(default_factory=AcquisitionsConfig)
    classification: ClassificationConfig = field(default_factory=ClassificationConfig)
    accession: AccessionConfig = field(default_factory=AccessionConfig)
    labels: LabelsConfig = field(default_factory=LabelsConfig)
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    source: Path | None = None  # the file it was read from (relative paths start there)

    def category(self, code: str) -> Category:
        for cat in self.categories:
            if cat.code == code:
                return cat
        raise ConfigError(f"Loại sách không có trong cấu hình: {code!r}")
