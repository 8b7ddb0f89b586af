"""Passwords: argon2id through argon2-cffi, with the parameters of the OWASP Password Storage
Cheat Sheet (argon2id, memory m = 19 MiB = 19456 KiB, iterations t = 2, parallelism p = 1).

The encoded hash carries its own parameters and salt, so a stored hash made with older
parameters still verifies; `needs_rehash` says when it should be replaced (the sign-in does that
once the password has been proven). A password is never logged, shown or stored; only its hash
is kept, and only in the store (never in a model, an audit entry or a screen).

argon2 is imported when a password is first hashed or checked, not when the ledger opens: the
terminal UI paints before anyone signs in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..store.messages import Message
from .errors import InvalidInput

if TYPE_CHECKING:
    from argon2 import PasswordHasher

TIME_COST = 2  # t: iterations
MEMORY_COST_KIB = 19456  # m: 19 MiB
PARALLELISM = 1  # p
MIN_LENGTH = 8
MAX_LENGTH = 1024  # far beyond any real password; keeps one request from hashing a megabyte


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM,
                          hash_len=32, salt_len=16, type=Type.ID)


def check_new(password: str, field: object = None) -> None:
    """A new password the ledger accepts: at least MIN_LENGTH characters. The message names the
    field (by default "password")."""
    field = field if field is not None else Message("password_field")
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password_too_short", field=field, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password_too_long", field=field, max=MAX_LENGTH)


def hash_password(password: str) -> str:
    """The encoded argon2id hash of a new password (checked first)."""
    check_new(password)
    return hasher().hash(password)


def verify(encoded: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash. No hash (a user who never had a password, or a
    hash of another kind) never matches; the work is done anyway so that the time taken does not
    tell a user without a password from one with a wrong password."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(encoded or _decoy(), password) and encoded is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """The stored hash was made with other parameters than today's."""
    from argon2.exceptions import InvalidHashError

    try:
        return hasher().check_needs_rehash(encoded)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash of a random secret, verified against when there is no real hash to check."""
    import secrets

    return hasher().hash(secrets.token_urlsafe(24))
