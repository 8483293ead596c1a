"""Label PDFs checked with tools that are not ours: pdfplumber, pdftoppm and zbarimg."""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import matplotlib
import pdfplumber
import pytest
import reportlab

from classification.labels import LabelOptions, write_barcode_labels, write_spine_labels
from classification.labels.layout import Sheet, sheet_from_config
from koha_bridge.config import Config, LabelsConfig, SchoolConfig
from koha_bridge.exceptions import ConfigError
from tests.classification.test_labels_data import make_record
from tests.conftest import require_tool

SCHOOL = "Trường THCS Nguyễn Du"


def config(preset: str = "a4-3x8", **labels: object) -> Config:
    return Config(
        school=SchoolConfig(name=SCHOOL),
        labels=LabelsConfig(preset=preset, **labels),  # type: ignore[arg-type]
    )


def sample_records() -> list:
    return [
        make_record("1", "Dế Mèn phiêu lưu ký", [
            ("TN", "895.9223 TOH", f"TN.0000{n}", "") for n in (1, 2, 3)
        ], ddc="895.9223"),
        make_record("2", "Tiếng Việt 1.", [("SGK", "372.6 BOG 2023 T.1", "SGK.00010", "")],
                    ddc="372.6", year="2023", volume="Tập 1"),
        make_record("3", "Toán 6", [("SGK", "510.712 TOA", "SGK.00011", "00000011")],
                    ddc="510.712"),
        make_record("4", "Lịch sử Việt Nam", [("TK", "959.7 LIC", "TK.00153", "")], ddc="959.7"),
        make_record("5", "Tin học", [("TK", "004 TIN", "TK.00009", "")], ddc="004"),
    ]


def box_texts(pdf: Path, sheet: Sheet) -> list[list[str]]:
    """Text of every sticker on every page; asserts that no character lies outside a box."""
    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            assert page.width == pytest.approx(sheet.page_width, abs=0.5)
            texts, inside = [], 0
            for box in sheet.boxes():
                top = sheet.page_height - box.y - box.height
                region = page.within_bbox((box.x, top, box.x + box.width, top + box.height))
                inside += len(region.chars)
                texts.append(region.extract_text())
            assert inside == len(page.chars), "some text lies outside every sticker"
            pages.append(texts)
    return pages


def all_text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text() for page in doc.pages)


def decode(pdf: Path, work: Path) -> list[str]:
    """Every Code 128 symbol zbarimg finds on 300 dpi renderings of the PDF."""
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    subprocess.run([pdftoppm, "-r", "300", "-gray", "-png", str(pdf), str(work / "page")],
                   check=True)
    values: list[str] = []
    for png in sorted(work.glob("page*.png")):
        result = subprocess.run(
            [zbarimg, "-q", "--raw", "-Sdisable", "-Scode128.enable", str(png)],
            capture_output=True, text=True, check=False,
        )
        values += result.stdout.split()
    return values


def test_spine_labels_text_positions_and_nfc(tmp_path: Path) -> None:
    cfg = config()
    out = tmp_path / "spine.pdf"
    report = write_spine_labels(sample_records(), cfg, out, LabelOptions(show_year=True))
    assert (report.labels, report.pages, report.warnings) == (7, 1, [])
    texts = box_texts(out, sheet_from_config(cfg.labels))[0]
    assert texts[:7] == [
        "TK\n004\nTIN\n2020",
        "SGK\n372.6\nBOG\n2023\nT.1",
        "SGK\n510.712\nTOA\n2020",
        "TN\n895.9223\nTOH\n2020",
        "TN\n895.9223\nTOH\n2020",
        "TN\n895.9223\nTOH\n2020",
        "TK\n959.7\nLIC\n2020",
    ]
    assert texts[7:] == [""] * 17


def test_spine_skip_and_accession_order(tmp_path: Path) -> None:
    cfg = config()
    out = tmp_path / "spine.pdf"
    options = LabelOptions(skip=22, sort="accession", show_volume=False)
    report = write_spine_labels(sample_records(), cfg, out, options)
    assert report.pages == 2
    first, second = box_texts(out, sheet_from_config(cfg.labels))
    assert first[:22] == [""] * 22
    assert first[22:] == ["SGK\n372.6\nBOG", "SGK\n510.712\nTOA"]  # SGK.00010, SGK.00011
    assert second[:5] == [
        "TK\n004\nTIN",  # TK.00009
        "TK\n959.7\nLIC",  # TK.00153
        "TN\n895.9223\nTOH", "TN\n895.9223\nTOH", "TN\n895.9223\nTOH",
    ]
    assert second[5:] == [""] * 19


