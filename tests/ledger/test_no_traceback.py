"""Odd values on the command line get one located message in Chinese — never a traceback, never
pydantic's or Python's English — and a failure nobody foresaw is one line on screen with the
traceback in a log file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[2] / "rules"
runner = CliRunner()


def _run(db_url: str, *args: str, user: str = "admin"):  # noqa: ANN202
    # --rules only where the demo makes its ledger: writes go through the ledger's activated set
    rules = ["--rules", str(RULES)] if args[:1] == ("demo",) else []
    return runner.invoke(app, [*rules, *args], env={"TIAOJIE_DB": db_url, "TIAOJIE_USER": user})


@pytest.fixture
def demo_db(db_url):
    assert _run(db_url, "demo").exit_code == 0
    return db_url


@pytest.mark.parametrize("args, expected", [
    (("banquet", "check", "张三", "--occasion", "婚嫁", "--date", "2026-12-01", "--tables", "5", "--gift", "-5"), "每人礼金"),
    (("dividend", "run", "YW", "2026", "--income", "NaN"), "金额无效"),
    (("case", "add", "LSJ-01-01", "BIG-1", "--category", "邻里", "--set", "amount_involved=1e30"), "涉及金额"),
    (("user", "add", "x" * 70, "--role", "clerk"), "最多 64 个字符"),
    (("unit", "add", "LONG", "村" * 120, "--level", "village", "--parent", "LSJ-01"), "最多 100 个字符"),
    (("period", "adjust", "2026-12", "LSJ-01-01/2026-01-01-017", "1e30", "--reason", "更正"), "金额无效"),
    (("period", "adjust", "2026-12", "LSJ-01-01/2026-01-01-017", "100.005", "--reason", "更正"), "最多两位小数"),
])
def test_odd_values_get_a_message_not_a_traceback(demo_db, args, expected):
    done = _run(demo_db, *args, user="clerk" if args[0] in ("period", "dividend") else "admin")
    assert done.exit_code != 0
    assert expected in done.output, done.output
    assert "Traceback" not in done.output and "Input should" not in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)


def test_an_unforeseen_failure_is_one_line_and_a_log_file(monkeypatch, tmp_path, capsys):
    import importlib

    cli_app = importlib.import_module("tiaojie.cli.app")

    def boom(**_: object) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(cli_app, "app", boom)
    monkeypatch.setattr(cli_app, "register_plugins", lambda: [])
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["tiaojie", "stats"])
    with pytest.raises(SystemExit) as ended:
        cli_app.main()
    assert ended.value.code == 70
    err = capsys.readouterr().err.strip()
    assert err.startswith("内部错误") and "\n" not in err and "Traceback" not in err
    logs = list(tmp_path.rglob("error-*.log"))
    assert len(logs) == 1 and "something nobody foresaw" in logs[0].read_text(encoding="utf-8")


def test_a_household_longer_than_the_ledger_keeps_is_named_on_both_databases(demo_db):
    done = _run(demo_db, "banquet", "file", "户" * 10_000, "--occasion", "婚嫁", "--date", "2026-12-20", "--tables", "5",
                "--gift", "100")
    assert done.exit_code != 0 and "户主" in done.output and "100" in done.output, done.output
    assert "Traceback" not in done.output


def test_a_negative_amount_involved_is_said_in_chinese(demo_db):
    done = _run(demo_db, "case", "add", "LSJ-01-01", "NEG-1", "--category", "邻里", "--set", "amount_involved=-1")
    assert done.exit_code != 0 and "「涉及金额」不能小于 0" in done.output and "Input should" not in done.output
