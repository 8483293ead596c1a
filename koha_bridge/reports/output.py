"""Write one ``Report`` as its XLSX and its PDF side by side."""

from __future__ import annotations

from pathlib import Path

from classification.labels.fonts import register_fonts
from koha_bridge.reports.model import Report
from koha_bridge.reports.pdf_writer import PdfFonts, write_pdf
from koha_bridge.reports.xlsx_writer import write_xlsx


def write_both(report: Report, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """``out_dir/stem.xlsx`` and ``out_dir/stem.pdf`` (the PDF in bundled DejaVu Sans)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fonts = register_fonts()
    xlsx = write_xlsx(report, out_dir / f"{stem}.xlsx")
    pdf = write_pdf(report, out_dir / f"{stem}.pdf", PdfFonts(fonts.regular, fonts.bold))
    return xlsx, pdf
