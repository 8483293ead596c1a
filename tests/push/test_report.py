"""The push report (XLSX and screen) and the progress callback."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from koha_bridge.koha.api import item_from_952
from koha_bridge.push.report import outcome_lines, plan_lines, source_text, write_push_report
from koha_bridge.push.run import Pusher, Result, plan_push
from koha_bridge.store.journal import Journal
from tests.push.conftest import MemoryKoha, book, isbn13


def test_every_kind_of_result_with_the_row_it_came_from(
    memory_koha: MemoryKoha, journal: Journal, tmp_path: Path
) -> None:
    Pusher(memory_koha, journal).run(plan_push([book(1, copies=1)], memory_koha, journal,
                                               item_from_952))
    existing = memory_koha.seed_biblio("Đã có", isbn=isbn13(2))
    memory_koha.seed_item(existing, "TV00031")
    broken = book(4, copies=1)
    broken.get_fields("952")[0]["d"] = "05/09/2025"
    records = [book(1, copies=1), book(2, copies=1), book(3, copies=2), broken]
    plan = plan_push(records, memory_koha, journal, item_from_952)
    planned = plan_lines(plan)
    assert planned[:4] == ["Nhan đề mới sẽ tạo: 1",
                           "Nhan đề đã có trong Koha (sẽ thêm bản vào): 1",
                           "Nhan đề đã đẩy ở lần trước, còn bản chưa gửi: 0",
                           "Bản sẽ tạo: 2 (trong đó thêm vào nhan đề có sẵn: 1)"]
    ticks: list[int] = []
    outcome = Pusher(memory_koha, journal, on_copy=lambda: ticks.append(1)).run(plan)
    assert len(ticks) == sum(len(t.copies) for t in plan.titles) == 4
    lines = outcome_lines(outcome)
    assert lines[0] == ("Nhan đề: tạo mới 1, thêm bản vào nhan đề có sẵn 1, đã đẩy lần trước 1,"
                        " lỗi 0")
    assert lines[1] == "Bản: tạo 1, thêm vào nhan đề có sẵn 1, bỏ qua 1, xung đột 1, lỗi 1"
    assert lines[2].startswith("- ds-2025.xlsx [Sheet1] dòng 4: Mã vạch TV00031 đã có")
    assert lines[3].startswith("- ds-2025.xlsx [Sheet1] dòng 5: Bản có dữ liệu Koha không nhận")
    path = tmp_path / "bao-cao.xlsx"
    write_push_report(plan, path)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    table = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert [(r[0], r[3], r[5]) for r in table[1:]] == [
        ("ds-2025.xlsx [Sheet1] dòng 2", "TV00010", "Bỏ qua (đã đẩy lần trước)"),
        ("ds-2025.xlsx [Sheet1] dòng 3", "TV00020", "Đã thêm vào nhan đề có sẵn"),
        ("ds-2025.xlsx [Sheet1] dòng 4", "TV00030", "Đã tạo (nhan đề mới)"),
        ("ds-2025.xlsx [Sheet1] dòng 4", "TV00031", "Xung đột"),
        ("ds-2025.xlsx [Sheet1] dòng 5", "TV00040", "Lỗi"),
    ]
    assert "ngày phải theo dạng YYYY-MM-DD" in str(table[5][8])
    assert table[2][6] == existing and isinstance(table[3][7], int)
    assert outcome.count(Result.FAILED) == 1


def test_source_text_drops_only_our_prefix() -> None:
    assert source_text("koha-bridge: a.csv dòng 3") == "a.csv dòng 3"
    assert source_text("ghi chú khác") == "ghi chú khác"
