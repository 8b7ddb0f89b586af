"""A database address that cannot be read and a ledger written by a newer tiaojie are refused
with a message — `db upgrade` included — never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from tiaojie.cli import app

RULES = Path(__file__).resolve().parents[2] / "rules"
runner = CliRunner()


def _run(*args: str):  # noqa: ANN202
    return runner.invoke(app, ["--rules", str(RULES), *args])


def test_an_unreadable_address_is_named():
    done = _run("stats", "--db", "postgresql://::::")
    assert done.exit_code != 0 and "数据库地址无效" in done.output and "Traceback" not in done.output


def test_upgrading_a_ledger_of_a_newer_tiaojie_is_refused(tmp_path):
    path = tmp_path / "ahead.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    for args in (("db", "upgrade", "--db", str(path)), ("stats", "--db", str(path))):
        done = _run(*args)
        assert done.exit_code != 0 and "比本程序新" in done.output, done.output
        assert done.exception is None or isinstance(done.exception, SystemExit)
