"""The review sheet round trip: write, fill like a librarian, apply, apply again."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pymarc import Record

from classification.apply import Classified, classify_records
from classification.review import (
    COL_ACCEPT,
    COL_CORRECTION,
    COL_ID,
    COLUMNS,
    GUIDE,
    SHEET,
    ReviewAction,
    ReviewReport,
    apply_review,
    read_review_sheet,
)
from koha_bridge.acquisitions.review_sheet import write_review_sheet
from koha_bridge.config import ClassificationConfig, Config
from koha_bridge.exceptions import FatalInputError
from tests.classification.marcfactory import make_record, subfields


def _records() -> list[Record]:
    return [
        make_record("KB1", "Harry Potter và hòn đá phù thủy", author="Marsh, Ellen",
                    category="TN", original="eng"),                       # 823 low
        make_record("KB2", "Ngữ văn 7", author="Bùi Mạnh Hùng", category="SGK"),  # unconfirmed
        make_record("KB3", "Một cuốn sách lạ", author="Trần Thị Mai"),            # nothing
        make_record("KB4", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh"),  # accepted
        make_record("KB5", "Tuổi thơ dữ dội", author="Đỗ Văn Hải", category="TN"),  # low
    ]


#: The review mechanics, with rules only (the model has its own tests).
RULES_ONLY = Config(classification=ClassificationConfig(model=False, min_confidence="medium"))


def _classified(config: Config) -> tuple[list[Record], list[Classified]]:
    pairs = list(classify_records(_records(), config))
    return [r for r, _ in pairs], [c for _, c in pairs]


def _fill(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Type into the sheet as a librarian would (openpyxl, normal mode)."""
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        rid = row[header.index(COL_ID)].value
        for column, value in values.get(str(rid), {}).items():
            row[header.index(column)].value = value
    book.save(path)


def _row_of(path: Path, rid: str) -> int:
    """The sheet row (1 = heading) of a record."""
    sheet = load_workbook(path, read_only=True)[SHEET]
    ids = [r[0] for r in sheet.iter_rows(values_only=True)]
    return ids.index(rid) + 1


def test_sheet_layout(tmp_path: Path) -> None:
    _, items = _classified(RULES_ONLY)
    path = tmp_path / "review.xlsx"
    assert write_review_sheet(items, path) == 5
    book = load_workbook(path)
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == [h for h, _ in COLUMNS]
    assert [h for h, _ in COLUMNS][:12] == [
        "Mã biểu ghi (001)", "Nhan đề", "Tác giả", "Lớp", "Môn", "Đề xuất", "Nguồn",
        "Độ tin cậy", "Lý do", "Phương án 2", "Nhan đề cho biết", "Trạng thái"]
    assert COLUMNS[-1][0] == "Số phân loại đã sửa"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 40
    order = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["KB1"][5:8] == ("823", "quy tắc vhnn_anh", "thấp")
    assert rows["KB1"][11] == "Cần duyệt"
    assert rows["KB4"][11] == "Đã ghi"
    assert rows["KB3"][5] in ("", None)
    assert rows["KB2"][3:5] == ("Lớp 7", "Ngữ văn")  # found in the title
    assert "Ngữ văn" in rows["KB2"][10] and "lớp 7" in rows["KB2"][10]
    # by need: no proposal first, then the least confident, written rows last
    assert order[0] == "KB3" and order[-1] == "KB4"
    guide = " ".join(str(c.value) for c in book[GUIDE]["A"])
    assert "Chấp nhận" in guide and "Số phân loại đã sửa" in guide and "--apply" in guide


