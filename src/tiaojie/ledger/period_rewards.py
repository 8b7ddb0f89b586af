"""A period's rewards, computed from the stored cases: per payee from one aggregate query (the
fast path), or per case with ceilings applied in settlement order (what closing a period pays).

Both read the cases through the projection (`ledger.projection`): the fields a reward policy
reads come from the same declared sources as a single case's evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from ..calc.caps import PayableCase, apply_caps
from ..models import Adjustment, Case, PayoutLine, Period
from ..money import from_fen, round_fen, to_fen
from ..rules.errors import EvaluationError
from ..store import reward_queries
from ..store.case_inputs import Column, ExtraKey
from ..store.uow import SqlUnitOfWork
from .context import Ledger

PAYEE_COLUMNS = ("unit_id", "settled_by")  # the payee's columns: grouped by value, never by class

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
    """What a reward policy reads of a case, through the projection: each field's source and how
    to turn its stored value back into the one the evaluator expects."""

    def __init__(self, ledger: Ledger, policy_id: str, period: Period | None = None):
        versions = ledger.rules.book.versions(policy_id)
        if period is not None:
            # only the versions that can decide a case of the period: a later version's inputs (a 2027
            # case file) neither widen the grouping nor keep a 2026 period off the aggregate path
            within = [v for v in versions if (v.effective_from is None or v.effective_from <= period.ends_on)
                      and (v.effective_until is None or v.effective_until >= period.starts_on)]
            versions = within or versions
        self.date_field = versions[-1].date_field or "settled_on"
        plans = [ledger.rules.evaluator.plan(p) for p in versions]
        names: set[str] = set()
        for plan in plans:
            names.update(plan.key_names)
        # The date that picks the version is grouped by itself only when the result depends on it.
        self.by_date = any(plan.key_needs_on for plan in plans) or any(self.date_field in plan.key_names for plan in plans)
        names.discard(self.date_field)
        # a field cases do not have (a banquet's) stays missing, as for any case without it
        found = ledger.projection.sources_for(sorted(names), versions[-1].kind)
        self.names = [name for name, _ in found]
        self.sources = [source for _, source in found]
        self.decode = ledger.projection.decoders(found)
        self.versions = versions

    def row_to_case(self, values: Sequence[Any], on: dt.date) -> dict[str, Any]:
        case = {self.date_field: on}
        for name, convert, value in zip(self.names, self.decode, values):
            if value is not None:
                case[name] = convert(value) if convert else value
        return case


def _simple_caps(versions) -> bool:  # noqa: ANN001
    """One per-payee ceiling with a maximum only: each window pays min(room, sum) — no need to
    know which case crossed it. Anything else takes the per-case path."""
    return all(len(p.caps) <= 1 and all(c.max_cases is None and c.per == "payee" for c in p.caps) for p in versions)


def _prior_paid(uow: SqlUnitOfWork, policy_id: str, period: Period, caps: list) -> dict[tuple, int]:
    """What closed periods already paid into each ceiling window this period touches."""
    if not caps:
        return {}
    used: dict[tuple, int] = defaultdict(int)
    for _case_id, payee, unit_id, fen, on in reward_queries.paid_in_year(uow, policy_id, period.starts_on,
                                                                          period.ends_on):
        for cap in caps:
            used[(cap.id, payee if cap.per == "payee" else unit_id, _window(cap.period, on))] += int(fen)
    return used


def aggregate(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, period: Period, units: dict[int, Any],
              totals: dict[str, PayeeTotal], versions_used: set, skipped: list) -> bool:
    """Per-payee totals from one GROUP BY and one evaluation per distinct input combination.
    Returns False when the policy's ceilings need the per-case path."""
    spec = _Inputs(ledger, policy_id, period)
    if not _simple_caps(spec.versions):
        return False
    rows, group_reading, group_day, readings = _grouped(ledger, uow, policy_id, period, spec)
    results = _judge(ledger, policy_id, period, readings, versions_used)
    per_group, group_window = _sum_groups(rows, group_reading, group_day, results, units, skipped)
    payees = {key: payee_name(ledger, units[key[0]].name, key[1]) for key in per_group}
    cut = _ceiling_cuts(uow, policy_id, period, spec, payees, group_window)
    for (unit_id, settled_by), (count, gross) in per_group.items():
        payee = payees[(unit_id, settled_by)]
        t = totals.setdefault(payee, PayeeTotal(payee=payee, unit_id=unit_id))
        t.cases += count
        t.gross += from_fen(gross)
        t.paid += from_fen(gross)
    for (payee, _unit_id), fen in cut.items():
        totals[payee].paid -= from_fen(fen)
    return True


