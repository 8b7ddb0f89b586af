"""Village cadres and their satisfaction reviews, as stored."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import models as m
from .mapping import from_row, row_values
from .village_schema import PersonRow, SatisfactionReviewRow


class PersonRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, cadre: m.Person) -> m.Person:
        row = PersonRow(**row_values(cadre))
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def get(self, person_id: int) -> m.Person | None:
        row = self.session.get(PersonRow, person_id)
        return from_row(row) if row else None

    def named(self, unit_id: int, name: str) -> m.Person | None:
        row = self.session.execute(
            select(PersonRow).where(PersonRow.unit_id == unit_id, PersonRow.name == name)
        ).scalar_one_or_none()
        return from_row(row) if row else None

    def list(self, *, unit_ids: set[int] | None = None) -> list[m.Person]:
        stmt = select(PersonRow)
        if unit_ids is not None:
            stmt = stmt.where(PersonRow.unit_id.in_(sorted(unit_ids)))
        return [from_row(r) for r in self.session.execute(stmt.order_by(PersonRow.unit_id, PersonRow.id)).scalars()]


class ReviewRepository:
    def __init__(self, session: Session):
        self.session = session

    def of_cadre(self, person_id: int, half: str) -> m.SatisfactionReview | None:
        row = self.session.execute(
            select(SatisfactionReviewRow).where(
                SatisfactionReviewRow.person_id == person_id, SatisfactionReviewRow.half == half
            )
        ).scalar_one_or_none()
        return from_row(row) if row else None

    def put(self, review: m.SatisfactionReview) -> m.SatisfactionReview:
        """Store a cadre's result for a half-year, replacing the one stored before (if any)."""
        values = row_values(review)
        values.pop("id", None)
        values.pop("at", None)
        existing = self.of_cadre(review.person_id, review.half)
        if existing is None:
            row = SatisfactionReviewRow(**values)
            self.session.add(row)
            self.session.flush()
            return from_row(row)
        self.session.execute(
            update(SatisfactionReviewRow).where(SatisfactionReviewRow.id == existing.id).values(**values)
        )
        self.session.flush()
        stored = self.session.get(SatisfactionReviewRow, existing.id)
        assert stored is not None
        self.session.refresh(stored)
        return from_row(stored)

    def list(self, *, unit_ids: set[int] | None = None, half: str | None = None) -> list[m.SatisfactionReview]:
        stmt = select(SatisfactionReviewRow)
        if unit_ids is not None:
            stmt = stmt.where(SatisfactionReviewRow.unit_id.in_(sorted(unit_ids)))
        if half is not None:
            stmt = stmt.where(SatisfactionReviewRow.half == half)
        order = (SatisfactionReviewRow.half, SatisfactionReviewRow.unit_id, SatisfactionReviewRow.person_id)
        return [from_row(r) for r in self.session.execute(stmt.order_by(*order)).scalars()]
