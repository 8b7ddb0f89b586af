"""Residents' matters and the meetings that decide them, as stored: a matter; a meeting with its
agenda (and the consensus on each matter), its attendance and its measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import models as m
from .mapping import from_row, row_values
from .village_schema import AgendaItemRow, AttendeeRow, MatterRow, MeasureRow, MeetingRow


def _next_number(session: Session, column: Any, prefix: str, width: int) -> str:
    """`prefix` and one more than the highest number that begins with it, zero-padded."""
    # longest first: SQ-2026-10000 comes after SQ-2026-9999, which a string comparison alone denies
    highest = session.execute(select(column).where(column.like(f"{prefix}%"))
                              .order_by(func.length(column).desc(), column.desc()).limit(1)).scalar()
    n = int(str(highest)[len(prefix):]) + 1 if highest else 1
    return f"{prefix}{n:0{width}d}"


class MatterRepository:
    def __init__(self, session: Session):
        self.session = session

    def next_number(self, year: int) -> str:
        return _next_number(self.session, MatterRow.number, f"SQ-{year}-", 4)

    def add(self, matter: m.Matter) -> m.Matter:
        row = MatterRow(**row_values(matter))
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def numbered(self, number: str) -> m.Matter | None:
        row = self.session.execute(select(MatterRow).where(MatterRow.number == number)).scalar_one_or_none()
        return from_row(row) if row else None

    def get_many(self, ids: Iterable[int]) -> dict[int, m.Matter]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.session.execute(select(MatterRow).where(MatterRow.id.in_(wanted))).scalars()
        return {r.id: from_row(r) for r in rows}

    def close(self, matter_id: int, status: str, closed_on: dt.date, reason: str) -> m.Matter:
        self.session.execute(update(MatterRow).where(MatterRow.id == matter_id)
                             .values(status=status, closed_on=closed_on, reason=reason))
        row = self.session.get(MatterRow, matter_id)
        assert row is not None
        self.session.refresh(row)
        return from_row(row)

    def counts(self, *, unit_ids: set[int] | None = None) -> list[tuple[int, dt.date, str]]:
        """(unit id, raised on, status) of every matter: what the statistics count, without the text."""
        stmt = select(MatterRow.unit_id, MatterRow.raised_on, MatterRow.status)
        if unit_ids is not None:
            stmt = stmt.where(MatterRow.unit_id.in_(sorted(unit_ids)))
        return [(u, d, s) for u, d, s in self.session.execute(stmt)]

    def list(self, *, unit_ids: set[int] | None = None, status: str | None = None,
             raised_by_date: dt.date | None = None) -> list[m.Matter]:
        """Matters of the units (all without), of one status, raised on or before a date, oldest first."""
        stmt = select(MatterRow)
        if unit_ids is not None:
            stmt = stmt.where(MatterRow.unit_id.in_(sorted(unit_ids)))
        if status is not None:
            stmt = stmt.where(MatterRow.status == status)
        if raised_by_date is not None:
            stmt = stmt.where(MatterRow.raised_on <= raised_by_date)
        return [from_row(r) for r in self.session.execute(stmt.order_by(MatterRow.raised_on, MatterRow.id)).scalars()]


class MeetingRepository:
    def __init__(self, session: Session):
        self.session = session

    def next_number(self, year: int) -> str:
        return _next_number(self.session, MeetingRow.number, f"HY-{year}-", 3)

    def add(self, meeting: m.Meeting) -> m.Meeting:
        row = MeetingRow(**row_values(meeting))
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def numbered(self, number: str) -> m.Meeting | None:
        row = self.session.execute(select(MeetingRow).where(MeetingRow.number == number)).scalar_one_or_none()
        return from_row(row) if row else None

    # --- agenda --------------------------------------------------------------------------------
    def add_item(self, item: m.AgendaItem) -> m.AgendaItem:
        row = AgendaItemRow(**row_values(item))
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def items(self, meeting_id: int) -> list[m.AgendaItem]:
        stmt = select(AgendaItemRow).where(AgendaItemRow.meeting_id == meeting_id).order_by(AgendaItemRow.id)
        return [from_row(r) for r in self.session.execute(stmt).scalars()]

    def set_consensus(self, item_id: int, consensus: str) -> m.AgendaItem:
        self.session.execute(update(AgendaItemRow).where(AgendaItemRow.id == item_id).values(consensus=consensus))
        row = self.session.get(AgendaItemRow, item_id)
        assert row is not None
        self.session.refresh(row)
        return from_row(row)

    # --- attendance ----------------------------------------------------------------------------
    def add_attendee(self, attendee: m.Attendee) -> m.Attendee:
        row = AttendeeRow(**row_values(attendee))
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def attendees(self, meeting_id: int) -> list[m.Attendee]:
        stmt = select(AttendeeRow).where(AttendeeRow.meeting_id == meeting_id).order_by(AttendeeRow.id)
        return [from_row(r) for r in self.session.execute(stmt).scalars()]

    # --- measures ------------------------------------------------------------------------------
    def add_measure(self, measure: m.Measure) -> m.Measure:
        values = row_values(measure)
        values["seq"] = (self.session.execute(
            select(func.max(MeasureRow.seq)).where(MeasureRow.meeting_id == measure.meeting_id)
        ).scalar() or 0) + 1
        row = MeasureRow(**values)
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def measure(self, meeting_id: int, seq: int) -> m.Measure | None:
        row = self.session.execute(
            select(MeasureRow).where(MeasureRow.meeting_id == meeting_id, MeasureRow.seq == seq)
        ).scalar_one_or_none()
        return from_row(row) if row else None

    def mark_done(self, measure_id: int, done_on: dt.date) -> m.Measure:
        self.session.execute(update(MeasureRow).where(MeasureRow.id == measure_id).values(done_on=done_on))
        row = self.session.get(MeasureRow, measure_id)
        assert row is not None
        self.session.refresh(row)
        return from_row(row)

    def measures(self, *, meeting_id: int | None = None, unit_ids: set[int] | None = None) -> list[m.Measure]:
        stmt = select(MeasureRow)
        if meeting_id is not None:
            stmt = stmt.where(MeasureRow.meeting_id == meeting_id)
        if unit_ids is not None:
            stmt = stmt.where(MeasureRow.unit_id.in_(sorted(unit_ids)))
        order = (MeasureRow.due_on, MeasureRow.meeting_id, MeasureRow.seq)
        return [from_row(r) for r in self.session.execute(stmt.order_by(*order)).scalars()]

    def get_many(self, ids: Iterable[int]) -> dict[int, m.Meeting]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.session.execute(select(MeetingRow).where(MeetingRow.id.in_(wanted))).scalars()
        return {r.id: from_row(r) for r in rows}

    def list(self, *, unit_ids: set[int] | None = None) -> list[m.Meeting]:
        stmt = select(MeetingRow)
        if unit_ids is not None:
            stmt = stmt.where(MeetingRow.unit_id.in_(sorted(unit_ids)))
        return [from_row(r) for r in self.session.execute(stmt.order_by(MeetingRow.held_on, MeetingRow.id)).scalars()]
