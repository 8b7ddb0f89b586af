"""Opening a database already at head checks its version with plain SQL: Alembic is loaded only
when there is something to create or upgrade (it costs a TUI start a sixth of a second)."""

from __future__ import annotations

import subprocess
import sys

from tiaojie.store import db as store_db


def test_head_read_from_the_files_is_alembics_head():
    assert store_db.file_head_revision() == store_db.head_revision()


def test_open_at_head_does_not_load_alembic(db_url):
    store_db.open_database(db_url).dispose()  # first use: creates the schema (through Alembic)
    engine = store_db.make_engine(db_url)
    assert store_db.stored_revisions(engine) == [store_db.head_revision()]
    engine.dispose()
    code = ("import sys; from tiaojie.store.db import open_database; "
            f"open_database({db_url!r}).dispose(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_an_empty_database_has_no_stored_revision(tmp_path):
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert store_db.stored_revisions(engine) is None
    engine.dispose()