def test_spine_per_title_shows_count(tmp_path: Path) -> None:
    cfg = config()
    out = tmp_path / "spine.pdf"
    report = write_spine_labels(sample_records(), cfg, out, LabelOptions(per_title=True))
    assert report.labels == 5
    texts = box_texts(out, sheet_from_config(cfg.labels))[0]
    assert "TN\n895.9223\nTOH\n× 3" in texts
    assert texts.count("TN\n895.9223\nTOH\n× 3") == 1


def _fills(pdf: Path) -> list[tuple[tuple[float, ...], float, float]]:
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return [
            (tuple(round(c, 3) for c in r["non_stroking_color"]), r["x0"], r["top"])
            for r in page.rects if r["fill"]
        ]


def test_spine_colour_bands_defaults_overrides_and_collection(tmp_path: Path) -> None:
    out = tmp_path / "default.pdf"
    write_spine_labels(sample_records(), config(), out)
    colours = {c for c, _, _ in _fills(out)}
    red, teal = (0.827, 0.184, 0.184), (0.0, 0.537, 0.482)  # 800 #D32F2F, 900 #00897B
    assert red in colours and teal in colours
    out2 = tmp_path / "override.pdf"
    cfg = config(colours={"800": "#000080"}, collection_colours={"TN": "#FFFF00"})
    write_spine_labels(sample_records(), cfg, out2)
    fills = _fills(out2)
    colours2 = [c for c, _, _ in fills]
    assert red not in colours2
    assert colours2.count((0.0, 0.0, 0.502)) == 3  # three TN copies of an 800 book
    assert colours2.count((1.0, 1.0, 0.0)) == 3  # the TN stripe, only on TN copies


def test_bad_colour_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="#RRGGBB"):
        write_spine_labels(sample_records(), config(colours={"800": "red"}), tmp_path / "x.pdf")
    with pytest.raises(ConfigError, match="lớp chính"):
        write_spine_labels(sample_records(), config(colours={"850": "#000000"}),
                           tmp_path / "x.pdf")


def test_barcode_labels_text_and_order(tmp_path: Path) -> None:
    cfg = config()
    out = tmp_path / "barcodes.pdf"
    report = write_barcode_labels(sample_records(), cfg, out)
    assert (report.labels, report.skipped, report.warnings) == (7, 0, [])
    texts = box_texts(out, sheet_from_config(cfg.labels))[0]
    assert texts[:7] == [
        f"{SCHOOL}\nTiếng Việt 1 - Tập 1\nSGK.00010",
        f"{SCHOOL}\nToán 6\nSGK.00011 00000011",
        f"{SCHOOL}\nTin học\nTK.00009",
        f"{SCHOOL}\nLịch sử Việt Nam\nTK.00153",
        f"{SCHOOL}\nDế Mèn phiêu lưu ký\nTN.00001",
        f"{SCHOOL}\nDế Mèn phiêu lưu ký\nTN.00002",
        f"{SCHOOL}\nDế Mèn phiêu lưu ký\nTN.00003",
    ]
    text = all_text(out)
    assert unicodedata.is_normalized("NFC", text)
    for expected in (SCHOOL, "Dế Mèn phiêu lưu ký", "Tiếng Việt 1 - Tập 1"):
        assert expected in text


def test_barcodes_decode_with_zbar(tmp_path: Path) -> None:
    records = sample_records()
    records.append(make_record("6", "Truyện cổ tích Việt Nam", [
        ("TN", "398.209597 TRU", f"TN.{n:05d}", f"{n:08d}") for n in range(100, 170)
    ], ddc="398.209597"))
    cfg = config("a4-5x13")  # the smallest stickers: 38.1 × 21.2 mm
    out = tmp_path / "barcodes.pdf"
    report = write_barcode_labels(records, cfg, out, LabelOptions(skip=3, sort="accession"))
    assert report.pages == 2
    expected = ["SGK.00010", "00000011", "TK.00009", "TK.00153",
                "TN.00001", "TN.00002", "TN.00003"] + [f"{n:08d}" for n in range(100, 170)]
    assert sorted(decode(out, tmp_path)) == sorted(expected)
    accessions = all_text(out)
    for n in range(100, 170):
        assert f"TN.{n:05d}" in accessions


