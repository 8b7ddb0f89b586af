"""`table` and `reward` policies: decision tables with a hit policy (first | unique | collect-sum)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..i18n import Localized
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .common import Decision, effect_text, near_misses, output_value, row_title


def decide(d: Decision) -> Outcome:
    policy = d.policy
    hit = policy.header.hit
    if hit == "first":
        fired = d.matched[:1]
    elif hit == "unique":
        if len(d.matched) > 1:
            raise EvaluationError("not_unique", rules=", ".join(r.id for r in d.matched))
        fired = d.matched
    else:
        fired = d.matched

    outputs: dict[str, Any] = {}
    if policy.kind == "reward":
        outputs["amount"] = Decimal("0.00")
    for name, value in policy.default.items():
        outputs[name] = output_value(policy, name, value, d.typed)

    explanation: list[Localized] = []
    if hit == "collect-sum":
        sums: dict[str, Any] = {}
        for row in fired:
            row_outputs = {n: output_value(policy, n, v, d.typed) for n, v in row.then.items()}
            for name, value in row_outputs.items():
                if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
                    sums[name] = sums.get(name, 0) + value
                else:
                    sums.setdefault(name, value)
            explanation.append(Localized("explain_fired", title=row_title(row), effect=effect_text(policy, row_outputs)))
        if fired:
            outputs.update(sums)
    else:
        for row in fired:
            row_outputs = {n: output_value(policy, n, v, d.typed) for n, v in row.then.items()}
            outputs.update(row_outputs)
            explanation.append(Localized("explain_fired", title=row_title(row), effect=effect_text(policy, row_outputs)))
    if not fired:
        default = Localized("explain_default", effect=effect_text(policy, outputs)) if outputs else ""
        explanation.append(Localized("explain_none", default=default))

    return Outcome(
        policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
        outputs=outputs,
        money_outputs=frozenset(n for n, o in policy.outputs.items() if o.type == "money"),
        fired=tuple(r.id for r in fired),
        explanation=tuple(explanation),
        near_misses=near_misses(policy, d.typed, d.matched) if not fired or hit == "first" else (),
    )
