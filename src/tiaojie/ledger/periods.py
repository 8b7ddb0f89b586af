"""Periods: parse 2026-05 / 2026Q2 / 2026, compute rewards per payee with caps, close (lock),
and book corrections as adjustments in an open period.

What a closed period locks: cases settled in it (every field), cases received in it (the fields
that describe the matter — a case received in a closed month may still be settled later), and
its payout lines. Every refused write raises ``PeriodClosed`` before anything is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from ..money import from_fen, round_fen
from ..rules.errors import EvaluationError
from ..store.messages import InvalidInput, NotFound, PeriodClosed
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .models import Adjustment, Case, PayoutLine, Period, User

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

# Fields that describe the matter itself; frozen once the period it was received in is closed.
DESCRIPTIVE_FIELDS = (
    "unit_id", "number", "source", "category", "severity", "urgency", "summary", "parties",
    "persons_involved", "amount_involved", "received_on", "accepted_on",
)


def parse_period(key: str) -> Period:
    """'2026-05' → May 2026; '2026Q2' → Apr–Jun; '2026' → the year. Canonical keys come back."""
    raw = key.strip()
    if m := _MONTH.match(raw):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return Period(key=f"{year:04d}-{month:02d}", kind="month", starts_on=dt.date(year, month, 1), ends_on=dt.date(year, month, last))
    elif m := _QUARTER.match(raw):
        year, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        last_month = first + 2
        return Period(
            key=f"{year:04d}Q{q}", kind="quarter", starts_on=dt.date(year, first, 1),
            ends_on=dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    elif m := _YEAR.match(raw):
        year = int(m.group(1))
        return Period(key=f"{year:04d}", kind="year", starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
    raise InvalidInput("bad_period", key=key)


def _refuse(period: Period) -> PeriodClosed:
    at = period.closed_at.strftime("%Y-%m-%d %H:%M") if period.closed_at else "?"
    return PeriodClosed("period_closed", period=period.key, by=period.closed_by or "?", at=at)


def guard_case_write(uow: SqlUnitOfWork, before: Case | None, after: Case | None) -> None:
    """Refuse a write to a case that a closed period has locked. Call inside the writing
    transaction, after ``uow.lock_periods(exclusive=False)``, before writing anything."""
    settled_days = {c.settled_on for c in (before, after) if c is not None and c.settled_on}
    if before is not None and before.id is not None:
        for period_id in uow.payouts.periods_of_case(before.id):
            period = uow.periods.get(period_id)
            if period and period.status == "closed":
                raise _refuse(period)
    closed = uow.periods.closed_covering(settled_days)
    if closed:
        raise _refuse(closed[0])
    received_days = {c.received_on for c in (before, after) if c is not None}
    descriptive_change = (
        before is None
        or after is None
        or any(getattr(before, f) != getattr(after, f) for f in DESCRIPTIVE_FIELDS)
    )
    if descriptive_change:
        closed = uow.periods.closed_covering(received_days)
        if closed:
            raise _refuse(closed[0])


def guard_new_cases(uow: SqlUnitOfWork, cases: Iterable[Case]) -> dict[int, Period]:
    """For a batch of new cases: index → the closed period that refuses it."""
    cases = list(cases)
    days = {c.received_on for c in cases} | {c.settled_on for c in cases if c.settled_on}
    closed = uow.periods.closed_covering(days)
    refused: dict[int, Period] = {}
    if closed:
        for i, case in enumerate(cases):
            for period in closed:
                if period.covers(case.received_on) or (case.settled_on and period.covers(case.settled_on)):
                    refused[i] = period
                    break
    return refused


# --- computing a period ----------------------------------------------------------------------


@dataclass
class PayeeTotal:
    payee: str
    unit_id: int
    cases: int = 0
    gross: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    adjustments: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.paid + self.adjustments


@dataclass
class PeriodReport:
    period: Period
    lines: list[PayoutLine]
    adjustments: list[Adjustment]
    payees: list[PayeeTotal]
    versions: list[tuple[str, str, str]]  # (policy, version, hash) used by the lines
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (case id, reason) not evaluable

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.payees), Decimal("0.00"))


def payee_for(ledger: Ledger, unit_name: str, case: Case) -> str:
    """The body that earns a case's reward: the settling body of the unit that holds the case."""
    if case.settled_by:
        return f"{unit_name}·{ledger.label('settled_by', case.settled_by)}"
    return unit_name


