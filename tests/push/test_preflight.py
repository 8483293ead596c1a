"""The push preflight: codes Koha lacks and copies of another library stop the push
before its first write, each code named with where to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pymarc import Record

from koha_bridge.config import Config, SchoolConfig
from koha_bridge.exceptions import KohaTransientError
from koha_bridge.koha.api import KohaApi, item_from_952
from koha_bridge.koha.codes import KohaCodes
from koha_bridge.push.preflight import preflight
from koha_bridge.push.run import Pusher, plan_push
from koha_bridge.store.journal import Journal
from tests.fakekoha import FakeKoha
from tests.push.conftest import book, books, client_for, write_mrc
from tests.push.test_cli_push import env_for, run


def _writes(fake: FakeKoha) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests
            if r.method != "GET" and not r.path.endswith("/oauth/token")]


def _relabel(records: list[Record], library: str) -> list[Record]:
    for record in records:
        for field in record.get_fields("952"):
            field["a"] = field["b"] = library
    return records


def test_without_the_preflight_an_unknown_library_leaves_titles_without_copies(
    fake_koha: FakeKoha, journal: Journal
) -> None:
    """The old failure, reproduced: Koha answers each copy with a bare 500."""
    fake_koha.remove_code("library", "MAU")
    api = KohaApi(client_for(fake_koha, retries=0))
    plan = plan_push(books(3, 6), api, journal, item_from_952)
    outcome = Pusher(api, journal, backoff=0.0).run(plan, workers=1)
    assert isinstance(outcome.aborted, KohaTransientError)
    assert outcome.aborted.status == 500
    assert fake_koha.biblios() and not fake_koha.items()


def test_push_refuses_before_writing_and_names_each_missing_code(
    fake_koha: FakeKoha, tmp_path: Path
) -> None:
    fake_koha.remove_code("library", "MAU")
    fake_koha.add_library("LQD", "Trường THCS Lê Quý Đôn")
    fake_koha.remove_code("item_type", "STK")
    fake_koha.remove_code("CCODE", "TK")
    source = write_mrc(books(4, 10), tmp_path / "sach.mrc")
    fake_koha.clear_requests()
    result = run(tmp_path, env_for(fake_koha), str(source))
    assert result.exit_code == 2, result.output
    out = result.output
    assert "chưa gửi gì lên Koha, cần sửa 3 vấn đề trước" in out
    assert ("Koha không có thư viện mã MAU (dùng ở [school] library_id, 952 $a (10 bản), "
            "952 $b (10 bản))") in out
    assert "Sửa [school] library_id trong tệp cấu hình (Koha có: LQD), hoặc tạo" in out
    assert "Koha không có kiểu tài liệu mã STK" in out
    assert "Sửa [categories.TK] item_type trong tệp cấu hình" in out
    assert "Koha không có bộ sưu tập (CCODE) mã TK" in out
    assert "[categories.TK] collection" in out
    assert not _writes(fake_koha) and not fake_koha.biblios()
    reads = [r.path for r in fake_koha.requests if r.method == "GET"]
    assert sorted(reads) == sorted([
        "/api/v1/libraries", "/api/v1/item_types",
        "/api/v1/authorised_value_categories/CCODE/authorised_values"])
    fake_koha.assert_clean()


def test_copies_of_another_library_are_refused_unless_asked(fake_koha: FakeKoha,
                                                            tmp_path: Path) -> None:
    fake_koha.add_library("LQD", "Trường THCS Lê Quý Đôn")
    source = write_mrc(_relabel(books(2, 4), "LQD"), tmp_path / "sach.mrc")
    refused = run(tmp_path, env_for(fake_koha), str(source))
    assert refused.exit_code == 2, refused.output
    assert ("4 bản có 952 $a = LQD, không phải thư viện MAU của lần đẩy này "
            "([school] library_id)") in refused.output
    assert "chạy lại với --library LQD" in refused.output
    assert not _writes(fake_koha)
    wrong = run(tmp_path, env_for(fake_koha), str(source), "--library", "XYZ")
    assert wrong.exit_code == 2
    assert "Koha không có thư viện mã XYZ (dùng ở --library)" in wrong.output
    assert "4 bản có 952 $b = LQD, không phải thư viện XYZ" in wrong.output
    assert not _writes(fake_koha)
    done = run(tmp_path, env_for(fake_koha), str(source), "--library", "LQD")
    assert done.exit_code == 0, done.output
    assert {i["home_library_id"] for i in fake_koha.items()} == {"LQD"}
    fake_koha.assert_clean()


def test_each_list_is_read_once_and_only_when_used(fake_koha: FakeKoha) -> None:
    api = KohaApi(client_for(fake_koha))
    codes = KohaCodes(api)
    records = books(3, 9)
    fake_koha.clear_requests()
    assert preflight(records, Config(), codes) == []
    assert preflight(records, Config(), codes) == []
    paths = [r.path.rsplit("/", 2)[-2:] for r in fake_koha.requests
             if not r.path.endswith("/oauth/token")]
    assert sorted(p[-1] if p[-1] != "authorised_values" else p[0] for p in paths) == [
        "CCODE", "item_types", "libraries"]  # no 952 $c in these records: no LOC list


@pytest.mark.parametrize(("subfield", "value", "expected"), [
    ("c", "KHOXA", "Koha không có vị trí kho (LOC) mã KHOXA (dùng ở 952 $c (3 bản))"),
    ("y", "SACHLA", "Koha không có kiểu tài liệu mã SACHLA (dùng ở 952 $y (3 bản))"),
])
def test_a_code_only_the_source_uses_is_fixed_in_the_source(
    fake_koha: FakeKoha, subfield: str, value: str, expected: str
) -> None:
    record = book(1, copies=3)
    for field in record.get_fields("952"):
        if field.get(subfield) is None:
            field.add_subfield(subfield, value)
        else:
            field[subfield] = value
    config = Config(school=SchoolConfig(library_id="MAU"))
    problems = preflight([record], config, KohaCodes(KohaApi(client_for(fake_koha))))
    assert [p.message for p in problems] == [expected]
    assert problems[0].fix.startswith(f"Sửa mã {value} trong tệp nguồn (Koha có: ")


def test_koha_check_names_the_same_codes(fake_koha: FakeKoha, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.main import cli
    from tests.push.test_cli_push import config_file

    fake_koha.remove_code("library", "MAU")
    fake_koha.remove_code("CCODE", "TK")
    result = CliRunner().invoke(cli, ["--config", str(config_file(tmp_path)), "koha", "check"],
                                env=env_for(fake_koha))
    assert result.exit_code == 2, result.output  # as the push preflight
    assert "✗ Thư viện: Koha không có thư viện mã MAU (dùng ở [school] library_id)" in (
        result.stderr)
    assert ("✗ Bộ sưu tập: Koha không có bộ sưu tập (CCODE) mã TK (dùng ở [categories.TK] "
            "collection)") in result.stderr
    assert "✓ Kiểu tài liệu: Koha có đủ: BTC (Báo, tạp chí)" in result.stdout
    fake_koha.assert_clean()
