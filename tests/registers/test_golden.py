"""Every figure of every register equals one computed independently from the dataset."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from koha_bridge.registers.build import Built
from koha_bridge.store import Store
from tests.registers import expected as ex
from tests.registers.conftest import Sheet, build
from tests.registers.dataset import ITEMS, LIBRARY, PATRONS


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def _data_rows(rows: list[dict], label_key: str) -> list[dict]:
    """Lines of a register (not captions, subtotals or totals)."""
    return [r for r in rows if r.get("copies") is not None
            and r.get(label_key) not in ("Cộng", "Tổng cộng")]


def test_general_register_part_one_lines_and_totals(registers: dict[str, Built]) -> None:
    sheet = Sheet(registers["tong-quat"].xlsx, "Phần I - Nhập", "tong-quat", "intake")
    assert sheet.title() == "SỔ ĐĂNG KÝ TỔNG QUÁT"
    rows = sheet.rows()
    lines = _data_rows(rows, "source")
    got = {(_day(r["date"]), r["number"]): (r["copies"], r["value"]) for r in lines}
    assert got == ex.intake_lines(ex.END)
    total = next(r for r in rows if r["source"] == "Tổng cộng")
    mine = list(ex.MINE)
    assert total["copies"] == len(mine) and total["value"] == sum(i.price for i in mine)
    for code in ("SGK", "NV", "TK", "TN"):
        assert total[f"cat_{code}"] == sum(i.category == code for i in mine)
    assert total["lang_foreign"] == sum(i.biblio == 4 for i in mine)
    assert total["lang_vie"] == len(mine) - total["lang_foreign"]
    delivery = next(r for r in lines if r["number"] == "2")
    assert delivery["document"] == "131/PGH ngày 02/10/2025"
    assert delivery["source"] == "Nhà sách B" and delivery["note"] is None
    hand = [r for r in lines if r["number"] == "—"]
    assert hand and all("không có chứng từ" in r["note"] for r in hand)
    this_year = [r for r in rows if r["source"] == "Cộng"][-1]
    added = [i for i in mine if i.acquired and ex.START <= i.acquired <= ex.END]
    assert this_year["copies"] == len(added) == ex.year_balance(ex.START, ex.END)["added_copies"]


def test_general_register_part_two_withdrawals(registers: dict[str, Built]) -> None:
    rows = Sheet(registers["tong-quat"].xlsx, "Phần II - Xuất", "tong-quat", "withdrawal").rows()
    lines = _data_rows(rows, "document")
    withdrawn = [i for i in ex.MINE if i.withdrawn and i.withdrawn <= ex.END]
    by_day: dict[date, list] = {}
    for item in withdrawn:
        by_day.setdefault(item.withdrawn, []).append(item)
    assert {_day(r["date"]): r["copies"] for r in lines} == {d: len(v) for d, v in by_day.items()}
    assert [r["number"] for r in lines] == list(range(1, len(by_day) + 1))
    for row in lines:
        items = by_day[_day(row["date"])]
        assert row["value"] == sum(i.price for i in items)
        for reason in ("damaged", "outdated", "lost", "other"):
            assert (row[f"reason_{reason}"] or 0) == sum(ex.reason(i) == reason for i in items)
    total = next(r for r in rows if r["document"] == "Tổng cộng")
    assert total["copies"] == len(withdrawn)
    assert total["value"] == sum(i.price for i in withdrawn)


def test_general_register_part_three_balance_on_one_row(registers: dict[str, Built]) -> None:
    rows = Sheet(registers["tong-quat"].xlsx, "Phần III - Tổng kết", "tong-quat",
                 "balance").rows()
    balances = [r for r in rows if isinstance(r["year"], str) and r["year"][:4].isdigit()]
    assert [r["year"] for r in balances] == ["2022-2023", "2023-2024", "2024-2025", "2025-2026"]
    for row, (start, end) in zip(balances, ex.YEARS, strict=True):
        want = ex.year_balance(start, end)
        assert {k: row[k] for k in want} == want
        assert row["start_copies"] + row["added_copies"] - row["withdrawn_copies"] == \
            row["end_copies"]
    last = balances[-1]
    assert last["end_copies"] == sum(ex.held(i, ex.END) for i in ex.MINE)


def test_individual_register_lists_every_non_textbook_copy(registers: dict[str, Built]) -> None:
    path = registers["ca-biet"].xlsx
    for code, sheet_name in (("NV", "NV - Sách nghiệp vụ"), ("TK", "TK - Sách tham khảo"),
                             ("TN", "TN - Sách thiếu nhi")):
        sheet = Sheet(path, sheet_name, "ca-biet", "copies")
        assert sheet.title() == "SỔ ĐĂNG KÝ CÁ BIỆT"
        rows = [r for r in sheet.rows() if r["accession"]]
        want = sorted((i for i in ex.MINE if i.category == code),
                      key=lambda i: int(i.accession.split(".")[1]))
        assert [r["accession"] for r in rows] == [i.accession for i in want]
        total = sheet.rows()[-1]
        assert total["price"] == sum(i.price for i in want)
    tk = {r["accession"]: r for r in Sheet(path, "TK - Sách tham khảo", "ca-biet",
                                           "copies").rows()}
    assert tk["TK.00001"]["note"] == "Đã xuất ngày 10/06/2024 – Rách nát, hư hỏng"
    assert tk["TK.00002"]["note"] == "Đã xuất ngày 20/11/2025 – Lạc hậu (nội dung)"
    assert tk["TK.00003"]["note"] == "Mất (báo ngày 15/12/2025)"
    assert tk["TK.00003"]["check"] == "M" and tk["TK.00005"]["check"] == "C"
    assert tk["TK.00016"]["register_number"] == "2" and tk["TK.00005"]["register_number"] == "—"
    assert tk["TK.00011"]["author_title"].startswith("J. K. Rowling – Harry Potter")
    tn = {r["accession"]: r for r in Sheet(path, "TN - Sách thiếu nhi", "ca-biet",
                                           "copies").rows()}
    assert tn["TN.00002"]["note"] == "Đã xuất ngày 01/03/2025 – Mất"


def test_individual_register_of_an_earlier_year(school_store: Store, tmp_path: Path) -> None:
    built = build(school_store, tmp_path, "2024-2025")
    rows = Sheet(built["ca-biet"].xlsx, "TK - Sách tham khảo", "ca-biet", "copies").rows()
    accessions = [r["accession"] for r in rows if r["accession"]]
    end = date(2025, 8, 31)
    assert accessions == [i.accession for i in ex.MINE if i.category == "TK"
                          and (i.acquired is None or i.acquired <= end)]
    by = {r["accession"]: r for r in rows}
    assert by["TK.00002"]["note"] is None  # withdrawn only in the next year
    assert by["TK.00001"]["note"].startswith("Đã xuất ngày 10/06/2024")


def test_textbook_register_counts_on_the_title_row(registers: dict[str, Built]) -> None:
    rows = Sheet(registers["sach-giao-khoa"].xlsx, "Sách giáo khoa", "sach-giao-khoa",
                 "titles").rows()
    titles = {r["title"]: r for r in rows if isinstance(r["number"], int)}
    assert set(titles) == {"Toán 6. Tập 1", "Ngữ văn 7. Tập 1"}
    for biblio, name in ((2, "Toán 6. Tập 1"), (3, "Ngữ văn 7. Tập 1")):
        copies = [i for i in ex.MINE if i.biblio == biblio]
        row = titles[name]
        assert row["start"] == sum(ex.held(i, date(2025, 8, 31)) for i in copies)
        assert row["added"] == sum(bool(i.acquired and ex.START <= i.acquired <= ex.END)
                                   for i in copies)
        assert row["withdrawn"] == sum(bool(i.withdrawn and ex.START <= i.withdrawn <= ex.END)
                                       for i in copies)
        assert row["end"] == sum(ex.held(i, ex.END) for i in copies)
        assert row["value"] == sum(i.price for i in copies if ex.held(i, ex.END))
    assert titles["Toán 6. Tập 1"]["subject"] == "Toán"
    assert titles["Toán 6. Tập 1"]["series"] == "Kết nối tri thức với cuộc sống"
    assert titles["Toán 6. Tập 1"]["register_numbers"] == "2"
    total = next(r for r in rows if str(r["title"]).startswith("Tổng cộng"))
    assert total["end"] == sum(ex.held(i, ex.END) for i in ex.MINE if i.category == "SGK")


def test_loan_register_one_row_per_loan_pupils_by_class(registers: dict[str, Built]) -> None:
    path = registers["so-muon"].xlsx
    pupils = Sheet(path, "Học sinh", "so-muon", "pupils").rows()
    staff = Sheet(path, "Giáo viên, nhân viên", "so-muon", "staff").rows()
    loans = ex.loans_in_year()
    want_pupils = [loan for loan in loans if not ex.is_staff(loan[0])]
    want_staff = [loan for loan in loans if ex.is_staff(loan[0])]
    pupil_rows = [r for r in pupils if r["accession"]]
    staff_rows = [r for r in staff if r["accession"]]
    assert len(pupil_rows) == len(want_pupils) and len(staff_rows) == len(want_staff)
    assert sorted((r["accession"], _day(r["checkout"])) for r in pupil_rows) == sorted(
        (loan[1], loan[2]) for loan in want_pupils)
    captions = [r["number"] for r in pupils if isinstance(r["number"], str)]
    assert captions == ["Lớp 6A", "Lớp 9A", "Lớp 10A1"]
    class_6a = [r["name"] for r in pupils[1:] if r["class"] == "6A"]
    assert class_6a == ["Nguyễn Văn An", "Lê Văn Ánh", "Trần Thị Bình", "Trần Thị Bình"]
    current = next(r for r in pupil_rows if r["accession"] == "TN.00006")
    assert current["returned"] is None and current["note"] == "Quá hạn, chưa trả"
    names = [r["number"] for r in staff if isinstance(r["number"], str)]
    assert names == [" ".join(PATRONS[6][:2]), " ".join(PATRONS[7][:2])]
    assert all(r["class"] in {p[3] for p in PATRONS.values()} for r in pupil_rows)


def test_withdrawal_record_lists_the_year_s_withdrawals(registers: dict[str, Built]) -> None:
    rows = Sheet(registers["thanh-ly"].xlsx, "Danh sách thanh lý", "thanh-ly", "copies").rows()
    lines = [r for r in rows if r["accession"]]
    want = [i for i in ex.MINE if i.withdrawn and ex.START <= i.withdrawn <= ex.END]
    assert [r["accession"] for r in lines] == sorted(
        (i.accession for i in want), key=lambda a: (a.split(".")[0], int(a.split(".")[1])))
    assert rows[-1]["price"] == sum(i.price for i in want)
    assert {r["accession"]: r["reason"] for r in lines}["TK.00002"] == "Lạc hậu (nội dung)"


def test_inventory_from_last_seen_dates(registers: dict[str, Built]) -> None:
    path = registers["kiem-ke"].xlsx
    on = min(ex.END, date(2026, 6, 15))  # the build's "today"
    shelf = [i for i in ex.MINE if ex.held(i, on) and not (i.lost and i.lost <= on)
             and not i.on_loan]
    found = [i for i in shelf if i.last_seen and ex.START <= i.last_seen <= on]
    missing = sorted({i.accession for i in shelf} - {i.accession for i in found})
    rows = Sheet(path, "Kết quả", "kiem-ke", "result").rows()
    total = next(r for r in rows if r["category"] == "Tổng cộng")
    assert total["expected"] == len(shelf) and total["found_copies"] == len(found)
    assert total["missing_copies"] == len(missing) == 2
    assert total["book_copies"] == sum(ex.held(i, on) for i in ex.MINE)
    assert total["damaged"] == sum(i.damaged for i in ex.MINE if ex.held(i, on)) == 1
    listed = Sheet(path, "Danh sách thiếu", "kiem-ke", "missing").rows()
    assert [r["accession"] for r in listed if r["accession"]] == missing


def test_other_library_stays_out(registers: dict[str, Built]) -> None:
    rows = Sheet(registers["tong-quat"].xlsx, "Phần I - Nhập", "tong-quat", "intake").rows()
    total = next(r for r in rows if r["source"] == "Tổng cộng")
    assert total["copies"] == sum(i.library == LIBRARY for i in ITEMS)
    assert sum(i.library != LIBRARY for i in ITEMS) > 0
