"""A store holding the known school, and its registers built once per test module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from classification.labels.fonts import register_fonts
from koha_bridge.config import Config
from koha_bridge.pull import pull
from koha_bridge.registers.build import Built, build_all, school_year
from koha_bridge.reports.layout import load_layout
from koha_bridge.reports.pdf_writer import PdfFonts
from koha_bridge.store import Store
from tests.fakekoha.server import FakeKoha, default_openapi_dir, load_spec
from tests.pull.conftest import client_for, make_config
from tests.registers import dataset, fake_school

TODAY = date(2026, 6, 15)
LAYOUTS = Path(__file__).resolve().parents[2] / "koha_bridge" / "registers" / "data"


def fonts() -> PdfFonts:
    registered = register_fonts()
    return PdfFonts(registered.regular, registered.bold)


def pulled_store(path: Path, folder: Path) -> Store:
    """A fresh store filled only by ``pull`` from a fake Koha holding the dataset."""
    fake = FakeKoha(folder / "fakekoha.sqlite", spec=load_spec(default_openapi_dir()),
                    strict=True)
    try:
        fake_school.seed(fake)
        config = make_config(per_page=7)
        store = Store(path)
        with client_for(fake, config) as client:
            pull(client, store, config)
    finally:
        fake.stop()
    problems = fake.response_violations + fake.errors + fake.request_violations
    assert not problems, problems
    return store


@pytest.fixture(scope="module", params=["direct", "pulled"])
def school_store(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The known school: written straight into the mirror, or pulled from the fake Koha."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "direct":
        store = Store(folder / "store.sqlite")
        dataset.fill(store)
    else:
        store = pulled_store(folder / "store.sqlite", folder)
    with store:
        yield store


def build(store: Store, out: Path, year: str) -> dict[str, Built]:
    config = Config()
    built = build_all(store, config, school_year(config, year), dataset.LIBRARY, out, fonts(),
                      today=TODAY)
    return {b.register.key: b for b in built}


@pytest.fixture(scope="module")
def registers(school_store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    return build(school_store, tmp_path_factory.mktemp("registers"), "2025-2026")


class Sheet:
    """A register sheet read back: its rows as dicts keyed by the layout's column keys."""

    def __init__(self, path: Path, sheet: str, layout: str, part: str) -> None:
        book = openpyxl.load_workbook(path)
        self.sheet = book[sheet]
        self.keys = [c.key for c in load_layout(LAYOUTS / f"{layout}.yaml").part(part).columns]
        self.values = [[c.value for c in row] for row in self.sheet.iter_rows()]
        depth = max(len(c.heading) for c in load_layout(LAYOUTS / f"{layout}.yaml")
                    .part(part).columns)
        first = self.sheet.freeze_panes  # e.g. "A9": data starts on row 9
        assert first is not None
        self.start = int(first[1:]) - 1
        assert self.start >= depth

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for values in self.values[self.start:]:
            if not any(v is not None for v in values):
                break
            out.append(dict(zip(self.keys, values, strict=False)))
        return out

    def title(self) -> Any:
        return self.sheet["A1"].value
