"""`dividend` policies: a collective's income to members' dividends, to the fen.

fixed returns (量化入股: rate × principal × months/12 per investment, half-up to the fen)
+ other income (e.g. a revenue share) − costs = distributable income; the rows that hold take
their retentions (公积金、公益金: a rate or a fixed amount); the rest is the pool, split over the
members' weighted shares by largest remainder so the allocations sum exactly to the pool.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..i18n import Localized
from ..money import MoneyError, exact_fen, from_fen, parse_yuan, round_fen, to_fen
from ..rules.errors import EvaluationError
from ..rules.outcome import Money, Outcome
from ..rules.policy import Policy
from .allocation import largest_remainder
from .common import Decision, row_title


def _money(value: object) -> Decimal:
    try:
        amount = parse_yuan(value)
    except MoneyError as err:
        raise ValueError(str(err)) from None
    if exact_fen(amount) is None:
        raise ValueError("at most two decimals")
    return amount


class Investment(BaseModel):
    """A fiscal investment held as shares (财政资金量化入股)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    title: str | None = None
    principal: Decimal = Field(description="本金, yuan")
    rate: Decimal | None = Field(default=None, description="annual rate when not the policy's")
    months: int = Field(default=12, ge=0, le=12, description="months held in the year")

    _principal = field_validator("principal", mode="before")(lambda cls, v: _money(v))


class Member(BaseModel):
    """A member and the shares they hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str
    name: str | None = None
    shares: Decimal = Field(ge=0)
    share_class: str | None = Field(default=None, alias="class")


class DividendInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int
    investments: list[Investment] = Field(default_factory=list)
    income: Decimal = Decimal(0)
    costs: Decimal = Field(default=Decimal(0), ge=0)
    members: list[Member] = Field(default_factory=list)

    _amounts = field_validator("income", "costs", mode="before")(lambda cls, v: _money(v))


def _input_error(err: ValidationError) -> EvaluationError:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    kind = first["type"]
    if kind == "missing":
        detail: Localized | str = Localized("missing_value")
    elif kind in ("greater_than_equal", "less_than_equal"):
        detail = Localized("out_of_range", value=first.get("input"))
    else:
        detail = Localized("wrong_value", value=first.get("input"))
    return EvaluationError("input_invalid", field=where, detail=detail)


def prepare(policy: Policy, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the distribution's input and work out what the rows' conditions read."""
    try:
        data = DividendInput.model_validate(raw)
    except ValidationError as err:
        raise _input_error(err) from None
    section = policy.dividend
    assert section is not None
    classes = {c.id: c for c in section.share_classes}
    default_class = section.default_class or section.share_classes[0].id
    for member in data.members:
        if (member.share_class or default_class) not in classes:
            raise EvaluationError("input_invalid", field=f"members.{member.id}.class",
                                  detail=Localized("unknown_class", id=member.share_class))
    fixed = []
    for inv in data.investments:
        rate = inv.rate if inv.rate is not None else section.fixed_rate
        amount = round_fen(inv.principal * rate * inv.months / 12)
        fixed.append((inv, rate, amount))
    total_fixed = sum((a for _, _, a in fixed), Decimal("0.00"))
    gross = total_fixed + data.income - data.costs
    typed = {
        "year": data.year, "income": data.income, "costs": data.costs, "gross": gross,
        "member_count": len(data.members),
    }
    return typed, {"input": data, "fixed": fixed, "total_fixed": total_fixed, "gross": gross,
                   "classes": classes, "default_class": default_class}


def decide(d: Decision) -> Outcome:
    policy = d.policy
    ctx = d.context
    data: DividendInput = ctx["input"]
    gross: Decimal = ctx["gross"]
    explanation: list[Localized] = []
    for inv, rate, amount in ctx["fixed"]:
        explanation.append(Localized("div_fixed", principal=f"{inv.principal:.2f}", rate=str(rate),
                                     months=inv.months, amount=f"{amount:.2f}"))
    if data.income or data.costs:
        explanation.append(Localized("div_income", income=f"{data.income:.2f}", costs=f"{data.costs:.2f}"))

    gross_fen = to_fen(gross)
    retained = []
    remaining = max(gross_fen, 0)
    for row in d.matched:
        rate = row.then.get("retain_rate")
        fixed_amount = row.then.get("retain")
        want = 0
        if rate is not None:
            want = to_fen(from_fen(max(gross_fen, 0)) * Decimal(rate))
        if fixed_amount is not None:
            want += to_fen(Decimal(fixed_amount))
        take = min(want, remaining)
        remaining -= take
        retained.append({"rule": row.id, "title": row_title(row), "amount": Money(from_fen(take))})
        explanation.append(Localized("div_retain", title=row_title(row), amount=f"{from_fen(take):.2f}"))

    pool_fen = remaining
    weights = []
    for member in data.members:
        share_class = ctx["classes"][member.share_class or ctx["default_class"]]
        weights.append(member.shares * share_class.weight)
    parts = largest_remainder(pool_fen, weights)
    allocations = [
        {"member": m.id, "name": m.name, "shares": str(m.shares),
         "class": m.share_class or ctx["default_class"], "weight": str(w), "amount": Money(from_fen(p))}
        for m, w, p in zip(data.members, weights, parts)
    ]
    allocated = sum(parts)
    leftover = pool_fen - allocated  # only when no member holds a weighted share
    if gross_fen < 0:
        explanation.append(Localized("div_loss", gross=f"{gross:.2f}"))
    else:
        explanation.append(Localized("div_pool", pool=f"{from_fen(pool_fen):.2f}",
                                     weight=str(sum(weights, Decimal(0))), members=len(data.members)))
    return Outcome(
        policy=policy.id, version=policy.version, hash=policy.hash, kind=policy.kind, as_of=d.as_of,
        outputs={
            "fixed_return": ctx["total_fixed"], "gross": gross,
            "retained": from_fen(max(gross_fen, 0) - pool_fen), "pool": from_fen(pool_fen),
            "allocated": from_fen(allocated), "leftover": from_fen(leftover),
        },
        money_outputs=frozenset({"fixed_return", "gross", "retained", "pool", "allocated", "leftover"}),
        fired=tuple(r.id for r in d.matched),
        explanation=tuple(explanation),
        details={"retentions": retained, "allocations": allocations},
    )
