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
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterable, Sequence

from ..money import from_fen, round_fen, to_fen
from ..rules.errors import EvaluationError
from ..store.messages import InvalidInput, NotFound, PeriodClosed
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from ..models import Adjustment, Case, PayoutLine, Period, User

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
#
# An open period is a live computation: `compute` and `show` work out each payee's reward with the
# caps applied, straight from the cases, and store nothing per case. `close` writes the per-case
# payout lines — the payment — and locks the period, in one transaction; the database refuses a
# second line for a case under a policy. So a period over a million cases is an aggregate query
# plus one evaluation per distinct combination of inputs, not a million evaluations and inserts.
# The query groups by payee, by the piece of the period a case falls in (month × version in
# force) and by the inputs as far as the policy can tell them apart, and leaves out values that
# can never pay: a year over a million cases is some fifteen thousand groups, not forty.


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
    payees: list[PayeeTotal]
    versions: list[tuple[str, str, str]]  # (policy, version, hash) the amounts come from
    adjustments: list[Adjustment]
    lines: list[PayoutLine] = field(default_factory=list)  # filled when asked for, or once closed
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (case id, reason) not evaluable

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.payees), Decimal("0.00"))


def payee_for(ledger: Ledger, unit_name: str, case: Case) -> str:
    """The body that earns a case's reward: the settling body of the unit that holds the case."""
    return payee_name(ledger, unit_name, case.settled_by)


def payee_name(ledger: Ledger, unit_name: str, settled_by: str | None) -> str:
    if settled_by:
        return f"{unit_name}·{ledger.label('settled_by', settled_by)}"
    return unit_name


def _window(kind: str, day: dt.date) -> str:
    from ..calc.caps import period_key

    return period_key(day, kind)


class _Inputs:
    """What a reward policy reads of a case, through the projection: each field's SQL expression
    and how to turn its value back into the one the evaluator expects."""

    def __init__(self, ledger: Ledger, policy_id: str):
        from ..store.case_inputs import sql_expr

        versions = ledger.rules.book.versions(policy_id)
        self.date_field = versions[-1].date_field or "settled_on"
        plans = [ledger.rules.evaluator.plan(p) for p in versions]
        names: set[str] = set()
        for plan in plans:
            names.update(plan.key_names)
        # The date that picks the version is grouped by itself only when the result depends on it.
        self.by_date = any(plan.key_needs_on for plan in plans) or any(self.date_field in plan.key_names for plan in plans)
        names.discard(self.date_field)
        kind = versions[-1].kind
        sources = ledger.projection.sources_for(sorted(names), kind)
        # a field cases do not have (a banquet's) stays missing, as for any case without it
        self.exprs: list[tuple[str, Any, Any]] = [
            (name, sql_expr(source), convert)
            for (name, source), convert in zip(sources, ledger.projection.decoders(sources))
        ]
        self.columns = {name: getattr(source, "name", None) for name, source in sources}
        self.versions = versions

    def row_to_case(self, values: Sequence[Any], on: dt.date) -> dict[str, Any]:
        case = {self.date_field: on}
        for (name, _expr, convert), value in zip(self.exprs, values):
            if value is not None:
                case[name] = convert(value) if convert else value
        return case


def _candidates_where(uow: SqlUnitOfWork, policy_id: str, period: Period):  # noqa: ANN202
    """Cases settled in the period and not yet paid under the policy in any closed period."""
    from sqlalchemy import and_, exists, select

    from ..store.schema import CaseRow, PayoutLineRow

    in_period = CaseRow.settled_on.between(period.starts_on, period.ends_on)
    paid = select(PayoutLineRow.id).where(and_(PayoutLineRow.case_id == CaseRow.id, PayoutLineRow.policy_id == policy_id))
    # Most periods overlap no paid one; then the anti-join would only cost a probe per case.
    any_paid = uow.session.execute(  # type: ignore[union-attr]
        select(PayoutLineRow.id).join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, in_period).limit(1)
    ).first()
    return [in_period, ~exists(paid)] if any_paid else [in_period]


