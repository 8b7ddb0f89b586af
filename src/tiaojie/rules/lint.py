"""Lint beyond syntax: rows that can never fire, overlaps in `unique` policies of any kind, gaps in tables.

Each finding carries an example case that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import Lang, Localized
from .domain import domain_cases
from .kinds import KINDS
from .kinds.base import PolicyKind
from .policy import Policy
from .service import Rules


@dataclass
class Finding:
    policy: Policy
    line: int | None
    message: Localized

    def render(self, lang: Lang = "zh") -> str:
        return f"{self.policy.path}:{self.line or 1}: {self.message.render(lang)}"


def show_case(policy: Policy, case: dict[str, Any], lang: Lang = "zh") -> str:
    parts = []
    for name, value in case.items():
        if value is None:
            continue
        fdef = policy.fields[name]
        # As a rule file writes it: an enum's id, a rate shown as a percentage as its fraction.
        written = value if fdef.type == "enum" or fdef.shown_as else fdef.show(value, "en")
        parts.append(f"{name}={written}")
    return "{" + ", ".join(parts) + "}"


def lint_policy(policy: Policy, kind: PolicyKind | None = None) -> list[Finding]:
    """What lint finds in one policy, read as its kind (by default, the built-in kind of its name)."""
    kind = kind or KINDS[policy.kind]
    findings: list[Finding] = []
    cases = list(domain_cases(policy))
    rows = policy.rows
    matches = {row.id: [row.condition.holds(case) for case in cases] for row in rows}
    shadowing = kind.shadowing(policy)
    first_hit = shadowing == "first"
    per_output = shadowing == "per_output"

    for j, row in enumerate(rows):
        hits = [i for i, ok in enumerate(matches[row.id]) if ok]
        if not hits:
            findings.append(Finding(policy, row.line, Localized("lint_never", rule=row.id)))
            continue
        if not (first_hit or per_output):
            continue
        covering: list[str] = []
        shadowed = True
        for i in hits:
            earlier = [r for r in rows[:j] if matches[r.id][i]]
            if per_output:
                taken = set()
                for r in earlier:
                    taken |= set(r.then)
                if not set(row.then) <= taken:
                    shadowed = False
                    break
            elif not earlier:
                shadowed = False
                break
            if earlier and earlier[0].id not in covering:
                covering.append(earlier[0].id)
        if shadowed:
            findings.append(Finding(policy, row.line, Localized(
                "lint_shadowed", rule=row.id, by=", ".join(covering), example=show_case(policy, cases[hits[0]]))))

    if kind.overlaps_matter(policy):
        reported = set()
        for i, case in enumerate(cases):
            hit = [r for r in rows if matches[r.id][i]]
            for a_index, a in enumerate(hit):
                for b in hit[a_index + 1:]:
                    if (a.id, b.id) not in reported:
                        reported.add((a.id, b.id))
                        findings.append(Finding(policy, b.line, Localized(
                            "lint_overlap", a=a.id, b=b.id, example=show_case(policy, case))))

    if kind.gaps_matter(policy):
        gaps = [case for i, case in enumerate(cases) if not any(matches[r.id][i] for r in rows)]
        if gaps:
            findings.append(Finding(policy, policy.lines.get(("policy",), 1), Localized(
                "lint_gap", count=len(gaps), example=show_case(policy, gaps[0]))))
    return findings


def lint_rules(rules: Rules) -> list[Finding]:
    findings: list[Finding] = []
    for policy in rules.book.all():
        findings.extend(lint_policy(policy, rules.book.kind(policy)))
    return findings
