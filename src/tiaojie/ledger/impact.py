"""What a draft rule set would change in the stored ledger.

`impact` evaluates every stored case (or those of one period / unit) under the ledger's activated
rule set (its stored files — never the files on disk; nothing, for a ledger with none) and under a draft, and reports the change in yuan per policy, unit and payee. Cases in closed periods
are reported and never changed. The cases are read through the projection — only what the policy
reads, as plain rows — and each distinct reading is evaluated once per rule set, so the report
stays close to the cost of scanning the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import itemgetter
from typing import Any, Callable, Iterator

from ..models import Period
from ..rules.errors import EvaluationError
from ..rules.impact import CaseChange, ImpactCase, ImpactReport, PolicyImpact, money_total
from ..rules.service import Rules
from ..store.case_inputs import Column
from ..store.case_repository import PageFilter
from .context import Ledger
from .period_rewards import payee_name
from .periods import parse_period
from .views import visible_units

LEAD = 5  # id, unit_id, number, received_on, settled_on come first in every row, then what the policy reads


def _reward_policies(ledger: Ledger, draft: Rules) -> list[str]:
    return sorted(
        set(ledger.reward_policies())
        | {pid for pid in draft.book.ids() if draft.book.versions(pid)[-1].kind == "reward"}
    )


def _read_fields(current: Any, draft: Rules, policy_id: str) -> list[str]:
    """Every field any version of the policy reads, in either set."""
    names: dict[str, None] = {}
    for rules in (current, draft):
        for version in rules.book.policies.get(policy_id, []):
            for name in version.fields:
                names.setdefault(name, None)
    return list(names)


def _unit_label(unit: Any) -> str:
    """A unit as the impact names it: by name, its code after it (two villages may share a name)."""
    return f"{unit.name} {unit.code}"


def _filter(ledger: Ledger, uow: Any, period: str | None, unit: str | None) -> PageFilter:
    wanted = parse_period(period) if period else None
    return PageFilter(unit_ids=visible_units(ledger, uow, None, unit),
                      received_or_settled_between=(wanted.starts_on, wanted.ends_on) if wanted else None)


def stored_cases(ledger: Ledger, period: str | None = None, unit: str | None = None) -> Iterator[ImpactCase]:
    """Every stored case (settled or received in `period`, under `unit`), as the reward policies
    read it, case by case: the plain reference the bulk report is checked against."""
    projection = ledger.projection
    with ledger.uow() as uow:
        units = {u.id: u for u in uow.units.list()}
        closed = [p for p in uow.periods.list() if p.status == "closed"]
        flt = _filter(ledger, uow, period, unit)
        for case in sorted(uow.cases.list(flt), key=lambda c: c.id or 0):  # in the order the scan reads
            unit_row = units[case.unit_id]
            booked = case.settled_on or case.received_on
            yield ImpactCase(
                case_id=f"{unit_row.code}/{case.number}", unit=_unit_label(unit_row),
                payee=payee_name(ledger, unit_row.name, case.settled_by),
                closed=any(p.covers(booked) for p in closed),
                data=projection.case_input(case, unit_row.code, "reward"),
            )


class _NoRules:
    """What a ledger's first activation is measured against: no rule set, which paid nothing."""

    class book:  # noqa: N801 - stands where `Rules.book` is read
        policies: dict[str, list] = {}


def impact(ledger: Ledger, draft: Rules, period: str | None = None, unit: str | None = None,
           policies: list[str] | None = None) -> ImpactReport:
    """The change a draft would make against the ledger's activated set, per policy, unit and
    payee; closed periods apart."""
    from .activated import activated_rules

    in_force = activated_rules(ledger)
    # the stored cases read through the activated set's vocabulary (the draft's, when none)
    base = ledger if in_force is ledger.rules else replace(ledger, rules=in_force or draft, draft=None,
                                                          _projection=None, _files=None)
    current: Any = in_force if in_force is not None else _NoRules
    chosen = policies or _reward_policies(base, draft)
    as_of = base.date()
    report = ImpactReport(as_of=as_of)
    projection = base.projection
    with base.uow() as uow:
        flt = _filter(base, uow, period, unit)
        scan = _Scan(base, {u.id: u for u in uow.units.list()},
                     [p for p in uow.periods.list() if p.status == "closed"])
        for policy_id in chosen:
            versions = [v for rules in (current, draft) for v in rules.book.policies.get(policy_id, [])]
            kind = versions[-1].kind if versions else "reward"
            inputs = projection.sources_for(_read_fields(current, draft, policy_id), kind)
            sources = [s for _, s in inputs]
            if "settled_by" not in (name for name, _ in inputs):  # the payee needs it all the same
                sources.append(Column("settled_by", "settled_by"))
            rows = uow.cases.input_rows(sources, flt)
            _PolicyScan(scan, report, policy_id, current, draft, as_of, [n for n, _ in inputs],
                        projection.decoders(inputs)).run(rows)
    return report


@dataclass
class _Scan:
    """What every policy's scan shares: units, closed periods, and which days they lock."""

    ledger: Ledger
    units: dict[Any, Any]
    closed_periods: list[Period]
    closed_on: dict[dt.date, bool] = field(default_factory=dict)

    def closed(self, day: dt.date) -> bool:
        found = self.closed_on.get(day)
        if found is None:
            found = self.closed_on[day] = any(p.covers(day) for p in self.closed_periods)
        return found


