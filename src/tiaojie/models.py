"""The ledger's domain models. Money is ``Decimal`` yuan here and integer fen in the database.

Enumerations that policy staff may extend (category, severity, status, settled_by, level) are
plain ids checked against ``rules/fields.toml`` by the services; the fixed ones are ``Literal``.
These models sit below the ledger's services and the store, so both can speak them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

UnitLevel = Literal["county", "township", "village"]
Role = Literal["mediator", "clerk", "policy", "admin"]
Source = Literal["application", "initiative", "transfer", "entrusted", "assigned"]
Urgency = Literal["normal", "urgent"]
AgreementKind = Literal["oral", "written"]
PeriodKind = Literal["month", "quarter", "year"]
PeriodStatus = Literal["open", "closed"]

SOURCE_LABELS: dict[str, str] = {
    "application": "申请",
    "initiative": "主动",
    "transfer": "移交",
    "entrusted": "委托",
    "assigned": "指定",
}
URGENCY_LABELS: dict[str, str] = {"normal": "一般", "urgent": "紧急"}
AGREEMENT_LABELS: dict[str, str] = {"oral": "口头", "written": "书面"}
ROLE_LABELS: dict[str, str] = {"mediator": "调解员", "clerk": "财务", "policy": "政策", "admin": "管理员"}
UNIT_LEVEL_LABELS: dict[str, str] = {"county": "县（市）", "township": "乡（镇）", "village": "村（社区）"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Unit(_Model):
    """A node of the organisation tree: county/city → township → village station."""

    id: int | None = Field(default=None, description="database id; None until stored")
    code: str = Field(min_length=1, max_length=32, description="unique short code, e.g. LSJ-01-03")
    name: str = Field(min_length=1, max_length=100, description="中文名称，如「沙坪乡群众工作办」")
    level: UnitLevel = Field(description="county | township | village")
    parent_id: int | None = Field(default=None, description="the unit above; None for the top")


class User(_Model):
    """A person who acts on the ledger; every write records one."""

    id: int | None = None
    name: str = Field(min_length=1, max_length=64, description="unique login name")
    unit_id: int | None = Field(default=None, description="the unit the user works for")
    role: Role = Field(description="mediator | clerk | policy | admin")
    active: bool = Field(default=True, description="a disabled user can no longer sign in")


class Escalation(_Model):
    """One step of a case up the levels (小事不出村、大事不出乡)."""

    id: int | None = None
    case_id: int | None = None
    escalated_on: dt.date = Field(description="the day the case moved up")
    from_level: str = Field(description="level id before")
    to_level: str = Field(description="level id after")
    reason: str = Field(default="", description="why it moved up (overdue, beyond the village's power …)")
    by_user: str = Field(description="who escalated it")


class Case(_Model):
    """A dispute (案件) as kept in the ledger (民情台账)."""

    id: int | None = None
    unit_id: int = Field(description="the unit that holds the case file")
    number: str = Field(min_length=1, max_length=64, description="卷号, unique within the unit")
    source: Source = Field(default="application", description="申请/主动/移交/委托/指定")
    category: str = Field(description="dispute category id (fields.toml), e.g. neighbour")
    severity: str = Field(default="ordinary", description="simple | ordinary | difficult | major")
    urgency: Urgency = Field(default="normal", description="normal | urgent")
    summary: str = Field(default="", description="short description of the dispute")
    parties: list[str] = Field(default_factory=list, description="当事人, as written")
    persons_involved: int = Field(default=0, ge=0, description="涉及人数")
    amount_involved: Decimal = Field(default=Decimal("0"), ge=0, description="涉及金额, yuan")
    received_on: dt.date = Field(description="登记日期: the day the matter was received")
    accepted_on: dt.date | None = Field(default=None, description="受理日期")
    settled_on: dt.date | None = Field(default=None, description="调结日期: the day it was settled or failed")
    closed_on: dt.date | None = Field(default=None, description="结案日期: file closed")
    status: str = Field(default="received", description="received | mediating | settled | failed | escalated | withdrawn")
    settled_by: str | None = Field(default=None, description="who settled it: village_committee … county")
    mediators: list[str] = Field(default_factory=list, description="调解员 names")
    agreement_kind: AgreementKind | None = Field(default=None, description="oral | written agreement")
    agreement_fulfilled: bool = Field(default=False, description="协议已履行")
    follow_up_done: bool = Field(default=False, description="回访已完成")
    file_complete: bool = Field(default=False, description="卷宗齐全")
    needs_verification: bool = Field(default=False, description="facts must be checked (answer within a week)")
    level: str = Field(default="village", description="current level: village | township | county")
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="vocabulary fields with no column of their own, by field id, in stored form "
        "(money in fen, decimals as strings, dates as ISO strings); `ledger.projection` reads them typed",
    )
    escalations: list[Escalation] = Field(default_factory=list, description="history, oldest first")
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def booking_date(self) -> dt.date:
        """The date that places the case in a period: settled if settled, else received."""
        return self.settled_on or self.received_on


class Outcome(_Model):
    """What a policy said about a case, with the exact policy version that said it."""

    id: int | None = None
    case_id: int
    policy_id: str
    version: str
    hash: str = Field(description="content hash of the policy file used")
    as_of: dt.date = Field(description="the date that chose the policy version")
    outputs: dict[str, Any] = Field(default_factory=dict, description="outputs, money as strings of yuan")
    fired: list[Any] = Field(default_factory=list, description="ids of the rules that fired")
    explanation: list[Any] = Field(default_factory=list, description="plain-language lines")
    computed_at: dt.datetime | None = None
    computed_by: str | None = Field(default=None, description="who made the write that computed it")
    replaced_at: dt.datetime | None = Field(default=None, description="when a later outcome took its place; None while current")
    replaced_by: str | None = Field(default=None, description="who made the write that replaced it")
    replaced_reason: str | None = Field(default=None, description="why: the write and the fields it changed")

    @property
    def current(self) -> bool:
        return self.replaced_at is None


class Period(_Model):
    """A reward period: month 2026-05, quarter 2026Q2 or year 2026."""

    id: int | None = None
    key: str
    kind: PeriodKind
    starts_on: dt.date
    ends_on: dt.date = Field(description="last day, inclusive")
    status: PeriodStatus = "open"
    closed_by: str | None = None
    closed_at: dt.datetime | None = None

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class PayoutLine(_Model):
    """One case's reward under one policy, booked to one period. Paid once, ever."""

    id: int | None = None
    period_id: int
    payee: str
    unit_id: int
    case_id: int
    policy_id: str
    version: str
    hash: str
    gross: Decimal = Field(description="what the policy gave, yuan")
    amount: Decimal = Field(description="what is paid after caps, yuan")
    capped_by: str | None = Field(default=None, description="id of the cap that reduced it")


