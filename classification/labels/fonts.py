"""The embedded Unicode font (registered once) and text fitting with cached metrics.

Default: DejaVu Sans as shipped by matplotlib (covers every Vietnamese letter). A TTF
named in ``[labels] font`` replaces it after a coverage check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from marc.errors import ConfigError
from marc.settings import LabelsConfig

_VI_LOWER = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ"
    "pqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIETNAMESE_LETTERS = _VI_LOWER + _VI_LOWER.upper()
ELLIPSIS = "…"


@dataclass(frozen=True)
class Fonts:
    """Registered reportlab font names."""

    regular: str
    bold: str


def _dejavu_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _load(name: str, path: Path) -> TTFont:
    try:
        font = TTFont(name, str(path))
    except (OSError, TTFError) as exc:
        raise ConfigError(f"[labels] font: không đọc được phông chữ {path}: {exc}") from exc
    missing = [ch for ch in VIETNAMESE_LETTERS if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise ConfigError(
            f"[labels] font: phông {path} thiếu chữ tiếng Việt: {''.join(missing[:20])}"
        )
    return font


@cache
def register_fonts(path: str = "") -> Fonts:
    """Register the label font(s) with reportlab once per path; returns their names."""
    if path:
        font_path = Path(path).expanduser()
        if not font_path.is_file():
            raise ConfigError(f"[labels] font: không tìm thấy tệp phông chữ {font_path}")
        name = "KBLabel-" + hashlib.sha1(str(font_path.resolve()).encode()).hexdigest()[:8]
        pdfmetrics.registerFont(_load(name, font_path))
        return Fonts(name, name)
    fonts = Fonts("KBDejaVuSans", "KBDejaVuSans-Bold")
    base = _dejavu_dir()
    pdfmetrics.registerFont(_load(fonts.regular, base / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(_load(fonts.bold, base / "DejaVuSans-Bold.ttf"))
    return fonts


def fonts_for(config: LabelsConfig) -> Fonts:
    return register_fonts(config.font)


@dataclass
class TextFitter:
    """Shrinks, wraps or shortens text to a width; string widths are cached per font."""

    min_size: float = 5.0
    _widths: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def width(self, text: str, font: str, size: float) -> float:
        key = (font, text)
        unit = self._widths.get(key)
        if unit is None:
            unit = pdfmetrics.stringWidth(text, font, 1.0)
            self._widths[key] = unit
        return unit * size

    def size_for(self, text: str, font: str, size: float, max_width: float) -> float:
        """The largest size ≤ ``size`` at which ``text`` fits (never below ``min_size``)."""
        unit = self.width(text, font, 1.0)
        if unit * size <= max_width or unit == 0:
            return size
        return max(self.min_size, max_width / unit * 0.999)

    def fits(self, text: str, font: str, size: float, max_width: float) -> bool:
        return self.width(text, font, size) <= max_width

    def wrap(self, text: str, font: str, size: float, max_width: float) -> list[str]:
        """Break at spaces, or inside a word when a word alone is too wide."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if self.fits(candidate, font, size, max_width):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for ch in word:
                if current and not self.fits(current + ch, font, size, max_width):
                    lines.append(current)
                    current = ""
                current += ch
        if current:
            lines.append(current)
        return lines

    def ellipsize(self, text: str, font: str, size: float, max_width: float) -> str:
        """``text`` if it fits, else the longest prefix (at a word if possible) + ``…``."""
        if self.fits(text, font, size, max_width):
            return text
        low, high = 0, len(text)
        while low < high:
            mid = (low + high + 1) // 2
            if self.fits(text[:mid].rstrip() + ELLIPSIS, font, size, max_width):
                low = mid
            else:
                high = mid - 1
        cut = text[:low]
        space = cut.rfind(" ")
        if space > len(cut) * 0.6:
            cut = cut[:space]
        return cut.rstrip(" ,.;:-–") + ELLIPSIS
