"""``koha-bridge accession``: assign, set-next, show and void through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pymarc import Field, Indicators, MARCWriter, Record, Subfield

from cli.main import cli
from koha_bridge.store import Store
from marc.io import read_records


def run(runner: CliRunner, db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--db", str(db), "accession", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write_delivery(path: Path, categories: list[str]) -> None:
    with path.open("wb") as handle:
        writer = MARCWriter(handle)
        for n, category in enumerate(categories, start=1):
            rec = Record(force_utf8=True)
            rec.add_field(Field("001", data=f"KB{n:012x}"))
            rec.add_field(Field("245", Indicators("0", "0"), [Subfield("a", f"Sách số {n}")]))
            rec.add_field(Field("952", Indicators(" ", " "), [
                Subfield("y", "S" + category), Subfield("8", category), Subfield("t", "1"),
                Subfield("x", f"koha-bridge: ds.xlsx dòng {n + 1}"),
            ]))
            writer.write(rec)


def test_set_next_show_and_refusal(tmp_path: Path) -> None:
    runner, db = CliRunner(), tmp_path / "kb.sqlite"
    code, out, _ = run(runner, db, "set-next", "TK", "1532")
    assert code == 0 and "TK.01532" in out
    code, out, _ = run(runner, db, "show")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["Dãy", "số"] and "Số kế tiếp" in lines[0]
    tk = next(line for line in lines if line.startswith("TK "))
    assert tk.split() == ["TK", "theo", "loại", "TK.", "TK.00001", "—", "TK.01532", "0", "0"]
    assert any(line.startswith("SGK ") for line in lines)
    code, _, err = run(runner, db, "void", "TK.01600", "--reason", "Số ghi nhầm trên sổ")
    assert code == 0
    code, _, err = run(runner, db, "set-next", "TK", "1500")
    assert code == 2
    assert "TK.01600 đã được cấp" in err and "không bao giờ được dùng lại" in err
    code, _, err = run(runner, db, "set-next", "KHONGCO", "3")
    assert code == 2 and "Không có dãy số" in err


def test_assign_writes_mrc_and_marcxml_and_void(tmp_path: Path) -> None:
    runner, db = CliRunner(), tmp_path / "kb.sqlite"
    source = tmp_path / "in.mrc"
    write_delivery(source, ["TK", "TK", "NV"])
    run(runner, db, "set-next", "TK", "1532")
    out_mrc, out_xml = tmp_path / "out.mrc", tmp_path / "out.xml"
    code, out, err = run(runner, db, "assign", str(source), "--out", str(out_mrc),
                         "--marcxml", str(out_xml))
    assert code == 0, err
    assert "Cấp mới: 3 số" in out
    for path in (out_mrc, out_xml):
        got = [(r["952"]["i"], r["952"]["p"]) for r in read_records(path)]
        assert got == [("TK.01532", "TK.01532"), ("TK.01533", "TK.01533"),
                       ("NV.00001", "NV.00001")]
    # the MARCXML output read back as input: every copy keeps its number
    code, out, _ = run(runner, db, "assign", str(out_xml), "--out", str(tmp_path / "x.mrc"))
    assert code == 0 and "Cấp mới: 0 số" in out and "bản đã có số ĐKCB: 3" in out
    # re-running on the same input gives the same numbers
    code, out, _ = run(runner, db, "assign", str(source), "--out", str(tmp_path / "again.mrc"))
    assert code == 0 and "Cấp mới: 0 số" in out and "trước đây: 3" in out
    code, out, _ = run(runner, db, "void", "TK.01533", "--reason", "Bản bị rách, trả lại")
    assert code == 0 and "TK.01533" in out
    with Store(db) as store:
        row = store.query("SELECT status, void_reason FROM accessions WHERE accession = ?",
                          ("TK.01533",))[0]
    assert tuple(row) == ("void", "Bản bị rách, trả lại")
    code, out, _ = run(runner, db, "show")
    tk = next(line for line in out.splitlines() if line.startswith("TK "))
    assert tk.split()[-4:] == ["TK.01533", "TK.01534", "1", "1"]
    code, _, err = run(runner, db, "void", "TK.01533", "--reason", "lần nữa")
    assert code == 2 and "đã bị huỷ" in err


def test_assign_reports_problem_copies_with_exit_1(tmp_path: Path) -> None:
    runner, db = CliRunner(), tmp_path / "kb.sqlite"
    source = tmp_path / "in.mrc"
    write_delivery(source, ["TK", "KHONGRO"])
    code, _, err = run(runner, db, "assign", str(source), "--out", str(tmp_path / "o.mrc"))
    assert code == 1
    assert "không xác định được loại sách" in err


def test_show_explains_per_title_textbooks(tmp_path: Path) -> None:
    config = tmp_path / "koha-bridge.toml"
    config.write_text(
        '[accession]\ntextbook_numbering = "per_title"\nbarcode = "numeric"\n', encoding="utf-8"
    )
    runner, db = CliRunner(), tmp_path / "kb.sqlite"
    result = runner.invoke(cli, ["--config", str(config), "--db", str(db), "accession", "show"],
                           catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    sgk = next(line for line in lines if line.startswith("SGK "))
    assert sgk.split()[1:7] == ["số", "đầu", "sách", "SGK.", "SGK.0001", "—"]
    barcode = next(line for line in lines if line.startswith("barcode "))
    assert barcode.split()[1:5] == ["mã", "vạch", "(không)", "00000001"]
    assert "SGK.0012.003 là bản thứ 3 của đầu sách số 12" in result.stdout
