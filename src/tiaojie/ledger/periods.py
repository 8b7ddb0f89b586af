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
from decimal import Decimal
from typing import Iterable

from ..models import Adjustment, Case, PayoutLine, Period, User
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound, PeriodClosed
from .period_rewards import PayeeTotal, PeriodReport, aggregate, case_lines, payee_for, totals_from_lines
from .scope import require_whole_tree

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
        raise InvalidInput("period_no_such_month", key=key)  # the right form, a month that cannot be
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


def _build_report(ledger: Ledger, uow: SqlUnitOfWork, period: Period, *, with_lines: bool) -> PeriodReport:
    units = {u.id: u for u in uow.units.list() if u.id is not None}
    totals: dict[str, PayeeTotal] = {}
    versions: set[tuple[str, str, str]] = set()
    skipped: list[tuple[int, str]] = []
    lines: list[PayoutLine] = []
    if period.status == "closed":
        lines = uow.payouts.for_period(period.id)  # type: ignore[arg-type]
        totals_from_lines(lines, totals)
        versions = {(line.policy_id, line.version, line.hash) for line in lines}
    else:
        # a claim paid (拨付) into the open period: its lines stand as paid, and the computation below
        # leaves their cases out as paid ones
        paid = uow.payouts.for_period(period.id) if period.id is not None else []
        totals_from_lines(paid, totals)
        versions = {(line.policy_id, line.version, line.hash) for line in paid}
        lines.extend(paid)
        for policy_id in ledger.reward_policies():
            if with_lines or not aggregate(ledger, uow, policy_id, period, units, totals, versions, skipped):
                policy_lines = case_lines(ledger, uow, policy_id, period, units, skipped)
                totals_from_lines(policy_lines, totals)
                versions |= {(line.policy_id, line.version, line.hash) for line in policy_lines}
                lines.extend(policy_lines)
    adjustments = uow.adjustments.for_period(period.id) if period.id else []
    for adj in adjustments:
        case = uow.cases.get(adj.case_id)
        t = totals.setdefault(adj.payee, PayeeTotal(payee=adj.payee, unit_id=case.unit_id if case else 0))
        t.adjustments += adj.amount
    return PeriodReport(
        period=period, payees=sorted(totals.values(), key=lambda p: p.payee), versions=sorted(versions),
        adjustments=adjustments, lines=lines if (with_lines or period.status == "closed") else [], skipped=skipped,
    )


def compute(ledger: Ledger, by: User, key: str, *, with_lines: bool = True) -> PeriodReport:
    """Each payee's reward for cases settled in the period and not paid in a closed one, with the
    policy's ceilings applied. Writes nothing but the period's row; a closed period is refused.
    ``with_lines=False`` gives the per-payee totals alone, from one aggregate query."""
    check(by, "period_compute")
    wanted = parse_period(key)
    if ledger.what_if():  # draft rules: the figures, and nothing stored
        return show(ledger, key, with_lines=with_lines)
    with ledger.uow() as uow:
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise _refuse(period)
        report = _build_report(ledger, uow, period, with_lines=with_lines)
        if report.skipped:
            _refuse_unjudged(ledger, uow, period, report.skipped)
        ledger.keep_rules_in(uow)
        uow.commit()
        return report


def show(ledger: Ledger, key: str, *, with_lines: bool = True) -> PeriodReport:
    """A closed period as paid; an open one as it would be paid now."""
    wanted = parse_period(key)
    with ledger.uow() as uow:
        period = uow.periods.by_key(wanted.key) or wanted
        return _build_report(ledger, uow, period, with_lines=with_lines)


