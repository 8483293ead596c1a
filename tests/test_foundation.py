"""Config, store and CLI basics."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import cli
from koha_bridge.config import load_config
from koha_bridge.exceptions import ConfigError
from koha_bridge.store import Store


def test_config_init_writes_a_loadable_commented_file(runner, tmp_path: Path) -> None:
    target = tmp_path / "koha-bridge.toml"
    result = runner.invoke(cli, ["config", "init", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.count("#") > 20  # commented for a newcomer
    config = load_config(target)
    assert config.classification.enabled and config.accession.enabled
    assert config.category("TK").accession_prefix == "TK"
    again = runner.invoke(cli, ["config", "init", str(target)])
    assert again.exit_code == 2  # refuses to overwrite without --force


def test_unknown_config_key_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[school]\nnmae = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="nmae"):
        load_config(path)


def test_cli_reports_config_errors_with_exit_2(runner, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[koha]\nauth = 'kerberos'\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(path), "config", "show"])
    assert result.exit_code == 2
    assert "auth" in result.output



def test_store_migrates_and_nests_transactions(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    assert store.pending_migrations() == []
    with pytest.raises(RuntimeError), store.atomic():
        store.execute("INSERT INTO meta VALUES ('a', '1')")
        raise RuntimeError
    assert store.query("SELECT * FROM meta") == []
    with store.atomic():
        store.execute("INSERT INTO meta VALUES ('b', '2')")
        with pytest.raises(RuntimeError), store.atomic():
            store.execute("INSERT INTO meta VALUES ('c', '3')")
            raise RuntimeError
    assert [r["key"] for r in store.query("SELECT key FROM meta")] == ["b"]
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"


def test_every_command_loads_and_has_vietnamese_help(runner) -> None:
    from cli.main import SUBCOMMANDS

    for name in SUBCOMMANDS:
        result = runner.invoke(cli, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, (name, result.output)
        assert any(ch in result.output for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ"), name


def test_readme_documents_every_command() -> None:
    from cli.main import SUBCOMMANDS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in SUBCOMMANDS:
        assert f"koha-bridge {name}" in readme, name


def test_ci_runs_exactly_the_readme_test_command() -> None:
    repo = Path(__file__).resolve().parents[1]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    command = "scripts/setup && scripts/check"
    assert f"\n{command}\n" in readme and f"\n{command}\n" in ci


def test_db_migrate_lists_then_applies_pending_steps(runner, tmp_path: Path) -> None:
    from koha_bridge.store.migrations import MIGRATIONS

    db = str(tmp_path / "kb.sqlite")
    listed = runner.invoke(cli, ["--db", db, "db", "migrate", "--list"], catch_exceptions=False)
    assert listed.exit_code == 0
    assert listed.output.count("[chờ]") == len(MIGRATIONS)
    applied = runner.invoke(cli, ["--db", db, "db", "migrate"], catch_exceptions=False)
    assert f"Đã áp dụng {len(MIGRATIONS)}" in applied.output
    again = runner.invoke(cli, ["--db", db, "db", "migrate", "--list"], catch_exceptions=False)
    assert "[chờ]" not in again.output
    assert again.output.count("[đã áp dụng]") == len(MIGRATIONS)


def test_store_backs_up_before_migrating_an_existing_file(tmp_path: Path, monkeypatch) -> None:
    from koha_bridge.store import core as store_module

    path = tmp_path / "kb.sqlite"
    Store(path).close()
    step = ("999_test_step", lambda conn: conn.execute("CREATE TABLE t (x)"))
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, step])
    with Store(path) as store:
        assert "999_test_step" in store.applied_migrations()
    assert list(tmp_path.glob("kb.sqlite.bak-*"))


def test_config_template_label_geometry_lines_are_valid_when_uncommented(tmp_path: Path) -> None:
    from cli.config_cmd import template_text

    text = template_text()
    for key in ("page_size", "rows", "columns", "label_width_mm", "gap_y_mm"):
        text = text.replace(f"# {key} =", f"{key} =")
    path = tmp_path / "k.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert (config.labels.rows, config.labels.columns) == (8, 3)
    from classification.labels import sheet_from_config

    sheet = sheet_from_config(config.labels)
    assert sheet.per_page == 24
