"""A loaded rule set: the policies by id and version, and how to pick the version in force; and
the checks of a set that no single file can make (`check_book`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..i18n import Localized, did_you_mean
from ..money import MAX_YUAN
from ..vocabulary import Vocabulary
from .errors import EvaluationError, RuleError
from .kinds.base import PolicyKind
from .locate import line_of
from .policy import Policy


@dataclass
class RuleBook:
    """A complete, checked rule set: every version of every policy, the vocabulary, and the kinds
    of policy it was checked against (which also decide its cases)."""

    directory: Path
    vocabulary: Vocabulary
    policies: dict[str, list[Policy]]  # id → versions by effective_from
    kinds: Mapping[str, PolicyKind]
    # Information for whoever checks the set, neither warnings nor errors: e.g. a newer version
    # that ends an open-ended earlier one (`version_superseded`), located at the newer file.
    notices: list[RuleError] = field(default_factory=list)

    def ids(self) -> list[str]:
        return sorted(self.policies)

    def versions(self, policy_id: str) -> list[Policy]:
        if policy_id not in self.policies:
            raise EvaluationError("unknown_policy", policy=policy_id, hint=did_you_mean(policy_id, self.policies))
        return self.policies[policy_id]

    def decided_versions(self, policy_id: str) -> list[Policy]:
        """The versions of a policy that cases are evaluated against; EvaluationError for an
        unknown policy, or one of a kind that decides no case (a review chain)."""
        versions = self.versions(policy_id)
        for policy in versions:
            self.kind(policy).refuse_cases(policy)
        return versions

    def select(self, policy_id: str, on: dt.date) -> Policy:
        """The version in force on a date."""
        for policy in self.versions(policy_id):
            if policy.in_force(on):
                return policy
        raise EvaluationError("no_version_in_force", policy=policy_id, date=on.isoformat())

    def all(self) -> Iterable[Policy]:
        for policy_id in self.ids():
            yield from self.policies[policy_id]

    def kind(self, policy: Policy) -> PolicyKind:
        """The strategy of a policy's kind."""
        return self.kinds[policy.kind]

    def by_hash(self, policy_id: str, content_hash: str) -> Policy | None:
        return next((p for p in self.policies.get(policy_id, []) if p.hash == content_hash), None)


def check_book(vocabulary: Vocabulary, vocabulary_path: Path, policies: Mapping[str, list[Policy]],
               kinds: Mapping[str, PolicyKind]) -> list[RuleError]:
    """What fails whatever the case, found before any case is seen: a derived field's formula that
    cannot be computed, a `hit` its kind does not read, a policy that decides nothing, days between
    two versions of a policy that none covers (read after open-ended versions were ended by later
    ones)."""
    errors = derived_formula_errors(vocabulary, vocabulary_path)
    for versions in policies.values():
        for policy in versions:
            kind = kinds[policy.kind]
            if policy.header.hit != "first" and not kind.takes_hit:
                errors.append(RuleError(policy.path, line_of(policy.lines, ("policy", "hit")), "kind_forbids", {
                    "key": f"hit = {policy.header.hit}", "kind": policy.kind}))
            if not policy.rows and not kind.decides_without_rows(policy):
                errors.append(RuleError(policy.path, line_of(policy.lines, ("policy",)) or 1, "no_rules", {
                    "policy": policy.id, "kind": policy.kind}))
        errors.extend(version_gaps(versions))
    return errors


def derived_formula_errors(vocabulary: Vocabulary, path: Path) -> list[RuleError]:
    """Each derived field whose formula fails whatever the case, or always gives an amount beyond
    the ledger's range, at the formula's line in the vocabulary."""
    errors = []
    for fdef in vocabulary.fields.values():
        expr = fdef.expression
        if expr is None:
            continue
        line = int(fdef.where.rpartition(":")[2] or 1) if fdef.where else 1
        for problem in expr.problems:
            errors.append(RuleError(path, line, "derived_fails", {
                "field": fdef.name, "formula": expr.source,
                "detail": Localized("label", zh=problem.zh, en=problem.en)}))
        value = expr.constant
        if fdef.type == "money" and value is not None and abs(value) > MAX_YUAN:
            errors.append(RuleError(path, line, "derived_constant", {
                "field": fdef.name, "formula": expr.source, "value": value,
                "detail": Localized("money_range", max=MAX_YUAN)}))
    return errors


def version_gaps(versions: list[Policy]) -> list[RuleError]:
    """Days no version of one policy covers, between its first version's start and its last's
    end: each gap at the `effective_from` of the version after it, with its dates."""
    errors = []
    ordered = sorted(versions, key=lambda p: p.effective_from)
    covered: Policy | None = None  # the version, so far, whose end is latest
    until = dt.date.min
    for policy in ordered:
        if covered is not None:
            if covered.effective_until is None:
                break  # open-ended: every later day is covered
            until = covered.effective_until
            if (policy.effective_from - until).days > 1:
                errors.append(RuleError(policy.path, line_of(policy.lines, ("policy", "effective_from")), "version_gap", {
                    "policy": policy.id, "version": covered.version, "until": until.isoformat(),
                    "next_version": policy.version, "start": policy.effective_from.isoformat(),
                    "gap_from": (until + dt.timedelta(days=1)).isoformat(),
                    "gap_until": (policy.effective_from - dt.timedelta(days=1)).isoformat()}))
        if covered is None or policy.effective_until is None or policy.effective_until > until:
            covered = policy
    return errors
