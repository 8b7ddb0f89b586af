from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tiaojie.store import db as store_db
from tiaojie.store.messages import SchemaMismatch, StoreUnavailable
from tiaojie.store.schema import Base


def test_upgrade_empty_database_to_head_matches_models(db_url):
    engine = store_db.make_engine(db_url)
    assert store_db.current_revision(engine) is None
    reached = store_db.upgrade(engine)
    assert reached == store_db.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_first_use_creates_schema_at_head_and_is_idempotent(db_url):
    engine = store_db.open_database(db_url)
    assert store_db.current_revision(engine) == store_db.head_revision()
    engine.dispose()
    engine = store_db.open_database(db_url)  # second open: nothing to do, no error
    assert store_db.current_revision(engine) == store_db.head_revision()
    engine.dispose()


def test_foreign_database_is_not_written_into(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE payroll (id INTEGER)")
    with pytest.raises(SchemaMismatch) as err:
        store_db.open_database(f"sqlite:///{path}")
    assert err.value.key == "db_not_ledger"
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"payroll"}


def test_database_behind_head_asks_for_upgrade(tmp_path):
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('zzzz')")
    with pytest.raises(SchemaMismatch) as err:
        store_db.ensure_schema(engine)
    assert err.value.key == "db_ahead"
    engine.dispose()


def test_unreachable_postgres_gives_bilingual_message_not_traceback():
    # Port 9 (discard) on localhost: nothing listens there.
    with pytest.raises(StoreUnavailable) as err:
        store_db.open_database("postgresql://nobody@127.0.0.1:9/none")
    text_ = err.value.bilingual()
    zh, en = text_.split("\n", 1)
    assert "无法连接数据库" in zh and "cannot connect to the database" in en
    assert "127.0.0.1:9" in zh


def test_unsupported_scheme_and_bad_url():
    with pytest.raises(StoreUnavailable) as err:
        store_db.resolve_url("mysql://x@y/z")
    assert err.value.key == "db_unsupported"


def test_url_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv("TIAOJIE_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert store_db.resolve_url(f"sqlite:///{tmp_path / 'cli.sqlite'}").endswith("cli.sqlite")
    assert store_db.resolve_url(None).endswith("env.sqlite")
    monkeypatch.delenv("TIAOJIE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = store_db.resolve_url(None)
    assert url.startswith("sqlite:///") and url.endswith("tiaojie/tiaojie.sqlite")
    # what the terminal UI opens when given nothing: the default file only once it exists
    from tiaojie.store.location import default_store

    assert default_store() is None
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    Path(url.removeprefix("sqlite:///")).touch()
    assert default_store() == url.removeprefix("sqlite:///")
    monkeypatch.setenv("TIAOJIE_DB", "postgresql://u@h/d")
    assert default_store() == "postgresql://u@h/d"
    monkeypatch.delenv("TIAOJIE_DB")
    # a bare path is a SQLite file
    assert store_db.resolve_url("ledger.sqlite").startswith("sqlite:////")
    assert store_db.resolve_url("postgresql://u@h/d").startswith("postgresql+psycopg://")


def test_unwritable_sqlite_location_gives_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable) as err:
        store_db.open_database(f"sqlite:///{blocker / 'sub' / 'db.sqlite'}", create=True)
    assert err.value.key == "db_unreachable"
