"""A case's verdicts: every write that changes a case re-evaluates its policies in the same
transaction, so no stored outcome, level or explanation ever lags behind the case.

The policies read the case through the projection. The escalation policy goes first: the level
it starts the case at (raised by any escalation by hand) becomes the stored level, which a reward
policy may read. A verdict that differs from the stored one replaces it; the earlier outcome is
kept as history with when, by whom and why it was replaced.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable

from ..models import Case, Outcome
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome as RuleOutcome
from ..store.uow import SqlUnitOfWork
from .context import Ledger
from .errors import InvalidInput


def outcome_model(case_id: int, outcome: RuleOutcome, by: str | None = None) -> Outcome:
    """A rules-core Outcome → what the ledger stores: plain JSON, explanation in both languages."""
    zh, en = outcome.to_json("zh"), outcome.to_json("en")
    explanation = [{"zh": a, "en": b} for a, b in zip(zh["explanation"], en["explanation"])]
    for a, b in zip(zh.get("near_misses", []), en.get("near_misses", [])):
        explanation.append({"zh": a, "en": b, "near_miss": True})
    outputs = dict(zh["outputs"])
    for key in ("violations", "allocations", "path"):
        if key in zh:
            outputs[f"_{key}"] = zh[key]
    return Outcome(
        case_id=case_id, policy_id=outcome.policy, version=outcome.version, hash=outcome.hash,
        as_of=outcome.as_of, outputs=outputs, fired=list(zh["fired"]), explanation=explanation, computed_by=by,
    )


@dataclass
class Verdicts:
    """What the policies in force say of one case: its level, and the outcome per policy."""

    level: str
    outcomes: dict[str, RuleOutcome]


def _evaluate(ledger: Ledger, policy_id: str, data: dict[str, Any], as_of: dt.date) -> RuleOutcome | None:
    try:
        return ledger.rules.evaluate(policy_id, data, as_of=as_of)
    except EvaluationError as err:
        if err.key == "no_version_in_force":
            return None  # a policy not yet (or no longer) in force says nothing about this case
        raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None


def judge(ledger: Ledger, case: Case, unit_code: str | None) -> Verdicts:
    """Evaluate the escalation policies (as of the day the case was received: the verdict depends
    on the case alone, not on the day it is read) and, once the case has a settlement date, the
    reward policies (as of that date). Raises InvalidInput when a policy cannot judge the case."""
    projection = ledger.projection
    outcomes: dict[str, RuleOutcome] = {}
    level = case.level
    first = True
    for policy_id in ledger.escalation_policies():
        outcome = _evaluate(ledger, policy_id, projection.case_input(case, unit_code, "escalation"), case.received_on)
        if outcome is None:
            continue
        outcomes[policy_id] = outcome
        if first and outcome.details.get("start_level"):
            level, first = outcome.details["start_level"], False
    if level != case.level:
        case = case.model_copy(update={"level": level})
    if case.settled_on is not None:
        data = projection.case_input(case, unit_code, "reward")
        for policy_id in ledger.reward_policies():
            outcome = _evaluate(ledger, policy_id, data, case.settled_on)
            if outcome is not None:
                outcomes[policy_id] = outcome
    return Verdicts(level, outcomes)


def _same(stored: Outcome, fresh: Outcome) -> bool:
    return (stored.hash, stored.as_of, stored.outputs, stored.fired, stored.explanation) == (
        fresh.hash, fresh.as_of, fresh.outputs, fresh.fired, fresh.explanation)


def change_reason(action: str, before: Case | None, after: Case) -> str:
    """Why outcomes were recomputed: the write and the fields it changed (JSON, read by views)."""
    changed: dict[str, list[Any]] = {}
    if before is not None:
        old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
        for name in new:
            if name in ("updated_at", "created_at", "escalations", "extra"):
                continue
            if old.get(name) != new.get(name):
                changed[name] = [old.get(name), new.get(name)]
        for name in sorted(set(before.extra) | set(after.extra)):
            if before.extra.get(name) != after.extra.get(name):
                changed[name] = [before.extra.get(name), after.extra.get(name)]
        if len(after.escalations) != len(before.escalations):
            changed["escalations"] = [len(before.escalations), len(after.escalations)]
    return json.dumps({"action": action, "changed": changed}, ensure_ascii=False, default=str)


def store_verdicts(uow: SqlUnitOfWork, case: Case, verdicts: Verdicts, *, by: str, reason: str) -> list[Outcome]:
    """Make the stored outcomes of `case` the `verdicts`: keep those that say the same, replace the
    rest (the old ones become history), retire those of policies that no longer judge the case.
    Returns the case's current outcomes."""
    assert case.id is not None
    now = dt.datetime.now(dt.timezone.utc)
    current = {o.policy_id: o for o in uow.outcomes.current(case.id)}
    kept: list[Outcome] = []
    for policy_id, outcome in verdicts.outcomes.items():
        fresh = outcome_model(case.id, outcome, by)
        stored = current.pop(policy_id, None)
        if stored is not None and _same(stored, fresh):
            kept.append(stored)
            continue
        if stored is not None:
            uow.outcomes.replace(stored, at=now, by=by, reason=reason)
        kept.append(uow.outcomes.add(fresh))
    for stale in current.values():  # e.g. a settlement taken back: the reward no longer stands
        uow.outcomes.replace(stale, at=now, by=by, reason=reason)
    return kept


def first_judged(ledger: Ledger, policy_ids: list[str], kind: str, cases: list[Case], unit_codes: dict[int, str],
                 as_of: dt.date, judged: Callable[[RuleOutcome], bool]) -> dict[int, RuleOutcome]:
    """For each case (by its place in `cases`), the outcome of the first policy, in order, that
    judges it — evaluates without error and `judged(outcome)` — through the batch path; cases no
    policy judges are left out."""
    projection = ledger.projection
    found: dict[int, RuleOutcome] = {}
    pending = list(range(len(cases)))
    for policy_id in policy_ids:
        if not pending:
            break
        inputs = [projection.case_input(cases[i], unit_codes.get(cases[i].unit_id), kind) for i in pending]
        still = []
        for i, outcome in zip(pending, ledger.rules.evaluate_batch(policy_id, inputs, as_of)):
            if isinstance(outcome, EvaluationError) or not judged(outcome):
                still.append(i)
            else:
                found[i] = outcome
        pending = still
    return found


__all__ = ["Verdicts", "judge", "store_verdicts", "outcome_model", "change_reason", "first_judged"]
