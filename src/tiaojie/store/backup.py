"""A consistent copy of a live SQLite ledger, made with SQLite's online backup API.

The copy is read in one step inside a read transaction: in WAL mode writers go on meanwhile and the
copy is the ledger as of one moment. It is written beside the target, checked (``integrity_check``
and the audit chain) and only then put in place, so a failed backup leaves no half-written file
under the target's name. The copy uses a rollback journal, a single file that opens anywhere,
read-only media included.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from .db import make_engine, safe_url, sqlite_file
from .messages import Message, StoreUnavailable


@dataclass(frozen=True)
class BackupMade:
    source: Path
    target: Path
    pages: int
    audit_entries: int
    audit_problems: list[Message] = field(default_factory=list)


def backup_sqlite(url: str, target: Path, *, force: bool = False) -> BackupMade:
    """Copy the SQLite ledger at `url` to `target`; an existing `target` only with `force`."""
    source = sqlite_file(url)
    if source is None:
        raise StoreUnavailable("db_backup_memory")
    target = target.expanduser().absolute()
    if target.exists() and source.exists() and target.resolve() == source.resolve():
        raise StoreUnavailable("db_backup_same", target=str(target))
    if target.exists() and not force:
        raise StoreUnavailable("db_backup_exists", target=str(target))
    engine = make_engine(url, create=False)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        engine.dispose()
        raise StoreUnavailable("db_backup_failed", target=str(target), detail=str(exc)) from None
    os.close(fd)
    partial = Path(name)
    try:
        raw = engine.raw_connection()
        try:
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            raw.close()
        entries, problems = _check(partial)
        with contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
        _put_in_place(partial, target, force=force)
    except (sqlite3.Error, OSError) as exc:
        raise StoreUnavailable("db_backup_failed", target=str(target), detail=str(exc)) from None
    finally:
        engine.dispose()
        partial.unlink(missing_ok=True)
    return BackupMade(source, target, pages, entries, problems)


def _check(copy: Path) -> tuple[int, list[Message]]:
    """The copy opens as a ledger, passes integrity_check; its audit chain, verified."""
    from .uow import SqlUnitOfWork

    engine = make_engine(f"sqlite:///{copy}", create=False)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("PRAGMA integrity_check")).scalars().all()
        if found != ["ok"]:
            raise StoreUnavailable("db_backup_failed", target=str(copy), detail="; ".join(found[:3]))
        with SqlUnitOfWork(engine) as uow:
            return uow.verify_audit()
    finally:
        engine.dispose()


def _put_in_place(partial: Path, target: Path, *, force: bool) -> None:
    if force:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)  # fails if somebody made the target meanwhile: never overwritten
    except FileExistsError:
        raise StoreUnavailable("db_backup_exists", target=str(target)) from None


def postgresql_advice(url: str, target: Path) -> Message:
    """How to back up a PostgreSQL ledger: pg_dump of its database, and the cluster's roles."""
    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql", password=None)
    return Message("db_backup_postgresql", target=str(target), dsn=safe_url(dsn.render_as_string()),
                   host=parsed.host or "localhost", port=parsed.port or 5432)


__all__ = ["BackupMade", "backup_sqlite", "postgresql_advice"]
