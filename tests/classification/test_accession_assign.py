"""assign_accessions: 952 $i/$p in records, idempotent re-conversion, kept numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pymarc import Field, Indicators, Record, Subfield

from classification.assign import AssignReport, assign_accessions, item_key
from koha_bridge.config import AccessionConfig, Config
from koha_bridge.store import Store


def item(category: str, copy: int, row: int | None, **extra: str) -> Field:
    subs = [Subfield("a", "MAU"), Subfield("y", "S" + category), Subfield("8", category),
            Subfield("t", str(copy))]
    if row is not None:
        subs.append(Subfield("x", f"koha-bridge: giao-hang.xlsx [TK] dòng {row}"))
    subs += [Subfield(code, value) for code, value in extra.items()]
    return Field("952", Indicators(" ", " "), subs)


def record(rid: str | None, *items: Field) -> Record:
    rec = Record()
    if rid:
        rec.add_field(Field("001", data=rid))
    rec.add_field(Field("245", Indicators("0", "0"), [Subfield("a", "Tiếng Việt 1")]))
    for field in items:
        rec.add_field(field)
    return rec


def delivery() -> list[Record]:
    return [
        record("KB000000000001", item("TK", 1, 2), item("TK", 2, 2), item("TK", 3, 2)),
        record("KB000000000002", item("NV", 1, 3), item("TK", 1, 4)),
        record("KB000000000003", item("TN", 1, None), item("TN", 2, None)),
    ]


def copies(records: list[Record]) -> list[tuple[str | None, str | None]]:
    return [(f.get("i"), f.get("p")) for r in records for f in r.get_fields("952")]


def test_item_key_forms() -> None:
    with_note = item("TK", 2, 7)
    assert item_key("KB1", with_note, 5) == "KB1|koha-bridge: giao-hang.xlsx [TK] dòng 7|2"
    assert item_key("KB1", item("TK", 2, None), 5) == "KB1|5"


def test_fills_952_i_and_p_per_category(tmp_path: Path) -> None:
    report = AssignReport()
    with Store(tmp_path / "kb.sqlite") as store:
        out = list(assign_accessions(delivery(), store, Config(), report=report, batch=2))
    assert copies(out) == [
        ("TK.00001", "TK.00001"), ("TK.00002", "TK.00002"), ("TK.00003", "TK.00003"),
        ("NV.00001", "NV.00001"), ("TK.00004", "TK.00004"),
        ("TN.00001", "TN.00001"), ("TN.00002", "TN.00002"),
    ]
    assert (report.records, report.copies, report.assigned, report.problems) == (3, 7, 7, [])
    codes = [s.code for s in out[0].get_fields("952")[0].subfields]
    assert codes.index("i") < codes.index("p") < codes.index("x")  # build.py's order


def test_reconverting_the_same_delivery_burns_no_numbers(tmp_path: Path) -> None:
    db = tmp_path / "kb.sqlite"
    with Store(db) as store:
        first = copies(list(assign_accessions(delivery(), store, Config())))
    report = AssignReport()
    with Store(db) as store:
        second = copies(list(assign_accessions(delivery(), store, Config(), report=report)))
        more = list(assign_accessions([record("KB000000000009", item("TK", 1, 9))], store,
                                      Config()))
    assert second == first
    assert (report.assigned, report.reused) == (0, 7)
    assert copies(more) == [("TK.00005", "TK.00005")]


def test_existing_numbers_are_kept_and_registered(tmp_path: Path) -> None:
    recs = [
        record("KB000000000001", item("TK", 1, 2, i="TK.00002", p="TK.00002"),
               item("TK", 2, 2), item("TK", 3, 2, i="SỐ-CŨ-7", p="OLD7")),
        record("KB000000000002", item("TK", 1, 3, p="X-123"), item("TK", 2, 3, i="TK.00003")),
    ]
    report = AssignReport()
    with Store(tmp_path / "kb.sqlite") as store:
        out = copies(list(assign_accessions(recs, store, Config(), report=report)))
        rows = {r["accession"]: r["barcode"] for r in store.query("SELECT * FROM accessions")}
    assert out == [
        ("TK.00002", "TK.00002"), ("TK.00001", "TK.00001"), ("SỐ-CŨ-7", "OLD7"),
        ("TK.00004", "X-123"), ("TK.00003", "TK.00003"),
    ]
    assert (report.kept, report.registered, report.assigned) == (3, 2, 2)
    assert rows == {"TK.00001": "TK.00001", "TK.00002": "TK.00002",
                    "TK.00003": "TK.00003", "TK.00004": "X-123"}


def test_barcode_in_our_format_becomes_the_accession(tmp_path: Path) -> None:
    recs = [record("KB000000000001", item("TK", 1, 2, p="TK.00002"), item("TK", 2, 2),
                   item("TK", 3, 2))]
    with Store(tmp_path / "kb.sqlite") as store:
        out = copies(list(assign_accessions(recs, store, Config())))
    assert out == [("TK.00002", "TK.00002"), ("TK.00001", "TK.00001"),
                   ("TK.00003", "TK.00003")]


def test_problems_are_reported_not_raised(tmp_path: Path) -> None:
    recs = [
        record("KB000000000001", item("ZZ", 1, 2), item("TK", 2, 2, i="TK.00001")),
        record("KB000000000002", item("TK", 1, 3, i="TK.00001")),  # same number, other copy
        record(None, item("TK", 1, 4)),
        record("KB000000000005", item("TK", 1, 5, p="DUP-1"), item("TK", 2, 5, p="DUP-1")),
    ]
    report = AssignReport()
    with Store(tmp_path / "kb.sqlite") as store:
        out = copies(list(assign_accessions(recs, store, Config(), report=report)))
    assert out[0] == (None, None)
    assert out[3] == ("TK.00002", "TK.00002")
    assert out[4:] == [("TK.00003", "DUP-1"), (None, "DUP-1")]
    assert len(report.problems) == 4
    assert "không xác định được loại sách" in report.problems[0]
    assert "đã được cấp cho bản khác" in report.problems[1]
    assert "001" in report.problems[2]
    assert "mã vạch DUP-1 đã thuộc bản khác" in report.problems[3]


def test_per_title_textbooks_and_numeric_barcodes(tmp_path: Path) -> None:
    cfg = dataclasses.replace(Config(), accession=AccessionConfig(
        textbook_numbering="per_title", barcode="numeric", barcode_width=6,
        barcode_check_digit=True,
    ))
    recs = [
        record("KBaaaaaaaaaaaa", item("SGK", 1, 2), item("SGK", 2, 2)),
        record("KBbbbbbbbbbbbb", item("SGK", 1, 3), item("TK", 1, 4)),
    ]
    with Store(tmp_path / "kb.sqlite") as store:
        out = copies(list(assign_accessions(recs, store, cfg)))
    assert out == [
        ("SGK.0001.001", "0000017"), ("SGK.0001.002", "0000024"),
        ("SGK.0002.001", "0000031"), ("TK.00001", "0000048"),
    ]


def test_disabled_leaves_records_alone(tmp_path: Path) -> None:
    cfg = dataclasses.replace(Config(), accession=AccessionConfig(enabled=False))
    with Store(tmp_path / "kb.sqlite") as store:
        out = copies(list(assign_accessions(delivery(), store, cfg)))
        assert store.query("SELECT count(*) FROM accessions")[0][0] == 0
    assert all(value == (None, None) for value in out)
