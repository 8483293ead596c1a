"""Across the issues: two delivery notes → convert → push → pull into a fresh store →
the registers, against the fake Koha in strict mode.

The notes carry the same titles under the same file name (``giao-hang.xlsx``) but
different document numbers and dates: the general register must show one line per
document, the individual register every copy once, from Koha's data alone.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from pymarc import MARCReader

from cli.main import cli
from koha_bridge.config import Config
from koha_bridge.pull import pull
from koha_bridge.registers.build import Built, build_all, school_year
from koha_bridge.store import Store
from tests.acquisitions.test_deliveries import BOOKS, COMPANY, note
from tests.fakekoha import FakeKoha
from tests.pull.conftest import client_for, make_config
from tests.registers.conftest import Sheet, fonts

NOTES = (("131/PGH", "02/10/2025", date(2025, 10, 2)), ("145/PGH", "20/10/2025",
                                                        date(2025, 10, 20)))
COPIES = sum(b[4] for b in BOOKS)
VALUE = sum(b[3] * b[4] for b in BOOKS)


def _cli(tmp_path: Path, fake: FakeKoha, *args: str) -> str:
    config = tmp_path / "koha-bridge.toml"
    config.write_text("[koha]\nretries = 1\ntimeout = 5.0\n", encoding="utf-8")
    env = {"KOHA_BRIDGE_URL": fake.url, "KOHA_BRIDGE_CLIENT_ID": fake.client_id,
           "KOHA_BRIDGE_CLIENT_SECRET": fake.client_secret}
    result = CliRunner().invoke(
        cli, ["--config", str(config), "--db", str(tmp_path / "kb.sqlite"), *args],
        env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _build(store: Store, out: Path) -> dict[str, Built]:
    config = Config()
    built = build_all(store, config, school_year(config, "2025-2026"), "MAU", out, fonts(),
                      today=date(2026, 6, 15))
    return {b.register.key: b for b in built}


def _cells(built: dict[str, Built]) -> dict[str, dict[str, list[list[Any]]]]:
    out = {}
    for key, item in built.items():
        book = openpyxl.load_workbook(item.xlsx)
        out[key] = {name: [[c.value for c in row] for row in book[name].iter_rows()]
                    for name in book.sheetnames}
    return out


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def test_two_notes_pushed_then_pulled_fresh_give_the_registers(fake_koha: FakeKoha,
                                                              tmp_path: Path) -> None:
    accessions: list[str] = []
    for n, (document, day, _) in enumerate(NOTES):
        sheet = note(tmp_path / f"note{n}", document, day)
        _cli(tmp_path, fake_koha, "acquisitions", "convert", str(sheet),
             "--out", str(sheet.with_suffix(".mrc")))
        with sheet.with_suffix(".mrc").open("rb") as handle:
            accessions += [f["i"] for r in MARCReader(handle, to_unicode=True, force_utf8=True)
                           for f in r.get_fields("952")]
        _cli(tmp_path, fake_koha, "push", str(sheet.with_suffix(".mrc")))
    assert len(accessions) == 2 * COPIES == len(set(accessions))
    assert len(fake_koha.items()) == 2 * COPIES
    assert len(fake_koha.biblios()) == len(BOOKS)  # the second note's copies join the titles

    config = make_config(per_page=5)
    with client_for(fake_koha, config) as client, Store(tmp_path / "kb.sqlite") as pushing, \
            Store(tmp_path / "fresh.sqlite") as fresh:
        pull(client, pushing, config)
        pull(client, fresh, config)
        own = _build(pushing, tmp_path / "own")
        built = _build(fresh, tmp_path / "fresh")
    fake_koha.assert_clean()
    assert _cells(built) == _cells(own)

    intake = Sheet(built["tong-quat"].xlsx, "Phần I - Nhập", "tong-quat", "intake").rows()
    lines = [r for r in intake if r.get("copies") is not None
             and r.get("source") not in ("Cộng", "Tổng cộng")]
    assert len(lines) == len(NOTES)
    for line, (document, day, when) in zip(sorted(lines, key=lambda r: r["date"]), NOTES,
                                           strict=True):
        assert line["document"] == f"{document} ngày {day}"
        assert _day(line["date"]) == when
        assert line["source"] == COMPANY
        assert (line["copies"], line["value"]) == (COPIES, VALUE)
        assert line["cat_TK"] == COPIES
    numbers = {line["document"]: line["number"] for line in lines}
    assert len(set(numbers.values())) == len(NOTES)

    copies = [r for r in Sheet(built["ca-biet"].xlsx, "TK - Sách tham khảo", "ca-biet",
                               "copies").rows() if r["accession"]]
    assert sorted(r["accession"] for r in copies) == sorted(accessions)
    assert len({r["accession"] for r in copies}) == len(copies)
    per_register = {n: sum(r["register_number"] == n for r in copies) for n in numbers.values()}
    assert per_register == {n: COPIES for n in numbers.values()}
