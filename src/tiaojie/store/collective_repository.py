"""Collectives (village economic cooperatives): members, share classes, holdings, fiscal
investments, and the dividend runs with their allocations.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import func, insert, select, update

from .. import models as m
from .mapping import from_row, row_values, to_row
from .repository import Repo
from .schema import (
    AllocationRow,
    CollectiveRow,
    DistributionRunRow,
    FiscalInvestmentRow,
    HoldingRow,
    MemberRow,
    ShareClassRow,
)

M = TypeVar("M", bound=BaseModel)


class CollectiveRepository(Repo):
    def _add(self, model: M) -> M:
        row = to_row(model)
        self.session.add(row)
        self.session.flush()
        return from_row(row)

    def add(self, collective: m.Collective) -> m.Collective:
        return self._add(collective)

    def add_member(self, member: m.Member) -> m.Member:
        return self._add(member)

    def add_share_class(self, share_class: m.ShareClass) -> m.ShareClass:
        return self._add(share_class)

    def add_holding(self, holding: m.Holding) -> m.Holding:
        return self._add(holding)

    def add_investment(self, investment: m.FiscalInvestment) -> m.FiscalInvestment:
        return self._add(investment)

    def by_code(self, code: str) -> m.Collective | None:
        row = self.session.execute(select(CollectiveRow).where(CollectiveRow.code == code)).scalar_one_or_none()
        return from_row(row) if row else None

    def set_policy(self, collective_id: int, policy_id: str) -> None:
        self.session.execute(update(CollectiveRow).where(CollectiveRow.id == collective_id).values(policy_id=policy_id))

    def members(self, collective_id: int) -> list[m.Member]:
        rows = self.session.execute(select(MemberRow).where(MemberRow.collective_id == collective_id).order_by(MemberRow.member_no))
        return [from_row(r) for r in rows.scalars()]

    def share_classes(self, collective_id: int) -> list[m.ShareClass]:
        rows = self.session.execute(select(ShareClassRow).where(ShareClassRow.collective_id == collective_id).order_by(ShareClassRow.code))
        return [from_row(r) for r in rows.scalars()]

    def holdings(self, collective_id: int) -> list[m.Holding]:
        rows = self.session.execute(
            select(HoldingRow).join(MemberRow, MemberRow.id == HoldingRow.member_id).where(MemberRow.collective_id == collective_id)
        )
        return [from_row(r) for r in rows.scalars()]

    def investments(self, collective_id: int) -> list[m.FiscalInvestment]:
        rows = self.session.execute(
            select(FiscalInvestmentRow).where(FiscalInvestmentRow.collective_id == collective_id).order_by(FiscalInvestmentRow.id)
        )
        return [from_row(r) for r in rows.scalars()]

    # Last in the class: below it, `list` in an annotation would name this method.
    def list(self) -> list[m.Collective]:
        return [from_row(r) for r in self.session.execute(select(CollectiveRow).order_by(CollectiveRow.code)).scalars()]


class DistributionRepository(Repo):
    def add(self, run: m.DistributionRun) -> m.DistributionRun:
        next_no = (
            self.session.execute(
                select(func.max(DistributionRunRow.run_no)).where(
                    DistributionRunRow.collective_id == run.collective_id, DistributionRunRow.year == run.year
                )
            ).scalar_one()
            or 0
        ) + 1
        row = DistributionRunRow(**row_values(run.model_copy(update={"run_no": next_no})))
        self.session.add(row)
        self.session.flush()
        if run.allocations:
            self.session.execute(
                insert(AllocationRow),
                [row_values(a.model_copy(update={"run_id": row.id}), include_id=False) for a in run.allocations],
            )
        added = self.get(row.id)
        assert added is not None  # just inserted, in this transaction
        return added

    def get(self, run_id: int) -> m.DistributionRun | None:
        row = self.session.get(DistributionRunRow, run_id)
        if row is None:
            return None
        allocations: list[m.Allocation] = [
            from_row(a)
            for a in self.session.execute(
                select(AllocationRow).where(AllocationRow.run_id == run_id).order_by(AllocationRow.member_id)
            ).scalars()
        ]
        return from_row(row, allocations=allocations)

    def list(self, collective_id: int | None = None, year: int | None = None) -> list[m.DistributionRun]:
        stmt = select(DistributionRunRow.id)
        if collective_id is not None:
            stmt = stmt.where(DistributionRunRow.collective_id == collective_id)
        if year is not None:
            stmt = stmt.where(DistributionRunRow.year == year)
        ids = self.session.execute(stmt.order_by(DistributionRunRow.year, DistributionRunRow.run_no)).scalars().all()
        return [run for run_id in ids if (run := self.get(run_id)) is not None]
