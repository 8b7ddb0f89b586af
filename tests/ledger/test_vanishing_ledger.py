"""The ledger never silently vanishes: a SQLite file that is missing, deleted, replaced, read-only,
frozen or full under a running program is refused with a message naming it, nothing is written
into the wrong file, and what was stored before stays intact (integrity check, audit chain)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from frozen_files import TESTS, frozen, ledger_files, require_freezing, thawed_afterwards
from sqlalchemy import event, text
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import access
from tiaojie.ledger.context import Ledger
from tiaojie.store import db as store_db
from tiaojie.store.ledger_file import LedgerFile
from tiaojie.store.messages import StoreUnavailable

runner = CliRunner()


@pytest.fixture
def county(tmp_path, rules, make_org):  # noqa: ANN001, ANN201
    """A SQLite ledger in a directory of its own, with an organisation in it."""
    path = tmp_path / "county" / "ledger.sqlite"
    path.parent.mkdir()
    ledger = Ledger(engine=store_db.open_database(f"sqlite:///{path}", create=True), rules=rules,
                    today=dt.date(2026, 6, 15))
    org = make_org(ledger)
    yield path, ledger, org
    ledger.engine.dispose()


def add_township(ledger: Ledger, org, n: int) -> None:  # noqa: ANN001
    access.add_unit(ledger, org.admin, f"C-X{n}", f"新乡{n}", "township", "C")


def unit_codes(url: str) -> set[str]:
    engine = store_db.open_database(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT code FROM units")).scalars())
    finally:
        engine.dispose()


def intact(url: str) -> int:
    """integrity_check ok and the audit chain verifies; the number of audit entries."""
    from tiaojie.store.uow import SqlUnitOfWork

    engine = store_db.open_database(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        with SqlUnitOfWork(engine) as uow:
            checked, problems = uow.verify_audit()
        assert problems == [], [p.render("en") for p in problems]
        return checked
    finally:
        engine.dispose()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- a file that is not there -------------------------------------------------------------------


def test_a_named_file_that_does_not_exist_is_refused_and_not_made(tmp_path):
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(StoreUnavailable) as err:
        store_db.open_database(f"sqlite:///{missing}")
    assert err.value.key == "db_missing"
    assert f"tiaojie db init {missing}" in err.value.message("zh")
    assert "demo --db" in err.value.message("en") and "first run" in err.value.message("en")
    assert not missing.exists()

    result = runner.invoke(app, ["stats", "--db", str(missing)])
    assert result.exit_code == 1 and "不存在" in result.output and "Traceback" not in result.output
    assert not missing.exists()


def test_the_default_location_is_made_on_first_run(tmp_path, monkeypatch):
    default = tmp_path / "data" / "tiaojie.sqlite"
    monkeypatch.delenv("TIAOJIE_DB", raising=False)
    monkeypatch.setattr(store_db, "default_file", lambda: default)
    monkeypatch.setattr(store_db, "default_url", lambda: f"sqlite:///{default}")
    store_db.open_database().dispose()
    assert default.is_file()


# --- deleted, replaced, read-only while running -------------------------------------------------


def test_a_deleted_file_refuses_the_write_and_is_not_made_again(county):
    path, ledger, org = county
    url = f"sqlite:///{path}"
    before = unit_codes(url)
    path.unlink()  # the -wal and -shm stay, as after `rm ledger.sqlite`
    with pytest.raises(StoreUnavailable) as err:
        add_township(ledger, org, 1)
    assert err.value.key == "db_file_deleted"
    assert str(path) in err.value.message("zh") and "已被删除" in err.value.message("zh")
    assert not path.exists()  # nothing was written, and no empty ledger appeared in its place
    with ledger.uow() as uow:  # reads are still answered from the file that is open
        assert {u.code for u in uow.units.list()} == before

    ledger.engine.dispose()  # a new connection (the pool was emptied) is refused too, not made empty
    with pytest.raises(StoreUnavailable) as again:
        add_township(ledger, org, 2)
    assert again.value.key == "db_file_deleted"
    assert not path.exists()
    with pytest.raises(StoreUnavailable) as reopened:
        store_db.open_database(url)
    assert reopened.value.key == "db_missing"


def test_a_file_deleted_between_the_first_write_and_the_commit_is_not_committed(county):
    from tiaojie.models import Unit

    path, ledger, _org = county
    with pytest.raises(StoreUnavailable) as err, ledger.uow() as uow:
        uow.units.add(Unit(code="C-LATE", name="迟到乡", level="township"))
        uow.flush()
        path.unlink()
        uow.commit()
    assert err.value.key == "db_file_deleted"


def test_a_replaced_file_refuses_the_write_and_is_left_as_it_is(county, tmp_path):
    path, ledger, org = county
    other = tmp_path / "other.sqlite"
    shutil.copy(path, other)  # another ledger (a copy: the same schema, the same rows)
    os.replace(other, path)
    kept = digest(path)
    with pytest.raises(StoreUnavailable) as err:
        add_township(ledger, org, 1)
    assert err.value.key == "db_file_replaced" and "替换" in err.value.message("zh")
    assert digest(path) == kept


def test_a_ledger_opened_read_only_answers_reads_and_refuses_writes(county):
    path, ledger, org = county
    add_township(ledger, org, 1)
    ledger.engine.dispose()
    entries = intact(f"sqlite:///{path}")
    read_only = Ledger(engine=store_db.open_database(f"sqlite:///file:{path}?mode=ro&uri=true"),
                       rules=ledger.rules, today=ledger.today)
    try:
        with read_only.uow() as uow:
            assert "C-X1" in {u.code for u in uow.units.list()}
        with pytest.raises(StoreUnavailable) as err:
            add_township(read_only, org, 2)
        assert err.value.key == "db_file_readonly" and "只读" in err.value.message("zh")
    finally:
        read_only.engine.dispose()
    assert intact(f"sqlite:///{path}") == entries


def test_sqlites_own_read_only_refusal_is_a_message_too(county, monkeypatch):
    """Behind the check before writing: the driver's SQLITE_READONLY becomes the catalog message."""
    path, ledger, org = county
    ledger.engine.dispose()
    monkeypatch.setattr(LedgerFile, "problem", lambda self, *, writing: None)
    read_only = Ledger(engine=store_db.open_database(f"sqlite:///file:{path}?mode=ro&uri=true"),
                       rules=ledger.rules, today=ledger.today)
    try:
        with pytest.raises(StoreUnavailable) as err:
            add_township(read_only, org, 1)
    finally:
        read_only.engine.dispose()
    assert err.value.key == "db_readonly" and "read-only" in err.value.message("en")


