"""Spine labels are held back for titles that have no class number yet."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from classification.labels import write_spine_labels
from koha_bridge.config import Config
from tests.classification.test_labels_data import make_record


def test_unclassified_titles_get_no_spine_label_and_one_warning_each() -> None:
    classified = make_record(
        "KB1", "Dế Mèn phiêu lưu ký",
        [("TN", "895.9223 TOH", "TN.00001", ""), ("TN", "895.9223 TOH", "TN.00002", "")],
        ddc="895.9223",
    )
    unclassified = make_record(
        "KB2", "Doraemon - Tập 1",
        [("TN", "", "TN.00003", ""), ("TN", "", "TN.00004", ""), ("TN", "", "TN.00005", "")],
    )
    out = BytesIO()
    report = write_spine_labels([classified, unclassified], Config(), out)
    assert report.labels == 2
    assert report.skipped == 3
    held = [w for w in report.warnings if "KB2" in w]
    assert len(held) == 1 and "3 bản chưa in nhãn gáy" in held[0]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(out.getvalue())).pages)
    assert text.count("TOH") == 2
