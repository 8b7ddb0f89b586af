"""Signing in to a PostgreSQL ledger as a user's own login role: a new connection with the name
and password typed, which the server checks (SCRAM). The store says only whether the server took
them; the ledger decides what follows (`ledger.auth`)."""

from __future__ import annotations

from sqlalchemy import Engine

from .messages import StoreUnavailable

# What libpq says when the server refuses who is connecting (rather than being unreachable).
_REFUSED = ("password authentication failed", "does not exist", "not permitted to log in",
            "no password supplied", "authentication failed")


def connect_as(url: str, name: str, password: str | None) -> Engine | None:
    """The ledger at `url`, connected as `name` with `password` (None: libpq's own — PGPASSWORD,
    .pgpass, a service file, a certificate); None when the server refuses those credentials."""
    from .db import open_database
    from .pg_roles import url_as

    try:
        return open_database(url_as(url, name, password))
    except StoreUnavailable as err:
        detail = str(err.msg.params.get("detail", ""))
        if any(words in detail for words in _REFUSED):
            return None
        raise
