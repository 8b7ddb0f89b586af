"""A glance at a ledger before the store is up: who a user is, the name of their unit, and which
rule set is in force — read with the database's own driver (sqlite3, psycopg) in milliseconds,
where importing SQLAlchemy and the store takes a third of a second. The terminal UI paints its
first screen from this and opens the ledger in full right after.

It answers only what it can answer for certain. Anything else — another kind of database, a
schema not at head, an unknown user, an activated set not yet written out, a server that does
not answer at once — is None, and the caller opens the ledger in full first, which says what is
wrong."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..store.revisions import file_head_revision
from .rule_cache import is_whole, kept_set_dir


@dataclass(frozen=True)
class GlancedUser:
    """The user's row as read at a glance; the ledger's own `User` replaces it once open."""

    id: int
    name: str
    role: str
    unit_id: int | None


@dataclass(frozen=True)
class Glance:
    user: GlancedUser | None  # None when no user was named: see `users`
    unit_name: str  # "" when the user has no unit
    rules_dir: Path | None  # the activated set in force; None: none activated, the default set
    users: tuple[tuple[GlancedUser, str], ...] = ()  # every user with their unit, when none was named


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


def glance(store: str, user_name: str | None, cache: Path | None = None) -> Glance | None:
    """Who `user_name` is (or, without one, who may sign in) and the rule set in force; None when
    a glance cannot be sure."""
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
            rows: list[Any] = []
            row: Any = None
            if user_name is None:
                rows = connection.execute(query + " ORDER BY u.name").fetchall()
            else:
                row = connection.execute(query + f" WHERE u.name = {mark}", (user_name,)).fetchone()
            latest = connection.execute("SELECT files FROM rule_sets ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            connection.close()
    except errors:
        return None
    if user_name is not None and row is None:
        return None
    rules_dir = None
    if latest is not None:
        files = latest[0]
        if isinstance(files, str):  # SQLite keeps JSON as text; PostgreSQL hands back the value
            try:
                files = json.loads(files)
            except ValueError:
                return None
        if not isinstance(files, dict):
            return None
        rules_dir = kept_set_dir(files, cache)
        if not is_whole(rules_dir):
            return None  # the full open writes it out
    if user_name is None:
        users = tuple((GlancedUser(id=r[0], name=r[1], role=r[2], unit_id=r[3]), r[4] or "") for r in rows)
        return Glance(user=None, unit_name="", rules_dir=rules_dir, users=users)
    user = GlancedUser(id=row[0], name=row[1], role=row[2], unit_id=row[3])
    return Glance(user=user, unit_name=row[4] or "", rules_dir=rules_dir)
