"""`table` and `reward` policies: decision tables with a hit policy (first | unique | collect-sum)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from ..i18n import Localized
from ..rules.derived import derived_lines
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

    fired_outputs: list[tuple[Any, dict[str, Any]]] = []  # (row, what it set), for the explanation
    if hit == "collect-sum":
        sums: dict[str, Any] = {}
        for row in fired:
            row_outputs = {n: output_value(policy, n, v, d.typed) for n, v in row.then.items()}
            for name, value in row_outputs.items():
                if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
                    sums[name] = sums.get(name, 0) + value
                else:
                    sums.setdefault(name, value)
            fired_outputs.append((row, row_outputs))
        if fired:
            outputs.update(sums)
    else:
        for row in fired:
            row_outputs = {n: output_value(policy, n, v, d.typed) for n, v in row.then.items()}
            outputs.update(row_outputs)
            fired_outputs.append((row, row_outputs))

    return Outcome(
        policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
        outputs=outputs,
        money_outputs=frozenset(n for n, o in policy.outputs.items() if o.type == "money"),
        fired=tuple(r.id for r in fired),
        # the explanation and the near misses are worked out when first read: batch callers that
        # read only the outputs never pay for them
        explanation=partial(_explanation, policy, tuple(fired_outputs), None if fired else outputs, d.typed),
        near_misses=(
            partial(near_misses, policy, d.typed, d.matched, on=d.on, all_matched=d.all_matched)
            if not fired or hit == "first" else ()
        ),
    )


def _explanation(
    policy, fired_outputs: tuple[tuple[Any, dict[str, Any]], ...], defaults: dict[str, Any] | None,
    typed: dict[str, Any] | None = None,
) -> tuple[Localized, ...]:
    """The derived values read (each with its formula), then a line per fired row with what it
    set; when none fired (`defaults` given), what applied."""
    lines = derived_lines(policy.fields, typed) if typed else []
    lines += [
        Localized("explain_fired", title=row_title(row), effect=effect_text(policy, row_outputs))
        for row, row_outputs in fired_outputs
    ]
    if defaults is not None:
        default = Localized("explain_default", effect=effect_text(policy, defaults)) if defaults else ""
        lines.append(Localized("explain_none", default=default))
    return tuple(lines)