def mount(*args: str) -> bool:
    try:
        return subprocess.run(["mount", *args], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_a_ledger_on_a_read_only_file_system_answers_reads_and_refuses_writes(county, tmp_path):
    """The ledger's directory seen through a read-only bind mount. (Linux refuses to remount a file
    system read-only while a file on it is open for writing, so it cannot happen under a running
    program; a ledger reached on read-only media can.)"""
    path, ledger, org = county
    add_township(ledger, org, 1)
    seen = tmp_path / "read-only"
    seen.mkdir()
    if not mount("--bind", "-o", "ro", str(path.parent), str(seen)):
        pytest.skip("mount is not permitted here; the read-only case is shown with mode=ro above")
    try:
        # the ledger is open elsewhere, so its WAL files exist and SQLite can read it read-only
        url = f"sqlite:///{seen / path.name}"
        on_ro = Ledger(engine=store_db.open_database(url), rules=ledger.rules, today=ledger.today)
        try:
            with on_ro.uow() as uow:
                assert "C-X1" in {u.code for u in uow.units.list()}
            with pytest.raises(StoreUnavailable) as err:
                add_township(on_ro, org, 2)
            assert err.value.key == "db_file_readonly" and str(seen / path.name) in err.value.message("en")
        finally:
            on_ro.engine.dispose()
        ledger.engine.dispose()  # closed everywhere: no WAL files, and none can be made read-only
        with pytest.raises(StoreUnavailable) as closed:
            store_db.open_database(url)
        assert closed.value.key == "db_cannot_open" and "只读" in closed.value.message("zh")
    finally:
        subprocess.run(["umount", str(seen)], check=True)
    codes = unit_codes(f"sqlite:///{path}")
    assert "C-X1" in codes and "C-X2" not in codes
    intact(f"sqlite:///{path}")


# --- full disk, I/O errors ------------------------------------------------------------------------


def test_a_full_database_refuses_the_write_and_keeps_everything_stored(county):
    path, ledger, org = county
    url = f"sqlite:///{path}"
    engine = ledger.engine
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _small(dbapi_conn, _record):  # noqa: ANN001
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={pages + 2}")  # a real limit: SQLITE_FULL on the third page
        cur.close()

    stored = 0
    with pytest.raises(StoreUnavailable) as err:
        for n in range(1, 500):
            access.add_unit(ledger, org.admin, f"C-X{n}", "新乡" * 50, "township", "C")
            stored = n
    assert err.value.key == "db_full" and "已满" in err.value.message("zh")
    assert "nothing was written" in err.value.message("en").lower()
    engine.dispose()
    codes = unit_codes(url)
    assert {f"C-X{n}" for n in range(1, stored + 1)} <= codes and f"C-X{stored + 1}" not in codes
    intact(url)


def test_a_full_disk_refuses_the_write_and_keeps_everything_stored(tmp_path, rules, make_org):
    """A real full disk: a 2 MB tmpfs, nearly filled before the ledger's writes."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=2m", "tiaojie-test", str(disk)):
        pytest.skip("mount is not permitted here; the full case is shown with max_page_count above")
    url = f"sqlite:///{disk / 'ledger.sqlite'}"
    ledger = None
    stored = 0
    try:
        ledger = Ledger(engine=store_db.open_database(url, create=True), rules=rules, today=dt.date(2026, 6, 15))
        org = make_org(ledger)
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(b"\0" * (free - 64 * 1024))
        with pytest.raises(StoreUnavailable) as err:
            for n in range(1, 2000):
                access.add_unit(ledger, org.admin, f"C-X{n}", "新乡" * 50, "township", "C")
                stored = n
        assert err.value.key == "db_full", err.value.message("en")
        ledger.engine.dispose()
        (disk / "filler").unlink()
        assert stored > 0 and f"C-X{stored}" in unit_codes(url)
        intact(url)
    finally:
        if ledger is not None:
            ledger.engine.dispose()
        subprocess.run(["umount", str(disk)], check=True)


def test_an_io_error_is_a_message(county):
    """A WAL file that cannot be written (immutable) gives SQLite's I/O error: said, not raised."""
    path, ledger, org = county
    wal = path.with_name(path.name + "-wal")
    require_freezing(path.parent)
    entries = intact(f"sqlite:///{path}")
    with frozen([wal]):
        with pytest.raises(StoreUnavailable) as checked:
            add_township(ledger, org, 1)
        assert checked.value.key == "db_file_readonly"  # the check before writing saw it
        with pytest.MonkeyPatch.context() as mp:  # and without it, SQLite's own error is a message
            mp.setattr(LedgerFile, "problem", lambda self, *, writing: None)
            with pytest.raises(StoreUnavailable) as err:
                add_township(ledger, org, 2)
        assert err.value.key == "db_io_error" and "I/O" in err.value.message("zh")
    ledger.engine.dispose()
    assert intact(f"sqlite:///{path}") == entries


FROZEN = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from frozen_files import freeze
    from tiaojie.store.db import open_database
    from tiaojie.store.messages import LedgerError
    from tiaojie.store.uow import SqlUnitOfWork

    engine = open_database(sys.argv[2])
    with SqlUnitOfWork(engine) as uow:
        uow.verify_audit()
    freeze(sys.argv[3:])
    for what in ("read", "write"):
        try:
            with SqlUnitOfWork(engine) as uow:
                uow.verify_audit()
                if what == "write":
                    uow.audit("admin", "probe", "unit", 1, None, {"x": 1})
                    uow.commit()
            print(what, "answered")
        except LedgerError as err:
            print(what, err.key)
""")


def test_a_frozen_ledger_is_refused_instead_of_ending_the_program(county, tmp_path):
    """`chattr +i` on the ledger's files under a running program: SQLite's memory-mapped WAL index
    used to end the process with SIGBUS (`Bus error`); now each transaction is refused first."""
    path, ledger, _org = county
    ledger.engine.dispose()
    require_freezing(tmp_path)
    files = ledger_files(path)
    with thawed_afterwards(files):
        run = subprocess.run([sys.executable, "-c", FROZEN, str(TESTS), f"sqlite:///{path}", *files],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, (run.returncode, run.stdout, run.stderr)
    assert run.stdout.split("\n")[:2] == ["read db_file_frozen", "write db_file_frozen"]
    intact(f"sqlite:///{path}")


def test_a_read_only_postgresql_transaction_is_a_message(pg_schema_url, rules, make_org):
    """PostgreSQL's refusal to write (a standby, or default_transaction_read_only) is said too."""
    from sqlalchemy.engine import make_url

    engine = store_db.open_database(pg_schema_url)
    ledger = Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15))
    org = make_org(ledger)
    engine.dispose()
    url = make_url(pg_schema_url)
    options = url.query["options"] + " -cdefault_transaction_read_only=on"
    read_only = Ledger(engine=store_db.open_database(url.update_query_dict({"options": options})
                                                     .render_as_string(hide_password=False)),
                       rules=rules, today=ledger.today)
    try:
        with read_only.uow() as uow:
            assert "C-T1" in {u.code for u in uow.units.list()}
        with pytest.raises(StoreUnavailable) as err:
            add_township(read_only, org, 1)
    finally:
        read_only.engine.dispose()
    assert err.value.key == "db_readonly" and "只读" in err.value.message("zh")


def test_upgrading_or_locating_a_named_file_that_is_missing_creates_nothing(tmp_path):
    """`db upgrade` and `db where` on a mistyped path used to make an empty ledger there."""
    from typer.testing import CliRunner

    from tiaojie.cli import app

    missing = tmp_path / "typo.sqlite"
    for command in (["db", "upgrade", "--db", str(missing)], ["db", "where", "--db", str(missing)]):
        done = CliRunner().invoke(app, command, env={"TIAOJIE_DB": None})
        assert done.exit_code == 1, done.output
        assert "db init" in done.output and "Traceback" not in done.output
        assert not missing.exists()