def _grouped(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, period: Period,
             spec: _Inputs) -> tuple[list[Any], list[int], list[dt.date], list[dict[str, Any]]]:
    """The candidates grouped in SQL: (rows, each row's reading, each row's day, the distinct
    readings). Groups differ by payee and month too; the policy sees only its inputs (and the
    version in force), so each distinct reading is evaluated once."""
    segments: list[tuple[dt.date, int]] = []
    if not spec.by_date:
        # A month is the finest ceiling window, and no group may straddle a version boundary:
        # cut the period at every month start and version boundary inside it and group by the
        # piece a case falls in, one integer from a chain of date comparisons (cheaper per row
        # than the month of a date plus a version CASE, and no min(date) to carry per group).
        segments = _segments(period, spec.versions)
    # An input whose values the policy cannot tell apart (severity, when only 重大 pays more)
    # is grouped by its class, not its value, and a value that never pays (a township's
    # settlement, a failed case) is left out in SQL: fewer rows and groups for the same totals.
    classes, unpaid = ({}, {}) if spec.by_date else _value_classes(ledger, policy_id, period, spec, segments)
    rows, select_inputs = reward_queries.grouped_candidates(
        uow, policy_id, period.starts_on, period.ends_on, inputs=spec.sources, classes=classes,
        unpaid=unpaid, by_date=spec.by_date, segments=[day for day, _ in segments],
    )
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
    return rows, group_reading, group_day, readings


def _judge(ledger: Ledger, policy_id: str, period: Period, readings: list[dict[str, Any]],
           versions_used: set) -> list[Any]:
    """Per reading, once: None (pays nothing), the error, or (fen, the ceilings it counts toward)."""
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
    return results


def _sum_groups(rows: list[Any], group_reading: list[int], group_day: list[dt.date], results: list[Any],
                units: dict[int, Any], skipped: list) -> tuple[dict[tuple[int, str | None], list[int]], dict[tuple, int]]:
    """The hot loop: (cases, fen) per (unit, settling body), and fen per ceiling window."""
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
    return per_group, group_window


def _ceiling_cuts(uow: SqlUnitOfWork, policy_id: str, period: Period, spec: _Inputs,
                  payees: dict[tuple[int, str | None], str], group_window: dict[tuple, int]) -> dict[tuple[str, int], int]:
    """Fen each (payee, unit) loses to ceilings: a per-payee window pays min(room left after
    closed periods, its gross)."""
    window_gross: dict[tuple, int] = defaultdict(int)
    for (cap_id, payee_key, window), gross in group_window.items():
        payee = payees[payee_key]
        window_gross[(cap_id, payee, window, payee, payee_key[0])] += gross
    prior = _prior_paid(uow, policy_id, period, [cap for p in spec.versions for cap in p.caps])
    cut: dict[tuple[str, int], int] = defaultdict(int)
    by_window: dict[tuple, list] = defaultdict(list)
    for (cap_id, holder, window, payee, unit_id), gross in window_gross.items():
        by_window[(cap_id, holder, window)].append((payee, unit_id, gross))
    caps = {cap.id: cap for p in spec.versions for cap in p.caps}
    for key, members in by_window.items():
        ceiling = caps[key[0]].max
        if ceiling is None:  # a ceiling on the number of cases only: the per-case path applies it
            continue
        room = max(to_fen(ceiling) - prior.get(key, 0), 0)
        for payee, unit_id, gross in sorted(members):
            pay = min(gross, room)
            room -= pay
            cut[(payee, unit_id)] += gross - pay
    return cut


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


