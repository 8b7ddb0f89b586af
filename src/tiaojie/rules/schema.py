"""The rule-file format, as pydantic models. Every table forbids unknown keys.

A rule file is one policy version:

    [policy]      who, what kind, which version, in force from when, the source it cites
    [fields.*]    fields this policy reads that the shared vocabulary does not define
    [outputs.*]   (table) what each row yields
    [default]     outputs when no row matches
    [[rule]]      rows: `when` (conditions) → `then` (outputs) / `message` (banquet)
    [[cap]]       (reward) ceilings per payee per period
    [dividend]    (dividend) share classes, default fixed rate
    [escalation]  (escalation) levels in order, deadlines, overdue handling, meetings
    [[step]]      (chain) the review chain's steps in order: who acts, at which level, in how many days
    [checks]      (chain) follow-up draws and the near-duplicate window
    [[example]]   given → expect: the policy's own tests
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..vocabulary import SUBJECT_PATTERN, FieldDef

Kind = Literal["reward", "banquet", "dividend", "escalation", "table", "chain"]
Hit = Literal["first", "unique", "collect-sum"]
OutputType = Literal["money", "decimal", "int", "text", "bool", "enum"]
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"

# The patterns ids must match, each with the message (in the catalog) that says it in words.
PATTERNS = {ID_PATTERN: "pattern_id", SUBJECT_PATTERN: "pattern_subject"}

# What policy staff may call the file's keys in Chinese, for "did you mean" when a key is written
# in Chinese (the fields' and outputs' own titles come from the vocabulary and the kinds).
KEY_TITLES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "代码"), "kind": ("类型", "种类", "政策类型"), "title": ("标题", "名称", "说明"),
    "version": ("版本", "版本号"), "effective_from": ("生效日期", "生效日", "开始日期", "起始日期"),
    "effective_until": ("失效日期", "截止日期", "结束日期"), "source": ("出处", "来源", "依据", "政策出处"),
    "hit": ("命中方式",), "inputs": ("输入字段",), "date_field": ("日期字段",), "when": ("条件",),
    "then": ("结果", "输出"), "message": ("提示", "违规提示"), "priority": ("优先级",), "note": ("备注",),
    "given": ("输入", "给定"), "expect": ("期望", "预期"), "description": ("描述",), "levels": ("层级",),
    "deadlines": ("期限", "答复期限"), "period": ("周期", "期间"), "max": ("上限", "封顶"),
    "step": ("环节", "步骤"), "checks": ("核查",), "roles": ("角色",), "unit_level": ("审核层级", "单位层级"),
    "notice_days": ("公示天数", "公示期"), "action": ("环节类型",),
}

# The same for fields.toml, the vocabulary.
VOCABULARY_KEY_TITLES: dict[str, tuple[str, ...]] = {
    "type": ("类型", "字段类型"), "title": ("标题", "名称", "中文名"), "enum": ("枚举",), "subject": ("对象", "主体"),
    "formula": ("公式",), "description": ("说明", "描述"), "labels": ("标签", "取值"), "fields": ("字段",),
}


def _no_number_for_a_date(value: object) -> object:
    """A TOML number is never a date (pydantic would read 0 as 1970-01-01)."""
    if isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_for_a_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class PolicyHeader(_Strict):
    """`[policy]`: identity, version and validity of this file."""

    id: str = Field(pattern=ID_PATTERN, description="政策编号, shared by all versions of one policy")
    kind: Kind = Field(description="reward | banquet | dividend | escalation | table | chain")
    title: str = Field(min_length=1, description="中文标题")
    title_en: str | None = Field(default=None, description="English title")
    version: str = Field(min_length=1, description="版本号, e.g. 2026.1")
    effective_from: Date = Field(description="生效日期 (inclusive)")
    effective_until: Date | None = Field(default=None, description="失效日期 (inclusive); open-ended if absent")
    source: str = Field(min_length=1, description="政策出处: the report or circular, with the place")
    hit: Hit = Field(default="first", description="table/reward: first | unique | collect-sum")
    date_field: str | None = Field(default=None, description="the case field whose date picks the version in force")
    inputs: list[str] | None = Field(default=None, description="fields the policy reads; derived from the rows if absent")
    description: str | None = None


class OutputDef(_Strict):
    """`[outputs.NAME]`: one output of a table."""

    type: OutputType = "decimal"
    title: str
    title_en: str | None = None
    enum: str | None = Field(default=None, description="for type = enum: the enumeration")


class Row(_Strict):
    """`[[rule]]`: one row of the policy."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, description="中文说明, shown in explanations")
    title_en: str | None = None
    when: dict[str, Any] = Field(default_factory=dict, description="conditions; all must hold")
    then: dict[str, Any] = Field(default_factory=dict, description="outputs: constants or formulas")
    message: str | None = Field(default=None, description="banquet: violation text, may use {field}")
    message_en: str | None = None
    priority: int | None = Field(default=None, description="lower fires first; file order otherwise")
    effective_from: Date | None = None
    effective_until: Date | None = None
    note: str | None = None


