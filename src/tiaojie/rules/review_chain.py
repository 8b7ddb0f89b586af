"""The review chain in force: the steps a period's mediation-reward claim goes through (申报 → 初审
→ 复核 → 公示 → 拨付) and the checks made of the claims, read from the `chain` policy of the rules.

A county changes its chain by changing its rule file (`rules/review-chain-*.toml`); the claims
service reads it only through `review_chain`. When the rules hold more than one chain policy, the
one with the id `review-chain` (`CHAIN_ID`) is the chain; with a single one, that one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..i18n import did_you_mean
from .errors import EvaluationError
from .kinds.chain import ChainKind, ChainLevel, StepAction
from .policy import Policy
from .service import Rules

CHAIN_ID = "review-chain"

__all__ = ["CHAIN_ID", "ChainChecks", "ChainLevel", "ChainStep", "ReviewChain", "StepAction", "review_chain"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChainStep(_Frozen):
    """One step of the chain, as its `[[step]]` says."""

    id: str
    title: str
    title_en: str
    action: StepAction
    roles: tuple[str, ...]  # tiaojie roles: mediator, clerk, policy, admin
    unit_level: ChainLevel  # "own" = the claiming unit itself
    days: int | None  # how many days the step may take (None = no limit)
    notice_days: int | None  # for action "notice": how long the list is published


class ChainChecks(_Frozen):
    """The checks of a period's claims."""

    follow_up_share: Decimal  # share of a period's settled cases drawn for follow-up visits (0..1)
    follow_up_minimum: int  # at least this many (or all when fewer)
    duplicate_within_days: int  # same parties and category within N days → flagged as near-duplicate


class ReviewChain(_Frozen):
    """One version of the chain policy: its steps in order and its checks."""

    policy_id: str
    version: str
    title: str
    title_en: str
    path: Path  # the rule file, as the rules name it in their messages
    steps: tuple[ChainStep, ...]
    checks: ChainChecks

    def step(self, step_id: str) -> ChainStep:
        """The step with this id; EvaluationError (zh/en) naming the chain's steps when none has it."""
        for step in self.steps:
            if step.id == step_id:
                return step
        ids = [s.id for s in self.steps]
        raise EvaluationError("chain_unknown_step", policy=self.policy_id, step=step_id,
                              hint=did_you_mean(step_id, ids), choices=", ".join(ids))


def review_chain(rules: Rules, on: dt.date) -> ReviewChain:
    """The chain policy's version in force on `on`. Raises EvaluationError (zh/en) when the rules
    hold no chain, or none in force that day (naming the versions there are)."""
    book = rules.book
    ids = [pid for pid in book.ids() if book.versions(pid)[-1].kind == ChainKind.name]
    if not ids:
        raise EvaluationError("chain_none")
    policy_id = CHAIN_ID if CHAIN_ID in ids else ids[0]
    versions = book.versions(policy_id)
    policy = next((p for p in versions if p.in_force(on)), None)
    if policy is None:
        raise EvaluationError("chain_not_in_force", policy=policy_id, date=on.isoformat(),
                              ranges="; ".join(f"{p.version} {p.range_text()}" for p in versions))
    return _chain(policy)


def _chain(policy: Policy) -> ReviewChain:
    checks = policy.checks
    assert checks is not None, "a chain policy loads only with its [checks]"
    return ReviewChain(
        policy_id=policy.id, version=policy.version, title=policy.header.title,
        title_en=policy.header.title_en or policy.header.title, path=policy.path,
        steps=tuple(ChainStep(
            id=s.id, title=s.title, title_en=s.title_en or s.title, action=s.action, roles=tuple(s.roles),
            unit_level=s.unit_level, days=s.days, notice_days=s.notice_days,
        ) for s in policy.steps),
        checks=ChainChecks(follow_up_share=checks.follow_up_share, follow_up_minimum=checks.follow_up_minimum,
                           duplicate_within_days=checks.duplicate_within_days),
    )
