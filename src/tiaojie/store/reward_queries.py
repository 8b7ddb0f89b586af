"""The SQL of a period's rewards: which cases a period may pay, grouped for the aggregate path or
one row per case for the per-case path, and what closed periods already paid.

The ledger (`ledger.period_rewards`) decides what to group by — the inputs a policy reads, in the
classes the policy can tell apart — and hands the pieces here as sources and value classes; the
statements are built and run here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from .case_inputs import Source, sql_expr
from .schema import CaseRow, PayoutLineRow
from .uow import SqlUnitOfWork

# Tens of thousands of groups (payee × month × inputs) outgrow PostgreSQL's default 4MB work_mem:
# it then sorts on disk instead of hashing in memory. Raised for the aggregate's transaction only.
AGGREGATE_WORK_MEM = "64MB"


def _session(uow: SqlUnitOfWork) -> Session:
    if uow.session is None:
        raise RuntimeError("a unit of work is used outside its `with` block")
    return uow.session


def _candidates(session: Session, policy_id: str, starts_on: dt.date, ends_on: dt.date) -> list[Any]:
    """Cases settled in the period and not yet paid under the policy in any closed period."""
    in_period = CaseRow.settled_on.between(starts_on, ends_on)
    paid = select(PayoutLineRow.id).where(and_(PayoutLineRow.case_id == CaseRow.id, PayoutLineRow.policy_id == policy_id))
    # Most periods overlap no paid one; then the anti-join would only cost a probe per case.
    any_paid = session.execute(
        select(PayoutLineRow.id).join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, in_period).limit(1)
    ).first()
    return [in_period, ~exists(paid)] if any_paid else [in_period]


def class_expr(source: Source, classes: list[list[str]]) -> Any:
    """The source with each class's members replaced by the class's first member."""
    column = sql_expr(source)
    return sql_case(*((column.in_(members[1:]), literal(members[0])) for members in classes), else_=column)


def _segment_expr(segments: Sequence[dt.date]) -> Any:
    """The index of the piece of the period a settlement date falls in (`segments`: first days)."""
    return sql_case(*((CaseRow.settled_on < start, i) for i, start in enumerate(segments[1:])),
                    else_=len(segments) - 1)


def grouped_candidates(
    uow: SqlUnitOfWork, policy_id: str, starts_on: dt.date, ends_on: dt.date, *, inputs: Sequence[Source],
    classes: dict[int, list[list[str]]], unpaid: dict[int, tuple[list[str], bool]], by_date: bool,
    segments: Sequence[dt.date],
) -> tuple[list[Any], list[int]]:
    """(rows, where each input sits in a row) of the period's candidates grouped by unit, settling
    body, the piece of the period (or the settlement date itself when `by_date`) and the inputs —
    each input `i` by its value class `classes[i]` when given — with the count last. Inputs whose
    values never pay (`unpaid[i]`: codes, and whether missing never pays either) are left out."""
    c = CaseRow.__table__.c
    group: list[Any] = [c.unit_id, c.settled_by]
    if by_date:
        group.append(c.settled_on)
    elif len(segments) > 1:
        group.append(_segment_expr(segments))
    columns = list(group)
    places: list[int] = []
    for i, source in enumerate(inputs):
        expr = class_expr(source, classes[i]) if i in classes else sql_expr(source)
        same = next((j for j, col in enumerate(columns) if col is expr), None)
        if same is None:
            columns.append(expr)
            same = len(columns) - 1
        places.append(same)
    session = _session(uow)
    where = _candidates(session, policy_id, starts_on, ends_on)
    for i, (codes, missing_too) in unpaid.items():
        expr = sql_expr(inputs[i])
        where.append(expr.not_in(codes) if missing_too else or_(expr.is_(None), expr.not_in(codes)))
    stmt = select(*columns, func.count()).where(*where).group_by(*columns)
    conn = session.connection()  # Core rows: no ORM loading
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'")
    return list(conn.execute(stmt).all()), places


def candidate_rows(uow: SqlUnitOfWork, policy_id: str, starts_on: dt.date, ends_on: dt.date,
                   inputs: Sequence[Source]) -> list[Any]:
    """(id, unit_id, settled_by, settled_on, *inputs) of every candidate, in settlement order."""
    c = CaseRow.__table__.c
    session = _session(uow)
    return list(session.execute(
        select(c.id, c.unit_id, c.settled_by, c.settled_on, *(sql_expr(s) for s in inputs))
        .where(*_candidates(session, policy_id, starts_on, ends_on))
        .order_by(c.settled_on, c.id)
    ).all())


def paid_in_year(uow: SqlUnitOfWork, policy_id: str, starts_on: dt.date, ends_on: dt.date) -> list[Any]:
    """(case id, payee, unit id, fen, settled on) of every payout line under the policy for cases
    settled in the calendar years the period touches: what ceilings count against."""
    start, end = dt.date(starts_on.year, 1, 1), dt.date(ends_on.year, 12, 31)
    return list(_session(uow).execute(
        select(PayoutLineRow.case_id, PayoutLineRow.payee, PayoutLineRow.unit_id, PayoutLineRow.amount_fen,
               CaseRow.settled_on)
        .join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, CaseRow.settled_on.between(start, end))
    ).all())


__all__ = ["grouped_candidates", "candidate_rows", "paid_in_year", "class_expr", "AGGREGATE_WORK_MEM"]
