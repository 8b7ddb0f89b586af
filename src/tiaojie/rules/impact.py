"""What a draft rule set would change: the stored cases evaluated under the rules in force and
under the draft, compared to the fen.

Cases in closed periods are evaluated and reported, but their change is kept apart: a locked
period is never recomputed. Both sides go through the batch path, so each distinct projection
of the cases is evaluated once per side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from ..i18n import Lang, tr
from ..money import format_yuan
from .errors import EvaluationError
from .outcome import Outcome
from .service import Rules


@dataclass(frozen=True)
class ImpactCase:
    """One stored case as the impact report sees it."""

    case_id: str
    unit: str
    payee: str
    closed: bool  # its period is closed: reported, never changed
    data: dict[str, Any]  # what the policies read


@dataclass
class CaseChange:
    case_id: str
    policy: str
    unit: str
    payee: str
    closed: bool
    old: Decimal
    new: Decimal
    old_fired: tuple[str, ...]
    new_fired: tuple[str, ...]
    old_version: str
    new_version: str
    cause: str  # the rule that made the difference

    @property
    def delta(self) -> Decimal:
        return self.new - self.old


@dataclass
class PolicyImpact:
    policy: str
    evaluated: int = 0
    changed: int = 0
    changed_closed: int = 0
    errors: int = 0
    old_total: Decimal = Decimal("0.00")
    new_total: Decimal = Decimal("0.00")
    closed_delta: Decimal = Decimal("0.00")  # change that would fall in closed periods; not applied

    @property
    def delta(self) -> Decimal:
        return self.new_total - self.old_total


@dataclass
class ImpactReport:
    as_of: dt.date
    policies: dict[str, PolicyImpact] = field(default_factory=dict)
    by_unit: dict[str, Decimal] = field(default_factory=dict)
    by_payee: dict[str, Decimal] = field(default_factory=dict)
    changes: list[CaseChange] = field(default_factory=list)
    # Cases of open periods the draft cannot evaluate: (case, policy, why), the first thousand,
    # and how many in all. A set that cannot judge a case would leave it unpaid: not activated.
    unjudged: list[tuple[str, str, str]] = field(default_factory=list)
    unjudged_count: int = 0

    def add_unjudged(self, case_id: str, policy: str, reason: str) -> None:
        self.unjudged_count += 1
        if len(self.unjudged) < 1000:
            self.unjudged.append((case_id, policy, reason))

    @property
    def changed_cases(self) -> int:
        return len({c.case_id for c in self.changes if not c.closed})

    @property
    def total_delta(self) -> Decimal:
        return sum((p.delta for p in self.policies.values()), Decimal("0.00"))

    def sample(self, size: int = 10) -> list[CaseChange]:
        return [c for c in self.changes if not c.closed][:size]

    def summary(self) -> dict[str, Any]:
        """Plain JSON: what the audit log keeps of what the activating officer saw."""
        return {
            "as_of": self.as_of.isoformat(),
            "changed_cases": self.changed_cases,
            "total_delta": format_yuan(self.total_delta),
            "policies": {
                p.policy: {
                    "evaluated": p.evaluated, "changed": p.changed, "changed_in_closed_periods": p.changed_closed,
                    "old_total": format_yuan(p.old_total), "new_total": format_yuan(p.new_total),
                    "delta": format_yuan(p.delta), "closed_delta_not_applied": format_yuan(p.closed_delta),
                    "errors": p.errors,
                    "unjudged_by_draft": sum(1 for _, policy, _ in self.unjudged if policy == p.policy),
                }
                for p in self.policies.values()
            },
            "by_unit": {k: format_yuan(v) for k, v in sorted(self.by_unit.items()) if v},
            "by_payee": {k: format_yuan(v) for k, v in sorted(self.by_payee.items()) if v},
        }

    def to_json(self, sample: int = 20) -> dict[str, Any]:
        out = self.summary()
        out["sample"] = [
            {"case": c.case_id, "policy": c.policy, "unit": c.unit, "payee": c.payee,
             "old": format_yuan(c.old), "new": format_yuan(c.new), "delta": format_yuan(c.delta),
             "old_fired": list(c.old_fired), "new_fired": list(c.new_fired),
             "old_version": c.old_version, "new_version": c.new_version, "cause": c.cause}
            for c in self.sample(sample)
        ]
        return out


def money_total(outcome: Outcome) -> Decimal:
    """The yuan an outcome is worth: the sum of its money outputs."""
    return sum((Decimal(outcome.outputs[n]) for n in outcome.money_outputs if n in outcome.outputs), Decimal("0.00"))


def _cause(old: Outcome, new: Outcome) -> str:
    if new.fired and (not old.fired or new.fired[0] != old.fired[0]):
        return new.fired[0]
    if new.fired:
        return new.fired[0]  # the same rule, with a new amount
    return old.fired[0] if old.fired else ""


def compare(cases: Iterable[ImpactCase], current: Rules, draft: Rules, policies: list[str],
            as_of: dt.date | None = None) -> ImpactReport:
    """Evaluate every case under both sets for each policy and total the differences."""
    as_of = as_of or dt.date.today()
    cases = list(cases)
    report = ImpactReport(as_of=as_of)
    for policy_id in policies:
        impact = report.policies.setdefault(policy_id, PolicyImpact(policy_id))
        has_old = policy_id in current.book.policies
        has_new = policy_id in draft.book.policies
        inputs = [c.data for c in cases]
        old_results = list(current.evaluate_batch(policy_id, inputs, as_of)) if has_old else [None] * len(cases)
        new_results = list(draft.evaluate_batch(policy_id, inputs, as_of)) if has_new else [None] * len(cases)
        for case, old, new in zip(cases, old_results, new_results):
            if isinstance(old, EvaluationError) or isinstance(new, EvaluationError):
                impact.errors += 1
                continue
            impact.evaluated += 1
            old_amount = money_total(old) if old is not None else Decimal("0.00")
            new_amount = money_total(new) if new is not None else Decimal("0.00")
            if case.closed:
                impact.old_total += old_amount
                impact.new_total += old_amount  # a closed period keeps what it paid
            else:
                impact.old_total += old_amount
                impact.new_total += new_amount
            old_fired = old.fired if old is not None else ()
            new_fired = new.fired if new is not None else ()
            if old_amount == new_amount and old_fired == new_fired:
                continue
            change = CaseChange(
                case.case_id, policy_id, case.unit, case.payee, case.closed, old_amount, new_amount,
                old_fired, new_fired, old.version if old else "—", new.version if new else "—",
                _cause(old, new) if old is not None and new is not None else (new_fired or old_fired or ("",))[0],
            )
            report.changes.append(change)
            if case.closed:
                impact.changed_closed += 1
                impact.closed_delta += change.delta
                continue
            impact.changed += 1
            report.by_unit[case.unit] = report.by_unit.get(case.unit, Decimal(0)) + change.delta
            report.by_payee[case.payee] = report.by_payee.get(case.payee, Decimal(0)) + change.delta
    return report


def render_table(report: ImpactReport, lang: Lang = "zh", sample: int = 10) -> list[str]:
    lines = [tr("impact_title", lang, date=report.as_of.isoformat())]
    for p in report.policies.values():
        lines.append(tr("impact_policy", lang, policy=p.policy, evaluated=p.evaluated, changed=p.changed,
                        old=format_yuan(p.old_total), new=format_yuan(p.new_total), delta=_signed(p.delta)))
        if p.changed_closed:
            lines.append(tr("impact_closed", lang, count=p.changed_closed, delta=_signed(p.closed_delta)))
        if p.errors:
            lines.append(tr("impact_errors", lang, count=p.errors))
    for heading, totals in (("impact_by_unit", report.by_unit), ("impact_by_payee", report.by_payee)):
        shown = [(name, delta) for name, delta in sorted(totals.items()) if delta]
        if shown:
            lines.append(tr(heading, lang))
            lines.extend(f"    {name}: {_signed(delta)}" for name, delta in shown)
    if report.unjudged_count:
        lines.append(tr("impact_unjudged", lang, count=report.unjudged_count))
        lines.extend(f"    {case}  {policy}: {reason}" for case, policy, reason in report.unjudged[:sample])
    changes = report.sample(sample)
    if changes:
        lines.append(tr("impact_sample", lang))
        for c in changes:
            lines.append(tr("impact_change", lang, case=c.case_id, policy=c.policy, old=format_yuan(c.old),
                            new=format_yuan(c.new), old_fired="/".join(c.old_fired) or "—",
                            new_fired="/".join(c.new_fired) or "—", cause=c.cause or "—"))
    return lines


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + format_yuan(amount)
