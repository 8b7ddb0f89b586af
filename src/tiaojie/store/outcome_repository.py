"""Outcomes: what each policy decided for a case, the current ones and those replaced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update

from .. import models as m
from .mapping import from_row
from .repository import Repo
from .schema import (
    OutcomeRow,
)


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