class Adjustment(_Model):
    """A correction booked in an open period to a case whose original period is closed."""

    id: int | None = None
    period_id: int
    case_id: int
    original_period_id: int | None = None
    payee: str
    amount: Decimal = Field(description="yuan, may be negative (a claw-back)")
    reason: str = Field(min_length=1)
    by_user: str
    at: dt.datetime | None = None


class BanquetFiling(_Model):
    """A household's banquet filing (酒席报备), stored with the violations found."""

    id: int | None = None
    unit_id: int | None = None
    household: str = Field(min_length=1, max_length=100)
    occasion: str = Field(description="occasion id (fields.toml)")
    held_on: dt.date
    days: int = Field(ge=0)
    tables: int = Field(ge=0)
    gift: Decimal = Field(ge=0, description="礼金 per guest, yuan")
    host_age: int | None = Field(default=None, ge=0, description="age of the person celebrated (寿宴)")
    filed_on: dt.date
    policy_id: str | None = None
    version: str | None = None
    hash: str | None = None
    violations: list[Any] = Field(default_factory=list)


class Collective(_Model):
    """A collective economic organisation (村集体经济组织)."""

    id: int | None = None
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    unit_id: int | None = None
    policy_id: str | None = Field(default=None, max_length=64, description="the dividend policy its runs use; "
                                  "None only for a collective of an older ledger never run")


class Member(_Model):
    id: int | None = None
    collective_id: int
    member_no: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    household: str | None = Field(default=None, max_length=100)


class ShareClass(_Model):
    """A class of shares with its dividend weight (人口股 1.0, 劳龄股 0.5 …)."""

    id: int | None = None
    collective_id: int
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    weight: Decimal = Field(ge=0, description="dividend weight, up to six decimals")


class Holding(_Model):
    id: int | None = None
    member_id: int
    share_class_id: int
    shares: int = Field(ge=0)


class FiscalInvestment(_Model):
    """Fiscal funds invested as shares at a fixed yearly rate (量化入股)."""

    id: int | None = None
    collective_id: int
    project: str
    principal: Decimal = Field(ge=0, description="yuan")
    rate: Decimal = Field(ge=0, le=1, description="fixed yearly rate, 0.04 for 4%")
    starts_on: dt.date
    ends_on: dt.date | None = None
    source: str = ""


class Allocation(_Model):
    id: int | None = None
    run_id: int | None = None
    member_id: int
    weighted_shares: Decimal
    amount: Decimal


