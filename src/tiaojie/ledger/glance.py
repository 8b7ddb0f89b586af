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
from dataclasses import dataclass
from pathlib import Path

from ..store.quick_read import quick_read
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
    rules_unwritten: bool = False  # the activated set is not written out to `rules_dir` yet: the full open does


def glance(store: str, user_name: str | None, cache: Path | None = None, *,
           unwritten_ok: bool = False) -> Glance | None:
    """Who `user_name` is (or, without one, who may sign in) and the rule set in force; None when
    a glance cannot be sure. With `unwritten_ok`, an activated set not written out yet is no
    reason to give up: the glance says so (`rules_unwritten`) for a caller that needs no rules
    before the full open, which writes it out."""
    read = quick_read(store, user_name)
    if read is None or (user_name is not None and not read.users):
        return None
    rules_dir = None
    unwritten = False
    if read.latest_files is not None:
        files = read.latest_files
        if isinstance(files, str):  # SQLite keeps JSON as text; PostgreSQL hands back the value
            try:
                files = json.loads(files)
            except ValueError:
                return None
        if not isinstance(files, dict):
            return None
        rules_dir = kept_set_dir(files, cache)
        if not is_whole(rules_dir):
            if not unwritten_ok:
                return None  # the full open writes it out
            unwritten = True
    if user_name is None:
        users = tuple((GlancedUser(id=r[0], name=r[1], role=r[2], unit_id=r[3]), r[4] or "") for r in read.users)
        return Glance(user=None, unit_name="", rules_dir=rules_dir, users=users, rules_unwritten=unwritten)
    row = read.users[0]
    user = GlancedUser(id=row[0], name=row[1], role=row[2], unit_id=row[3])
    return Glance(user=user, unit_name=row[4] or "", rules_dir=rules_dir, rules_unwritten=unwritten)
