"""A store of before deliveries keeps working: migration ``021_delivery_item_keys``.

The old store is made the way the old code made it: migrations up to ``010`` and
accession numbers keyed ``<001>|koha-bridge: <file> [<sheet>] dòng <row>|<copy>``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from pymarc import Subfield

from classification.accession import AccessionBook, Request
from cli.main import cli
from koha_bridge.acquisitions.pipeline import prepare
from koha_bridge.config import Config
from koha_bridge.store import Store
from koha_bridge.store.migrations import MIGRATIONS
from marc.build import record_id
from tests.acquisitions.test_deliveries import BOOKS, convert, deliveries, note, numbers


def old_store(path: Path, note_path: Path) -> dict[str, str]:
    """A store as the old code left it after converting ``note_path``: key → accession."""
    store = Store(path, migrate=False)
    store.applied_migrations()
    for name, step in MIGRATIONS:
        if name >= "020":
            break
        with store.atomic() as conn:
            step(conn)
            conn.execute("INSERT INTO _migrations VALUES (?, ?)",
                         (name, datetime.now().isoformat()))
    conversion = prepare([note_path], Config())
    requests = []
    for title in conversion.titles:
        rid = record_id(title)
        keys = [f"{rid}|koha-bridge: {c.source}|{c.copy_number}" for c in title.copies]
        requests.append(Request(title.copies[0].category, keys, rid))
    given = AccessionBook(store, Config()).allocate_many(requests)
    store.close()
    keys = [k for r in requests for k in r.item_keys]
    return {str(k): accession for k, (accession, _, _) in zip(keys, given, strict=True)}


def test_old_numbers_are_migrated_and_found_again(tmp_path: Path) -> None:
    path = note(tmp_path / "a", "131/PGH", "02/10/2025")
    old = old_store(tmp_path / "kb.sqlite", path)
    assert len(old) == 6
    with Store(tmp_path / "kb.sqlite") as store:  # opening migrates
        assert store.pending_migrations() == []
        keys = {r[0] for r in store.query("SELECT item_key FROM accessions")}
        legacy = store.query("SELECT register_number, legacy_file, titles, copies"
                             " FROM deliveries")
    assert [tuple(r) for r in legacy] == [(1, "giao-hang.xlsx", 3, 6)]
    assert all(k.split("|")[1] == "TQ1" for k in keys)
    # converting the same note again keeps every old number
    out, records = convert(tmp_path, path)
    assert set(numbers(records).values()) == set(old.values())
    assert "TQ 1 (phiếu đã đánh số trước khi có sổ phiếu)" in out
    assert "cấp mới 0, dùng lại số của lần chuyển trước 6" in out
    assert deliveries(tmp_path, "list").splitlines()[1].split("\t")[:3] == [
        "TQ 1", "131/PGH", "02/10/2025"]
    # a MARC file of the old days (old $x, numbers in $i) is known, not a conflict
    old_file = tmp_path / "old.mrc"
    with old_file.open("wb") as handle:
        for record in records:
            for item in record.get_fields("952"):
                source = next(k for k, v in old.items() if v == item["i"]).split("|")[1]
                item.subfields = [s for s in item.subfields if s.code != "x"]
                item.subfields.append(Subfield("x", source))
            handle.write(record.as_marc())
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "accession",
                                      "assign", str(old_file), "--out", str(tmp_path / "o.mrc")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "bản đã có số ĐKCB: 6 (ghi nhận vào kho: 0)" in result.output
    # a later, different note under the same file name gets new numbers
    later = numbers(convert(tmp_path, note(tmp_path / "a", "145/PGH", "20/10/2025"))[1])
    assert not set(later.values()) & set(old.values())


def test_a_legacy_delivery_is_not_taken_by_other_rows(tmp_path: Path) -> None:
    path = note(tmp_path / "a", None, None)
    old = old_store(tmp_path / "kb.sqlite", path)
    other = note(tmp_path / "a", "9", "01/11/2025", [BOOKS[1], BOOKS[0], BOOKS[2]])  # reordered
    out, records = convert(tmp_path, other)
    assert "TQ 2 (phiếu mới)" in out
    assert not set(numbers(records).values()) & set(old.values())
    assert len(numbers(records)) == 6
    with Store(tmp_path / "kb.sqlite") as store:
        assert store.query("SELECT count(*) FROM accessions")[0][0] == 12
