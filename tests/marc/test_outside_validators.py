"""What legacy lists and MARC files from elsewhere become passes the independent validators:
yaz-marcdump, the MARC21 slim XSD, and MARC::Lint (no warning the Unicode original lacks)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from koha_bridge.acquisitions.pipeline import prepare, records
from koha_bridge.config import AccessionConfig, ClassificationConfig, Config
from marc.io import read_records, write_marcxml, write_mrc
from tests.conftest import FIXTURES, MARC_XSD
from tests.support.validators import marc_lint, xsd_errors, yaz_marcdump

CONFIG = Config(
    accession=dataclasses.replace(AccessionConfig(), enabled=False),
    classification=dataclasses.replace(ClassificationConfig(), enabled=False),
)


def _written(records_: object, folder: Path, name: str) -> tuple[Path, Path]:
    mrc, xml = folder / f"{name}.mrc", folder / f"{name}.xml"
    write_mrc(records_, mrc)  # type: ignore[arg-type]
    write_marcxml(read_records(mrc), xml)
    return mrc, xml


def _lint(path: Path) -> list[tuple[int, str]]:
    return [(w.record, w.message) for w in marc_lint(path)[1]]


@pytest.mark.parametrize("copy", ["phieu-giao-hang-tcvn3.xls", "sample-delivery-vni.xlsx"])
def test_converted_legacy_list_passes_the_validators(copy: str, tmp_path: Path) -> None:
    original = (FIXTURES / "legacy" / "phieu-giao-hang.xlsx" if copy.startswith("phieu")
                else FIXTURES / "sample-delivery.xlsx")
    built = {}
    for name, path in (("original", original), ("copy", FIXTURES / "legacy" / copy)):
        conversion = prepare([path], CONFIG)
        built[name] = _written(records(conversion, CONFIG, store=None, today=date(2025, 10, 2)),
                               tmp_path, name)
    mrc, xml = built["copy"]
    run = yaz_marcdump(mrc)
    assert run.problems == [] and run.records > 0
    assert yaz_marcdump(xml, marcxml=True).problems == []
    assert xsd_errors(xml, MARC_XSD) == []
    assert _lint(mrc) == _lint(built["original"][0])


@pytest.mark.parametrize("name", ["broken.mrc", "marc8.mrc", "utf8-unflagged.mrc"])
def test_what_is_read_from_elsewhere_is_written_valid(name: str, tmp_path: Path) -> None:
    mrc, xml = _written(read_records(FIXTURES / "marc" / name), tmp_path, "out")
    run = yaz_marcdump(mrc)
    assert run.problems == [] and run.records in (3, 4)
    assert xsd_errors(xml, MARC_XSD) == []
    count, _ = marc_lint(mrc)
    assert count == run.records
