"""A biblio created whose copies all failed is reported (title, biblio id) and the next
run finishes it."""

from __future__ import annotations

from pathlib import Path

from tests.fakekoha import FakeKoha
from tests.push.conftest import book, write_mrc
from tests.push.test_cli_push import env_for, run


def test_a_title_left_without_copies_is_reported_then_finished(fake_koha: FakeKoha,
                                                               tmp_path: Path) -> None:
    source = write_mrc([book(1, copies=2), book(2, copies=2)], tmp_path / "sach.mrc")
    fake_koha.faults.fail_next(2, status=400, path="/api/v1/biblios/1/items", method="POST")
    first = run(tmp_path, env_for(fake_koha), str(source), "--workers", "1")
    assert first.exit_code == 1, first.output
    assert ("Nhan đề đã có trong Koha nhưng chưa có bản nào (sửa lỗi của các bản rồi chạy "
            "lại lệnh): 1") in first.output
    assert "* Tuyển tập truyện ngắn số 1 → biểu ghi 1" in first.output
    assert sorted(i["external_id"] for i in fake_koha.items()) == ["TV00020", "TV00021"]

    plan = run(tmp_path, env_for(fake_koha), str(source), "--dry-run")
    assert ("Nhan đề lần trước đã tạo trong Koha nhưng chưa có bản (lần này gửi tiếp): 1"
            in plan.output)
    assert "* Tuyển tập truyện ngắn số 1 → biểu ghi 1" in plan.output

    second = run(tmp_path, env_for(fake_koha), str(source))
    assert second.exit_code == 0, second.output
    assert "chưa có bản" not in second.output
    assert len(fake_koha.biblios()) == 2 and len(fake_koha.items()) == 4
    assert {i["biblio_id"] for i in fake_koha.items() if i["external_id"] < "TV0002"} == {1}
    fake_koha.assert_clean()