def compute(ledger: Ledger, by: User, key: str) -> PeriodReport:
    """Reward lines for every case settled in the period and not yet paid under the policy, with
    the policy's caps applied per payee (or unit) per cap window. Recomputing an open period
    replaces its lines; a closed period is refused."""
    check(by, "period_compute")
    wanted = parse_period(key)
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        uow.lock_computation()
        period = uow.periods.add(wanted)
        _lock_period_row(uow, period)
        period = uow.periods.get(period.id)  # type: ignore[arg-type, assignment]
        if period.status == "closed":
            raise _refuse(period)
        uow.payouts.delete_for_period(period.id)
        from ..store.repository import CaseFilter

        cases = uow.cases.list(CaseFilter(status="settled", settled_between=(period.starts_on, period.ends_on)))
        units = {u.id: u for u in uow.units.list()}
        lines: list[PayoutLine] = []
        skipped: list[tuple[int, str]] = []
        for policy_id in ledger.reward_policies():
            paid_elsewhere = uow.payouts.paid_case_ids(policy_id)
            candidates: list[tuple[Case, "object"]] = []
            for case in cases:
                if case.id in paid_elsewhere:
                    continue
                outcome = _reward_outcome(ledger, uow, case, policy_id)
                if isinstance(outcome, EvaluationError):
                    skipped.append((case.id, outcome.message("zh")))  # type: ignore[arg-type]
                    continue
                if outcome is None:
                    continue
                candidates.append((case, outcome))
            lines.extend(_apply_caps(ledger, uow, policy_id, candidates, units, period))
        uow.payouts.add_many(lines)
        report = _report(ledger, uow, period, skipped)
        uow.audit(
            by.name, "period.compute", "period", period.key, None,
            {"lines": len(report.lines), "total": str(report.total), "versions": report.versions},
        )
        uow.commit()
        return report


def _lock_period_row(uow: SqlUnitOfWork, period: Period) -> None:
    from sqlalchemy import select

    from ..store.schema import PeriodRow

    uow.session.execute(select(PeriodRow.id).where(PeriodRow.id == period.id).with_for_update()).all()  # type: ignore[union-attr]


def _reward_outcome(ledger: Ledger, uow: SqlUnitOfWork, case: Case, policy_id: str):  # noqa: ANN202
    """The stored outcome of the policy for the case (from settlement); evaluated and stored now
    for cases that never had one (imported history)."""
    stored = uow.outcomes.latest(case.id, policy_id)  # type: ignore[arg-type]
    if stored is not None:
        return stored
    from .cases import evaluation_input, outcome_model

    try:
        outcome = ledger.rules.evaluate(policy_id, evaluation_input(ledger, uow, case), as_of=case.settled_on)
    except EvaluationError as err:
        return err
    return uow.outcomes.add(outcome_model(case.id, outcome))  # type: ignore[arg-type]


def _apply_caps(ledger, uow, policy_id, candidates, units, period) -> list[PayoutLine]:  # noqa: ANN001
    """Ceilings through the rules core's ``apply_caps``, per policy version. Lines already paid
    in other periods go in first, so they use up the same ceilings (a year cap spans quarters)."""
    from ..calc.caps import PayableCase, apply_caps

    book = ledger.rules.book
    prior = _prior_lines(uow, policy_id, period, candidates)
    by_version: dict[str, list] = defaultdict(list)
    for case, outcome in candidates:
        by_version[outcome.hash].append((case, outcome))
    lines: list[PayoutLine] = []
    for version_hash, group in by_version.items():
        policy = book.by_hash(policy_id, version_hash) or book.select(policy_id, group[0][0].settled_on)
        payable, meta = [], {}
        for case, outcome in group:
            gross = Decimal(str(outcome.outputs.get("amount", "0")))
            if gross <= 0:
                continue
            unit = units[case.unit_id]
            payee = payee_for(ledger, unit.name, case)
            key = f"{case.id:012d}"
            payable.append(PayableCase(key, payee, case.settled_on, gross, unit=str(unit.id)))
            meta[key] = (case, outcome, payee, unit)
        for line in apply_caps(prior + payable, policy.caps):
            if line.case_id not in meta:
                continue  # a line paid in another period: it only used up the ceiling
            case, outcome, payee, unit = meta[line.case_id]
            lines.append(
                PayoutLine(
                    period_id=period.id, payee=payee, unit_id=unit.id, case_id=case.id, policy_id=policy_id,
                    version=outcome.version, hash=outcome.hash, gross=round_fen(line.computed), amount=round_fen(line.paid),
                    capped_by=",".join(line.capped_by) or None,
                )
            )
    return lines


