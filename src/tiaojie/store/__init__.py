"""Storage: the ledger's schema, migrations, and the repository / unit-of-work interface."""

from .db import open_database, resolve_url, upgrade
from .messages import LedgerError, StoreUnavailable

__all__ = ["open_database", "resolve_url", "upgrade", "LedgerError", "StoreUnavailable"]