def _simple_caps(versions) -> bool:  # noqa: ANN001
    """One per-payee ceiling with a maximum only: each window pays min(room, sum) — no need to
    know which case crossed it. Anything else takes the per-case path."""
    return all(len(p.caps) <= 1 and all(c.max_cases is None and c.per == "payee" for c in p.caps) for p in versions)


def _prior_paid(uow: SqlUnitOfWork, policy_id: str, period: Period, caps) -> dict[tuple, int]:  # noqa: ANN001
    """What closed periods already paid into each ceiling window this period touches."""
    from sqlalchemy import func, select

    from ..store.schema import CaseRow, PayoutLineRow

    if not caps:
        return {}
    start, end = dt.date(period.starts_on.year, 1, 1), dt.date(period.ends_on.year, 12, 31)
    rows = uow.session.execute(  # type: ignore[union-attr]
        select(PayoutLineRow.payee, PayoutLineRow.unit_id, CaseRow.settled_on, func.sum(PayoutLineRow.amount_fen))
        .join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, CaseRow.settled_on.between(start, end))
        .group_by(PayoutLineRow.payee, PayoutLineRow.unit_id, CaseRow.settled_on)
    ).all()
    used: dict[tuple, int] = defaultdict(int)
    for payee, unit_id, on, fen in rows:
        for cap in caps:
            used[(cap.id, payee if cap.per == "payee" else unit_id, _window(cap.period, on))] += int(fen)
    return used


