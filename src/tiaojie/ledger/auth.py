"""Who is acting, proven: signing in with a password, session tokens, and keeping passwords.

On SQLite (one station, one file) the ledger keeps each user's argon2id hash (`passwords`) and
checks it here. A wrong password, an unknown name and a disabled user get the same refusal, so
a refusal never tells which names exist; each refusal is audited (without the password or the
hash) and counted, and after `FREE_FAILURES` failures the next attempts must wait a delay that
doubles with each failure (capped at `MAX_WAIT`), refused without checking the password. A
success clears the count.

A session token (`issue_token`) lets the command line act between commands without the
password: the token is random (`secrets.token_urlsafe`), the ledger keeps only its SHA-256,
and it expires after a few hours. Checking a token does no password hashing.

On PostgreSQL the database's own authentication (SCRAM, libpq's `.pgpass`, service files) is the
sign-in, and the ledger keeps no password: `connection_user` says who the connection is.
Passwords set here go to the login roles (`store.pg_roles`).

`clock` is the time every decision here is taken at; tests replace it to move time on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from ..models import User
from ..store.messages import Message, did_you_mean
from . import passwords
from .access import check
from .context import Ledger
from .errors import InvalidInput, LedgerError, NotFound, PermissionDenied

FREE_FAILURES = 3  # failures before sign-ins are slowed down
MAX_WAIT = dt.timedelta(minutes=15)
TOKEN_HOURS = 8


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


clock: Callable[[], dt.datetime] = _utcnow


def wait_after(failures: int) -> dt.timedelta:
    """How long after the last failure the next attempt must wait: nothing for the first
    `FREE_FAILURES`, then 1 s, 2 s, 4 s, … up to `MAX_WAIT`."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_WAIT)


def on_postgresql(ledger: Ledger) -> bool:
    return ledger.engine.dialect.name == "postgresql"


def sign_in(ledger: Ledger, name: str, password: str) -> User:
    """The user `name`, when `password` is theirs and they are active; else `PermissionDenied`
    (the same message whatever the reason), audited and counted before it is raised."""
    if on_postgresql(ledger):
        return _sign_in_on_postgresql(ledger, name, password)
    now = clock()
    with ledger.uow() as uow:
        record = uow.users.sign_in_record(name)
        if record is not None and record.user.id is not None:
            wait = (record.last_failed_at + wait_after(record.failed_sign_ins) - now
                    if record.last_failed_at is not None else dt.timedelta(0))
            if wait > dt.timedelta(0):
                seconds = max(1, int(wait.total_seconds() + 0.999))
                _audit_failure(uow, name, record.user.id, "throttled", record.failed_sign_ins)
                uow.commit()
                raise PermissionDenied("sign_in_wait", seconds=seconds)
        proven = passwords.verify(record.password_hash if record else None, password)
        if record is None or record.user.id is None:
            _audit_failure(uow, name, None, "refused", None)
            uow.commit()
            raise PermissionDenied("sign_in_refused")
        user, user_id = record.user, record.user.id
        if not proven or not user.active:
            uow.users.record_failure(user_id, now)
            _audit_failure(uow, name, user_id, "refused", record.failed_sign_ins + 1)
            uow.commit()
            raise PermissionDenied("sign_in_refused")
        changed = False
        if record.failed_sign_ins or record.last_failed_at is not None:
            uow.users.reset_failures(user_id)
            changed = True
        if record.password_hash and passwords.needs_rehash(record.password_hash):
            uow.users.set_password_hash(user_id, passwords.hash_password(password))
            changed = True
        if changed:  # a plain sign-in writes nothing
            uow.commit()
        return user


def _audit_failure(uow, name: str, user_id: int | None, outcome: str, failures: int | None) -> None:  # noqa: ANN001
    # The name as typed is who claimed to act; the password (and its hash) never enters the log.
    uow.audit(name[:64], "user.sign_in_failed", "user", user_id, None,
              {"name": name[:64], "outcome": outcome, "failures": failures})


def _sign_in_on_postgresql(ledger: Ledger, name: str, password: str) -> User:
    """On a connection that is a tiaojie user's own (libpq signed it in), that user — the name
    must be theirs. On any other connection (the owner's, or a station's that belongs to no
    user), a password typed signs in as the user's own login role: the server checks it, and the
    ledger then works on that connection, where the database's grants and row-level security
    apply. A refusal is the same whatever the reason; the server's log records it."""
    from ..store.sign_in import connect_as

    with ledger.uow() as uow:
        own = uow.users.by_name(uow.users.connection_role())
    if own is not None or not password:
        return connection_user(ledger, name)
    engine = connect_as(ledger.engine.url.render_as_string(hide_password=False), name, password)
    if engine is None:
        raise PermissionDenied("sign_in_refused")
    signed_in = dataclasses.replace(ledger, engine=engine)
    try:
        user = connection_user(signed_in, None)
    except LedgerError:
        engine.dispose()
        raise PermissionDenied("sign_in_refused") from None
    if user.name != name:
        engine.dispose()
        raise PermissionDenied("sign_in_refused")
    previous, ledger.engine = ledger.engine, engine
    previous.dispose()
    return user


