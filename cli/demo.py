"""``koha-bridge demo``: the whole job on the bundled sample delivery, no Koha needed."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import click

from cli.acq import write_records
from cli.common import AppContext, echo, pass_app
from koha_bridge.acquisitions.pipeline import prepare
from koha_bridge.acquisitions.report import rejection_lines, summary_lines, write_sheets
from koha_bridge.config import Config
from koha_bridge.demo import school
from koha_bridge.registers.build import build_all, pdf_fonts, school_year
from koha_bridge.standards.run import demo_outputs
from koha_bridge.store import Store
from marc.io import read_records

SAMPLE = "data/sample-delivery.xlsx"
DEMO_YEAR = "2025-2026"
DEMO_TODAY = date(2026, 5, 31)  # the registers as the librarian sees them at the year's end


def sample_path() -> Path:
    """The bundled sample supplier list (installed with the package)."""
    return Path(str(resources.files("cli").joinpath(SAMPLE)))


@click.command("demo")
@click.option(
    "--out", "out_dir", default="koha-bridge-demo", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi kết quả.",
)
@pass_app
def demo(app: AppContext, out_dir: Path) -> None:
    """Chạy thử trên danh sách mẫu: MARC21, báo cáo, nhãn gáy, mã vạch và sổ sách thư viện."""
    config = app.config if app.config_path else Config()
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Path]] = []
    conversion = prepare([sample_path()], config)
    mrc, xml = out_dir / "records.mrc", out_dir / "records.xml"
    store_path = out_dir / "koha-bridge.sqlite"
    for stale in out_dir.glob("koha-bridge.sqlite*"):  # the demo's own store, made afresh
        stale.unlink()
    variants = school.schools(config)
    with Store(store_path) as store:
        school.continue_numbering(store, config, variants[0])
        write_records(app, config, conversion, mrc, xml, store)
    files += [("Biểu ghi MARC21 (ISO 2709)", mrc), ("Biểu ghi MARCXML", xml)]
    report, review = out_dir / "baocao.xlsx", out_dir / "duyet-phan-loai.xlsx"
    files.append(("Báo cáo từng dòng", report))
    review.unlink(missing_ok=True)  # a sheet of an earlier run would mislead
    if write_sheets(conversion, report, review):
        files.append(("Bảng duyệt số phân loại", review))
    else:
        echo(app, "Bảng duyệt số phân loại: không cần, mọi nhan đề đã có số phân loại")
    files += _labels(config, mrc, out_dir)
    files += _registers(app, config, store_path, mrc, variants, out_dir / "so-sach")
    with Store(store_path) as store:
        files += demo_outputs(store, config, school_year(config, DEMO_YEAR),
                              variants[0].library_id, out_dir / "thong-ke")
    rejected = rejection_lines(conversion)
    for line in [*summary_lines(conversion), *(["Dòng bị loại (lỗi cố ý trong danh sách mẫu):"]
                                                 if rejected else []), *rejected]:
        echo(app, line)
    echo(app, "")
    echo(app, f"Danh sách mẫu: {sample_path()}")
    for label, path in files:
        echo(app, f"{label}: {path}")


def _registers(app: AppContext, config: Config, store_path: Path, mrc: Path,
               variants: tuple[school.DemoSchool, ...], out: Path) -> list[tuple[str, Path]]:
    """The sample school's mirror of Koha, then every register of its school year."""
    records = list(read_records(mrc))
    with Store(store_path) as store:
        for variant in variants:
            school.fill_school(store, config, variant, records if variant.with_sample else ())
        built = build_all(store, config, school_year(config, DEMO_YEAR), variants[0].library_id,
                          out, pdf_fonts(config), today=DEMO_TODAY)
    echo(app, f"Trường mẫu: {', '.join(v.name for v in variants)} (kho {store_path})")
    return [(f"{b.register.title} ({DEMO_YEAR})", path) for b in built
            for path in (b.xlsx, b.pdf)]


def _labels(config: Config, mrc: Path, out_dir: Path) -> list[tuple[str, Path]]:
    from classification.labels import write_barcode_labels, write_spine_labels

    spine, barcodes = out_dir / "nhan-gay.pdf", out_dir / "nhan-ma-vach.pdf"
    records = list(read_records(mrc))
    made = write_spine_labels(records, config, spine)
    held = f"; {made.skipped} bản chờ duyệt số phân loại" if made.skipped else ""
    bars = write_barcode_labels(records, config, barcodes)
    return [
        (f"Nhãn gáy ({made.labels} nhãn{held})", spine),
        (f"Nhãn mã vạch ({bars.labels} nhãn)", barcodes),
    ]


COMMANDS = [demo]