class _PolicyScan:
    def __init__(self, scan: _Scan, report: ImpactReport, policy_id: str, current: Any, draft: Rules,
                 as_of: dt.date, names: list[str], decode: list[Callable[[Any], Any] | None]):
        self.scan, self.report, self.policy_id = scan, report, policy_id
        self.current, self.draft, self.as_of = current, draft, as_of
        self.names, self.decode = names, decode
        self.impact = report.policies.setdefault(policy_id, PolicyImpact(policy_id))
        self.has_old = policy_id in current.book.policies
        self.has_new = policy_id in draft.book.policies
        # The date that picks the version matters beyond that choice only when rows are dated or
        # read it; otherwise a reading is (the two versions, the other values), and a year of
        # settlement dates does not multiply the evaluations.
        versions = [v for rules in (current, draft) for v in rules.book.policies.get(policy_id, [])]
        self.date_field = versions[-1].date_field if versions else None
        self.date_at = names.index(self.date_field) if self.date_field in names else None
        self.date_matters = self.date_at is None or any(
            v.date_sensitive or self.date_field in v.condition_fields() or self.date_field in v.formula_reads()
            or v.kind == "escalation" for v in versions
        )
        # the settling body: read by the policy, or last in the row for the payee alone
        self.payee_at = LEAD + names.index("settled_by") if "settled_by" in names else LEAD + len(names)
        positions = [LEAD + i for i in range(len(names))]
        if not self.date_matters and self.date_at is not None:
            positions.remove(LEAD + self.date_at)
        self.key_names = [names[p - LEAD] for p in positions]
        self.values_of = itemgetter(*positions) if len(positions) > 1 else (
            (lambda row: (row[positions[0]],)) if positions else (lambda row: ()))
        self.verdicts: list[tuple] = []
        self.index_of: dict[object, int] = {}
        self.picked: dict[object, tuple] = {}
        self.tally: dict[tuple[int, bool], int] = {}

    def judge(self, values: tuple, day: dt.date | None) -> tuple:
        data = {}
        for name, value in zip(self.key_names, values):
            if value is not None:
                convert = self.decode[self.names.index(name)]
                data[name] = convert(value) if convert else value
        if day is not None and self.date_field:
            data[self.date_field] = day
        old = next(iter(self.current.evaluate_batch(self.policy_id, [data], self.as_of))) if self.has_old else None
        new = next(iter(self.draft.evaluate_batch(self.policy_id, [data], self.as_of))) if self.has_new else None
        if isinstance(new, Exception):  # the draft cannot judge the case
            return (None, new.message("zh") if isinstance(new, EvaluationError) else str(new), "draft")
        if isinstance(old, Exception):
            return (None, old.message("zh") if isinstance(old, EvaluationError) else str(old), "in force")
        old_amount = money_total(old) if old is not None else Decimal("0.00")
        new_amount = money_total(new) if new is not None else Decimal("0.00")
        old_fired = old.fired if old is not None else ()
        new_fired = new.fired if new is not None else ()
        return (old_amount, new_amount, old_amount != new_amount or old_fired != new_fired, old_fired, new_fired,
                old.version if old else "—", new.version if new else "—", (new_fired or old_fired or ("",))[0])

    def verdict_index(self, row: Any) -> int:
        day = None
        if self.date_matters or self.date_at is None:
            key: Any = self.values_of(row)
        else:
            day = row[LEAD + self.date_at]  # the case's own date picks the versions
            pair = self.picked.get(day)
            if pair is None:
                pair = self.picked[day] = tuple(
                    _version_or_none(r, self.policy_id, day or self.as_of) for r in (self.current, self.draft))
            key = (pair, self.values_of(row))
        found = self.index_of.get(key)
        if found is None:
            found = self.index_of[key] = len(self.verdicts)
            self.verdicts.append(self.judge(self.values_of(row), day))
        return found

    def run(self, rows: Any) -> None:
        impact, report, scan = self.impact, self.report, self.scan
        for row in rows:
            index = self.verdict_index(row)
            verdict = self.verdicts[index]
            closed = scan.closed(row[4] or row[3])
            tally_key = (index, closed)
            self.tally[tally_key] = self.tally.get(tally_key, 0) + 1
            if verdict[0] is None:
                if verdict[2] == "draft" and not closed:
                    report.add_unjudged(f"{scan.units[row[1]].code}/{row[2]}", self.policy_id, verdict[1])
                continue
            if not verdict[2]:
                continue
            old_amount, new_amount, _, old_fired, new_fired, old_version, new_version, cause = verdict
            unit_row = scan.units[row[1]]
            payee = payee_name(scan.ledger, unit_row.name, row[self.payee_at])
            change = CaseChange(f"{unit_row.code}/{row[2]}", self.policy_id, _unit_label(unit_row), payee, closed, old_amount,
                                new_amount, old_fired, new_fired, old_version, new_version, cause)
            report.changes.append(change)
            if closed:
                impact.changed_closed += 1
                impact.closed_delta += change.delta
                continue
            impact.changed += 1
            report.by_unit[change.unit] = report.by_unit.get(change.unit, Decimal(0)) + change.delta
            report.by_payee[payee] = report.by_payee.get(payee, Decimal(0)) + change.delta
        # Totals from the tally: one multiplication per distinct reading, not an addition per row.
        for (index, closed), count in self.tally.items():
            verdict = self.verdicts[index]
            if verdict[0] is None:
                impact.errors += count
                continue
            impact.evaluated += count
            impact.old_total += verdict[0] * count
            impact.new_total += (verdict[0] if closed else verdict[1]) * count


def _version_or_none(rules: Any, policy_id: str, on: dt.date) -> int | None:
    """Which version is in force (its identity), or None where the set has none that day."""
    if policy_id not in rules.book.policies:
        return None
    try:
        return id(rules.book.select(policy_id, on))
    except EvaluationError:
        return None


__all__ = ["impact", "stored_cases", "ImpactReport"]
