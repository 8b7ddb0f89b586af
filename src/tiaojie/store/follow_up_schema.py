"""The follow-up checks' tables: the seeded sample of settled cases drawn per period and each
follow-up visit's result. Imported at the end of `schema` so that Base.metadata holds them.

A draw is kept with its seed and the share and minimum it used, so anyone can draw it again from
the same cases and see the same sample. PostgreSQL confines the draws to the units a user sees,
and the picks and results to the cases a user sees."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .table_base import Base, _in, _utcnow

__all__ = ["FOLLOW_UP_RESULTS", "FollowUpDrawRow", "FollowUpPickRow", "FollowUpRow"]

# agreement fulfilled / not fulfilled / the parties could not be reached
FOLLOW_UP_RESULTS = ("fulfilled", "unfulfilled", "unreached")


class FollowUpDrawRow(Base):
    """One sample per period and unit (the unit and the units under it): a second draw would let
    whoever draws pick the sample they like."""

    __tablename__ = "follow_up_draws"
    __table_args__ = (
        UniqueConstraint("period_key", "unit_id"),
        CheckConstraint("population >= 0 AND size >= 0 AND size <= population AND minimum >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_key: Mapped[str] = mapped_column(String(8))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64))
    share_ppm: Mapped[int] = mapped_column(BigInteger)
    minimum: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class FollowUpPickRow(Base):
    """A case the draw picked, in the order it was drawn."""

    __tablename__ = "follow_up_picks"
    __table_args__ = (UniqueConstraint("draw_id", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("follow_up_draws.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)


class FollowUpRow(Base):
    """A follow-up visit's result, and the adjustment that clawed the reward back when the rules
    gave less for it. A case may be visited again: the newest result is the case's."""

    __tablename__ = "follow_ups"
    __table_args__ = (CheckConstraint(_in("result", FOLLOW_UP_RESULTS), name="result"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    result: Mapped[str] = mapped_column(String(16))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("adjustments.id"))
    by_user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
