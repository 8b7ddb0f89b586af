"""Users, their password hashes, sign-in failures and session tokens; on PostgreSQL, their login roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update

from .. import models as m
from .mapping import from_row, utc
from .repository import Repo
from .schema import (
    SignInTokenRow,
    UserRow,
)


@dataclass(frozen=True)
class SignInRecord:
    """What a sign-in checks, read in one query: the user, the stored hash and the failures so far."""

    user: m.User
    password_hash: str | None
    failed_sign_ins: int
    last_failed_at: dt.datetime | None


class UserRepository(Repo):
    """Users, their password hashes, sign-in failures and session tokens. Hashes and tokens stay
    here: models never carry them. On PostgreSQL the passwords are the database's own login roles
    (`store.pg_roles`), and the ledger keeps no hash."""

    def add(self, user: m.User, password_hash: str | None = None) -> m.User:
        row = self._insert(UserRow, user)
        if password_hash is not None:
            row.password_hash = password_hash
            self.session.flush()
        return from_row(row)

    def sign_in_record(self, name: str) -> SignInRecord | None:
        row = self.session.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
        if row is None:
            return None
        return SignInRecord(from_row(row), row.password_hash, row.failed_sign_ins or 0, utc(row.last_failed_at))

    def record_failure(self, user_id: int, at: dt.datetime) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id)
                             .values(failed_sign_ins=UserRow.failed_sign_ins + 1, last_failed_at=at))

    def reset_failures(self, user_id: int) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(failed_sign_ins=0, last_failed_at=None))

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))

    def with_password(self) -> int:
        """How many users have a password hash (none: a ledger from before passwords)."""
        return self.session.execute(select(func.count()).select_from(UserRow).where(UserRow.password_hash.is_not(None))).scalar_one()

    def set_active(self, user_id: int, active: bool) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(active=active))

    def add_token(self, token_hash: str, user_id: int, issued_at: dt.datetime, expires_at: dt.datetime) -> None:
        self.session.add(SignInTokenRow(token_hash=token_hash, user_id=user_id, issued_at=issued_at, expires_at=expires_at))
        self.session.flush()

    def by_token(self, token_hash: str) -> tuple[m.User, dt.datetime] | None:
        """The user a token hash was issued to and when it expires."""
        found = self.session.execute(
            select(UserRow, SignInTokenRow.expires_at).join(SignInTokenRow, SignInTokenRow.user_id == UserRow.id)
            .where(SignInTokenRow.token_hash == token_hash)
        ).one_or_none()
        return (from_row(found[0]), utc(found[1])) if found else None

    def drop_token(self, token_hash: str) -> bool:
        result = self.session.execute(delete(SignInTokenRow).where(SignInTokenRow.token_hash == token_hash))
        return bool(getattr(result, "rowcount", 0))

    def drop_tokens(self, user_id: int, *, expired_before: dt.datetime | None = None) -> int:
        """Revoke a user's tokens (all, or only those expired before a time)."""
        stmt = delete(SignInTokenRow).where(SignInTokenRow.user_id == user_id)
        if expired_before is not None:
            stmt = stmt.where(SignInTokenRow.expires_at < expired_before)
        result = self.session.execute(stmt)
        return int(getattr(result, "rowcount", 0) or 0)

    # --- PostgreSQL: the database's own login roles hold the passwords -------------------------
    @property
    def on_postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def connection_role(self) -> str:
        """The database role this connection signed in as (PostgreSQL's `current_user`)."""
        return str(self.session.execute(select(func.current_user())).scalar_one())

    def create_login(self, name: str, role: str, password: str) -> None:
        _pg_roles().create_login_role(self.session, name, role, password)

    def set_login_password(self, name: str, password: str) -> None:
        _pg_roles().set_role_password(self.session, name, password)

    def set_login_enabled(self, name: str, enabled: bool) -> None:
        _pg_roles().set_role_login(self.session, name, enabled)

    def by_name(self, name: str) -> m.User | None:
        row = self.session.execute(select(UserRow).where(UserRow.name == name)).scalar_one_or_none()
        return from_row(row) if row else None

    def list(self) -> list[m.User]:
        return [from_row(r) for r in self.session.execute(select(UserRow).order_by(UserRow.name)).scalars()]

    def count(self) -> int:
        return self.session.execute(select(func.count()).select_from(UserRow)).scalar_one()


def _pg_roles() -> Any:
    """The PostgreSQL role functions (`store.pg_roles`), loaded only on a PostgreSQL ledger."""
    from . import pg_roles

    return pg_roles
