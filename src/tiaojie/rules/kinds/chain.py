"""`chain` policies: the review chain a period's mediation-reward claim goes through — 申报 (claim)
→ 初审 / 复核 (review) → 公示 (notice) → 拨付 (pay) — as ordered `[[step]]` sections, with the
`[checks]` made of a period's claims (follow-up draws, near-duplicates).

A chain decides nothing per case: it has no rows, no outputs, no examples, and is never evaluated;
the claims service reads it through `tiaojie.rules.review_chain`.
"""

from __future__ import annotations

from typing import Literal, get_args

from ...i18n import did_you_mean
from ...models import Role, UnitLevel
from ...vocabulary import Vocabulary
from .. import chain_messages  # noqa: F401 - joins the chain's messages into the catalog
from ..errors import EvaluationError, Loc
from ..locate import line_of
from ..policy import Policy
from ..reader import FileReader
from ..schema import ChainStepDef, PolicyFile, Row
from ..scope import FieldScope
from .base import PolicyKind

StepAction = Literal["claim", "review", "notice", "pay"]
ChainLevel = Literal["own", "village", "township", "county"]  # "own": the claiming unit itself

ROLES: tuple[str, ...] = get_args(Role)
LEVELS: tuple[str, ...] = get_args(ChainLevel)
assert set(LEVELS) == {"own", *get_args(UnitLevel)}, "a chain's levels are the ledger's unit levels and own"

# What a chain file may not hold: it describes steps, and reads and decides no case.
_CASE_SECTIONS = ("fields", "default", "example")
_CASE_HEADER_KEYS = ("inputs", "date_field")


class ChainKind(PolicyKind):
    """The review chain: steps in order, one claim first, one payment last; checks of the claims."""

    name = "chain"
    section = "step"
    also_sections = ("checks",)
    example_keys = frozenset()

    def refuse_cases(self, policy: Policy) -> None:
        raise EvaluationError("chain_not_evaluated", policy=policy.id)

    def decides_without_rows(self, policy: Policy) -> bool:
        """Its steps are its content: a chain has no rows and needs none."""
        return True

    def check_row(self, row: Row, loc: Loc, scope: FieldScope) -> None:
        scope.reader.error(loc, "chain_kind_forbids", key="[[rule]]")

    def check_section(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> None:
        """Known roles and levels, days above 0, notice days on notice steps only, distinct ids,
        the claim first and the payment last; checks within their ranges. Whatever a chain file
        holds that is about cases is refused too."""
        steps = spec.step or []
        if spec.policy.kind == self.name:
            self._no_case_parts(spec, reader)
            if not steps:
                reader.error(("policy", "kind"), "kind_section", kind=self.name, section="[step]")
        seen: dict[str, int] = {}
        for i, step in enumerate(steps):
            self._check_step(step, ("step", i), reader)
            if step.id in seen:
                reader.error(("step", i, "id"), "chain_duplicate_step", id=step.id, first=seen[step.id])
            seen.setdefault(step.id, line_of(reader.lines, ("step", i, "id")) or 0)
        if steps:
            self._check_order(steps, reader)
        if spec.checks is not None:
            self._check_checks(spec, reader)

    @staticmethod
    def _no_case_parts(spec: PolicyFile, reader: FileReader) -> None:
        for section in _CASE_SECTIONS:
            if getattr(spec, section):
                reader.error((section,), "chain_kind_forbids", key=f"[{section}]")
        for key in _CASE_HEADER_KEYS:
            if getattr(spec.policy, key) is not None:
                reader.error(("policy", key), "chain_kind_forbids", key=key)

    @staticmethod
    def _check_step(step: ChainStepDef, loc: Loc, reader: FileReader) -> None:
        for j, role in enumerate(step.roles):
            if role not in ROLES:
                reader.error(loc + ("roles", j), "chain_unknown_role", step=step.id, role=role,
                             hint=did_you_mean(role, ROLES), choices=", ".join(ROLES))
        if step.unit_level not in LEVELS:
            reader.error(loc + ("unit_level",), "chain_unknown_level", step=step.id, level=step.unit_level,
                         hint=did_you_mean(step.unit_level, LEVELS), choices=", ".join(LEVELS))
        for key in ("days", "notice_days"):
            value = getattr(step, key)
            if value is not None and value <= 0:
                reader.error(loc + (key,), "chain_days_positive", step=step.id, key=key, value=value)
        if step.action == "notice" and step.notice_days is None:
            reader.error(loc + ("action",), "chain_notice_days", step=step.id)
        if step.action != "notice" and step.notice_days is not None:
            reader.error(loc + ("notice_days",), "chain_notice_days_only", step=step.id)

    @staticmethod
    def _check_order(steps: list[ChainStepDef], reader: FileReader) -> None:
        claims = [i for i, s in enumerate(steps) if s.action == "claim"]
        if not claims:
            reader.error(("step", 0, "action"), "chain_first_claim", step=steps[0].id, action=steps[0].action)
        else:
            first = steps[claims[0]]
            for i in range(claims[0]):
                reader.error(("step", i, "action"), "chain_before_claim", step=steps[i].id,
                             action=steps[i].action, claim=first.id)
            for i in claims[1:]:
                reader.error(("step", i, "action"), "chain_claim_twice", step=steps[i].id, first=first.id)
        last = len(steps) - 1
        for i, step in enumerate(steps[:last]):
            if step.action == "pay":
                reader.error(("step", i, "action"), "chain_pay_not_last", step=step.id, after=steps[i + 1].id)
        if steps[last].action != "pay":
            reader.error(("step", last, "action"), "chain_last_pay", step=steps[last].id, action=steps[last].action)

    @staticmethod
    def _check_checks(spec: PolicyFile, reader: FileReader) -> None:
        checks = spec.checks
        assert checks is not None
        if not 0 <= checks.follow_up_share <= 1:
            reader.error(("checks", "follow_up_share"), "chain_share_range", key="follow_up_share",
                         value=checks.follow_up_share)
        if checks.follow_up_minimum < 0:
            reader.error(("checks", "follow_up_minimum"), "negative", key="follow_up_minimum",
                         value=checks.follow_up_minimum)
        if checks.duplicate_within_days <= 0:
            reader.error(("checks", "duplicate_within_days"), "chain_days_field", key="duplicate_within_days",
                         value=checks.duplicate_within_days)

