"""Storage: the ledger's schema, migrations, and the repository / unit-of-work interface.

The names below load on first use, so that a light module of this package (the migrations'
head revision) can be read without importing SQLAlchemy."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"open_database": ".db", "resolve_url": ".db", "upgrade": ".db",
            "LedgerError": ".messages", "StoreUnavailable": ".messages"}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(name)
    return getattr(import_module(_EXPORTS[name], __name__), name)
