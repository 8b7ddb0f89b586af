"""The village-affairs tables: a village's people with duties and the cadres' satisfaction reviews,
residents' matters and the four parties' meetings, households and the visits to them. Same Base,
naming and conventions as `schema` (which imports this module, so that every table is in the one metadata)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
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

__all__ = ["PersonRow", "SatisfactionReviewRow", "MATTER_STATUSES", "MEETING_KINDS", "MatterRow", "MeetingRow", "AgendaItemRow", "AttendeeRow", "MeasureRow", "HouseholdRow", "HouseholdLinkRow", "VisitRow"]


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(64), default="")
    committee: Mapped[bool] = mapped_column(Boolean, default=True)  # 村两委成员
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SatisfactionReviewRow(Base):
    __tablename__ = "satisfaction_reviews"
    # one result per cadre and half-year: a correction replaces it, and the audit keeps the old one
    __table_args__ = (
        UniqueConstraint("person_id", "half"),
        CheckConstraint("respondents >= 0 AND dissatisfied >= 0 AND dissatisfied <= respondents", name="counts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    half: Mapped[str] = mapped_column(String(7))
    review_on: Mapped[dt.date] = mapped_column(Date)
    respondents: Mapped[int] = mapped_column(Integer)
    dissatisfied: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    fired: Mapped[list[Any]] = mapped_column(JSON)
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


# Residents' matters and the meetings that decide them (四方共创: company, village, government, experts)
MATTER_STATUSES = ("open", "resolved", "unresolved")
MEETING_KINDS = ("monthly", "emergency")


class MatterRow(Base):
    __tablename__ = "matters"
    __table_args__ = (
        UniqueConstraint("number"),
        CheckConstraint(_in("status", MATTER_STATUSES), name="status"),
        CheckConstraint(_in("meeting_kind", MEETING_KINDS), name="meeting_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    raised_by: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    urgency: Mapped[str] = mapped_column(String(32))
    parties: Mapped[list[Any]] = mapped_column(JSON)
    # where the escalation policy in force on the day it was raised sends it, and by when
    meeting_kind: Mapped[str] = mapped_column(String(16))
    meeting_by: Mapped[dt.date] = mapped_column(Date)
    policy_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class MeetingRow(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("number"),
        CheckConstraint(_in("kind", MEETING_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[dt.date] = mapped_column(Date)
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class AgendaItemRow(Base):
    """A matter on a meeting's agenda, and the consensus (共识) the meeting reached on it."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "matter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the meeting's: row security
    consensus: Mapped[str] = mapped_column(Text, default="")


class AttendeeRow(Base):
    __tablename__ = "attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    party: Mapped[str] = mapped_column(String(32))


class MeasureRow(Base):
    """A measure (措施) a meeting agreed on for a matter: who carries it out and by when."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class HouseholdRow(Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    head: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HouseholdLinkRow(Base):
    """A party member's linked household (党员联系户)."""

    __tablename__ = "household_links"
    __table_args__ = (UniqueConstraint("household_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


class VisitRow(Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_unit_id_visit_on", "unit_id", "visit_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    visit_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
