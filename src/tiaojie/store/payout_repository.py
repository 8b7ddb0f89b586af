"""Periods and the money paid in them: the periods (open or closed), the payout lines a
computation writes, and adjustments that correct a closed period's payments.

Payout lines go in with Core ``INSERT … executemany``, a chunk at a time, and are summed by
aggregate queries rather than one ORM object per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import models as m
from .mapping import from_row, row_values, utc
from .repository import Repo, insert_ignoring_duplicates
from .schema import (
    AdjustmentRow,
    PayoutLineRow,
    PeriodRow,
)


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
        insert_ignoring_duplicates(self.session, PeriodRow, [row_values(period, include_id=False)], ["key"])
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
            added += insert_ignoring_duplicates(
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
