"""`--db`, `--user`, `--rules`, `--lang` before or after the command name; negative amounts
without `--`; plain `tiaojie --db X --user Y` opens the terminal UI."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tiaojie.cli import app

runner = CliRunner()
RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    made = runner.invoke(app, ["demo", "--db", str(path)])
    assert made.exit_code == 0, made.output
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch):
    """A fresh copy of the demo ledger; the environment names no ledger, user or language."""
    for name in ("TIAOJIE_DB", "TIAOJIE_USER", "TIAOJIE_RULES", "TIAOJIE_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TIAOJIE_PASSWORD", "tiaojie-demo")
    copy = tmp_path / "demo.sqlite"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the whole ledger, with what is still in its write-ahead log
    return str(copy)


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_db_and_user_before_the_command_name(demo):
    before = invoke("--db", demo, "--user", "med01", "case", "list", "--limit", "3")
    after = invoke("case", "list", "--limit", "3", "--db", demo, "--user", "med01")
    assert before.exit_code == 0, before.output
    assert after.exit_code == 0, after.output
    assert before.output == after.output and "LSJ-" in before.output


def test_a_write_acts_as_the_user_given_before_the_command(demo):
    closed = invoke("--db", demo, "--user", "clerk", "period", "close", "2026-02")
    assert closed.exit_code == 0, closed.output
    assert "clerk" in closed.output


def test_lang_and_rules_after_the_command_name(demo):
    english = invoke("stats", "--db", demo, "--lang", "en")
    assert english.exit_code == 0, english.output
    assert "settlement rate" in english.output
    checked = invoke("rules", "check", "--rules", str(RULES), "--lang", "en")
    assert checked.exit_code == 0, checked.output
    assert "rules" in checked.output and "规则" not in checked.output
    missing = invoke("rules", "check", "--rules", "/nonexistent-rules")
    assert missing.exit_code == 1 and "/nonexistent-rules" in missing.output


def test_rules_after_a_write_command_is_refused_as_a_draft_like_before_it(demo):
    for args in (["--rules", str(RULES), "period", "close", "2026-02", "--db", demo, "--user", "clerk"],
                 ["period", "close", "2026-02", "--db", demo, "--user", "clerk", "--rules", str(RULES)]):
        refused = invoke(*args)
        assert refused.exit_code == 1, refused.output
        assert "启用" in refused.output


@pytest.mark.parametrize("option, first, second", [
    ("--db", "a.sqlite", "b.sqlite"),
    ("--user", "clerk", "med01"),
    ("--lang", "en", "zh"),
    ("--rules", "one", "two"),
])
def test_a_value_in_both_places_is_refused_naming_both(demo, option, first, second):
    args = ["period", "show", "2026-01"]
    if option != "--db":
        args += ["--db", demo]
    refused = invoke(option, first, *args, option, second)
    assert refused.exit_code == 2, refused.output
    assert option in refused.output and first in refused.output and second in refused.output
    assert "Traceback" not in refused.output


def test_environment_is_overridden_by_a_db_typed_before_the_command(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("TIAOJIE_DB", str(tmp_path / "absent.sqlite"))
    shown = invoke("--db", demo, "period", "show", "2026-01")
    assert shown.exit_code == 0, shown.output


def test_negative_adjustment_without_double_dash(demo):
    closed = invoke("--db", demo, "--user", "clerk", "period", "close", "2026-02")
    assert closed.exit_code == 0, closed.output
    listed = invoke("--db", demo, "--user", "clerk", "case", "list", "--period", "2026-01", "--status", "调解成功", "--limit", "1")
    unit, number = listed.output.splitlines()[2].split()[:2]
    adjusted = invoke("--db", demo, "--user", "clerk", "period", "adjust", "2026-06", f"{unit}/{number}", "-30", "--reason", "多发")
    assert adjusted.exit_code == 0, adjusted.output
    assert "-30.00" in adjusted.output
    decimal = invoke("--db", demo, "--user", "clerk", "period", "adjust", "2026-06", f"{unit}/{number}", "-0.5", "--reason", "多发")
    assert decimal.exit_code == 0 and "-0.50" in decimal.output
    misspelt = invoke("--db", demo, "--user", "clerk", "period", "adjust", "2026-06", f"{unit}/{number}", "--reasn", "-30")
    assert misspelt.exit_code == 2 and "--reasn" in misspelt.output


@pytest.fixture
def fake_tui(monkeypatch):
    """A `tui` command in place of the terminal UI's, saying what it was given."""
    seen: dict[str, object] = {}

    def tui(db: str = typer.Option(None, "--db", envvar="TIAOJIE_DB"), user: str = typer.Option(None, "--user")) -> None:
        seen.update(db=db, user=user)

    monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
    app.command("tui")(tui)
    return seen


def test_no_command_opens_the_terminal_ui_with_the_options_given(demo, fake_tui):
    opened = invoke("--db", demo, "--user", "med01")
    assert opened.exit_code == 0, opened.output
    assert fake_tui == {"db": demo, "user": "med01"}


def test_tui_command_takes_the_options_before_its_name(demo, fake_tui):
    opened = invoke("--db", demo, "--user", "med01", "tui")
    assert opened.exit_code == 0, opened.output
    assert fake_tui == {"db": demo, "user": "med01"}


def test_no_command_without_a_terminal_ui_shows_the_help(demo):
    shown = invoke("--db", demo)
    assert shown.exit_code == 0
    assert "case" in shown.output and "period" in shown.output


def test_rules_after_a_reading_command_is_a_what_if_as_before_it(demo, tmp_path):
    draft = tmp_path / "draft"
    shutil.copytree(RULES, draft)
    reward = draft / "mediation-reward-2026.toml"
    reward.write_text(reward.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }"),
                      encoding="utf-8")
    plain = invoke("period", "show", "2026-03", "--db", demo)
    before = invoke("--rules", str(draft), "period", "show", "2026-03", "--db", demo)
    after = invoke("period", "show", "2026-03", "--db", demo, "--rules", str(draft))
    assert before.exit_code == after.exit_code == plain.exit_code == 0, before.output + after.output
    assert before.output == after.output != plain.output