def connection_user(ledger: Ledger, name: str | None) -> User:
    """On PostgreSQL, who the connection's role is. A role that is a tiaojie user is the acting
    user (a different `name` is refused). A role that is no tiaojie user — the database owner's
    administrative connection — acts as the `name` given."""
    from .access import resolve_user

    with ledger.uow() as uow:
        role = uow.users.connection_role()
        own = uow.users.by_name(role)
    if own is not None:
        if name and name != own.name:
            raise PermissionDenied("connection_other_user", signed=own.name, user=name)
        if not own.active:
            raise PermissionDenied("sign_in_refused")
        return own
    user = resolve_user(ledger, name)
    if not user.active:
        raise PermissionDenied("sign_in_refused")
    return user


# --- session tokens ------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(ledger: Ledger, user: User, hours: float = TOKEN_HOURS) -> tuple[str, dt.datetime]:
    """A new session token for a signed-in user and when it expires. Only its SHA-256 is kept."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    now = clock()
    expires = now + dt.timedelta(hours=hours)
    with ledger.uow() as uow:
        uow.users.drop_tokens(user.id, expired_before=now)  # a user's stale sessions go as new ones come
        uow.users.add_token(token_hash(token), user.id, now, expires)
        uow.audit(user.name, "user.sign_in", "user", user.id, None, {"session_expires": expires.isoformat()})
        uow.commit()
    return token, expires


def user_for_token(ledger: Ledger, token: str) -> User:
    """The user a session token belongs to; an unknown or expired token, or a disabled user, is refused."""
    with ledger.uow() as uow:
        found = uow.users.by_token(token_hash(token))
    if found is None:
        raise PermissionDenied("token_refused")
    user, expires = found
    if expires <= clock() or not user.active:
        raise PermissionDenied("token_refused")
    return user


def revoke_token(ledger: Ledger, token: str) -> bool:
    """End a session (`tiaojie logout`). False when the token was not (or no longer) known."""
    with ledger.uow() as uow:
        found = uow.users.by_token(token_hash(token))
        if found is None:
            return False
        uow.users.drop_token(token_hash(token))
        uow.audit(found[0].name, "user.sign_out", "user", found[0].id, None, None)
        uow.commit()
        return True


# --- keeping passwords ---------------------------------------------------------------------------


def change_password(ledger: Ledger, user: User, old: str, new: str) -> User:
    """A user changes their own password, proving the old one (a wrong one counts as a failed
    sign-in). Every session of the user ends. On PostgreSQL the connection itself is the proof."""
    passwords.check_new(new, Message("password_field_new"))
    proven = sign_in(ledger, user.name, old)
    with ledger.uow() as uow:
        assert proven.id is not None
        _set_password(uow, proven, new)
        uow.users.drop_tokens(proven.id)
        uow.audit(proven.name, "user.password_change", "user", proven.id, None, None)
        uow.commit()
    return proven


def no_passwords_yet(ledger: Ledger) -> bool:
    """A SQLite ledger made before users had passwords: nobody can sign in until an admin has one."""
    if on_postgresql(ledger):
        return False
    with ledger.uow() as uow:
        return uow.users.count() > 0 and uow.users.with_password() == 0


def reset_password(ledger: Ledger, by: User | None, name: str, new: str) -> User:
    """An admin sets another user's password: their failures are cleared, their sessions end.
    On a ledger where nobody has a password yet (made before passwords), an admin's first one is
    set by nobody — as the first admin of an empty ledger is added by nobody."""
    passwords.check_new(new, Message("password_field_new"))
    with ledger.uow() as uow:
        user = _named(uow, name)
        assert user.id is not None
        if by is None:
            if uow.users.on_postgresql or uow.users.with_password() > 0:
                raise PermissionDenied("no_user")
            if user.role != "admin":
                raise InvalidInput("bootstrap_admin")
        else:
            check(by, "user_admin")
        _set_password(uow, user, new)
        uow.users.reset_failures(user.id)
        uow.users.drop_tokens(user.id)
        uow.audit(by.name if by else user.name, "user.password_reset", "user", user.id, None, None)
        uow.commit()
        return user


def set_active(ledger: Ledger, by: User, name: str, active: bool) -> User:
    """An admin disables (or enables again) a user. A disabled user cannot sign in, and their
    sessions end at once."""
    check(by, "user_admin")
    with ledger.uow() as uow:
        user = _named(uow, name)
        assert user.id is not None
        if not active and user.name == by.name:
            raise InvalidInput("user_disable_self", user=user.name)
        uow.users.set_active(user.id, active)
        if not active:
            uow.users.drop_tokens(user.id)
        if uow.users.on_postgresql:
            uow.users.set_login_enabled(user.name, active)
        after = user.model_copy(update={"active": active})
        uow.audit(by.name, "user.enable" if active else "user.disable", "user", user.id, user, after)
        uow.commit()
        return after


def _set_password(uow, user: User, new: str) -> None:  # noqa: ANN001
    assert user.id is not None
    if uow.users.on_postgresql:
        uow.users.set_login_password(user.name, new)
    else:
        uow.users.set_password_hash(user.id, passwords.hash_password(new))


def _named(uow, name: str) -> User:  # noqa: ANN001
    user = uow.users.by_name(name)
    if user is None:
        raise NotFound("unknown_user", user=name, hint=did_you_mean(name, [u.name for u in uow.users.list()]))
    return user
