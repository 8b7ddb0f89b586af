"""A quick read of a ledger with the database's own driver (sqlite3, psycopg): no SQLAlchemy, no
store, a few milliseconds — what the terminal UI's first screen needs before the ledger opens
(`ledger.glance`). Read-only; None wherever it cannot be sure (another kind of database, a schema
not at head, a server that does not answer at once)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .revisions import file_head_revision


@dataclass(frozen=True)
class QuickRead:
    """Users as (id, name, role, unit id, unit name) rows — the named one, or all when none was
    named — and the files of the newest activated rule set (None: none activated)."""

    users: list[tuple[Any, ...]]
    latest_files: Any


def sqlite_file(store: str) -> Path | None:
    """The file behind a store given as a path or a ``sqlite:///`` URL; None for anything else
    (another database, an in-memory SQLite, a URL with options)."""
    if "://" not in store:
        return Path(store).expanduser().resolve()
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if store.startswith(prefix):
            rest = store[len(prefix):]
            if rest and "?" not in rest and rest != ":memory:":
                return Path(rest).expanduser().resolve()
    return None


def postgres_conninfo(store: str) -> str | None:
    """The libpq URI behind a SQLAlchemy PostgreSQL URL (psycopg 3 or plain); None otherwise."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if store.startswith(prefix):
            return "postgresql://" + store[len(prefix):]
    return None


def _connect(store: str):  # noqa: ANN202
    """(DB-API connection, its parameter mark, the errors it raises), or None."""
    path = sqlite_file(store)
    if path is not None:
        if not path.is_file():
            return None
        # Read-only, and no journal-mode change: a glance never writes.
        return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=1), "?", sqlite3.Error
    conninfo = postgres_conninfo(store)
    if conninfo is None:
        return None
    import psycopg

    try:
        connection = psycopg.connect(conninfo, connect_timeout=2, autocommit=True)
    except psycopg.Error:
        return None
    return connection, "%s", psycopg.Error


def quick_read(store: str, user_name: str | None) -> QuickRead | None:
    """The users (one by name, or all) and the newest rule set's files; None when unsure."""
    head = file_head_revision()
    if head is None:
        return None
    opened = _connect(store)
    if opened is None:
        return None
    connection, mark, errors = opened
    try:
        try:
            if [r for (r,) in connection.execute("SELECT version_num FROM alembic_version")] != [head]:
                return None
            query = "SELECT u.id, u.name, u.role, u.unit_id, n.name FROM users u LEFT JOIN units n ON n.id = u.unit_id"
            if user_name is None:
                users = list(connection.execute(query + " ORDER BY u.name").fetchall())
            else:
                row = connection.execute(query + f" WHERE u.name = {mark}", (user_name,)).fetchone()
                users = [row] if row is not None else []
            latest = connection.execute("SELECT files FROM rule_sets ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            connection.close()
    except errors:
        return None
    return QuickRead([tuple(u) for u in users], latest[0] if latest is not None else None)


__all__ = ["QuickRead", "quick_read", "sqlite_file", "postgres_conninfo"]
