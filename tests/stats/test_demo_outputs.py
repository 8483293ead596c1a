"""``koha-bridge demo`` also writes the statistics, the TT16 evidence and the roll-up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pypdf
from click.testing import CliRunner

from cli.main import cli

YEAR = "2025-2026"


def test_demo_writes_statistics_evidence_and_rollup(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    folder = out / "thong-ke"
    stats_pdf = folder / f"thongke-MAU-{YEAR}.pdf"
    assert sum(len(p.images) for p in pypdf.PdfReader(stats_pdf).pages) == 8
    assert (folder / f"tt16-minhchung-MAU-{YEAR}.pdf").exists()
    assert (folder / f"tt16-nhap-tay-{YEAR}.toml").exists()
    ws = openpyxl.load_workbook(folder / f"tonghop-{YEAR}.xlsx", read_only=True)["Tổng hợp"]
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "STT") + 2
    schools, total = rows[start:-1], rows[-1]
    conn = sqlite3.connect(out / "koha-bridge.sqlite")
    libraries = [r[0] for r in conn.execute("SELECT library_id FROM koha_libraries ORDER BY 1")]
    assert [r[1] for r in schools] == libraries and len(libraries) == 2
    assert total[2] == "Tổng cộng"
    assert total[3] == sum(r[3] for r in schools) > 0  # copies at the year's end
    loans = conn.execute("SELECT COUNT(*) FROM koha_checkouts WHERE checkout_date >= ?"
                         " AND checkout_date < ?", ("2025-09-01", "2026-09-01")).fetchone()[0]
    assert total[12] == sum(r[12] for r in schools) == loans
    mau = next(r for r in schools if r[1] == "MAU")
    assert mau[-3] != "Chưa đánh giá"  # the demo's TT16 check was recorded for the roll-up
