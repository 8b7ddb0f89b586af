"""The subsidy cycle's tables: claims, their lines, each step's decisions and the objections raised
during the public notice. Imported at the end of `schema` so that Base.metadata holds them.

Every table carries the claiming unit's id, so PostgreSQL confines all four to the units a user
sees, as it does cases (a township sees its villages' claims, the county every claim)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .table_base import Base, _in, _utcnow

__all__ = ["CLAIM_STATUSES", "CLAIM_LINE_STATUSES", "OBJECTION_STATUSES", "ClaimRow", "ClaimLineRow",
           "ClaimDecisionRow", "ClaimObjectionRow"]

CLAIM_STATUSES = ("open", "returned", "paid")
CLAIM_LINE_STATUSES = ("claimed", "rejected", "dropped")
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


class ClaimRow(Base):
    """A unit's claim for a period's rewards. It keeps the review chain it started under (`chain`:
    the steps as they were), so a chain changed later does not change a claim in flight."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("number"),
        UniqueConstraint("unit_id", "period_key"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_key: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    chain_id: Mapped[str] = mapped_column(String(64))
    chain_version: Mapped[str] = mapped_column(String(32))
    chain: Mapped[list[Any]] = mapped_column(JSON)
    step: Mapped[str] = mapped_column(String(32))  # the step whose decision is awaited
    step_since: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    notice_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class ClaimLineRow(Base):
    """A case claimed, with the reward the activated rules gave it when the claim was (re)submitted."""

    __tablename__ = "claim_lines"
    __table_args__ = (
        UniqueConstraint("claim_id", "case_id", "policy_id"),
        CheckConstraint(_in("status", CLAIM_LINE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    payee: Mapped[str] = mapped_column(String(200))
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    gross_fen: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    capped_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_step: Mapped[str | None] = mapped_column(String(32))


class ClaimDecisionRow(Base):
    """One decision taken at a step of a claim: submitted, accepted, a line rejected, returned,
    published, an objection recorded or resolved, paid. The chain so far is these, in order."""

    __tablename__ = "claim_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class ClaimObjectionRow(Base):
    """An objection raised against a line during the public notice, and how it was resolved."""

    __tablename__ = "claim_objections"
    __table_args__ = (
        UniqueConstraint("number"),
        CheckConstraint(_in("status", OBJECTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("claim_lines.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
