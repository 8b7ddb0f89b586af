"""A glance at a ledger (who a user is, the rule set in force) with the database's own driver, on
a real SQLite file and a real PostgreSQL schema: right when it answers, and None — never a guess
— when it cannot be sure."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tiaojie.ledger import access
from tiaojie.ledger.bootstrap import open_ledger
from tiaojie.ledger.glance import glance
from tiaojie.ledger.policy_changes import activate, rules_in_force_dir
from tiaojie.store.quick_read import postgres_conninfo, sqlite_file

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def store(db_url) -> str:
    from tiaojie.store.db import open_database

    open_database(db_url, create=True).dispose()  # a ledger of an older version: nothing activated
    ledger = open_ledger(db_url, RULES_DIR, today=dt.date(2026, 5, 1))
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC", password="tiaojie-demo")
    ledger.close()
    return db_url


def test_a_glance_reads_the_user_their_unit_and_no_activated_set(store):
    seen = glance(store, "med01")
    assert seen is not None
    assert (seen.user.name, seen.user.role, seen.unit_name) == ("med01", "mediator", "新建村")
    assert seen.rules_dir is None  # nothing activated: the default set, as the full open decides
    assert glance(store, "admin").unit_name == ""


def test_a_glance_finds_the_activated_set_only_once_it_is_written_out(store, tmp_path):
    draft = tmp_path / "draft"
    shutil.copytree(RULES_DIR, draft)
    ledger = open_ledger(store, RULES_DIR)
    activate(ledger, access.resolve_user(ledger, "admin"), draft)
    in_force = rules_in_force_dir(ledger.engine)
    seen = glance(store, "med01")
    assert seen is not None and seen.rules_dir == in_force
    shutil.rmtree(in_force)  # the cache was cleared: only the full open can write it out again
    assert glance(store, "med01") is None
    with ledger.engine.begin() as connection:  # an older schema: the full open says so
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    ledger.close()
    assert glance(store, "med01") is None


def test_no_glance_when_it_cannot_be_sure(store, tmp_path):
    assert glance(store, "nobody") is None
    assert glance(str(tmp_path / "missing.sqlite"), "med01") is None
    (tmp_path / "not-a-db.sqlite").write_text("plain text", encoding="utf-8")
    assert glance(str(tmp_path / "not-a-db.sqlite"), "med01") is None
    assert glance("postgresql://nobody@127.0.0.1:9/none", "med01") is None  # no server there
    assert glance("mysql://host/db", "med01") is None


def test_where_a_store_is():
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("sqlite:////srv/ledger.sqlite?timeout=5") is None
    assert sqlite_file("sqlite:////srv/ledger.sqlite") == Path("/srv/ledger.sqlite")
    assert sqlite_file("postgresql+psycopg://host/db") is None
    assert postgres_conninfo("postgresql+psycopg://u@h:5432/db?options=-csearch_path%3Dx") == \
        "postgresql://u@h:5432/db?options=-csearch_path%3Dx"
    assert postgres_conninfo("sqlite:///x") is None


def test_a_glance_never_imports_sqlalchemy(store):
    import subprocess

    code = ("import sys; from tiaojie.ledger.glance import glance; "
            f"assert glance({store!r}, 'med01') is not None; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_without_a_name_a_glance_lists_who_may_sign_in(store):
    seen = glance(store, None)
    assert seen is not None and seen.user is None
    assert [(u.name, u.role, unit) for u, unit in seen.users] == [("admin", "admin", ""), ("med01", "mediator", "新建村")]