def _value_classes(ledger: Ledger, policy_id: str, period: Period, spec: _Inputs,
                   segments: list[tuple[dt.date, int]]) -> tuple[dict, dict]:
    """What the policy can tell apart in each enumerated input, whatever the other inputs hold
    and under every version in the period — found by evaluating every combination of the
    inputs' values (every code and "missing"), so only when all inputs are enumerations or
    booleans and the combinations are few; otherwise ({}, {}).

    * classes: input (its place in `spec.sources`) → its codes split into classes whose members give the same result (amount
      in fen, version, or the same error); not for the payee's columns. A value outside the
      codes, or missing, is never merged with anything.
    * unpaid: input → (codes, missing too) that pay nothing and raise no error in every
      combination: cases holding them add nothing to any total."""
    import itertools

    names = spec.names
    if not names or any(convert is not None for convert in spec.decode):
        return {}, {}
    domains: list[list[Any]] = []
    for name in names:
        fdefs = [v.fields[name] for v in spec.versions if name in v.fields]
        if not fdefs or any(f.type not in ("enum", "bool") or (f.type == "enum" and f.enum_def is None) for f in fdefs):
            return {}, {}
        values: list[Any] = []
        for f in fdefs:
            values += list(f.enum_def.labels) if f.enum_def is not None else [True, False]
        domains.append([*dict.fromkeys(values), None])
    days = list({version: day for day, version in reversed(segments)}.values())
    total = len(days)
    for domain in domains:
        total *= len(domain)
    if total > 20_000:
        return {}, {}
    combos = list(itertools.product(*domains))
    cases = [{spec.date_field: day, **dict(zip(names, combo))} for day in days for combo in combos]
    results: list[tuple[int | None, str, str]] = []  # (fen, hash, version), or (None, the error, "")
    for outcome in ledger.rules.evaluate_batch(policy_id, cases, period.ends_on):
        if isinstance(outcome, EvaluationError):
            results.append((None, outcome.message("zh"), ""))
        else:
            results.append((to_fen(Decimal(outcome.outputs.get("amount", 0))), outcome.hash, outcome.version))
    classes: dict[int, list[list[str]]] = {}
    unpaid: dict[int, tuple[list[str], bool]] = {}
    for place, (name, source) in enumerate(zip(names, spec.sources)):
        fdefs = [v.fields[name] for v in spec.versions if name in v.fields]
        if fdefs[0].type != "enum" or not isinstance(source, (Column, ExtraKey)):
            continue
        by_signature: dict[tuple, list[str]] = defaultdict(list)
        zero: list[Any] = []
        for value in domains[place]:
            signature = tuple(
                results[d * len(combos) + i]
                for d in range(len(days)) for i, combo in enumerate(combos) if combo[place] == value
            )
            if all(r[0] is not None and r[0] <= 0 for r in signature):
                zero.append(value)
            elif value is not None:
                by_signature[signature].append(value)
        codes = [v for v in zero if v is not None]
        if codes:
            unpaid[place] = (codes, None in zero)
        merged = [members for members in by_signature.values() if len(members) > 1]
        if merged and not (isinstance(source, Column) and source.name in PAYEE_COLUMNS):
            classes[place] = merged
    return classes, unpaid


def case_lines(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, period: Period, units: dict[int, Any],
               skipped: list) -> list[PayoutLine]:
    """Per-case lines: every candidate case evaluated, ceilings applied by ``calc.caps.apply_caps``
    in settlement order, after what closed periods already paid into the same windows."""
    spec = _Inputs(ledger, policy_id)
    rows = reward_queries.candidate_rows(uow, policy_id, period.starts_on, period.ends_on, spec.sources)
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
    lines: list[PayoutLine] = []
    # One pass over every version's cases: a ceiling is a window of money that versions share.
    versions = list(by_version.values())
    if versions:
        payable_all = [case for payable in versions for case in payable]
        prior_capped = paid_before(ledger, uow, policy_id, period.starts_on, period.ends_on)
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


def paid_before(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, starts_on: dt.date,
                ends_on: dt.date) -> list[PayableCase]:
    """What is already paid under the policy for cases settled in the years from `starts_on` to
    `ends_on` (closed periods, claims), each held to the ceilings of the version in force on its
    date (a later year's version may set others): the room it took is gone before anything new."""
    book = ledger.rules.book
    latest_caps = tuple(book.versions(policy_id)[-1].caps) if policy_id in book.policies else ()

    def caps_on(day: dt.date) -> tuple:
        try:
            return tuple(book.select(policy_id, day).caps)
        except EvaluationError:
            return latest_caps

    # "!" keeps them apart from the zero-padded ids of the cases still to pay.
    return [PayableCase(f"!{case_id}", payee, on, from_fen(fen), unit=str(unit_id), caps=caps_on(on),
                        already_paid=True)
            for case_id, payee, unit_id, fen, on in reward_queries.paid_in_year(uow, policy_id, starts_on, ends_on)]


def capped_now(ledger: Ledger, uow: SqlUnitOfWork, policy_id: str, starts_on: dt.date, ends_on: dt.date,
               payable: list[PayableCase]) -> dict[str, Any]:
    """The ceilings applied again to `payable` (each with its version's caps) after everything
    paid so far: case key → its `calc.caps.PayoutLine`. Paying a claim reviewed while other money
    was paid into the same windows goes through this."""
    prior = paid_before(ledger, uow, policy_id, starts_on, ends_on)
    return {line.case_id: line for line in apply_caps(prior + payable) if not line.case_id.startswith("!")}


def totals_from_lines(lines: list[PayoutLine], totals: dict[str, PayeeTotal]) -> None:
    for line in lines:
        t = totals.setdefault(line.payee, PayeeTotal(payee=line.payee, unit_id=line.unit_id))
        t.cases += 1
        t.gross += line.gross
        t.paid += line.amount