def test_long_call_number_and_title_are_shrunk_inside_their_box(tmp_path: Path) -> None:
    long_class = "895.92233401234567890123456789012345678901234"
    long_title = "Tuyển tập truyện ngắn đặc sắc " * 8
    records = [make_record("1", long_title.strip(), [
        ("TK", f"{long_class} NGUYENTHIMINHKHAIHAIBATRUNG", "TK.00001", ""),
    ], ddc="895.9223")]
    cfg = config("a4-5x13")
    sheet = sheet_from_config(cfg.labels)
    spine = tmp_path / "spine.pdf"
    report = write_spine_labels(records, cfg, spine)
    first = box_texts(spine, sheet)[0][0]  # also asserts every char is inside a box
    assert first.replace("\n", "") == f"TK{long_class}NGUYENTHIMINHKHAIHAIBATRUNG"
    assert any("quá dài" in w for w in report.warnings)
    barcodes = tmp_path / "barcodes.pdf"
    report = write_barcode_labels(records, cfg, barcodes)
    label = box_texts(barcodes, sheet)[0][0]
    title_line = label.split("\n")[1]
    assert title_line.endswith("…") and long_title.startswith(title_line[:-1])
    assert any("rút gọn" in w and "1 nhan đề" in w for w in report.warnings)
    assert "TK.00001" in label


def test_config_font_must_cover_vietnamese(tmp_path: Path) -> None:
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    with pytest.raises(ConfigError, match="thiếu chữ tiếng Việt"):
        write_spine_labels(sample_records(), config(font=str(vera)), tmp_path / "x.pdf")
    with pytest.raises(ConfigError, match="không tìm thấy"):
        write_spine_labels(sample_records(), config(font=str(tmp_path / "no.ttf")),
                           tmp_path / "x.pdf")
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    with pytest.raises(ConfigError, match="thiếu chữ tiếng Việt: ảắẳ"):  # no ả in the Mono face
        write_spine_labels(sample_records(), config(font=str(ttf / "DejaVuSansMono.ttf")),
                           tmp_path / "x.pdf")
    out = tmp_path / "oblique.pdf"
    write_barcode_labels(sample_records(), config(font=str(ttf / "DejaVuSans-Oblique.ttf")), out)
    with pdfplumber.open(out) as doc:
        fonts = {c["fontname"] for c in doc.pages[0].chars}
    assert len(fonts) == 1 and next(iter(fonts)).endswith("DejaVuSans-Oblique")
    assert "Dế Mèn phiêu lưu ký" in all_text(out)


def test_copies_without_barcode_are_reported(tmp_path: Path) -> None:
    records = [*sample_records(), make_record("9", "Không số", [("TK", "004 KHO", "", "")])]
    cfg = replace(config(), school=SchoolConfig(name=""))
    report = write_barcode_labels(records, cfg, tmp_path / "b.pdf")
    assert report.skipped == 1 and report.labels == 7
    assert any("Không số" in w for w in report.warnings)


def test_moderately_long_class_number_is_shrunk_not_wrapped(tmp_path: Path) -> None:
    records = [
        make_record("1", "A", [("TK", "895.92233401234567 NGU", "TK.1", "")]),
        make_record("2", "B", [("TK", "004 TIN", "TK.2", "")]),
    ]
    cfg = config("a4-5x13")
    out = tmp_path / "spine.pdf"
    report = write_spine_labels(records, cfg, out)
    assert report.warnings == []
    texts = box_texts(out, sheet_from_config(cfg.labels))[0]
    assert texts[:2] == ["TK\n004\nTIN", "TK\n895.92233401234567\nNGU"]
    with pdfplumber.open(out) as doc:
        normal = {c["size"] for c in doc.pages[0].chars if c["text"] == "I"}  # TIN
        long_sizes = [c["size"] for c in doc.pages[0].chars if c["text"] == "3"]
    assert len(normal) == 1
    assert max(long_sizes) < normal.pop() * 0.95  # shrunk …
    assert min(long_sizes) >= 5.0  # … but not below the minimum


def test_thin_bars_are_reported_once(tmp_path: Path) -> None:
    copies = [("TK", "004 TIN", f"TK.{n}", f"TK-2025-{n:012d}-A") for n in range(3)]
    report = write_barcode_labels([make_record("1", "Tin học", copies)], config("a4-5x13"),
                                  tmp_path / "b.pdf")
    thin = [w for w in report.warnings if "vạch hẹp" in w]
    assert len(thin) == 1 and thin[0].startswith("3 mã vạch")
