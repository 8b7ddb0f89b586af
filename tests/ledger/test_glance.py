"""A glance at a SQLite ledger (who a user is, the rule set in force) with the standard library:
right when it answers, and None — never a guess — when it cannot be sure."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tiaojie.ledger import access
from tiaojie.ledger.context import open_ledger
from tiaojie.ledger.glance import glance, sqlite_file
from tiaojie.ledger.policy_changes import activate, rules_in_force_dir

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    ledger = open_ledger(f"sqlite:///{path}", RULES_DIR, today=dt.date(2026, 5, 1))
    admin = access.add_user(ledger, None, "admin", "admin")
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC")
    ledger.close()
    return path


def test_a_glance_reads_the_user_their_unit_and_no_activated_set(ledger_file):
    seen = glance(str(ledger_file), "med01")
    assert seen is not None
    assert (seen.user.name, seen.user.role, seen.unit_name) == ("med01", "mediator", "新建村")
    assert seen.rules_dir is None  # nothing activated: the default set, as the full open decides
    assert glance(f"sqlite:///{ledger_file}", "admin").unit_name == ""


def test_a_glance_finds_the_activated_set_only_once_it_is_written_out(ledger_file, tmp_path):
    draft = tmp_path / "draft"
    shutil.copytree(RULES_DIR, draft)
    ledger = open_ledger(f"sqlite:///{ledger_file}", RULES_DIR)
    activate(ledger, access.resolve_user(ledger, "admin"), draft)
    in_force = rules_in_force_dir(ledger.engine)
    ledger.close()
    seen = glance(str(ledger_file), "med01")
    assert seen is not None and seen.rules_dir == in_force
    shutil.rmtree(in_force)  # the cache was cleared: only the full open can write it out again
    assert glance(str(ledger_file), "med01") is None


def test_no_glance_when_it_cannot_be_sure(ledger_file, tmp_path):
    assert glance(str(ledger_file), "nobody") is None
    assert glance(str(tmp_path / "missing.sqlite"), "med01") is None
    assert glance("postgresql://localhost/test", "med01") is None
    (tmp_path / "not-a-db.sqlite").write_text("plain text", encoding="utf-8")
    assert glance(str(tmp_path / "not-a-db.sqlite"), "med01") is None
    with sqlite3.connect(ledger_file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    assert glance(str(ledger_file), "med01") is None  # an older schema: the full open says so


def test_the_file_behind_a_store():
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("sqlite:////srv/ledger.sqlite?timeout=5") is None
    assert sqlite_file("sqlite:////srv/ledger.sqlite") == Path("/srv/ledger.sqlite")
    assert sqlite_file("postgresql+psycopg://host/db") is None


def test_a_glance_never_imports_sqlalchemy(ledger_file):
    import subprocess

    code = ("import sys; from tiaojie.ledger.glance import glance; "
            f"assert glance({str(ledger_file)!r}, 'med01') is not None; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