def _aggregate(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, period: Period, units, totals, versions_used, skipped) -> bool:  # noqa: ANN001
    """Per-payee totals from one GROUP BY and one evaluation per distinct input combination.
    Returns False when the policy's ceilings need the per-case path."""
    from sqlalchemy import func, or_, select

    from ..store.schema import CaseRow

    spec = _Inputs(ledger, policy_id)
    if not _simple_caps(spec.versions):
        return False
    c = CaseRow.__table__.c
    group = [c.unit_id, c.settled_by]
    segments: list[tuple[dt.date, int]] = []
    if spec.by_date:
        group.append(c.settled_on)
    else:
        # A month is the finest ceiling window, and no group may straddle a version boundary:
        # cut the period at every month start and version boundary inside it and group by the
        # piece a case falls in, one integer from a chain of date comparisons (cheaper per row
        # than the month of a date plus a version CASE, and no min(date) to carry per group).
        segments = _segments(period, spec.versions)
        if len(segments) > 1:
            group.append(_segment_expr(c.settled_on, segments))
    # An input whose values the policy cannot tell apart (severity, when only 重大 pays more)
    # is grouped by its class, not its value, and a value that never pays (a township's
    # settlement, a failed case) is left out in SQL: fewer rows and groups for the same totals.
    classes, unpaid = ({}, {}) if spec.by_date else _value_classes(ledger, policy_id, period, spec, segments, keep=group)
    select_inputs: list[int] = []
    columns = list(group)
    for name, expr, _ in spec.exprs:
        if name in classes:
            expr = _class_expr(expr, classes[name])
        same = next((i for i, col in enumerate(columns) if col is expr), None)
        if same is None:
            columns.append(expr)
            same = len(columns) - 1
        select_inputs.append(same)
    where = _candidates_where(uow, policy_id, period)
    for name, expr, _ in spec.exprs:
        if name in unpaid:
            codes, missing_too = unpaid[name]
            where.append(expr.not_in(codes) if missing_too else or_(expr.is_(None), expr.not_in(codes)))
    stmt = select(*columns, func.count()).where(*where).group_by(*columns)
    conn = uow.session.connection()  # type: ignore[union-attr]  # Core rows: no ORM loading
    if uow.dialect == "postgresql":
        # Tens of thousands of groups (payee × month × inputs) outgrow the default 4MB work_mem:
        # PostgreSQL then sorts on disk instead of hashing in memory. For this transaction only.
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{_AGGREGATE_WORK_MEM}'")
    rows = conn.execute(stmt).all()
    # Groups differ by payee and month too; the policy sees only its inputs (and the version in
    # force), so evaluate each distinct reading once.
    distinct: dict[tuple, int] = {}
    readings: list[dict[str, Any]] = []
    group_reading: list[int] = []
    group_day: list[dt.date] = []
    inputs_of = _getter(select_inputs)
    one_segment = None if spec.by_date or len(segments) > 1 else segments[0]
    for row in rows:
        if spec.by_date:
            day = version = row[2]
        else:
            day, version = one_segment or segments[row[2]]
        key = (inputs_of(row), version)
        index = distinct.get(key)
        if index is None:
            index = distinct[key] = len(readings)
            readings.append(spec.row_to_case(key[0], day))
        group_reading.append(index)
        group_day.append(day)
    # Per reading, once: None (pays nothing), the error, or (fen, the ceilings it counts toward).
    results: list[Any] = []
    for outcome in ledger.rules.evaluate_batch(policy_id, readings, period.ends_on):
        if isinstance(outcome, EvaluationError):
            results.append(outcome.message("zh"))
            continue
        fen = to_fen(Decimal(outcome.outputs.get("amount", 0)))
        if fen <= 0:
            results.append(None)
            continue
        versions_used.add((outcome.policy, outcome.version, outcome.hash))
        policy = ledger.rules.book.by_hash(policy_id, outcome.hash)
        results.append((fen, [(cap.id, cap.period) for cap in policy.caps] if policy else []))
    # The hot loop: integer fen per (unit, settling body) and per ceiling window; names later.
    per_group: dict[tuple[int, str | None], list[int]] = {}
    group_window: dict[tuple, int] = defaultdict(int)
    windows: dict[tuple[str, dt.date], str] = {}
    for row, reading, day in zip(rows, group_reading, group_day):
        result = results[reading]
        if result is None:
            continue
        if result.__class__ is str:
            skipped.append((0, f"{units[row[0]].code} ×{row[-1]}: {result}"))
            continue
        fen, caps = result
        count = row[-1]
        amount = count * fen
        payee_key = (row[0], row[1])
        entry = per_group.get(payee_key)
        if entry is None:
            entry = per_group[payee_key] = [0, 0]
        entry[0] += count
        entry[1] += amount
        for cap_id, cap_period in caps:
            window = windows.get((cap_period, day))
            if window is None:
                window = windows[(cap_period, day)] = _window(cap_period, day)
            group_window[(cap_id, payee_key, window)] += amount
    payees = {key: payee_name(ledger, units[key[0]].name, key[1]) for key in per_group}
    per_payee: dict[tuple[str, int], list] = {}
    for (unit_id, settled_by), (count, gross) in per_group.items():
        entry = per_payee.setdefault((payees[(unit_id, settled_by)], unit_id), [0, 0])
        entry[0] += count
        entry[1] += gross
    window_gross: dict[tuple, int] = defaultdict(int)
    for (cap_id, payee_key, window), gross in group_window.items():
        payee = payees[payee_key]
        window_gross[(cap_id, payee, window, payee, payee_key[0])] += gross
    # Ceilings: a per-payee window pays min(room left after closed periods, its gross).
    prior = _prior_paid(uow, policy_id, period, [cap for p in spec.versions for cap in p.caps])
    cut: dict[tuple[str, int], int] = defaultdict(int)
    by_window: dict[tuple, list] = defaultdict(list)
    for (cap_id, holder, window, payee, unit_id), gross in window_gross.items():
        by_window[(cap_id, holder, window)].append((payee, unit_id, gross))
    caps = {cap.id: cap for p in spec.versions for cap in p.caps}
    for key, members in by_window.items():
        room = max(to_fen(caps[key[0]].max) - prior.get(key, 0), 0)
        for payee, unit_id, gross in sorted(members):
            pay = min(gross, room)
            room -= pay
            cut[(payee, unit_id)] += gross - pay
    for (payee, unit_id), (count, gross) in per_payee.items():
        t = totals.setdefault(payee, PayeeTotal(payee=payee, unit_id=unit_id))
        t.cases += count
        t.gross += from_fen(gross)
        t.paid += from_fen(gross - cut.get((payee, unit_id), 0))
    return True


