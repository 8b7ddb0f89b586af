"""The subsidy cycle's models: a unit's claim for a period, its lines, the decisions taken at each
step of its review chain, and the objections raised during the public notice. Money is ``Decimal``
yuan here and integer fen in the database, as everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ClaimStatus = Literal["open", "returned", "paid"]
LineStatus = Literal["claimed", "rejected", "dropped"]
ObjectionStatus = Literal["open", "upheld", "dismissed"]
StepAction = Literal["claim", "review", "notice", "pay"]
UnitLevel = Literal["own", "village", "township", "county"]
Decision = Literal["submit", "resubmit", "accept", "reject_line", "return", "publish", "object", "uphold", "dismiss",
                   "pay"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Step(_Model):
    """A step of the chain as the claim keeps it: what the rule file said when the claim began."""

    id: str = Field(description="the step's id in the chain file, e.g. first_review")
    title: str = Field(description="中文名称，如「初审」")
    title_en: str = Field(default="", description="English title")
    action: StepAction = Field(description="claim | review | notice | pay")
    roles: tuple[str, ...] = Field(description="the roles that may act at this step")
    unit_level: UnitLevel = Field(description="own (the claiming unit) | village | township | county above it")
    days: int | None = Field(default=None, description="days the step may take before it is overdue")
    notice_days: int | None = Field(default=None, description="days the public notice runs (notice steps)")


class Claim(_Model):
    id: int | None = None
    number: str = Field(description="申报编号: the unit's code and the period, e.g. C-T1-V1-2026Q3")
    unit_id: int
    period_key: str = Field(description="2026-10 or 2026Q3")
    starts_on: dt.date
    ends_on: dt.date
    chain_id: str = Field(description="the review chain's policy id")
    chain_version: str = Field(description="the chain's version the claim started under")
    chain: list[Step] = Field(description="the chain's steps as they were when the claim started")
    step: str = Field(description="the step whose decision is awaited (the first step when returned)")
    step_since: dt.date = Field(description="the day the claim reached that step")
    status: ClaimStatus = "open"
    notice_ends_on: dt.date | None = Field(default=None, description="last day of the public notice, once published")
    submitted_by: str
    at: dt.datetime | None = None

    def step_def(self, step_id: str) -> Step:
        return next(s for s in self.chain if s.id == step_id)

    def current(self) -> Step:
        return self.step_def(self.step)

    def next_step(self) -> Step | None:
        ids = [s.id for s in self.chain]
        at = ids.index(self.step)
        return self.chain[at + 1] if at + 1 < len(self.chain) else None

    def due_on(self) -> dt.date | None:
        """The day the awaited step is due, when the chain gives it days."""
        days = self.current().days
        return self.step_since + dt.timedelta(days=days) if days is not None and self.status != "paid" else None


class ClaimLine(_Model):
    id: int | None = None
    claim_id: int
    unit_id: int
    case_id: int
    payee: str
    policy_id: str
    version: str
    hash: str
    gross: Decimal = Field(description="what the policy gave, yuan")
    amount: Decimal = Field(description="what the claim asks for after ceilings, yuan")
    capped_by: str | None = None
    status: LineStatus = "claimed"
    reason: str = Field(default="", description="why the line was rejected, shown to the claimant")
    decided_by: str | None = None
    decided_step: str | None = None


class ClaimDecision(_Model):
    id: int | None = None
    claim_id: int
    unit_id: int
    step: str
    decision: Decision
    case_id: int | None = None
    reason: str = ""
    by_user: str
    decided_on: dt.date
    at: dt.datetime | None = None


class Objection(_Model):
    id: int | None = None
    number: str = Field(description="the claim's number and a sequence, e.g. C-T1-V1-2026Q3-O1")
    claim_id: int
    line_id: int
    unit_id: int
    raised_by: str = Field(description="who raised it (a resident, as given)")
    raised_on: dt.date
    text: str
    recorded_by: str
    status: ObjectionStatus = "open"
    resolved_by: str | None = None
    resolved_on: dt.date | None = None
    at: dt.datetime | None = None


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
