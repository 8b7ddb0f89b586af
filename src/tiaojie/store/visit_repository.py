"""Households, party members' linked households and visits, as stored."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from .mapping import from_row, row_values
from .village_schema import HouseholdLinkRow, HouseholdRow, VisitRow


class HouseholdRepository:
    def __init__(self, session: Session):
        self.session = session

    def add_many(self, households: list[m.Household]) -> list[m.Household]:
        rows = [HouseholdRow(**row_values(h)) for h in households]
        self.session.add_all(rows)
        self.session.flush()
        return [from_row(r) for r in rows]

    def coded(self, unit_id: int, code: str) -> m.Household | None:
        row = self.session.execute(
            select(HouseholdRow).where(HouseholdRow.unit_id == unit_id, HouseholdRow.code == code)
        ).scalar_one_or_none()
        return from_row(row) if row else None

    def link_many(self, links: list[m.HouseholdLink]) -> list[m.HouseholdLink]:
        rows = [HouseholdLinkRow(**row_values(link)) for link in links]
        self.session.add_all(rows)
        self.session.flush()
        return [from_row(r) for r in rows]

    def links(self, *, unit_ids: set[int] | None = None) -> list[m.HouseholdLink]:
        # plain rows, not ORM objects: a county's households and links are read whole for its duties
        stmt = select(*HouseholdLinkRow.__table__.columns)
        if unit_ids is not None:
            stmt = stmt.where(HouseholdLinkRow.unit_id.in_(sorted(unit_ids)))
        return [from_row(r, m.HouseholdLink) for r in self.session.execute(stmt.order_by(HouseholdLinkRow.id))]

    def list(self, *, unit_ids: set[int] | None = None) -> list[m.Household]:
        stmt = select(*HouseholdRow.__table__.columns)
        if unit_ids is not None:
            stmt = stmt.where(HouseholdRow.unit_id.in_(sorted(unit_ids)))
        order = (HouseholdRow.unit_id, HouseholdRow.code)
        return [from_row(r, m.Household) for r in self.session.execute(stmt.order_by(*order))]


class VisitMark(NamedTuple):
    """Who visited which household when — all a duty count reads of a visit."""

    unit_id: int
    person_id: int
    household_id: int
    visit_on: dt.date


class VisitRepository:
    def __init__(self, session: Session):
        self.session = session

    def add_many(self, visits: list[m.Visit]) -> list[m.Visit]:
        rows = [VisitRow(**row_values(v)) for v in visits]
        self.session.add_all(rows)
        self.session.flush()
        return [from_row(r) for r in rows]

    def marks(self, *, unit_ids: set[int] | None, since: dt.date, until: dt.date) -> list[VisitMark]:
        """`list`'s visits as bare marks, read without building a model each: a county's year of
        visits is counted, never shown."""
        cols = (VisitRow.unit_id, VisitRow.person_id, VisitRow.household_id, VisitRow.visit_on)
        stmt = select(*cols).where(VisitRow.visit_on >= since, VisitRow.visit_on <= until)
        if unit_ids is not None:
            stmt = stmt.where(VisitRow.unit_id.in_(sorted(unit_ids)))
        return [VisitMark(*row) for row in self.session.execute(stmt)]

    def list(self, *, unit_ids: set[int] | None = None, since: dt.date | None = None,
             until: dt.date | None = None) -> list[m.Visit]:
        """Visits of those units (all without them) dated `since`..`until` (both inclusive), oldest first."""
        stmt = select(VisitRow)
        if unit_ids is not None:
            stmt = stmt.where(VisitRow.unit_id.in_(sorted(unit_ids)))
        if since is not None:
            stmt = stmt.where(VisitRow.visit_on >= since)
        if until is not None:
            stmt = stmt.where(VisitRow.visit_on <= until)
        order = (VisitRow.visit_on, VisitRow.id)
        return [from_row(r) for r in self.session.execute(stmt.order_by(*order)).scalars()]
