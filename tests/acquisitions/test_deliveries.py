"""Deliveries as batches, end to end through ``acquisitions convert`` and ``deliveries``.

Each note is a workbook written here the way suppliers send them: the company line,
``PHIẾU GIAO HÀNG``, ``Số chứng từ: …`` and ``Ngày …`` above the table, always under
the same file name ``giao-hang.xlsx``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from openpyxl import load_workbook
from pymarc import MARCReader, Record

from cli.main import cli
from koha_bridge.store import Store
from marc.itemnote import DeliveryNote, parse_delivery_note

COMPANY = "CÔNG TY TNHH SÁCH VÀ THIẾT BỊ TRƯỜNG HỌC HÀ NỘI"
BOOKS = [
    ("Toán 6 - Tập 1", "Hà Huy Khoái", "9786040000019", 19000, 3),
    ("Kính vạn hoa - Tập 3", "Nguyễn Nhật Ánh", "9786042123457", 95000, 2),
    ("Từ điển tiếng Việt", "Hoàng Phê", "9786041043213", 250000, 1),
]


def note(folder: Path, document: str | None, day: str | None,
         books: list[tuple[str, str, str, int, int]] = BOOKS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "TK"
    sheet.append([COMPANY])
    sheet.append(["PHIẾU GIAO HÀNG"])
    sheet.append([f"Số chứng từ: {document}" if document else "", None, None,
                  f"Ngày {day}" if day else "Ngày … tháng … năm …"])
    sheet.append([])
    sheet.append(["STT", "Tên sách", "Tác giả", "ISBN", "Đơn giá", "Số lượng"])
    for n, row in enumerate(books, start=1):
        sheet.append([n, *row])
    sheet.append([None, "Tổng cộng", None, None, None, sum(b[4] for b in books)])
    path = folder / "giao-hang.xlsx"
    book.save(path)
    return path


def convert(tmp_path: Path, path: Path, *options: str) -> tuple[str, list[Record]]:
    out = path.with_suffix(".mrc")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert", str(path),
              "--out", str(out), *options],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with out.open("rb") as handle:
        return result.output, list(MARCReader(handle, to_unicode=True, force_utf8=True))


def numbers(records: list[Record]) -> dict[tuple[str, str], str]:
    """(title, copy index) → accession number."""
    return {(r["245"]["a"], f["t"]): f["i"] for r in records for f in r.get_fields("952")}


def deliveries(tmp_path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "deliveries", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_two_notes_same_titles_same_file_share_no_number(tmp_path: Path) -> None:
    first = note(tmp_path / "a", "131/PGH", "02/10/2025")
    second = note(tmp_path / "b", "145/PGH", "20/10/2025")
    out1, records1 = convert(tmp_path, first)
    out2, records2 = convert(tmp_path, second)
    one, two = numbers(records1), numbers(records2)
    assert len(one) == len(two) == 6
    assert not set(one.values()) & set(two.values())
    assert "Phiếu giao: số chứng từ 131/PGH, ngày 02/10/2025, nhà cung cấp " + COMPANY in out1
    assert "Số vào sổ tổng quát: TQ 1 (phiếu mới)" in out1
    assert "Số vào sổ tổng quát: TQ 2 (phiếu mới)" in out2
    # each copy carries its delivery: date, supplier, note
    for records, expected in ((records1, DeliveryNote("131/PGH", date(2025, 10, 2), 1)),
                              (records2, DeliveryNote("145/PGH", date(2025, 10, 20), 2))):
        items = [f for r in records for f in r.get_fields("952")]
        assert {parse_delivery_note(f["x"]) for f in items} == {expected}
        assert {f["d"] for f in items} == {f"{expected.date:%Y-%m-%d}"}
        assert {f["e"] for f in items} == {COMPANY}
    # converting either again changes none and burns none
    again_out, again = convert(tmp_path, first)
    assert numbers(again) == one
    assert "TQ 1 (phiếu đã chuyển trước đây)" in again_out
    assert "cấp mới 0, dùng lại số của lần chuyển trước 6" in again_out
    assert numbers(convert(tmp_path, second)[1]) == two
    with Store(tmp_path / "kb.sqlite") as store:
        assert store.query("SELECT count(*) FROM accessions")[0][0] == 12
    listing = deliveries(tmp_path, "list").splitlines()
    assert listing[1].split("\t") == [
        "TQ 1", "131/PGH", "02/10/2025", COMPANY, "3", "6", "497.000 đ", "TK.00001–TK.00006"]
    assert listing[2].split("\t")[:3] == ["TQ 2", "145/PGH", "20/10/2025"]
    assert listing[2].split("\t")[7] == "TK.00007–TK.00012"
    shown = deliveries(tmp_path, "show", "145/PGH")
    assert "số vào sổ tổng quát TQ 2" in shown
    assert "Toán 6 - Tập 1 — 3 bản × 19.000 đ: TK.00007–TK.00009" in shown


def test_another_date_is_another_note(tmp_path: Path) -> None:
    one = numbers(convert(tmp_path, note(tmp_path / "a", "12", "02/10/2025"))[1])
    two = numbers(convert(tmp_path, note(tmp_path / "b", "12", "03/10/2025"))[1])
    assert not set(one.values()) & set(two.values())


def test_without_document_number_the_content_decides(tmp_path: Path) -> None:
    path = note(tmp_path / "a", None, None)
    out, records = convert(tmp_path, path)
    first = numbers(records)
    assert "số chứng từ (không rõ)" in out
    assert "Không rõ ngày của phiếu: ngày nhập (952 $d) là" in out
    today = date.today().isoformat()
    assert {f["d"] for r in records for f in r.get_fields("952")} == {today}
    assert numbers(convert(tmp_path, path)[1]) == first  # same content: same numbers
    # other content (one price differs), same file name, titles and rows: a new delivery
    changed = [BOOKS[0], BOOKS[1], (*BOOKS[2][:3], 260000, 1)]
    other = numbers(convert(tmp_path, note(tmp_path / "a", None, None, changed))[1])
    assert not set(other.values()) & set(first.values())
    assert len(deliveries(tmp_path, "list").splitlines()) == 3


def test_corrected_note_keeps_unchanged_rows(tmp_path: Path) -> None:
    first = numbers(convert(tmp_path, note(tmp_path / "a", "131/PGH", "02/10/2025"))[1])
    corrected = [
        ("Sách giáo viên Toán 6", "Hà Huy Khoái", "9786040000026", 30000, 1),  # added first
        (*BOOKS[0][:4], 4),  # one copy more
        (*BOOKS[1][:4], 1),  # one copy less
    ]  # the dictionary is gone
    out, records = convert(tmp_path, note(tmp_path / "a", "131/PGH", "02/10/2025", corrected))
    now = numbers(records)
    kept = {k: v for k, v in now.items() if k in first}
    assert kept == {k: first[k] for k in kept}  # unchanged copies keep their numbers
    assert len(kept) == 4  # Toán 1-3, Kính vạn hoa 1
    added = set(now.values()) - set(first.values())
    assert len(added) == 2 and not added & set(first.values())
    assert "TQ 1 (phiếu sửa lại, lần sửa 2)" in out
    assert 'Thay đổi so với lần trước: thêm nhan đề "Sách giáo viên Toán 6" (1 bản)' in out
    assert '"Toán 6 - Tập 1": số bản 3 → 4' in out
    assert '"Kính vạn hoa - Tập 3": số bản 2 → 1' in out
    assert 'bỏ nhan đề "Từ điển tiếng Việt" (1 bản)' in out
    dropped = {first[("Kính vạn hoa - Tập 3 /", "2")], first[("Từ điển tiếng Việt /", "1")]}
    assert "Huỷ 2 số ĐKCB của bản không còn trong phiếu" in out
    with Store(tmp_path / "kb.sqlite") as store:
        void = {r[0] for r in store.query("SELECT accession FROM accessions WHERE status='void'")}
    assert void == dropped
    listing = deliveries(tmp_path, "list").splitlines()
    assert len(listing) == 2 and listing[1].split("\t")[4:6] == ["3", "6"]


def test_options_override_the_header(tmp_path: Path) -> None:
    path = note(tmp_path / "a", "131/PGH", "02/10/2025")
    out, records = convert(tmp_path, path, "--document", "PX-7", "--date", "05/10/2025",
                           "--supplier", "Nhà sách Fahasa")
    assert "Phiếu giao: số chứng từ PX-7, ngày 05/10/2025, nhà cung cấp Nhà sách Fahasa" in out
    assert "--document PX-7" in out
    item = records[0]["952"]
    assert (item["d"], item["e"]) == ("2025-10-05", "Nhà sách Fahasa")
    assert parse_delivery_note(item["x"]) == DeliveryNote("PX-7", date(2025, 10, 5), 1)
    report = load_workbook(path.with_name("giao-hang-baocao.xlsx"), read_only=True)
    summary = [r[0] for r in report["Tổng hợp"].iter_rows(values_only=True)]
    assert any(str(line).startswith("Phiếu giao: số chứng từ PX-7") for line in summary)
    bad = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "acquisitions",
                                   "convert", str(path), "--out", str(tmp_path / "x.mrc"),
                                   "--date", "31/02/2025"])
    assert bad.exit_code == 2 and "dd/mm/yyyy" in bad.output


def test_accession_assign_on_a_converted_file_keys_copies_by_delivery(tmp_path: Path) -> None:
    path = note(tmp_path / "a", "131/PGH", "02/10/2025")
    _, records = convert(tmp_path, path)
    given = numbers(records)
    bare = tmp_path / "bare.mrc"  # the same records without their numbers
    with bare.open("wb") as handle:
        for record in records:
            for item in record.get_fields("952"):
                item.delete_subfield("i")
                item.delete_subfield("p")
            handle.write(record.as_marc())
    out = tmp_path / "numbered.mrc"
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.sqlite"), "accession",
                                      "assign", str(bare), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with out.open("rb") as handle:
        assert numbers(list(MARCReader(handle, to_unicode=True, force_utf8=True))) == given
    assert "Cấp mới: 0 số; giữ số đã cấp trước đây: 6" in result.output


def test_files_of_two_notes_are_refused_together(tmp_path: Path) -> None:
    first = note(tmp_path / "a", "131/PGH", "02/10/2025")
    second = note(tmp_path / "b", "145/PGH", "20/10/2025").rename(tmp_path / "b" / "ghep.xlsx")
    args = ["--db", str(tmp_path / "kb.sqlite"), "acquisitions", "convert", str(first),
            str(second), "--out", str(tmp_path / "x.mrc")]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 3
    assert "nhiều phiếu giao khác nhau (số chứng từ 131/PGH, 145/PGH)" in refused.output
    assert not (tmp_path / "x.mrc").exists()
    joined = CliRunner().invoke(cli, [*args, "--document", "200/PGH"], catch_exceptions=False)
    assert joined.exit_code == 0, joined.output
    assert "12 bản" not in joined.output and "số bản: 12" in joined.output
    assert "Tệp: ghep.xlsx, giao-hang.xlsx" in deliveries(tmp_path, "show", "200/PGH")


def test_supplier_and_document_stay_within_their_lengths(tmp_path: Path) -> None:
    supplier = "Công ty Cổ phần Sách và Thiết bị Giáo dục " * 6  # 258 characters
    document = "PGH-2025/" + "0" * 60
    _, records = convert(tmp_path, note(tmp_path / "a", None, "02/10/2025"),
                         "--supplier", supplier, "--document", document)
    item = records[0]["952"]
    assert len(item["e"]) <= 120 and item["e"].endswith("…")
    found = parse_delivery_note(item["x"])
    assert found is not None and found.register_number == 1
    assert found.document is not None and len(found.document) <= 40
    assert len(item["x"]) < 100


def test_an_interrupted_correction_still_drops_its_copies(tmp_path: Path) -> None:
    from datetime import date as day

    from koha_bridge.acquisitions.deliveries import open_delivery
    from koha_bridge.acquisitions.pipeline import prepare
    from koha_bridge.config import Config

    first = numbers(convert(tmp_path, note(tmp_path / "a", "131/PGH", "02/10/2025"))[1])
    corrected = note(tmp_path / "a", "131/PGH", "02/10/2025", BOOKS[:2])  # no dictionary
    with Store(tmp_path / "kb.sqlite") as store:  # the correction is found, then it stops
        conversion = prepare([corrected], Config())
        run = open_delivery(store, conversion.facts, [], [], today=day.today())
        assert run.resolution.name == "CORRECTED"
    out, records = convert(tmp_path, corrected)  # run again: the same content now
    assert "TQ 1 (phiếu đã chuyển trước đây" in out
    assert "Huỷ 1 số ĐKCB của bản không còn trong phiếu" in out
    assert numbers(records) == {k: v for k, v in first.items() if "Từ điển" not in k[0]}
