"""`table` and `reward` policies: decision tables with a hit policy (first | unique | collect-sum).

A `table` declares its outputs under `[outputs]`; a `reward` sets one, the amount paid for a case
(never negative, zero when no row fires), and its ceilings come as `[[cap]]`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from ...i18n import Localized
from ...vocabulary import FieldDef, Vocabulary
from ..checklist import missing_lines
from ..derived import derived_lines
from ..errors import EvaluationError
from ..expressions import Expression
from ..outcome import Outcome
from ..policy import CompiledRow, Policy
from ..reader import FileReader
from ..schema import OutputDef, PolicyFile
from .base import Decision, PolicyKind
from .common import effect_text, near_misses, output_value, row_title


class TableKind(PolicyKind):
    """A decision table whose outputs the file declares."""

    name = "table"
    declares_outputs = True
    takes_hit = True
    example_keys = frozenset({"fired", "error"})

    def output_defs(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> dict[str, OutputDef]:
        if not spec.outputs:
            reader.error(("policy", "kind"), "kind_section", kind=self.name, section="outputs")
        outputs = dict(spec.outputs)
        for name, out in outputs.items():
            if out.type == "enum" and out.enum not in vocab.enums:
                reader.error(("outputs", name, "enum"), "unknown_enum", field=name, enum=out.enum)
        return outputs

    def first_hit_only(self, policy: Policy) -> bool:
        return policy.header.hit == "first"

    def decides_without_rows(self, policy: Policy) -> bool:
        return bool(policy.default)

    def gaps_matter(self, policy: Policy) -> bool:
        return not policy.default

    def decide(self, d: Decision) -> Outcome:
        return decide_table(d, {})


class RewardKind(PolicyKind):
    """A reward table: the amount paid for a case, within the ceilings of its `[[cap]]`s."""

    name = "reward"
    caps = True
    outputs = {"amount": OutputDef(type="money", title="奖励金额", title_en="reward")}
    date_field = "settled_on"
    non_negative_money = True
    takes_hit = True

    def first_hit_only(self, policy: Policy) -> bool:
        return policy.header.hit == "first"

    def decides_without_rows(self, policy: Policy) -> bool:
        """A default amount other than nothing (zero is what no row pays anyway)."""
        return any(isinstance(v, Expression) or v != 0 for v in policy.default.values())

    def decide(self, d: Decision) -> Outcome:
        return decide_table(d, {"amount": Decimal("0.00")})


def decide_table(d: Decision, preset: dict[str, Any]) -> Outcome:
    """The rows that fire under the hit policy set the outputs, over the default, over `preset`."""
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

    outputs: dict[str, Any] = dict(preset)
    for name, value in policy.default.items():
        outputs[name] = output_value(policy, name, value, d.typed)

    fired_outputs: list[tuple[CompiledRow, dict[str, Any]]] = []  # (row, what it set), for the explanation
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
            partial(near_misses, policy, d.typed, d.matched, d.on, d.all_matched)
            if not fired or hit == "first" else ()
        ),
    )


def _checklists_read(policy: Policy) -> list[FieldDef]:
    """The checklists a row asks to be complete: their missing items are what an outcome names."""
    names = {atom.field.name for row in policy.rows for atom in row.condition.atoms() if atom.op == "complete"}
    return [fdef for name, fdef in policy.fields.items() if name in names]


def _explanation(
    policy: Policy, fired_outputs: tuple[tuple[CompiledRow, dict[str, Any]], ...], defaults: dict[str, Any] | None,
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
    lines += missing_lines(_checklists_read(policy), typed or {})
    return tuple(lines)
