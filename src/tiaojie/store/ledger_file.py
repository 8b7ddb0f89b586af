"""The SQLite file under an engine, kept honest while the program runs.

An open SQLite connection keeps reading and writing the file it opened even after that file was
deleted or another file was renamed over its path, and a new connection to a vanished path makes
an empty database there. So the engine remembers which file it opened (device and inode) and,
before a transaction writes, checks that the path still holds that file and that it can be
written; a write that would go into a deleted, replaced or read-only file is refused with a
message naming the file. Reads may still be answered from the file that is open.

SQLite memory-maps the WAL index (``-shm``) read-write. If that file stops being writable under
a running program (``chattr +i``, "freezing" the ledger) the next touch of the mapping kills the
process with SIGBUS, reads included — so every transaction checks it first and refuses instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from .messages import StoreUnavailable

# Statements that change the file: their first transaction statement triggers the write check.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_CHECKED = "tiaojie_write_checked"  # connection info: this transaction's writes were checked


class LedgerFile:
    """One SQLite file as the engine opened it."""

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        self.read_only = read_only  # opened with mode=ro: SQLite itself refuses writes
        self.identity: tuple[int, int] | None = None
        self.shm_writable = False

    def remember(self) -> None:
        """Called once the first connection has the file open."""
        st = os.stat(self.path)
        self.identity = (st.st_dev, st.st_ino)
        shm = self._side("-shm")
        # writable now (or to be made in a writable directory): SQLite maps it read-write
        self.shm_writable = _writable(shm) if shm.exists() else _writable(self.path.parent)

    def _side(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def problem(self, *, writing: bool) -> str | None:
        """What keeps this file from being used now: the catalog key's last word, or None."""
        if writing:
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                return "deleted"
            if self.identity is not None and (st.st_dev, st.st_ino) != self.identity:
                return "replaced"
            wal = self._side("-wal")
            if self.read_only or not _writable(self.path) or (wal.exists() and not _writable(wal)):
                return "readonly"
        if self.shm_writable and self._side("-shm").exists() and not _writable(self._side("-shm")):
            return "frozen"
        return None

    def check(self, *, writing: bool) -> None:
        found = self.problem(writing=writing)
        if found is not None:
            raise StoreUnavailable(f"db_file_{found}", path=str(self.path))

    def check_reopen(self) -> None:
        """Before another connection opens the path: it must still be the same file, or SQLite
        would open (or create) another one."""
        if self.identity is None:
            return
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise StoreUnavailable("db_file_deleted", path=str(self.path)) from None
        if (st.st_dev, st.st_ino) != self.identity:
            raise StoreUnavailable("db_file_replaced", path=str(self.path))
        self.check(writing=False)


def _writable(path: Path) -> bool:
    # access(2) answers for this process: it sees read-only mounts and immutable files, and,
    # like the kernel, lets root write a file whose mode bits say read-only.
    return os.access(path, os.W_OK)


def watch(engine: Engine, file: LedgerFile) -> None:
    """Install the checks on the engine's connections and transactions."""

    @event.listens_for(engine, "do_connect")
    def _before_connect(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        file.check_reopen()

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn: Any, _record: Any) -> None:
        if file.identity is None:
            file.remember()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.info.pop(_CHECKED, None)
        file.check(writing=False)

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not conn.info.get(_CHECKED) and _WRITE.match(statement):
            file.check(writing=True)
            conn.info[_CHECKED] = True

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        # the file may have gone between the first write and now: refuse the commit, roll back
        if conn.info.pop(_CHECKED, None):
            file.check(writing=True)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Any) -> None:
        conn.info.pop(_CHECKED, None)


# SQLite's primary result codes (extended codes such as SQLITE_IOERR_WRITE share the prefix) and
# PostgreSQL's SQLSTATEs for the same troubles with the file or disk under the database.
_SQLITE_TROUBLE = {
    "SQLITE_FULL": "db_full",
    "SQLITE_READONLY": "db_readonly",
    "SQLITE_IOERR": "db_io_error",
    "SQLITE_CANTOPEN": "db_cannot_open",
    "SQLITE_CORRUPT": "db_corrupt",
    "SQLITE_NOTADB": "db_corrupt",
}
_PG_TROUBLE = {
    "53100": "db_full",  # disk_full
    "25006": "db_readonly",  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "58030": "db_io_error",  # io_error
    "XX001": "db_corrupt",  # data_corrupted
}


def driver_trouble(exc: BaseException) -> str | None:
    """The catalog key for a driver error caused by the file or disk under the database."""
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((key for code, key in _SQLITE_TROUBLE.items() if name == code or name.startswith(code + "_")), None)
    sqlstate = getattr(orig, "sqlstate", None)
    return _PG_TROUBLE.get(sqlstate) if isinstance(sqlstate, str) else None


__all__ = ["LedgerFile", "driver_trouble", "watch"]