_AGGREGATE_WORK_MEM = "64MB"


def _getter(places: list[int]):  # noqa: ANN202
    """row → the tuple of its values at ``places``."""
    from operator import itemgetter

    if not places:
        return lambda row: ()
    if len(places) == 1:
        place = places[0]
        return lambda row: (row[place],)
    return itemgetter(*places)


def _segments(period: Period, versions) -> list[tuple[dt.date, int]]:  # noqa: ANN001
    """The period cut at every month start and every version boundary inside it: (first day,
    index of the version in force, -1 for none) per piece, in date order. Every day of a piece
    is in one month and under one version, so its first day stands for all of them."""
    cuts = {period.starts_on}
    year, month = period.starts_on.year, period.starts_on.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = dt.date(year, month, 1)
        if first > period.ends_on:
            break
        cuts.add(first)
    for version in versions:
        for day in (version.effective_from, version.effective_until + dt.timedelta(days=1) if version.effective_until else None):
            if day is not None and period.starts_on < day <= period.ends_on:
                cuts.add(day)
    return [(day, next((i for i, v in enumerate(versions) if v.in_force(day)), -1)) for day in sorted(cuts)]


def _value_classes(ledger: Ledger, policy_id: str, period: Period, spec: _Inputs, segments, keep) -> tuple[dict, dict]:  # noqa: ANN001
    """What the policy can tell apart in each enumerated input, whatever the other inputs hold
    and under every version in the period — found by evaluating every combination of the
    inputs' values (every code and "missing"), so only when all inputs are enumerations or
    booleans and the combinations are few; otherwise ({}, {}).

    * classes: input → its codes split into classes whose members give the same result (amount
      in fen, version, or the same error); not for ``keep`` (the payee columns). A value outside
      the codes, or missing, is never merged with anything.
    * unpaid: input → (codes, missing too) that pay nothing and raise no error in every
      combination: cases holding them add nothing to any total."""
    import itertools

    from ..store.schema import CaseRow

    names = [name for name, _, _ in spec.exprs]
    if not names or any(convert is not None for _, _, convert in spec.exprs):
        return {}, {}
    domains: list[list[Any]] = []
    for name in names:
        fdefs = [v.fields[name] for v in spec.versions if name in v.fields]
        if not fdefs or any(f.type not in ("enum", "bool") or (f.type == "enum" and f.enum_def is None) for f in fdefs):
            return {}, {}
        values: list[Any] = []
        for f in fdefs:
            values += list(f.enum_def.labels) if f.type == "enum" else [True, False]  # type: ignore[union-attr]
        domains.append([*dict.fromkeys(values), None])
    days = list({version: day for day, version in reversed(segments)}.values())
    total = len(days)
    for domain in domains:
        total *= len(domain)
    if total > 20_000:
        return {}, {}
    combos = list(itertools.product(*domains))
    cases = [{spec.date_field: day, **dict(zip(names, combo))} for day in days for combo in combos]
    results = []
    for outcome in ledger.rules.evaluate_batch(policy_id, cases, period.ends_on):
        if isinstance(outcome, EvaluationError):
            results.append(("error", outcome.message("zh")))
        else:
            results.append((to_fen(Decimal(outcome.outputs.get("amount", 0))), outcome.hash, outcome.version))
    columns = CaseRow.__table__.c
    kept = {id(col) for col in keep}
    classes: dict[str, list[list[str]]] = {}
    unpaid: dict[str, tuple[list[str], bool]] = {}
    for place, (name, expr, _) in enumerate(spec.exprs):
        fdefs = [v.fields[name] for v in spec.versions if name in v.fields]
        if fdefs[0].type != "enum" or expr is not columns.get(name):
            continue
        by_signature: dict[tuple, list[str]] = defaultdict(list)
        zero: list[Any] = []
        for value in domains[place]:
            signature = tuple(
                results[d * len(combos) + i]
                for d in range(len(days)) for i, combo in enumerate(combos) if combo[place] == value
            )
            if all(r[0] != "error" and r[0] <= 0 for r in signature):
                zero.append(value)
            elif value is not None:
                by_signature[signature].append(value)
        codes = [v for v in zero if v is not None]
        if codes:
            unpaid[name] = (codes, None in zero)
        merged = [members for members in by_signature.values() if len(members) > 1]
        if merged and id(expr) not in kept:
            classes[name] = merged
    return classes, unpaid


