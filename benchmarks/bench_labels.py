"""Spine and barcode labels for 10,000 copies against a bare reportlab loop.

Each measurement runs in its own subprocess, so peak memory (``ru_maxrss``) is clean.
The bare loop draws the same strings and Code 128 symbols at the same grid positions,
with fixed font sizes and no fitting, ordering or warnings: the floor for reportlab.

    .venv/bin/python benchmarks/bench_labels.py [--copies 10000] [--preset a4-3x8]

Targets: our run within 2.0× the bare loop's time, and under 400 MB peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

TIME_RATIO = 2.0
PEAK_MB = 400.0
COPIES_PER_TITLE = 5
CLASSES = ["004", "158.1", "372.7", "398.209597", "495.9223", "510.712", "646.7", "741.5",
           "895.9223", "959.7"]
AUTHORS = ["NGU", "TOH", "TRA", "LEV", "BOG", "PHA", "HOA", "ROW"]
WORDS = ["Tiếng Việt", "Dế Mèn", "phiêu lưu ký", "Truyện cổ tích", "Lịch sử", "Việt Nam",
         "Toán", "Kết nối tri thức", "với cuộc sống", "Khoa học tự nhiên", "Âm nhạc"]
COLLECTIONS = ["SGK", "NV", "TK", "TN"]


def make_records(copies: int) -> list[Record]:
    """Titles with five copies each, accession numbers per collection series."""
    records: list[Record] = []
    counters = dict.fromkeys(COLLECTIONS, 0)
    for number in range((copies + COPIES_PER_TITLE - 1) // COPIES_PER_TITLE):
        klass = CLASSES[number % len(CLASSES)]
        mark = AUTHORS[number % len(AUTHORS)]
        collection = COLLECTIONS[number % len(COLLECTIONS)]
        words = [WORDS[(number * 7 + k) % len(WORDS)] for k in range(1 + number % 6)]
        record = Record()
        record.add_field(Field(tag="001", data=str(number + 1)))
        record.add_field(Field(tag="245", indicators=Indicators("0", "0"),
                               subfields=[Subfield("a", " ".join(words) + f" {number}")]))
        record.add_field(Field(tag="082", indicators=Indicators("0", "4"),
                               subfields=[Subfield("a", klass)]))
        for _ in range(min(COPIES_PER_TITLE, copies - number * COPIES_PER_TITLE)):
            counters[collection] += 1
            accession = f"{collection}.{counters[collection]:05d}"
            record.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[
                Subfield("8", collection), Subfield("o", f"{klass} {mark}"),
                Subfield("i", accession),
            ]))
        records.append(record)
    return records


def _ours(kind: str, records: list[Record], preset: str, out: Path) -> int:
    from classification.labels import LabelOptions, write_barcode_labels, write_spine_labels
    from koha_bridge.config import Config, LabelsConfig, SchoolConfig

    config = Config(school=SchoolConfig(name="Trường THCS Nguyễn Du"),
                    labels=LabelsConfig(preset=preset))
    if kind == "spine":
        return write_spine_labels(records, config, out).labels
    return write_barcode_labels(records, config, out, LabelOptions(sort="accession")).labels


def _bare(kind: str, records: list[Record], preset: str, out: Path) -> int:
    """The same strings and symbols on the same grid, with nothing but reportlab calls."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.colors import HexColor, black
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from classification.labels.fonts import register_fonts
    from classification.labels.layout import sheet_from_config
    from koha_bridge.config import LabelsConfig

    fonts = register_fonts("")
    sheet = sheet_from_config(LabelsConfig(preset=preset))
    boxes = sheet.boxes()
    canvas = Canvas(str(out), pagesize=(sheet.page_width, sheet.page_height))
    bands = {str(d): HexColor(c) for d, c in enumerate(
        ["#9E9E9E", "#795548", "#7B1FA2", "#F57C00", "#E91E63", "#388E3C", "#1976D2",
         "#FBC02D", "#D32F2F", "#00897B"])}
    count = 0
    for record in records:
        title = record["245"]["a"]
        for item in record.get_fields("952"):
            if count and count % sheet.per_page == 0:
                canvas.showPage()
            box = boxes[count % sheet.per_page]
            centre, top = box.x + box.width / 2, box.y + box.height
            klass, mark = item["o"].split()
            if kind == "spine":
                canvas.setFillColor(bands[klass[0]])
                canvas.rect(box.x, top - 5 * mm, box.width, 5 * mm, stroke=0, fill=1)
                canvas.setFillColor(black)
                for n, (text, font) in enumerate(((item["8"], fonts.regular),
                                                  (klass, fonts.bold), (mark, fonts.bold))):
                    canvas.setFont(font, 11)
                    canvas.drawCentredString(centre, top - 10 * mm - n * 13, text)
            else:
                canvas.setFont(fonts.bold, 7)
                canvas.drawCentredString(centre, top - 8, "Trường THCS Nguyễn Du")
                canvas.setFont(fonts.regular, 6)
                canvas.drawCentredString(centre, top - 16, title[:40])
                Code128(item["i"], barWidth=0.4 * mm, barHeight=12 * mm, humanReadable=0,
                        lquiet=4 * mm, rquiet=4 * mm).drawOn(canvas, box.x + 2 * mm, box.y + 12)
                canvas.setFont(fonts.bold, 9)
                canvas.drawCentredString(centre, box.y + 3, item["i"])
            count += 1
    canvas.save()
    return count


def _child(which: str, kind: str, copies: int, preset: str) -> None:
    records = make_records(copies)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "labels.pdf"
        start = time.perf_counter()
        labels = (_ours if which == "ours" else _bare)(kind, records, preset, out)
        seconds = time.perf_counter() - start
        size = out.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "labels": labels, "bytes": size}))


def _measure(which: str, kind: str, copies: int, preset: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", which, kind, "--copies", str(copies),
         "--preset", preset],
        capture_output=True, text=True, check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10_000)
    parser.add_argument("--preset", default="a4-3x8")
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "KIND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.copies, args.preset)
        return
    print(f"{args.copies} copies, preset {args.preset}, one subprocess per run")
    print(f"{'labels':<8} {'ours s':>8} {'bare s':>8} {'ratio':>6} {'ours MB':>8} "
          f"{'bare MB':>8} {'PDF MB':>7}  targets")
    ok = True
    for kind in ("spine", "barcode"):
        ours = _measure("ours", kind, args.copies, args.preset)
        bare = _measure("bare", kind, args.copies, args.preset)
        ratio = ours["seconds"] / bare["seconds"]
        met = ratio <= TIME_RATIO and ours["peak_mb"] <= PEAK_MB
        ok = ok and met and ours["labels"] == args.copies
        print(f"{kind:<8} {ours['seconds']:>8.2f} {bare['seconds']:>8.2f} {ratio:>6.2f} "
              f"{ours['peak_mb']:>8.0f} {bare['peak_mb']:>8.0f} {ours['bytes'] / 1e6:>7.1f}  "
              f"{'ok' if met else 'MISSED'} (≤ {TIME_RATIO}×, ≤ {PEAK_MB:.0f} MB)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
