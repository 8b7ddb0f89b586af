"""The SQL of the statistics form the justice bureau asks for (人民调解统计表): per unit and
dispute category, the cases received in a period, how many were settled, failed and escalated, and
for each count field the ledger names (防激化: persons kept from suicide, …) how many cases hold
more than none and how many persons in all.

The ledger (`ledger.stats_form`) says which fields count and where each is kept (a source); the
store groups and counts, and knows nothing of the categories or of what a field means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import exists, func, or_, select

from .case_inputs import Source, sql_expr
from .schema import CaseRow, EscalationRow
from .uow import SqlUnitOfWork


@dataclass(frozen=True)
class FormCount:
    """One unit's cases of one category received in the period. `counted[i]` is (cases holding
    more than none, sum) of the i-th field asked for."""

    unit_id: int
    category: str
    received: int
    settled: int
    failed: int
    escalated: int
    counted: tuple[tuple[int, int], ...]


def form_counts(
    uow: SqlUnitOfWork, *, received_between: tuple[dt.date, dt.date] | None, unit_ids: set[int] | None,
    settled: str, failed: str, escalated: str, fields: Sequence[Source],
) -> list[FormCount]:
    """Counts per (unit, category) of the cases received in the period (all cases when None) in
    `unit_ids` (all units when None). `settled` / `failed` / `escalated` are the status ids that
    mean so; a case also counts as escalated when it went through an escalation."""
    if uow.session is None:
        raise RuntimeError("a unit of work is used outside its `with` block")
    c = CaseRow.__table__.c
    went_up = exists(select(EscalationRow.id).where(EscalationRow.case_id == c.id))
    columns: list[Any] = [
        c.unit_id, c.category, func.count(),
        func.sum(sql_case((c.status == settled, 1), else_=0)),
        func.sum(sql_case((c.status == failed, 1), else_=0)),
        func.sum(sql_case((or_(c.status == escalated, went_up), 1), else_=0)),
    ]
    for source in fields:
        value = func.coalesce(sql_expr(source), 0)
        columns += [func.sum(sql_case((value > 0, 1), else_=0)), func.sum(sql_case((value > 0, value), else_=0))]
    query = select(*columns).group_by(c.unit_id, c.category).order_by(c.unit_id, c.category)
    if received_between is not None:
        query = query.where(c.received_on.between(*received_between))
    if unit_ids is not None:
        query = query.where(c.unit_id.in_(sorted(unit_ids)))
    out = []
    for row in uow.session.execute(query):
        values = [int(v or 0) for v in row[2:]]
        pairs = tuple((values[4 + 2 * i], values[5 + 2 * i]) for i in range(len(fields)))
        out.append(FormCount(row[0], row[1], values[0], values[1], values[2], values[3], pairs))
    return out


__all__ = ["FormCount", "form_counts"]
