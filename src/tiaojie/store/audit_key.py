"""The county's audit key, kept outside the database: ``TIAOJIE_AUDIT_KEY`` (the key as text) or
``TIAOJIE_AUDIT_KEY_FILE`` (a file holding it).

Whoever can write the database can recompute every SHA-256 of the audit chain; an HMAC under a key
they do not hold they cannot. The key is read once per process and setting (not per entry — an
append runs inside the chain's head lock), and a key that cannot be read is refused with a message:
writing unkeyed entries after keyed ones would look exactly like tampering.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os

from .messages import LedgerError

ENV_KEY = "TIAOJIE_AUDIT_KEY"
ENV_KEY_FILE = "TIAOJIE_AUDIT_KEY_FILE"


class AuditKeyError(LedgerError):
    """The audit key is configured but cannot be used."""


def audit_key() -> bytes | None:
    """The key in force, or None when the county keeps none."""
    return _load(os.environ.get(ENV_KEY) or None, os.environ.get(ENV_KEY_FILE) or None)


@functools.lru_cache(maxsize=4)
def _load(text: str | None, path: str | None) -> bytes | None:
    if text is not None and path is not None:
        raise AuditKeyError("audit_key_both", env=ENV_KEY, file_env=ENV_KEY_FILE)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as err:
            raise AuditKeyError("audit_key_unreadable", path=path, detail=err.strerror or type(err).__name__) from None
        # `echo secret > key` leaves a newline that the same key typed into the variable lacks
        key = raw.strip()
        if not key:
            raise AuditKeyError("audit_key_empty", where=path)
        return key
    if text is not None:
        key = text.strip().encode("utf-8")
        if not key:
            raise AuditKeyError("audit_key_empty", where=ENV_KEY)
        return key
    return None


def sign(key: bytes, entry_hash: str) -> str:
    """HMAC-SHA256 of an entry's hash: 64 hex characters."""
    return hmac.new(key, entry_hash.encode("ascii"), hashlib.sha256).hexdigest()


def signed_by(key: bytes, entry_hash: str, mac: str) -> bool:
    return hmac.compare_digest(sign(key, entry_hash), mac)
