"""Every register's PDF: its title with diacritics intact, page numbers, a rendered page."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from koha_bridge.registers.build import Built

TITLES = {
    "tong-quat": "SỔ ĐĂNG KÝ TỔNG QUÁT", "ca-biet": "SỔ ĐĂNG KÝ CÁ BIỆT",
    "sach-giao-khoa": "SỔ ĐĂNG KÝ SÁCH GIÁO KHOA", "so-muon": "SỔ MƯỢN SÁCH",
    "kiem-ke": "BIÊN BẢN KIỂM KÊ", "thanh-ly": "BIÊN BẢN THANH LÝ",
}


@pytest.mark.parametrize("key", sorted(TITLES))
def test_register_pdf_text_and_pages(registers: dict[str, Built], key: str) -> None:
    reader = PdfReader(registers[key].pdf)
    pages = [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]
    assert TITLES[key] in pages[0]
    assert "Trường THCS Mẫu" in pages[0] and "Năm học 2025 - 2026" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts


@pytest.mark.parametrize("key", sorted(TITLES))
def test_register_first_page_renders(registers: dict[str, Built], key: str,
                                     tmp_path: Path) -> None:
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm (poppler-utils) is needed"
    subprocess.run([tool, "-png", "-r", "40", "-f", "1", "-l", "1", str(registers[key].pdf),
                    str(tmp_path / key)], check=True)
    image = next(tmp_path.glob(f"{key}*.png"))
    assert image.stat().st_size > 3000


def test_individual_register_pdf_keeps_accession_numbers_whole(
        registers: dict[str, Built]) -> None:
    text = "\n".join(p.extract_text() for p in PdfReader(registers["ca-biet"].pdf).pages)
    words = set(text.split())
    assert {f"TK.{n:05d}" for n in range(1, 19)} <= words
