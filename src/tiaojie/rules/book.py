"""A loaded rule set: the policies by id and version, and how to pick the version in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..i18n import did_you_mean
from ..vocabulary import Vocabulary
from .errors import EvaluationError, RuleError
from .kinds.base import PolicyKind
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
