"""`tiaojie db backup FILE`: a consistent copy of a live SQLite ledger (SQLite's backup API), even
while another process writes; never over an existing file without --force; for PostgreSQL, how
to back it up (pg_dump, and the cluster's roles with pg_dumpall --roles-only)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.store import db as store_db
from tiaojie.store.backup import backup_sqlite
from tiaojie.store.messages import StoreUnavailable
from tiaojie.store.uow import SqlUnitOfWork

runner = CliRunner()

WRITER = textwrap.dedent("""
    import sys
    from tiaojie.models import Unit
    from tiaojie.store.db import open_database
    from tiaojie.store.uow import SqlUnitOfWork

    engine = open_database(sys.argv[1])
    print("ready", flush=True)
    for n in range(int(sys.argv[2])):
        with SqlUnitOfWork(engine) as uow:
            unit = uow.units.add(Unit(code=f"W-{n}", name="写入乡" * 30, level="township"))
            uow.audit("admin", "unit.add", "unit", unit.id, None, unit)
            uow.commit()
    engine.dispose()
""")


def new_ledger(path: Path) -> str:
    url = f"sqlite:///{path}"
    store_db.open_database(url, create=True).dispose()
    return url


def copy_state(path: Path) -> tuple[int, int]:
    """(units, audit entries about units) of a copy that opens, passes integrity_check and whose
    audit chain verifies."""
    engine = store_db.open_database(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            units = conn.execute(text("SELECT count(*) FROM units")).scalar_one()
            audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'unit.add'")).scalar_one()
        with SqlUnitOfWork(engine) as uow:
            _checked, problems = uow.verify_audit()
        assert problems == [], [p.render("en") for p in problems]
        return units, audited
    finally:
        engine.dispose()


def test_backup_copies_a_live_ledger_and_never_overwrites_without_force(tmp_path):
    url = new_ledger(tmp_path / "ledger.sqlite")
    made = runner.invoke(app, ["demo", "--db", url])
    assert made.exit_code == 0, made.output
    target = tmp_path / "copies" / "monday.sqlite"
    target.parent.mkdir()

    done = runner.invoke(app, ["db", "backup", str(target), "--db", url])
    assert done.exit_code == 0, done.output
    assert "完整性检查通过" in done.output and str(target) in done.output
    units, audited = copy_state(target)
    assert units == 16 and audited >= 15
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.sqlite"]  # no part files, no WAL

    kept = target.read_bytes()
    again = runner.invoke(app, ["db", "backup", str(target), "--db", url])
    assert again.exit_code == 1 and "--force" in again.output and "Traceback" not in again.output
    assert target.read_bytes() == kept

    target.write_bytes(b"not a ledger")
    forced = runner.invoke(app, ["--lang", "en", "db", "backup", str(target), "--force", "--db", url])
    assert forced.exit_code == 0, forced.output
    assert "integrity check ok" in forced.output
    assert copy_state(target) == (units, audited)


def test_a_backup_taken_while_another_process_writes_is_consistent(tmp_path):
    url = new_ledger(tmp_path / "ledger.sqlite")
    writes = 400
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(writes)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        seen = []
        for n in range(6):
            made = backup_sqlite(url, tmp_path / f"copy-{n}.sqlite")
            seen.append(copy_state(made.target))
            time.sleep(0.05)
    finally:
        assert writer.wait(timeout=300) == 0
    # each copy is the ledger at one moment: every unit has its audit entry, nothing torn
    assert all(units == audited for units, audited in seen), seen
    assert any(0 < units < writes for units, _ in seen), seen  # taken while the writes went on
    assert copy_state(made.target)[0] <= copy_state(tmp_path / "ledger.sqlite")[0] == writes


def test_backing_up_a_file_that_does_not_exist_makes_nothing(tmp_path):
    missing = tmp_path / "gone.sqlite"
    with pytest.raises(StoreUnavailable) as err:
        backup_sqlite(f"sqlite:///{missing}", tmp_path / "copy.sqlite")
    assert err.value.key == "db_missing"
    assert list(tmp_path.iterdir()) == []


def test_a_backup_onto_the_ledger_itself_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite"
    url = new_ledger(path)
    kept = path.read_bytes()
    with pytest.raises(StoreUnavailable) as err:
        backup_sqlite(url, path, force=True)
    assert err.value.key == "db_backup_same"
    assert path.read_bytes() == kept


def test_on_postgresql_backup_says_how_and_writes_nothing(pg_schema_url, tmp_path):
    target = tmp_path / "county.dump"
    result = runner.invoke(app, ["db", "backup", str(target), "--db", pg_schema_url])
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom" in result.output and "pg_dumpall --roles-only" in result.output
    assert "postgresql://" in result.output and "+psycopg" not in result.output
    assert not target.exists()