def close(ledger: Ledger, by: User, key: str) -> Period:
    """Pay and lock: write the per-case payout lines and close the period, in one transaction."""
    check(by, "period_close")
    wanted = parse_period(key)
    if wanted.ends_on >= ledger.date():  # cases may still arrive in it: nothing to lock them out of yet
        raise InvalidInput("period_not_over", period=wanted.key, end=wanted.ends_on.isoformat())
    with ledger.uow() as uow:
        require_whole_tree(uow, by)
        uow.lock_periods(exclusive=True)
        uow.lock_computation()
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise _refuse(period)
        units = {u.id: u for u in uow.units.list() if u.id is not None}
        skipped: list[tuple[int, str]] = []
        lines: list[PayoutLine] = []
        for policy_id in ledger.reward_policies():
            lines.extend(case_lines(ledger, uow, policy_id, period, units, skipped))
        if skipped:  # money is never paid around a case that cannot be judged
            _refuse_unjudged(ledger, uow, period, skipped)
        ledger.keep_rules_in(uow)
        uow.payouts.add_many(lines)
        now = dt.datetime.now(dt.timezone.utc)
        uow.periods.close(period.id, by.name, now)  # type: ignore[arg-type]
        after = uow.periods.get(period.id)  # type: ignore[arg-type]
        uow.audit(by.name, "period.close", "period", period.key, period, {
            **after.model_dump(mode="json"),  # type: ignore[union-attr]
            "lines": len(lines), "paid": str(sum((line.amount for line in lines), Decimal("0.00"))),
            "versions": sorted({(line.policy_id, line.version, line.hash) for line in lines}),
        })
        uow.commit()
        return after  # type: ignore[return-value]


def _refuse_unjudged(ledger: Ledger, uow: SqlUnitOfWork, period: Period, skipped: list[tuple[int, str]]) -> None:
    """Refuse to compute or pay a period while a case in it cannot be judged, naming each case
    and why — a payment that left it out would lock it out unpaid. The aggregate path knows only
    how many cases of a unit failed; the per-case path names them."""
    if any(case_id == 0 for case_id, _ in skipped):
        units = {u.id: u for u in uow.units.list() if u.id is not None}
        skipped = []
        for policy_id in ledger.reward_policies():
            case_lines(ledger, uow, policy_id, period, units, skipped)
    codes = {u.id: u.code for u in uow.units.list()}
    found = {c.id: c for c in uow.cases.get_many(sorted({case_id for case_id, _ in skipped}))}
    named = [f"{codes.get(found[cid].unit_id, '?')}/{found[cid].number}：{reason}" if cid in found else f"#{cid}：{reason}"
             for cid, reason in skipped]
    shown = named[:20] + ([f"… (+{len(named) - 20})"] if len(named) > 20 else [])
    raise InvalidInput("period_unjudged", period=period.key, count=len(named), cases="\n  ".join(shown))


def _paid_in(uow: SqlUnitOfWork, case: Case) -> Period | None:
    """The closed period that paid the case: one with a payout line of it, else one covering its
    settlement (a case settled there that earned nothing was still judged and paid, at zero)."""
    paid_in = [uow.periods.get(pid) for pid in uow.payouts.periods_of_case(case.id)]  # type: ignore[arg-type]
    original = next((p for p in paid_in if p is not None and p.status == "closed"), None)
    if original is None and case.settled_on:
        covering = uow.periods.closed_covering([case.settled_on])
        original = covering[0] if covering else None
    return original


def adjust(ledger: Ledger, by: User, key: str, case_id: int, amount: Decimal, reason: str) -> Adjustment:
    """Book a correction, in the open period ``key``, to a case paid in a closed period, linked to
    that period. A case not paid yet is refused: its own period pays it when it closes."""
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
        units = {u.id: u for u in uow.units.list() if u.id is not None}
        original = _paid_in(uow, case)
        if original is None:  # nothing paid to correct: its own period pays it when it closes
            unit = units[case.unit_id].name
            if case.settled_on is None:
                raise InvalidInput("adjust_not_settled", number=case.number, unit=unit)
            raise InvalidInput("adjust_not_paid", number=case.number, unit=unit, settled=case.settled_on.isoformat(),
                               period=case.settled_on.strftime("%Y-%m"))
        adj = uow.adjustments.add(
            Adjustment(
                period_id=period.id, case_id=case_id, original_period_id=original.id,
                payee=payee_for(ledger, units[case.unit_id].name, case), amount=amount, reason=reason.strip(),
                by_user=by.name,
            )
        )
        ledger.keep_rules_in(uow)  # the payee is named through the activated set's vocabulary
        uow.audit(by.name, "period.adjust", "adjustment", adj.id, None, adj)
        uow.commit()
        return adj
