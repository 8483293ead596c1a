"""AccessionBook: formats, continuation, set-next, void, idempotency, per-title textbooks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from barcode import Code128

from classification.accession import AccessionBook
from classification.barcodes import gs1_check_digit
from koha_bridge.config import DEFAULT_CATEGORIES, AccessionConfig, Category, Config
from koha_bridge.exceptions import AccessionError, ConfigError
from koha_bridge.store import Store


def config(**accession: object) -> Config:
    return dataclasses.replace(Config(), accession=AccessionConfig(**accession))  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kb.sqlite"


def numbers(book: AccessionBook, category: str, keys: list[str], **kw: object) -> list[str]:
    return [a.accession for a in book.allocate(category, keys, **kw)]  # type: ignore[arg-type]


def test_format_prefix_separator_width(db: Path) -> None:
    with Store(db) as store:
        assert numbers(AccessionBook(store, Config()), "TK", ["a", "b"]) == ["TK.00001", "TK.00002"]
        book = AccessionBook(store, config(separator="-", width=6))
        assert numbers(book, "TN", ["c"]) == ["TN-000001"]
        assert numbers(book, "TK", ["d"]) == ["TK-000003"]  # the TK counter continues
        assert numbers(AccessionBook(store, config(separator="")), "NV", ["e"]) == ["NV00001"]


def test_series_are_separate_and_barcode_defaults_to_accession(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        tk = book.allocate("TK", ["t1"], record_id="KB000000000001")
        nv = book.allocate("NV", ["n1"])
        assert (tk[0].accession, tk[0].barcode, tk[0].series, tk[0].number) == (
            "TK.00001", "TK.00001", "TK", 1,
        )
        assert nv[0].accession == "NV.00001"
        row = store.query("SELECT * FROM accessions WHERE accession = 'TK.00001'")[0]
        assert (row["item_key"], row["record_id"], row["status"]) == (
            "t1", "KB000000000001", "assigned",
        )
        assert row["created_at"] and row["updated_at"]


def test_second_run_continues_after_reopen(db: Path) -> None:
    with Store(db) as store:
        assert numbers(AccessionBook(store, Config()), "TK", ["a", "b", "c"])[-1] == "TK.00003"
    with Store(db) as store:
        assert numbers(AccessionBook(store, Config()), "TK", ["d"]) == ["TK.00004"]


def test_same_item_key_gets_same_number(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        first = book.allocate("TK", ["k1", "k2"])
        again = book.allocate("TK", ["k2", "k3", "k1", "k3"])
        assert [a.accession for a in again] == ["TK.00002", "TK.00003", "TK.00001", "TK.00003"]
        assert again[0].reused and again[2].reused and not again[1].reused
        assert first[1].accession == again[0].accession
        assert store.query("SELECT count(*) FROM accessions")[0][0] == 3


def test_set_next_forward_then_backward_refused(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        book.set_next("TK", 1532)
        assert numbers(book, "TK", ["a", "b"]) == ["TK.01532", "TK.01533"]
        book.set_next("TK", 2000)
        with pytest.raises(AccessionError, match=r"TK\.01533 đã được cấp") as err:
            book.set_next("TK", 1533)
        assert "1534" in str(err.value)
        with pytest.raises(AccessionError):
            book.set_next("TK", 10)
        assert numbers(book, "TK", ["c"]) == ["TK.02000"]
        with pytest.raises(AccessionError, match="Không có dãy số"):
            book.set_next("XYZ", 5)


def test_void_is_recorded_and_never_reused(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        numbers(book, "TK", [f"k{i}" for i in range(1, 13)])
        voided = book.void("TK.00012", "Bản bị trả lại nhà cung cấp")
        assert voided.status == "void"
        row = store.query("SELECT * FROM accessions WHERE accession = 'TK.00012'")[0]
        assert row["void_reason"] == "Bản bị trả lại nhà cung cấp"
        assert row["voided_at"]
        assert numbers(book, "TK", ["new"]) == ["TK.00013"]
        # the key of a voided copy gets a fresh number; the void one stays void
        assert numbers(book, "TK", ["k12"]) == ["TK.00014"]
        with pytest.raises(AccessionError, match="đã bị huỷ"):
            book.void("TK.00012", "again")
        with pytest.raises(AccessionError, match="lý do"):
            book.void("TK.00011", "  ")
        with pytest.raises(AccessionError, match="không thuộc"):
            book.void("XX-1", "?")
        # voiding a number not given yet reserves it: it is skipped, and set-next can't go below
        book.void("TK.00016", "Số bị viết nhầm trên sổ giấy")
        assert numbers(book, "TK", ["p", "q"]) == ["TK.00015", "TK.00017"]
        states = {s.series: s for s in book.series_states()}
        assert (states["TK"].assigned, states["TK"].void) == (15, 2)
        assert states["TK"].last_given == "TK.00017"
        assert states["TK"].next == "TK.00018"


def test_registered_numbers_are_skipped(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        assert book.register("TK.00002", item_key="old", record_id="KB1") == "registered"
        assert book.register("TK.00002", item_key="old") == "known"
        assert book.register("TK.00002", item_key="other") == "conflict"
        assert book.register("TK.2", item_key="x") == "foreign"  # not our width
        assert book.register("ĐKCB 5", item_key="y") == "foreign"
        assert numbers(book, "TK", ["a", "b", "c"]) == ["TK.00001", "TK.00003", "TK.00004"]


def test_per_title_textbooks(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, config(textbook_numbering="per_title"))
        math = numbers(book, "SGK", ["m1", "m2", "m3"], record_id="KBaaaaaaaaaaaa")
        physics = numbers(book, "SGK", ["p1"], record_id="KBbbbbbbbbbbbb")
        assert math == ["SGK.0001.001", "SGK.0001.002", "SGK.0001.003"]
        assert physics == ["SGK.0002.001"]
        assert numbers(book, "SGK", ["m4"], record_id="KBaaaaaaaaaaaa") == ["SGK.0001.004"]
        assert numbers(book, "TK", ["t"]) == ["TK.00001"]  # other series unaffected
        book.set_next("SGK.0002", 16)  # continuing a paper register
        assert numbers(book, "SGK", ["p2"], record_id="KBbbbbbbbbbbbb") == ["SGK.0002.016"]
        states = {s.series: s for s in book.series_states()}
        assert states["SGK"].titles == 2 and states["SGK"].next == "SGK.0003"
        assert states["SGK.0001"].assigned == 4 and states["SGK.0001"].next == "SGK.0001.005"
        for value in math + physics:
            assert Code128(value).get_fullcode() == value
        with pytest.raises(AccessionError, match="001"):
            book.allocate("SGK", ["z"])
    with Store(db) as store:
        dash = AccessionBook(store, config(textbook_numbering="per_title", separator=""))
        assert numbers(dash, "SGK", ["c1"], record_id="KBcccccccccccc") == ["SGK-0003-001"]


def test_per_title_registration_adopts_the_title(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, config(textbook_numbering="per_title"))
        assert book.register("SGK.0007.004", item_key="e4", record_id="KBeeeeeeeeeeee") == (
            "registered"
        )
        assert book.register("SGK.0007.005", item_key="f", record_id="KBffffffffffff") == (
            "conflict"
        )
        got = numbers(book, "SGK", [f"e{i}" for i in (1, 2, 3, 5)], record_id="KBeeeeeeeeeeee")
        assert got == ["SGK.0007.001", "SGK.0007.002", "SGK.0007.003", "SGK.0007.005"]
        assert numbers(book, "SGK", ["f1"], record_id="KBffffffffffff") == ["SGK.0001.001"]


def test_numeric_barcodes_with_check_digit(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(
            store, config(barcode="numeric", barcode_prefix="B", barcode_width=6,
                          barcode_check_digit=True),
        )
        got = book.allocate("TK", ["a", "b"]) + book.allocate("NV", ["c"])
        assert [a.accession for a in got] == ["TK.00001", "TK.00002", "NV.00001"]
        barcodes = [a.barcode or "" for a in got]
        assert [b[:7] for b in barcodes] == ["B000001", "B000002", "B000003"]
        for code in barcodes:
            assert int(code[-1]) == gs1_check_digit(code[1:-1])
        assert barcodes[0] == "B0000017"  # 1×3 = 3 → check 7
        with pytest.raises(AccessionError, match="B0000024"):
            book.allocate("TK", ["x"], barcodes=["B0000024"])  # b's barcode
        with pytest.raises(AccessionError, match="B9"):
            book.allocate("TK", ["y", "z"], barcodes=["B9", "B9"])
        kept = book.allocate("TK", ["d"], barcodes=["B0000048"])  # an existing $p
        assert kept[0].barcode == "B0000048"
        assert book.allocate("TK", ["d2"])[0].barcode == "B0000055"  # 4 is taken: skipped
        book.set_next("barcode", 500)
        assert book.allocate("TK", ["e"])[0].barcode == "B000500" + str(gs1_check_digit("000500"))
        with pytest.raises(AccessionError, match="B0000031"):
            book.set_next("barcode", 3)
        state = {s.series: s for s in book.series_states()}["barcode"]
        assert state.assigned == 6 and state.next.startswith("B000501")


def test_non_ascii_prefixes_are_refused(db: Path) -> None:
    cats = (*DEFAULT_CATEGORIES, Category("DK", "Đăng ký", "DK", "DK", "ĐK"))
    with Store(db) as store:
        with pytest.raises(ConfigError, match=r"categories\.DK.*Code 128"):
            AccessionBook(store, dataclasses.replace(Config(), categories=cats))
        with pytest.raises(ConfigError, match="barcode_prefix"):
            AccessionBook(store, config(barcode="numeric", barcode_prefix="Mã"))
        with pytest.raises(ConfigError, match="separator"):
            AccessionBook(store, config(separator="·"))
        dup = (*DEFAULT_CATEGORIES, Category("X", "X", "X", "X", "TK"))
        with pytest.raises(ConfigError, match="trùng"):
            AccessionBook(store, dataclasses.replace(Config(), categories=dup))


def test_rolled_back_series_creation_is_recovered(db: Path) -> None:
    with Store(db) as store:
        book = AccessionBook(store, Config())
        with pytest.raises(RuntimeError), store.atomic():
            assert numbers(book, "TN", ["a"]) == ["TN.00001"]
            raise RuntimeError("run aborted")
        assert store.query("SELECT count(*) FROM accession_series")[0][0] == 0
        assert numbers(book, "TN", ["a"]) == ["TN.00001"]  # the same book goes on
