"""``koha-bridge demo``: the whole job on the bundled sample delivery, no Koha needed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from cli.acq import write_records
from cli.common import AppContext, echo, pass_app
from koha_bridge.acquisitions.pipeline import prepare
from koha_bridge.acquisitions.report import rejection_lines, summary_lines, write_sheets
from koha_bridge.config import Config
from koha_bridge.store import Store
from marc.io import read_records

SAMPLE = "data/sample-delivery.xlsx"


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
    """Chạy thử trên danh sách mẫu: MARC21, báo cáo, bảng duyệt, nhãn gáy và mã vạch."""
    config = app.config if app.config_path else Config()
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Path]] = []
    conversion = prepare([sample_path()], config)
    mrc, xml = out_dir / "records.mrc", out_dir / "records.xml"
    with Store(out_dir / "koha-bridge.sqlite") as store:
        write_records(app, config, conversion, mrc, xml, store)
    files += [("Biểu ghi MARC21 (ISO 2709)", mrc), ("Biểu ghi MARCXML", xml)]
    report, review = out_dir / "baocao.xlsx", out_dir / "duyet-phan-loai.xlsx"
    files.append(("Báo cáo từng dòng", report))
    if write_sheets(conversion, report, review):
        files.append(("Bảng duyệt số phân loại", review))
    files += _labels(config, mrc, out_dir)
    rejected = rejection_lines(conversion)
    for line in [*summary_lines(conversion), *(["Dòng bị loại (lỗi cố ý trong danh sách mẫu):"]
                                                 if rejected else []), *rejected]:
        echo(app, line)
    echo(app, "")
    echo(app, f"Danh sách mẫu: {sample_path()}")
    for label, path in files:
        echo(app, f"{label}: {path}")


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