def _class_expr(column, classes: list[list[str]]):  # noqa: ANN001, ANN202
    """The column with each class's members replaced by the class's first member."""
    from sqlalchemy import case as sql_case
    from sqlalchemy import literal

    return sql_case(*((column.in_(members[1:]), literal(members[0])) for members in classes), else_=column)


def _segment_expr(column, segments: list[tuple[dt.date, int]]):  # noqa: ANN001, ANN202
    """The index of the piece a date falls in (the date is known to be inside the period)."""
    from sqlalchemy import case as sql_case

    return sql_case(*((column < start, i) for i, (start, _) in enumerate(segments[1:])), else_=len(segments) - 1)


def _case_lines(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, period: Period, units, skipped) -> list[PayoutLine]:  # noqa: ANN001
    """Per-case lines: every candidate case evaluated, ceilings applied by ``calc.caps.apply_caps``
    in settlement order, after what closed periods already paid into the same windows."""
    from sqlalchemy import select

    from ..calc.caps import PayableCase, apply_caps
    from ..store.schema import CaseRow

    spec = _Inputs(ledger, policy_id)
    c = CaseRow.__table__.c
    rows = uow.session.execute(  # type: ignore[union-attr]
        select(c.id, c.unit_id, c.settled_by, c.settled_on, *(expr for _, expr, _ in spec.exprs))
        .where(*_candidates_where(uow, policy_id, period))
        .order_by(c.settled_on, c.id)
    ).all()
    cases_in = [spec.row_to_case(row[4:], row[3]) for row in rows]
    by_version: dict[str, list] = defaultdict(list)
    meta: dict[str, tuple] = {}
    for row, outcome in zip(rows, ledger.rules.evaluate_batch(policy_id, cases_in, period.ends_on)):
        case_id, unit_id, settled_by, on = row[0], row[1], row[2], row[3]
        if isinstance(outcome, EvaluationError):
            skipped.append((case_id, outcome.message("zh")))
            continue
        gross = Decimal(outcome.outputs.get("amount", 0))
        if gross <= 0:
            continue
        payee = payee_name(ledger, units[unit_id].name, settled_by)
        key = f"{case_id:012d}"
        policy = ledger.rules.book.by_hash(policy_id, outcome.hash)
        caps = tuple(policy.caps) if policy else ()
        by_version[outcome.hash].append(PayableCase(key, payee, on, gross, unit=str(unit_id), caps=caps))
        meta[key] = (case_id, unit_id, outcome)
    prior = _prior_payable(uow, policy_id, period)
    lines: list[PayoutLine] = []
    # One pass over every version's cases: a ceiling is a window of money that versions share.
    versions = list(by_version.values())
    if versions:
        payable_all = [case for payable in versions for case in payable]
        latest_caps = tuple(ledger.rules.book.versions(policy_id)[-1].caps) if policy_id in ledger.rules.book.policies else ()
        prior_capped = [replace(p, caps=p.caps if p.caps is not None else latest_caps) for p in prior]
        for line in apply_caps(prior_capped + payable_all):
            if line.case_id not in meta:
                continue  # paid in a closed period: it only used up the ceiling
            case_id, unit_id, outcome = meta[line.case_id]
            lines.append(PayoutLine(
                period_id=period.id or 0, payee=line.payee, unit_id=unit_id, case_id=case_id, policy_id=policy_id,
                version=outcome.version, hash=outcome.hash, gross=round_fen(line.computed), amount=round_fen(line.paid),
                capped_by=",".join(line.capped_by) or None,
            ))
    return lines