class Cap(_Strict):
    """`[[cap]]` (reward): a ceiling on what one payee is paid in one period."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    period: Literal["month", "quarter", "year"]
    per: Literal["payee", "unit"] = "payee"
    max: Decimal | None = Field(default=None, ge=0, description="yuan")
    max_cases: int | None = Field(default=None, ge=0, description="paid cases at most")


class ShareClass(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    weight: Decimal = Field(description="dividend weight of one share of this class")


class DividendSection(_Strict):
    """`[dividend]`: how a collective's income becomes members' dividends."""

    fixed_rate: Decimal = Field(default=Decimal(0), description="annual fixed return on investments, e.g. 0.04")
    share_classes: list[ShareClass] = Field(min_length=1)
    default_class: str | None = None
    revenue_share: Decimal | None = Field(default=None, description="collective's share of project revenue")


class EscalationSection(_Strict):
    """`[escalation]`: levels in order and how deadlines run."""

    levels: list[str] = Field(min_length=1, description="level ids, lowest first")
    deadlines: dict[str, int] = Field(description="days to answer after a matter reaches each level")
    on_overdue: Literal["next_level", "stay"] = "next_level"
    closed_statuses: list[str] = Field(default_factory=lambda: ["settled", "failed", "withdrawn"])
    monthly_meeting_day: int | None = Field(default=None, ge=1, le=28)


class ChainStepDef(_Strict):
    """`[[step]]` (chain): one step of the review chain. Roles and levels are checked by the kind,
    so that every problem of a file is reported at once, each at its line."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    title_en: str | None = None
    action: Literal["claim", "review", "notice", "pay"] = Field(description="claim | review | notice | pay")
    roles: list[str] = Field(min_length=1, description="tiaojie roles: mediator, clerk, policy, admin")
    unit_level: str = Field(description="own | village | township | county")
    days: int | None = Field(default=None, description="days the step may take; no limit if absent")
    notice_days: int | None = Field(default=None, description="notice: days the list is published")
    note: str | None = None


class ChainChecksDef(_Strict):
    """`[checks]` (chain): what is checked of a period's claims besides the steps."""

    follow_up_share: Decimal = Field(description="share of settled cases drawn for follow-up visits, 0..1")
    follow_up_minimum: int = Field(description="at least this many drawn (all, when fewer)")
    duplicate_within_days: int = Field(description="same parties and category within N days: near-duplicate")


class Example(_Strict):
    """`[[example]]`: an input and what the policy must answer."""

    title: str | None = None
    given: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Any] = Field(default_factory=dict)
    as_of: Date | None = None


class PolicyFile(_Strict):
    """One rule file."""

    policy: PolicyHeader
    fields: dict[str, FieldDef] = Field(default_factory=dict)
    outputs: dict[str, OutputDef] = Field(default_factory=dict)
    default: dict[str, Any] = Field(default_factory=dict)
    rule: list[Row] = Field(default_factory=list)
    cap: list[Cap] = Field(default_factory=list)
    dividend: DividendSection | None = None
    escalation: EscalationSection | None = None
    step: list[ChainStepDef] | None = None
    checks: ChainChecksDef | None = None
    example: list[Example] = Field(default_factory=list)

