"""`banquet` policies: every matching row is a violation of the village rules, with a message that
may name the filing's fields (`{tables}`); rows set no outputs."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ...i18n import Lang, Localized
from ...money import format_yuan
from ..derived import derived_lines
from ..errors import Loc
from ..outcome import Outcome
from ..policy import CompiledRow, Policy
from ..schema import Row
from ..scope import FieldScope
from .base import Decision, PolicyKind
from .common import row_title

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def _fill(template: str, policy: Policy, typed: dict[str, Any], lang: Lang) -> str:
    def value(m: re.Match[str]) -> str:
        fdef = policy.fields.get(m.group(1))
        raw = typed.get(m.group(1))
        if fdef is None or raw is None:
            return Localized("missing_value").render(lang)
        if fdef.type == "money":
            return format_yuan(Decimal(raw))
        return fdef.show(raw, lang)

    return _PLACEHOLDER.sub(value, template)


def violation_message(row: CompiledRow, policy: Policy, typed: dict[str, Any]) -> Localized:
    zh = _fill(row.message or row.title, policy, typed, "zh")
    en = _fill(row.message_en or row.message or row.title, policy, typed, "en")
    return Localized("label", zh=zh, en=en)


class BanquetKind(PolicyKind):
    """Village rules for banquets: each matching row is a violation, told by its message."""

    name = "banquet"
    date_field = "date"
    example_keys = frozenset({"fired", "violations", "compliant"})

    def check_row(self, row: Row, loc: Loc, scope: FieldScope) -> None:
        """A row needs a message, whose `{field}`s the policy may read (and then reads), and
        sets no outputs."""
        if not row.message:
            scope.reader.error(loc, "missing_key", key="message")
        else:
            for ref in _PLACEHOLDER.findall(row.message):
                if scope.resolve(ref) is None:
                    scope.missing(loc + ("message",), ref)
                else:
                    scope.used.add(ref)
        if row.then:
            scope.reader.error(loc + ("then",), "kind_forbids", key="then", kind=self.name)

    def decide(self, d: Decision) -> Outcome:
        policy = d.policy
        violations = []
        explanation = derived_lines(policy.fields, d.typed)
        for row in d.matched:
            message = violation_message(row, policy, d.typed)
            violations.append({"rule": row.id, "title": row_title(row), "message": message})
            explanation.append(Localized("explain_violation", title=row_title(row), message=message))
        if not violations:
            explanation.append(Localized("explain_compliant"))
        return Outcome(
            policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
            outputs={"violations": len(violations), "compliant": not violations},
            money_outputs=frozenset(),
            fired=tuple(r.id for r in d.matched),
            explanation=tuple(explanation),
            details={"violations": violations},
        )
