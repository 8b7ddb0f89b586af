"""The ledger's tables (SQLAlchemy 2 declarative). One schema for SQLite and PostgreSQL.

Money is integer fen everywhere (``*_fen`` columns); rates and weights are integer millionths
(``*_ppm``) so that no float ever sits between the database and a Decimal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .table_base import Base, _in, _utcnow

UNIT_LEVELS = ("county", "township", "village")
ROLES = ("mediator", "clerk", "policy", "admin")
SOURCES = ("application", "initiative", "transfer", "entrusted", "assigned")
URGENCIES = ("normal", "urgent")
AGREEMENT_KINDS = ("oral", "written")
PERIOD_KINDS = ("month", "quarter", "year")
PERIOD_STATUSES = ("open", "closed")


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (CheckConstraint(_in("level", UNIT_LEVELS), name="level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16))
    # argon2id, in the library's own encoded form (parameters and salt travel with the hash);
    # None on PostgreSQL, where the database's own roles hold the passwords.
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class SignInTokenRow(Base):
    """A short-lived proof that a user signed in, kept by the command line between commands.
    Only the token's SHA-256 is stored: the token itself lives in the user's config directory."""

    __tablename__ = "sign_in_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("unit_id", "number"),
        CheckConstraint(_in("source", SOURCES), name="source"),
        CheckConstraint(_in("urgency", URGENCIES), name="urgency"),
        CheckConstraint("agreement_kind IS NULL OR " + _in("agreement_kind", AGREEMENT_KINDS), name="agreement"),
        CheckConstraint("amount_involved_fen >= 0", name="amount"),
        CheckConstraint("persons_involved >= 0", name="persons"),
        Index("ix_cases_settled_on", "settled_on"),
        Index("ix_cases_received_on", "received_on"),
        Index("ix_cases_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text, default="")
    parties: Mapped[list[Any]] = mapped_column(JSON)
    persons_involved: Mapped[int] = mapped_column(Integer)
    amount_involved_fen: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[dt.date] = mapped_column(Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    settled_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    settled_by: Mapped[str | None] = mapped_column(String(32))
    mediators: Mapped[list[Any]] = mapped_column(JSON)
    agreement_kind: Mapped[str | None] = mapped_column(String(8))
    agreement_fulfilled: Mapped[bool] = mapped_column(Boolean)
    follow_up_done: Mapped[bool] = mapped_column(Boolean)
    file_complete: Mapped[bool] = mapped_column(Boolean)
    needs_verification: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str] = mapped_column(String(16))
    # Vocabulary fields with no column of their own (fields.toml decides which), by field id,
    # in their stored form: money in fen, decimals as strings, dates as ISO strings. JSON on both
    # databases, so either can select and filter on one key.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class EscalationRow(Base):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    escalated_on: Mapped[dt.date] = mapped_column(Date)
    from_level: Mapped[str] = mapped_column(String(16))
    to_level: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    by_user: Mapped[str] = mapped_column(String(64))


class OutcomeRow(Base):
    """What a policy said about a case. The current outcome of a (case, policy) is the one not
    replaced; earlier ones stay as the case's history, with when, by whom and why they went."""

    __tablename__ = "outcomes"
    __table_args__ = (Index("ix_outcomes_case_policy", "case_id", "policy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[dt.date] = mapped_column(Date)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    fired: Mapped[list[Any]] = mapped_column(JSON)
    explanation: Mapped[list[Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    computed_by: Mapped[str | None] = mapped_column(String(64))
    replaced_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[str | None] = mapped_column(String(64))
    replaced_reason: Mapped[str | None] = mapped_column(Text)


class PeriodRow(Base):
    __tablename__ = "periods"
    __table_args__ = (
        CheckConstraint(_in("kind", PERIOD_KINDS), name="kind"),
        CheckConstraint(_in("status", PERIOD_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PayoutLineRow(Base):
    __tablename__ = "payout_lines"
    # The database itself refuses a second payment of one case under one policy.
    __table_args__ = (UniqueConstraint("case_id", "policy_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    payee: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    gross_fen: Mapped[int] = mapped_column(BigInteger)  # before caps
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # paid, after caps
    capped_by: Mapped[str | None] = mapped_column(String(64))


class AdjustmentRow(Base):
    __tablename__ = "adjustments"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    original_period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id"))
    payee: Mapped[str] = mapped_column(String(100))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class BanquetFilingRow(Base):
    __tablename__ = "banquet_filings"
    __table_args__ = (
        CheckConstraint("gift_fen >= 0", name="gift"),
        CheckConstraint("days >= 0 AND tables >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    household: Mapped[str] = mapped_column(String(100))
    occasion: Mapped[str] = mapped_column(String(32))
    held_on: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    tables: Mapped[int] = mapped_column(Integer)
    gift_fen: Mapped[int] = mapped_column(BigInteger)
    host_age: Mapped[int | None] = mapped_column(Integer)  # for longevity banquets
    filed_on: Mapped[dt.date] = mapped_column(Date)
    policy_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[str | None] = mapped_column(String(32))
    hash: Mapped[str | None] = mapped_column(String(80))
    violations: Mapped[list[Any]] = mapped_column(JSON)


class CollectiveRow(Base):
    __tablename__ = "collectives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    policy_id: Mapped[str | None] = mapped_column(String(64))  # the dividend policy its runs use


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("collective_id", "member_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collective_id: Mapped[int] = mapped_column(ForeignKey("collectives.id", ondelete="CASCADE"))
    member_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    household: Mapped[str | None] = mapped_column(String(100))


class ShareClassRow(Base):
    __tablename__ = "share_classes"
    __table_args__ = (UniqueConstraint("collective_id", "code"), CheckConstraint("weight_ppm >= 0", name="weight"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collective_id: Mapped[int] = mapped_column(ForeignKey("collectives.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    weight_ppm: Mapped[int] = mapped_column(BigInteger)


class HoldingRow(Base):
    __tablename__ = "holdings"
    __table_args__ = (UniqueConstraint("member_id", "share_class_id"), CheckConstraint("shares >= 0", name="shares"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    share_class_id: Mapped[int] = mapped_column(ForeignKey("share_classes.id", ondelete="CASCADE"))
    shares: Mapped[int] = mapped_column(Integer)


class FiscalInvestmentRow(Base):
    __tablename__ = "fiscal_investments"
    __table_args__ = (CheckConstraint("principal_fen >= 0 AND rate_ppm >= 0", name="amounts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collective_id: Mapped[int] = mapped_column(ForeignKey("collectives.id", ondelete="CASCADE"), index=True)
    project: Mapped[str] = mapped_column(String(200))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    rate_ppm: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")


class DistributionRunRow(Base):
    __tablename__ = "distribution_runs"
    __table_args__ = (UniqueConstraint("collective_id", "year", "run_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collective_id: Mapped[int] = mapped_column(ForeignKey("collectives.id"))
    year: Mapped[int] = mapped_column(Integer)
    run_no: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    income_fen: Mapped[int] = mapped_column(BigInteger)
    retained_fen: Mapped[int] = mapped_column(BigInteger)
    pool_fen: Mapped[int] = mapped_column(BigInteger)
    leftover_fen: Mapped[int] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    by_user: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class AllocationRow(Base):
    __tablename__ = "allocations"
    __table_args__ = (UniqueConstraint("run_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("distribution_runs.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    weighted_shares_ppm: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    """Append-only, hash-chained. ``seq`` is assigned by the writer under the head lock."""

    __tablename__ = "audit_log"
    # The reviewers' flags read a case's audited writes by (entity, entity_id).
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # unique: two writers that read the same head cannot both link to it; the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 of the hash under a key kept outside the database, where the county keeps one:
    # whoever can write the table but lacks the key cannot forge a chain that verifies.
    hmac: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditHeadRow(Base):
    """One row: the chain's length and last hash. Removing the newest audit row leaves no broken
    link in the chain itself; the head still remembers it. Its row lock also serialises appends."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class PolicyFileRow(Base):
    """Every rule file that ever produced an outcome or was activated, kept by content hash, so
    an outcome can always be explained with the exact version that produced it."""

    __tablename__ = "policy_files"

    hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    policy_id: Mapped[str | None] = mapped_column(String(100), index=True)  # None for fields.toml
    version: Mapped[str | None] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class RuleSetRow(Base):
    """One activation: which files (by hash) became the rules in force, who did it, and the
    impact they saw. Append-only; the newest row is the set in force."""

    __tablename__ = "rule_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    activated_by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)  # the draft directory it came from
    files: Mapped[dict[str, Any]] = mapped_column(JSON)  # filename → hash
    impact: Mapped[dict[str, Any]] = mapped_column(JSON)
    accepted_warnings: Mapped[list[Any]] = mapped_column(JSON)


# The village-affairs tables (people and reviews, matters and meetings, households and visits)
# live in a module of their own; imported here so that Base.metadata holds every table.
# The subsidy cycle (claims and their review) and the follow-up checks against inflated claims.
from .claim_schema import *  # noqa: E402, F403
from .follow_up_schema import *  # noqa: E402, F403
from .village_schema import *  # noqa: E402, F403
