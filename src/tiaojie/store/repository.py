"""Repositories: one per aggregate, speaking domain models, hiding rows and SQL. Cases, their
filters and the sorts of a page are in `case_repository`; the rest is here.

Bulk paths (period computation, distributions) use Core ``INSERT … executemany`` and aggregate
queries rather than one ORM object per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import CursorResult, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from .. import models as m
from .mapping import from_row, row_values, to_row, utc
from .schema import (
    AdjustmentRow,
    AllocationRow,
    BanquetFilingRow,
    Base,
    CollectiveRow,
    DistributionRunRow,
    FiscalInvestmentRow,
    HoldingRow,
    MemberRow,
    OutcomeRow,
    PayoutLineRow,
    PeriodRow,
    PolicyFileRow,
    RuleSetRow,
    ShareClassRow,
    SignInTokenRow,
    UnitRow,
    UserRow,
)

R = TypeVar("R", bound=Base)
M = TypeVar("M", bound=BaseModel)


def _insert_ignoring_duplicates(session: Session, row_class: type[Base], rows: list[dict[str, Any]], keys: list[str]) -> int:
    """Insert rows; rows whose unique key already exists are skipped by the database itself,
    so two processes writing the same rows at once cannot both add one."""
    if not rows:
        return 0
    table = row_class.__table__
    assert isinstance(table, Table)  # every row class maps one table
    stmt: Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        stmt = postgresql_insert(table).on_conflict_do_nothing(index_elements=keys)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)
    result = session.execute(stmt, rows)
    counted = result.rowcount if isinstance(result, CursorResult) else None
    return counted if counted is not None and counted >= 0 else len(rows)


class Repo:
    """What every repository shares: the session of its unit of work."""

    def __init__(self, session: Session):
        self.session = session

    def _insert(self, row_class: type[R], model: BaseModel) -> R:
        """Insert one model as a row and return the row (with its generated id)."""
        row = row_class(**row_values(model))
        self.session.add(row)
        self.session.flush()
        return row


class UnitRepository(Repo):
    def add(self, unit: m.Unit) -> m.Unit:
        return from_row(self._insert(UnitRow, unit))

    def get(self, unit_id: int) -> m.Unit | None:
        row = self.session.get(UnitRow, unit_id)
        return from_row(row) if row else None

    def by_code(self, code: str) -> m.Unit | None:
        row = self.session.execute(select(UnitRow).where(UnitRow.code == code)).scalar_one_or_none()
        return from_row(row) if row else None

    def find(self, code_or_name: str) -> m.Unit | None:
        """By code first, then by an exact, unambiguous name."""
        found = self.by_code(code_or_name)
        if found:
            return found
        rows = self.session.execute(select(UnitRow).where(UnitRow.name == code_or_name)).scalars().all()
        return from_row(rows[0]) if len(rows) == 1 else None

    def list(self) -> list[m.Unit]:
        return [from_row(r) for r in self.session.execute(select(UnitRow).order_by(UnitRow.code)).scalars()]

    def subtree_ids(self, unit_id: int) -> set[int]:
        """The unit and everything under it (a township's filter covers its villages)."""
        parents = dict(self.session.execute(select(UnitRow.id, UnitRow.parent_id)).all())
        children: dict[int | None, list[int]] = {}
        for child, parent in parents.items():
            children.setdefault(parent, []).append(child)
        out, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current in out:
                continue
            out.add(current)
            stack.extend(children.get(current, []))
        return out


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


class OutcomeRepository(Repo):
    def add(self, outcome: m.Outcome) -> m.Outcome:
        return from_row(self._insert(OutcomeRow, outcome))

    def current(self, case_id: int) -> list[m.Outcome]:
        """The outcomes that stand: one per policy that judges the case."""
        rows = self.session.execute(
            select(OutcomeRow).where(OutcomeRow.case_id == case_id, OutcomeRow.replaced_at.is_(None))
            .order_by(OutcomeRow.id)
        )
        return [from_row(r) for r in rows.scalars()]

    def current_many(self, case_ids: Sequence[int]) -> dict[int, list[m.Outcome]]:
        found: dict[int, list[m.Outcome]] = {}
        ids = list(case_ids)
        for start in range(0, len(ids), 1000):
            rows = self.session.execute(
                select(OutcomeRow).where(OutcomeRow.case_id.in_(ids[start : start + 1000]),
                                         OutcomeRow.replaced_at.is_(None)).order_by(OutcomeRow.id)
            )
            for row in rows.scalars():
                found.setdefault(row.case_id, []).append(from_row(row))
        return found

    def replace(self, outcome: m.Outcome, *, at: dt.datetime, by: str, reason: str) -> None:
        """Mark a current outcome as history: a later one took its place (or none stands now)."""
        assert outcome.id is not None
        self.session.execute(
            update(OutcomeRow).where(OutcomeRow.id == outcome.id)
            .values(replaced_at=at, replaced_by=by, replaced_reason=reason),
            execution_options={"synchronize_session": False},
        )

    def for_case(self, case_id: int) -> list[m.Outcome]:
        """Every outcome the case ever had, current and replaced, oldest first."""
        rows = self.session.execute(select(OutcomeRow).where(OutcomeRow.case_id == case_id).order_by(OutcomeRow.id))
        return [from_row(r) for r in rows.scalars()]


class PeriodRepository(Repo):
    def __init__(self, session: Session):
        super().__init__(session)
        self._closed: list[m.Period] | None = None
    def by_key(self, key: str) -> m.Period | None:
        row = self.session.execute(select(PeriodRow).where(PeriodRow.key == key)).scalar_one_or_none()
        return from_row(row) if row else None

    def get(self, period_id: int) -> m.Period | None:
        row = self.session.get(PeriodRow, period_id)
        return from_row(row) if row else None

    def add(self, period: m.Period) -> m.Period:
        """Insert, or return the row another writer inserted first."""
        _insert_ignoring_duplicates(self.session, PeriodRow, [row_values(period, include_id=False)], ["key"])
        found = self.by_key(period.key)
        assert found is not None
        return found

    def closed_covering(self, days: Iterable[dt.date]) -> list[m.Period]:
        days = set(days)
        return [p for p in self.closed() if any(p.covers(d) for d in days)]

    def closed(self) -> list[m.Period]:
        """Closed periods, read once per unit of work: a county closes a dozen a year, and the
        callers hold the period lock, so none can close while we look."""
        if self._closed is None:
            rows = self.session.execute(select(PeriodRow).where(PeriodRow.status == "closed").order_by(PeriodRow.starts_on))
            self._closed = [from_row(r) for r in rows.scalars()]
        return self._closed

    def close(self, period_id: int, by: str, at: dt.datetime) -> None:
        self._closed = None
        self.session.execute(
            update(PeriodRow).where(PeriodRow.id == period_id).values(status="closed", closed_by=by, closed_at=utc(at))
        )

    def list(self) -> list[m.Period]:
        return [from_row(r) for r in self.session.execute(select(PeriodRow).order_by(PeriodRow.starts_on, PeriodRow.key)).scalars()]


class PayoutRepository(Repo):
    def add_many(self, lines: Sequence[m.PayoutLine]) -> int:
        """Lines for cases already paid under the policy are dropped by the unique constraint."""
        rows = [row_values(line, include_id=False) for line in lines]
        added = 0
        for start in range(0, len(rows), 2000):
            added += _insert_ignoring_duplicates(
                self.session, PayoutLineRow, rows[start : start + 2000], ["case_id", "policy_id"]
            )
        return added

    def for_period(self, period_id: int) -> list[m.PayoutLine]:
        rows = self.session.execute(
            select(PayoutLineRow).where(PayoutLineRow.period_id == period_id).order_by(PayoutLineRow.payee, PayoutLineRow.case_id)
        )
        return [from_row(r) for r in rows.scalars()]

    def for_case(self, case_id: int) -> list[m.PayoutLine]:
        rows = self.session.execute(select(PayoutLineRow).where(PayoutLineRow.case_id == case_id))
        return [from_row(r) for r in rows.scalars()]

    def paid_per_case(self, case_ids: Sequence[int]) -> tuple[dict[int, int], set[int]]:
        """Fen paid per case (payout lines plus adjustments), and the cases that have payout lines."""
        out: dict[int, int] = {}
        lined: set[int] = set()
        ids = list(case_ids)
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            for table in (PayoutLineRow, AdjustmentRow):
                for case_id, fen in self.session.execute(
                    select(table.case_id, func.sum(table.amount_fen)).where(table.case_id.in_(part)).group_by(table.case_id)
                ):
                    out[case_id] = out.get(case_id, 0) + int(fen)
                    if table is PayoutLineRow:
                        lined.add(case_id)
        return out, lined

    def periods_of_case(self, case_id: int) -> list[int]:
        return list(self.session.execute(select(PayoutLineRow.period_id).where(PayoutLineRow.case_id == case_id)).scalars())


class AdjustmentRepository(Repo):
    def add(self, adj: m.Adjustment) -> m.Adjustment:
        return from_row(self._insert(AdjustmentRow, adj))

    def for_period(self, period_id: int) -> list[m.Adjustment]:
        rows = self.session.execute(select(AdjustmentRow).where(AdjustmentRow.period_id == period_id).order_by(AdjustmentRow.id))
        return [from_row(r) for r in rows.scalars()]

    def for_case(self, case_id: int) -> list[m.Adjustment]:
        rows = self.session.execute(select(AdjustmentRow).where(AdjustmentRow.case_id == case_id).order_by(AdjustmentRow.id))
        return [from_row(r) for r in rows.scalars()]


class BanquetRepository(Repo):
    def add(self, filing: m.BanquetFiling) -> m.BanquetFiling:
        return from_row(self._insert(BanquetFilingRow, filing))

    def list(self, *, unit_ids: set[int] | None = None, between: tuple[dt.date, dt.date] | None = None) -> list[m.BanquetFiling]:
        stmt = select(BanquetFilingRow)
        if unit_ids is not None:
            stmt = stmt.where(BanquetFilingRow.unit_id.in_(sorted(unit_ids)))
        if between:
            stmt = stmt.where(BanquetFilingRow.held_on.between(*between))
        return [from_row(r) for r in self.session.execute(stmt.order_by(BanquetFilingRow.held_on, BanquetFilingRow.id)).scalars()]


class CollectiveRepository(Repo):
    def _add(self, model: M) -> M:
        row = to_row(model)
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def add(self, collective: m.Collective) -> m.Collective:
        return self._add(collective)

    def add_member(self, member: m.Member) -> m.Member:
        return self._add(member)

    def add_share_class(self, share_class: m.ShareClass) -> m.ShareClass:
        return self._add(share_class)

    def add_holding(self, holding: m.Holding) -> m.Holding:
        return self._add(holding)

    def add_investment(self, investment: m.FiscalInvestment) -> m.FiscalInvestment:
        return self._add(investment)

    def by_code(self, code: str) -> m.Collective | None:
        row = self.session.execute(select(CollectiveRow).where(CollectiveRow.code == code)).scalar_one_or_none()
        return from_row(row) if row else None

    def set_policy(self, collective_id: int, policy_id: str) -> None:
        self.session.execute(update(CollectiveRow).where(CollectiveRow.id == collective_id).values(policy_id=policy_id))

    def members(self, collective_id: int) -> list[m.Member]:
        rows = self.session.execute(select(MemberRow).where(MemberRow.collective_id == collective_id).order_by(MemberRow.member_no))
        return [from_row(r) for r in rows.scalars()]

    def share_classes(self, collective_id: int) -> list[m.ShareClass]:
        rows = self.session.execute(select(ShareClassRow).where(ShareClassRow.collective_id == collective_id).order_by(ShareClassRow.code))
        return [from_row(r) for r in rows.scalars()]

    def holdings(self, collective_id: int) -> list[m.Holding]:
        rows = self.session.execute(
            select(HoldingRow).join(MemberRow, MemberRow.id == HoldingRow.member_id).where(MemberRow.collective_id == collective_id)
        )
        return [from_row(r) for r in rows.scalars()]

    def investments(self, collective_id: int) -> list[m.FiscalInvestment]:
        rows = self.session.execute(
            select(FiscalInvestmentRow).where(FiscalInvestmentRow.collective_id == collective_id).order_by(FiscalInvestmentRow.id)
        )
        return [from_row(r) for r in rows.scalars()]

    # Last in the class: below it, `list` in an annotation would name this method.
    def list(self) -> list[m.Collective]:
        return [from_row(r) for r in self.session.execute(select(CollectiveRow).order_by(CollectiveRow.code)).scalars()]


class DistributionRepository(Repo):
    def add(self, run: m.DistributionRun) -> m.DistributionRun:
        next_no = (
            self.session.execute(
                select(func.max(DistributionRunRow.run_no)).where(
                    DistributionRunRow.collective_id == run.collective_id, DistributionRunRow.year == run.year
                )
            ).scalar_one()
            or 0
        ) + 1
        row = DistributionRunRow(**row_values(run.model_copy(update={"run_no": next_no})))
        self.session.add(row)
        self.session.flush()
        if run.allocations:
            self.session.execute(
                insert(AllocationRow),
                [row_values(a.model_copy(update={"run_id": row.id}), include_id=False) for a in run.allocations],
            )
        added = self.get(row.id)
        assert added is not None  # just inserted, in this transaction
        return added

    def get(self, run_id: int) -> m.DistributionRun | None:
        row = self.session.get(DistributionRunRow, run_id)
        if row is None:
            return None
        allocations: list[m.Allocation] = [
            from_row(a)
            for a in self.session.execute(
                select(AllocationRow).where(AllocationRow.run_id == run_id).order_by(AllocationRow.member_id)
            ).scalars()
        ]
        return from_row(row, allocations=allocations)

    def list(self, collective_id: int | None = None, year: int | None = None) -> list[m.DistributionRun]:
        stmt = select(DistributionRunRow.id)
        if collective_id is not None:
            stmt = stmt.where(DistributionRunRow.collective_id == collective_id)
        if year is not None:
            stmt = stmt.where(DistributionRunRow.year == year)
        ids = self.session.execute(stmt.order_by(DistributionRunRow.year, DistributionRunRow.run_no)).scalars().all()
        return [run for run_id in ids if (run := self.get(run_id)) is not None]


class RuleSetRepository(Repo):
    """Activated rule sets (append-only) and every rule file kept by content hash."""

    def keep_files(self, files: Sequence[dict[str, Any]]) -> int:
        """Store files not yet kept; returns how many were new. A hash names its content, so an
        existing row never needs updating."""
        hashes = [f["hash"] for f in files]
        known = set(self.session.execute(select(PolicyFileRow.hash).where(PolicyFileRow.hash.in_(hashes))).scalars())
        fresh = [{**f, "first_seen": dt.datetime.now(dt.timezone.utc)} for f in files if f["hash"] not in known]
        # two writers keeping the same new file at once: the database keeps one, neither fails
        return _insert_ignoring_duplicates(self.session, PolicyFileRow, fresh, ["hash"])

    def file(self, content_hash: str) -> PolicyFileRow | None:
        return self.session.get(PolicyFileRow, content_hash)

    def versions_of(self, policy_id: str) -> list[PolicyFileRow]:
        return list(self.session.execute(
            select(PolicyFileRow).where(PolicyFileRow.policy_id == policy_id).order_by(PolicyFileRow.first_seen)
        ).scalars())

    def add(self, *, by: str, source: str, files: dict[str, str], impact: dict[str, Any], warnings: list[str]) -> int:
        row = RuleSetRow(activated_by=by, source=source, files=files, impact=impact, accepted_warnings=warnings,
                         activated_at=dt.datetime.now(dt.timezone.utc))
        self.session.add(row)
        self.session.flush()
        return row.id

    def latest(self) -> RuleSetRow | None:
        return self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1)).scalar_one_or_none()

    def list(self) -> list[RuleSetRow]:
        return list(self.session.execute(select(RuleSetRow).order_by(RuleSetRow.id)).scalars())


__all__ = [
    "AdjustmentRepository",
    "BanquetRepository",
    "CollectiveRepository",
    "DistributionRepository",
    "OutcomeRepository",
    "PayoutRepository",
    "PeriodRepository",
    "Repo",
    "RuleSetRepository",
    "UnitRepository",
    "UserRepository",
]