class DistributionRun(_Model):
    """A stored dividend distribution: income, retentions, pool, allocations to the fen."""

    id: int | None = None
    collective_id: int
    year: int
    run_no: int = 1
    policy_id: str
    version: str
    hash: str
    income: Decimal
    retained: Decimal
    pool: Decimal
    leftover: Decimal
    detail: dict[str, Any] = Field(default_factory=dict)
    by_user: str
    computed_at: dt.datetime | None = None
    allocations: list[Allocation] = Field(default_factory=list)


class Person(_Model):
    """One of a village's people with duties: a cadre of the village committees (两委), whose work
    residents review each half-year, or a party member, or both."""

    id: int | None = None
    unit_id: int
    name: str = Field(min_length=1, max_length=64)
    post: str = Field(default="", max_length=64, description="职务, e.g. 村党支部书记")
    committee: bool = Field(default=True, description="a member of the village committees (村两委)")
    party_member: bool = False
    active: bool = True


class SatisfactionReview(_Model):
    """One cadre's result at a village's half-yearly review (民意测评): the counts entered and what
    the review policy in force on the review date decided from them."""

    id: int | None = None
    unit_id: int
    person_id: int
    half: str = Field(pattern=r"^[0-9]{4}-H[12]$", description="2026-H1 / 2026-H2")
    review_on: dt.date
    respondents: int = Field(ge=0)
    dissatisfied: int = Field(ge=0)
    policy_id: str
    version: str
    hash: str
    outputs: dict[str, Any] = Field(default_factory=dict, description="the policy's outputs, as its JSON gives them")
    fired: list[str] = Field(default_factory=list)
    by_user: str
    at: dt.datetime | None = None


class AuditEntry(_Model):
    """One row of the append-only, hash-chained audit log."""

    seq: int
    at: dt.datetime
    user_name: str
    action: str
    entity: str
    entity_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    prev_hash: str
    hash: str


MatterStatus = Literal["open", "resolved", "unresolved"]
MeetingKind = Literal["monthly", "emergency"]


class Matter(_Model):
    """A matter residents raised (诉求事项) and where the escalation policy in force on the day it
    was raised sends it: an emergency meeting by a date, or the next monthly meeting."""

    id: int | None = None
    number: str = Field(description="SQ-2026-0001")
    unit_id: int
    raised_by: str = Field(min_length=1, max_length=100, description="the resident or group")
    summary: str = Field(min_length=1, description="what they ask")
    raised_on: dt.date
    urgency: str = Field(description="an id of fields.toml's urgency enumeration")
    parties: list[str] = Field(default_factory=list, description="ids of fields.toml's party enumeration")
    meeting_kind: MeetingKind
    meeting_by: dt.date
    policy_id: str
    version: str
    hash: str
    status: MatterStatus = "open"
    closed_on: dt.date | None = None
    reason: str = ""
    by_user: str
    at: dt.datetime | None = None


class Meeting(_Model):
    """A monthly (例会) or emergency (紧急会议) meeting of the four parties in a unit."""

    id: int | None = None
    number: str = Field(description="HY-2026-001")
    unit_id: int
    kind: MeetingKind
    held_on: dt.date
    by_user: str
    at: dt.datetime | None = None


class AgendaItem(_Model):
    id: int | None = None
    meeting_id: int
    matter_id: int
    unit_id: int
    consensus: str = ""


class Attendee(_Model):
    id: int | None = None
    meeting_id: int
    unit_id: int
    name: str = Field(min_length=1, max_length=64)
    party: str


class Measure(_Model):
    """A measure (措施) agreed for a matter: done when `done_on` is set, overdue once `due_on` passed."""

    id: int | None = None
    meeting_id: int
    seq: int = Field(ge=1)
    matter_id: int
    unit_id: int
    action: str = Field(min_length=1)
    owner: str = Field(min_length=1, max_length=64)
    due_on: dt.date
    done_on: dt.date | None = None


class Household(_Model):
    """A household of a village (农户), which the village's cadres and party members visit."""

    id: int | None = None
    unit_id: int
    code: str = Field(min_length=1, max_length=32, description="户号, unique within the village")
    head: str = Field(min_length=1, max_length=64, description="户主姓名")
    address: str = Field(default="", max_length=200, description="住址或村民小组")
    active: bool = Field(default=True, description="a household gone (moved, merged) is no longer visited")


class HouseholdLink(_Model):
    """A party member's linked household (党员联系户)."""

    id: int | None = None
    unit_id: int
    household_id: int
    person_id: int


class Visit(_Model):
    """One visit of a village's person to a household (入户走访)."""

    id: int | None = None
    unit_id: int
    person_id: int
    household_id: int
    visit_on: dt.date
    kind: str = Field(description="an id of fields.toml's visit_kind enumeration")
    note: str = ""
    by_user: str
    at: dt.datetime | None = None
