"""Unit of work: one transaction, its repositories, and the audit entries it will append.

    with SqlUnitOfWork(engine) as uow:
        case = uow.cases.add(...)
        uow.audit("alice", "case.add", "case", case.id, None, case)
        uow.commit()

Leaving the block without ``commit()`` rolls everything back. Audit entries are appended at
commit, just before the transaction ends, so the chain's head lock is held as briefly as possible.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..models import AuditEntry
from . import audit as audit_chain
from .banquet_repository import BanquetRepository
from .case_repository import CaseRepository
from .claim_repository import ClaimRepository
from .collective_repository import CollectiveRepository, DistributionRepository
from .db import safe_url
from .follow_up_repository import FollowUpRepository
from .ledger_file import driver_trouble
from .matter_repository import MatterRepository, MeetingRepository
from .messages import Conflict, LedgerError, Message, StoreUnavailable
from .outcome_repository import OutcomeRepository
from .payout_repository import AdjustmentRepository, PayoutRepository, PeriodRepository
from .pg_roles import refusal as pg_refusal
from .review_repository import PersonRepository, ReviewRepository
from .rule_set_repository import RuleSetRepository
from .unit_repository import UnitRepository
from .user_repository import UserRepository
from .visit_repository import HouseholdRepository, VisitRepository

_PERIOD_LOCK = 0x74696170  # advisory lock key: period close vs. writes into a period
_COMPUTE_LOCK = 0x74696171  # advisory lock key: one period computation at a time


class SqlUnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._factory = sessionmaker(bind=engine, expire_on_commit=False)
        self.session: Session | None = None
        self._pending_audit: list[dict[str, Any]] = []

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def __enter__(self) -> "SqlUnitOfWork":
        self.session = self._factory()
        self._pending_audit = []
        s = self.session
        self.units = UnitRepository(s)
        self.users = UserRepository(s)
        self.cases = CaseRepository(s)
        self.outcomes = OutcomeRepository(s)
        self.periods = PeriodRepository(s)
        self.payouts = PayoutRepository(s)
        self.adjustments = AdjustmentRepository(s)
        self.banquets = BanquetRepository(s)
        self.collectives = CollectiveRepository(s)
        self.distributions = DistributionRepository(s)
        self.rule_sets = RuleSetRepository(s)
        self.people = PersonRepository(s)
        self.reviews = ReviewRepository(s)
        self.households, self.visits = HouseholdRepository(s), VisitRepository(s)
        self.matters, self.meetings = MatterRepository(s), MeetingRepository(s)
        self.follow_ups = FollowUpRepository(s)
        self.claims = ClaimRepository(s)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None
        if exc is not None and not isinstance(exc, LedgerError):
            translated = translate_db_error(exc, self.engine)
            if translated is not None:
                raise translated from None

    def audit(
        self,
        user: str,
        action: str,
        entity: str,
        entity_id: object,
        before: BaseModel | dict | None,
        after: BaseModel | dict | None,
    ) -> None:
        self._pending_audit.append(
            {
                "user_name": user,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": _dump(before),
                "after": _dump(after),
            }
        )

    def verify_audit(self) -> tuple[int, list[Message]]:
        """(entries checked, problems): every row against its hash, the chain and its head."""
        assert self.session is not None
        return audit_chain.verify(self.session)

    def audit_entries(self, limit: int) -> list[AuditEntry]:
        """The newest `limit` entries of the audit log, oldest first."""
        assert self.session is not None
        return audit_chain.recent(self.session, limit)

    def lock_periods(self, *, exclusive: bool) -> None:
        """Closing a period and writing into one must not interleave. On PostgreSQL writers take
        this lock shared and closers exclusive; SQLite's BEGIN IMMEDIATE serialises all writers."""
        assert self.session is not None
        if self.dialect == "postgresql":
            fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            self.session.execute(text(f"SELECT {fn}(:k)"), {"k": _PERIOD_LOCK}).all()

    def lock_computation(self) -> None:
        """Period computations insert payout lines for overlapping sets of cases (a month and its
        quarter); run one at a time so their inserts cannot deadlock on each other's keys."""
        assert self.session is not None
        if self.dialect == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _COMPUTE_LOCK}).all()

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()

    def commit(self) -> None:
        assert self.session is not None
        audit_chain.append(self.session, self._pending_audit)
        self._pending_audit = []
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self._pending_audit = []
        self.session.rollback()


def _dump(value: BaseModel | dict | None) -> dict | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def translate_db_error(exc: BaseException, engine: Engine) -> LedgerError | None:
    """Driver errors that users can meet in normal use → bilingual messages."""
    if (refused := pg_refusal(exc)) is not None:  # PostgreSQL's grants and row-level security
        return refused
    if isinstance(exc, IntegrityError):
        return Conflict("db_error", detail=_first_line(exc))
    if isinstance(exc, DBAPIError):
        kind = driver_trouble(exc)
        if kind is not None:
            return StoreUnavailable(kind, url=safe_url(str(engine.url)), detail=_first_line(exc))
    if isinstance(exc, OperationalError):
        detail = _first_line(exc)
        if any(word in detail for word in ("locked", "busy", "deadlock", "could not serialize")):
            return StoreUnavailable("db_busy", detail=detail)
        return StoreUnavailable("db_unreachable", url=safe_url(str(engine.url)), detail=detail)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return StoreUnavailable("db_unreachable", url=safe_url(str(engine.url)), detail=_first_line(exc))
    return None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__
