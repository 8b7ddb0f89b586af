"""Counts and rates computed from the cases themselves — never a typed-in rate.

The settlement rate is settled ÷ received over the same cases (the 四方共创 report's 260 of 374 is
69.5%, whatever the report printed). Rewards come in two figures: what closed periods paid (their
payout lines, plus adjustments), and what settled cases not yet paid would earn under the rules in
force — before ceilings, which only computing their period applies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ..models import User
from ..store.case_repository import CaseFilter
from .context import Ledger
from .overdue import overdue_scan
from .periods import parse_period
from .views import rewards_many, visible_units

GroupBy = Literal["unit", "category", "month", "none"]


@dataclass
class StatRow:
    key: str
    label: str
    received: int = 0
    settled: int = 0
    failed: int = 0
    escalated: int = 0
    overdue: int = 0
    paid: Decimal = Decimal("0.00")  # payout lines of closed periods, plus adjustments
    due: Decimal = Decimal("0.00")  # settled, not yet paid: under the rules in force, before ceilings
    case_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> Decimal | None:
        """Settled ÷ received, in percent to one decimal; None when nothing was received."""
        if not self.received:
            return None
        return (Decimal(self.settled) * 100 / Decimal(self.received)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def compute_stats(ledger: Ledger, *, by: GroupBy = "none", period: str | None = None, unit: str | None = None,
                  as_of: dt.date | None = None, user: User | None = None) -> list[StatRow]:
    """Cases received in the period (all cases without one) that `user` may see, grouped; the
    last row is the total."""
    as_of = as_of or ledger.date()
    open_statuses = set(ledger.open_statuses())
    with ledger.uow() as uow:
        units = {u.id: u for u in uow.units.list()}
        flt = CaseFilter(unit_ids=visible_units(ledger, uow, user, unit))
        if period:
            p = parse_period(period)
            flt.received_between = (p.starts_on, p.ends_on)
        cases = uow.cases.list(flt)
        late = {row[0] for row, days in overdue_scan(ledger, uow, flt, as_of) if days > 0}  # in bulk
        rows: dict[str, StatRow] = {}
        total = StatRow("total", "合计")
        for case in cases:
            if by == "unit":
                key, label = units[case.unit_id].code, units[case.unit_id].name
            elif by == "category":
                key, label = case.category, ledger.label("category", case.category)
            elif by == "month":
                key = label = case.received_on.strftime("%Y-%m")
            else:
                key, label = "all", "全部"
            row = rows.setdefault(key, StatRow(key, label))
            is_overdue = case.status in open_statuses and case.id in late
            for target in (row, total):
                target.received += 1
                target.settled += case.status == "settled"
                target.failed += case.status == "failed"
                target.escalated += bool(case.escalations) or case.status == "escalated"
                target.overdue += is_overdue
                target.case_ids.append(case.id or 0)
        paid, has_lines = uow.payouts.paid_per_case([c.id for c in cases if c.id is not None])
        unpaid = [c for c in cases if c.status == "settled" and c.id not in has_lines]
        earned = dict(zip((c.id for c in unpaid), rewards_many(ledger, uow, unpaid, as_of)))
        for row in [*rows.values(), total]:
            row.paid = (Decimal(sum(paid.get(cid, 0) for cid in row.case_ids)) / 100).quantize(Decimal("0.01"))
            row.due = sum((earned.get(cid) or Decimal(0) for cid in row.case_ids), Decimal("0.00"))
    ordered = [rows[k] for k in sorted(rows)]
    return ordered + [total] if by != "none" else [total]