def _prior_payable(uow: SqlUnitOfWork, policy_id: str, period: Period) -> list:
    from sqlalchemy import select

    from ..calc.caps import PayableCase
    from ..store.schema import CaseRow, PayoutLineRow

    start, end = dt.date(period.starts_on.year, 1, 1), dt.date(period.ends_on.year, 12, 31)
    rows = uow.session.execute(  # type: ignore[union-attr]
        select(PayoutLineRow.case_id, PayoutLineRow.payee, PayoutLineRow.unit_id, PayoutLineRow.amount_fen, CaseRow.settled_on)
        .join(CaseRow, CaseRow.id == PayoutLineRow.case_id)
        .where(PayoutLineRow.policy_id == policy_id, CaseRow.settled_on.between(start, end))
    ).all()
    # "!" sorts before the zero-padded ids of this period's cases settled the same day.
    return [PayableCase(f"!{case_id}", payee, on, from_fen(fen), unit=str(unit_id)) for case_id, payee, unit_id, fen, on in rows]


def _totals_from_lines(lines: list[PayoutLine], totals: dict[str, PayeeTotal]) -> None:
    for line in lines:
        t = totals.setdefault(line.payee, PayeeTotal(payee=line.payee, unit_id=line.unit_id))
        t.cases += 1
        t.gross += line.gross
        t.paid += line.amount


def _build_report(ledger: Ledger, uow: SqlUnitOfWork, period: Period, *, with_lines: bool) -> PeriodReport:
    units = {u.id: u for u in uow.units.list()}
    totals: dict[str, PayeeTotal] = {}
    versions: set[tuple[str, str, str]] = set()
    skipped: list[tuple[int, str]] = []
    lines: list[PayoutLine] = []
    if period.status == "closed":
        lines = uow.payouts.for_period(period.id)  # type: ignore[arg-type]
        _totals_from_lines(lines, totals)
        versions = {(line.policy_id, line.version, line.hash) for line in lines}
    else:
        for policy_id in ledger.reward_policies():
            if with_lines or not _aggregate(ledger, uow, policy_id, period, units, totals, versions, skipped):
                policy_lines = _case_lines(ledger, uow, policy_id, period, units, skipped)
                _totals_from_lines(policy_lines, totals)
                versions |= {(line.policy_id, line.version, line.hash) for line in policy_lines}
                lines.extend(policy_lines)
    adjustments = uow.adjustments.for_period(period.id) if period.id else []  # type: ignore[arg-type]
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
    with ledger.uow() as uow:
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise _refuse(period)
        report = _build_report(ledger, uow, period, with_lines=with_lines)
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
        uow.lock_periods(exclusive=True)
        uow.lock_computation()
        period = uow.periods.add(wanted)
        if period.status == "closed":
            raise _refuse(period)
        units = {u.id: u for u in uow.units.list()}
        skipped: list[tuple[int, str]] = []
        lines: list[PayoutLine] = []
        for policy_id in ledger.reward_policies():
            lines.extend(_case_lines(ledger, uow, policy_id, period, units, skipped))
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