def _prior_lines(uow, policy_id, period, candidates) -> list:  # noqa: ANN001
    from sqlalchemy import select

    from ..calc.caps import PayableCase
    from ..store.schema import CaseRow, PayoutLineRow

    if not candidates:
        return []
    first = min(c.settled_on for c, _ in candidates)
    last = max(c.settled_on for c, _ in candidates)
    # A year is the widest window a ceiling can have.
    start, end = dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)
    rows = uow.session.execute(
        select(PayoutLineRow.case_id, PayoutLineRow.payee, PayoutLineRow.unit_id, PayoutLineRow.amount_fen, CaseRow.settled_on)
        .join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, PayoutLineRow.period_id != period.id, CaseRow.settled_on.between(start, end))
    ).all()
    # "!" sorts before the zero-padded ids of this period's cases settled the same day.
    return [PayableCase(f"!{case_id}", payee, on, from_fen(fen), unit=str(unit_id)) for case_id, payee, unit_id, fen, on in rows]


def _report(ledger: Ledger, uow: SqlUnitOfWork, period: Period, skipped=()) -> PeriodReport:  # noqa: ANN001
    lines = uow.payouts.for_period(period.id)  # type: ignore[arg-type]
    adjustments = uow.adjustments.for_period(period.id)  # type: ignore[arg-type]
    payees: dict[str, PayeeTotal] = {}
    for line in lines:
        p = payees.setdefault(line.payee, PayeeTotal(payee=line.payee, unit_id=line.unit_id))
        p.cases += 1
        p.gross += line.gross
        p.paid += line.amount
    for adj in adjustments:
        case = uow.cases.get(adj.case_id)
        p = payees.setdefault(adj.payee, PayeeTotal(payee=adj.payee, unit_id=case.unit_id if case else 0))
        p.adjustments += adj.amount
    versions = sorted({(line.policy_id, line.version, line.hash) for line in lines})
    return PeriodReport(
        period=period, lines=lines, adjustments=adjustments,
        payees=sorted(payees.values(), key=lambda p: p.payee), versions=versions, skipped=list(skipped),
    )


def show(ledger: Ledger, key: str) -> PeriodReport:
    wanted = parse_period(key)
    with ledger.uow() as uow:
        period = uow.periods.by_key(wanted.key)
        if period is None:
            raise NotFound("period_not_found", period=wanted.key)
        return _report(ledger, uow, period)


def close(ledger: Ledger, by: User, key: str) -> Period:
    """Lock the period. Its lines must have been computed (an empty period may be closed too)."""
    check(by, "period_close")
    wanted = parse_period(key)
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=True)
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise _refuse(period)
        now = dt.datetime.now(dt.timezone.utc)
        uow.periods.close(period.id, by.name, now)  # type: ignore[arg-type]
        after = uow.periods.get(period.id)  # type: ignore[arg-type]
        uow.audit(by.name, "period.close", "period", period.key, period, after)
        uow.commit()
        return after  # type: ignore[return-value]


def adjust(ledger: Ledger, by: User, key: str, case_id: int, amount: Decimal, reason: str) -> Adjustment:
    """Book a correction to a case in the open period ``key``, linked to the period it was paid in."""
    check(by, "adjust")
    if not reason or not reason.strip():
        raise InvalidInput("adjust_reason")
    if amount == 0:
        raise InvalidInput("adjust_zero")
    wanted = parse_period(key)
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise PeriodClosed("adjust_needs_open", period=period.key)
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound("unknown_case", case=case_id)
        paid_in = [uow.periods.get(pid) for pid in uow.payouts.periods_of_case(case_id)]
        original = next((p for p in paid_in if p is not None), None)
        if original is None and case.settled_on:
            covering = uow.periods.closed_covering([case.settled_on])
            original = covering[0] if covering else None
        units = {u.id: u for u in uow.units.list()}
        adj = uow.adjustments.add(
            Adjustment(
                period_id=period.id, case_id=case_id, original_period_id=original.id if original else None,  # type: ignore[arg-type]
                payee=payee_for(ledger, units[case.unit_id].name, case), amount=amount, reason=reason.strip(),
                by_user=by.name,
            )
        )
        uow.audit(by.name, "period.adjust", "adjustment", adj.id, None, adj)
        uow.commit()
        return adj