def test_round_trip_correct_accept_reject_and_rerun(tmp_path: Path) -> None:
    config = RULES_ONLY
    records, items = _classified(config)
    path = tmp_path / "review.xlsx"
    write_review_sheet(items, path)
    _fill(path, {
        "KB1": {COL_CORRECTION: "813"},            # American author after all
        "KB2": {COL_ACCEPT: "x"},                  # accept 807.12
        "KB3": {COL_CORRECTION: "sách hay"},       # not a class number
        "KB5": {COL_CORRECTION: 895.9223},         # typed as a number in Excel
    })
    report = ReviewReport()
    results = dict((r["001"].data, what) for r, what in
                   apply_review(records, path, config, report=report))
    by_id = {r["001"].data: r for r in records}

    assert results["KB1"].startswith(ReviewAction.CORRECTED)
    assert subfields(by_id["KB1"], "082", "a") == ["813"]
    assert subfields(by_id["KB1"], "952", "o") == ["813 MAR"] * 2
    assert subfields(by_id["KB1"], "942", "h") == ["813"]

    assert results["KB2"].startswith(ReviewAction.ACCEPTED)
    assert subfields(by_id["KB2"], "082", "a") == ["807.12"]
    assert subfields(by_id["KB2"], "952", "o") == ["807.12 BUI"] * 2

    assert results["KB3"].startswith(ReviewAction.REJECTED)
    assert f"dòng {_row_of(path, 'KB3')}" in results["KB3"] and "sách hay" in results["KB3"]
    assert by_id["KB3"].get_fields("082") == []
    assert subfields(by_id["KB3"], "952", "o") == []

    assert subfields(by_id["KB5"], "082", "a") == ["895.9223"]
    assert results["KB4"].startswith(ReviewAction.NOT_LISTED)   # left empty: unchanged
    assert subfields(by_id["KB4"], "082", "a") == ["895.9223"]
    assert report.counts[ReviewAction.CORRECTED] == 2
    assert report.counts[ReviewAction.ACCEPTED] == 1
    assert report.counts[ReviewAction.REJECTED] == 1

    snapshot = [str(r) for r in records]
    again = ReviewReport()
    rerun = dict((r["001"].data, what) for r, what in
                 apply_review(records, path, config, report=again))
    assert [str(r) for r in records] == snapshot
    assert all(rerun[k].startswith(ReviewAction.UNCHANGED) for k in ("KB1", "KB2", "KB5"))
    assert again.counts[ReviewAction.CORRECTED] == again.counts[ReviewAction.ACCEPTED] == 0


def test_correction_replaces_a_written_number_and_keeps_084(tmp_path: Path) -> None:
    config = Config()
    legacy = make_record("KB9", "Mắt biếc : truyện dài", author="Nguyễn Nhật Ánh",
                         f084="V23")
    [(record, item)] = list(classify_records([legacy], config))
    path = tmp_path / "review.xlsx"
    write_review_sheet([item], path)
    _fill(path, {"KB9": {COL_CORRECTION: "895.92234"}})
    list(apply_review([record], path, config))
    assert subfields(record, "082", "a") == ["895.92234"]
    assert subfields(record, "084", "a") == ["V23"]
    assert subfields(record, "952", "o") == ["895.92234 NGU"] * 2
    assert subfields(record, "952", "2") == ["ddc"] * 2


def test_unknown_ids_and_odd_accept_marks_are_reported(tmp_path: Path) -> None:
    config = RULES_ONLY
    records, items = _classified(config)
    path = tmp_path / "review.xlsx"
    write_review_sheet(items, path)
    _fill(path, {"KB1": {COL_ACCEPT: "maybe"}, "KB2": {COL_ACCEPT: "có"}})
    report = ReviewReport()
    results = dict((r["001"].data, w) for r, w in
                   apply_review(records[:2], path, config, report=report))
    assert results["KB1"].startswith(ReviewAction.REJECTED)
    assert f"dòng {_row_of(path, 'KB1')}" in results["KB1"]
    assert results["KB2"].startswith(ReviewAction.ACCEPTED)
    assert report.problems == []  # only rows with a decision can be unknown

    _fill(path, {"KB5": {COL_CORRECTION: "895.9223"}})
    report = ReviewReport()
    list(apply_review(records[:2], path, config, report=report))
    assert any("KB5" in p and f"dòng {_row_of(path, 'KB5')}" in p for p in report.problems)


def test_numbers_typed_into_general_cells_get_their_ddc_form(tmp_path: Path) -> None:
    _, items = _classified(RULES_ONLY)
    path = tmp_path / "review.xlsx"
    write_review_sheet(items, path)
    _fill(path, {"KB1": {COL_CORRECTION: 30}, "KB2": {COL_CORRECTION: 4.0712}})
    decisions = read_review_sheet(path)
    assert decisions["KB1"].number is not None and decisions["KB1"].number.number == "030"
    assert decisions["KB2"].number is not None and decisions["KB2"].number.number == "004.0712"


def test_a_sheet_without_the_columns_is_unusable(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["STT", "Tên sách"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    with pytest.raises(FatalInputError, match="thiếu cột"):
        read_review_sheet(path)
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(FatalInputError):
        read_review_sheet(tmp_path / "broken.xlsx")
