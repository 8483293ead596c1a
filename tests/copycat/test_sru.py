"""Copy cataloguing by ISBN against a real SRU server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from koha_bridge.acquisitions.pipeline import prepare, records
from koha_bridge.acquisitions.report import summary_lines
from koha_bridge.config import Config, CopyCataloguingConfig, load_config
from koha_bridge.copycat.lookup import CopyCataloguer, copied_numbers
from koha_bridge.copycat.sru import SruClient, SruError, SruTarget, parse_response
from koha_bridge.exceptions import ConfigError
from koha_bridge.store import Store
from tests.copycat.sruserver import Catalogue, sru_server

ISBN = "9786041234567"
OTHER = "9786049999990"


def settings(url: str, *, timeout: float = 5.0, confidence: str = "high") -> CopyCataloguingConfig:
    return CopyCataloguingConfig(
        enabled=True, timeout=timeout,
        targets=(SruTarget(name="thuvien", url=url, confidence=confidence),),
    )


def test_client_reads_the_082_of_a_marcxml_record() -> None:
    catalogue = Catalogue({ISBN: "895.92234"})
    with sru_server(catalogue) as url:
        found = SruClient(5.0).search_isbn(SruTarget("thuvien", url), ISBN)
    assert found is not None and (found.class_number, found.edition) == ("895.92234", "23")
    [params] = catalogue.requests
    assert params["version"] == ["1.1"] and params["recordSchema"] == ["marcxml"]
    assert params["query"] == [f'bath.isbn="{ISBN}"']


def test_no_record_is_none_and_a_diagnostic_is_an_error() -> None:
    with sru_server(Catalogue({})) as url:
        client = SruClient(5.0)
        assert client.search_isbn(SruTarget("thuvien", url), OTHER) is None
        with pytest.raises(SruError, match="Query syntax error"):
            client.search_isbn(SruTarget("thuvien", url, index="bad index"), OTHER)


def test_not_sru_is_an_error() -> None:
    with pytest.raises(SruError, match="không phải"):
        parse_response(b"<html><body>hello</body></html>", "x")


def test_number_source_confidence_and_cache(tmp_path: Path) -> None:
    catalogue = Catalogue({ISBN: "895.922 34", OTHER: None})
    with sru_server(catalogue) as url, Store(tmp_path / "s.sqlite") as store:
        found, report = copied_numbers([("KB1", ISBN), ("KB2", OTHER)], settings(url), store)
        assert set(found) == {"KB1"}
        number = found["KB1"]
        assert (number.number, number.source, number.confidence) == (
            "895.92234", "sru:thuvien", "high")
        assert ISBN in number.why
        assert (report.asked, report.found, report.cached) == (2, 1, 0)
        again, report = copied_numbers([("KB1", ISBN), ("KB2", OTHER)], settings(url), store)
        assert again == found and (report.asked, report.cached) == (0, 2)
    assert len(catalogue.requests) == 2  # the second run asked nothing
    rows = Store(tmp_path / "s.sqlite").query("SELECT isbn, class_number FROM sru_cache")
    assert sorted(tuple(r) for r in rows) == [(ISBN, "895.922 34"), (OTHER, None)]


def test_a_slow_target_times_out_is_reported_and_not_asked_again(tmp_path: Path) -> None:
    catalogue = Catalogue({ISBN: "510"}, delay=1.0)
    with sru_server(catalogue) as url, Store(tmp_path / "s.sqlite") as store:
        cataloguer = CopyCataloguer(settings(url, timeout=0.2), store)
        assert cataloguer.number(ISBN) is None
        assert cataloguer.number(OTHER) is None
        cataloguer.close()
        assert len(cataloguer.report.problems) == 1 and "thuvien" in cataloguer.report.problems[0]
        assert store.query("SELECT COUNT(*) FROM sru_cache")[0][0] == 0  # failures not cached
    assert len(catalogue.requests) == 1


def test_off_by_default_and_asks_nothing(tmp_path: Path) -> None:
    assert not Config().copy_cataloguing.enabled and Config().copy_cataloguing.targets == ()
    with Store(tmp_path / "s.sqlite") as store:
        assert copied_numbers([("KB1", ISBN)], Config().copy_cataloguing, store)[0] == {}


def test_config_targets(tmp_path: Path) -> None:
    path = tmp_path / "koha-bridge.toml"
    path.write_text('[copy_cataloguing]\nenabled = true\ntimeout = 3\n'
                    '[[copy_cataloguing.targets]]\nname = "a"\nurl = "http://x/sru"\n'
                    'confidence = "low"\n', encoding="utf-8")
    config = load_config(path).copy_cataloguing
    assert config.enabled and config.timeout == 3.0
    assert config.targets == (SruTarget("a", "http://x/sru", confidence="low"),)
    path.write_text('[copy_cataloguing]\n[[copy_cataloguing.targets]]\nname = "a"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="url"):
        load_config(path)


def test_conversion_takes_the_copied_number(tmp_path: Path) -> None:
    source = tmp_path / "giao-hang.csv"
    source.write_text("STT;Tên sách;Tác giả;ISBN;Số lượng;Đơn giá\n"
                      f"1;Một cuốn sách lạ;Nguyễn Văn A;{ISBN};2;50000\n", encoding="utf-8")
    catalogue = Catalogue({ISBN: "895.92234"})
    with sru_server(catalogue) as url, Store(tmp_path / "s.sqlite") as store:
        config = Config(copy_cataloguing=settings(url, confidence="medium"))
        conversion = prepare([source], config)
        [record] = list(records(conversion, config, store=store))
    assert record["082"]["a"] == "895.92234"
    assert all(item["o"].startswith("895.92234 ") for item in record.get_fields("952"))
    assert conversion.copying is not None and conversion.copying.found == 1
    assert conversion.review == []
    assert any("Biên mục sao chép (SRU): 1 nhan đề" in line for line in summary_lines(conversion))
