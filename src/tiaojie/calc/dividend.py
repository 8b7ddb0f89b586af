"""Dividend arithmetic: a collective's distribution input, its fixed returns and retentions, to the fen.

fixed returns (量化入股: rate × principal × months/12 per investment, half-up to the fen)
+ other income (e.g. a revenue share) − costs = distributable income; retentions (公积金、公益金:
a rate or a fixed amount) are taken from it in turn; the rest is the pool, split over the members'
weighted shares by largest remainder (`allocation`) so the allocations sum exactly to the pool.
Which retentions apply is the policy's (`tiaojie.rules.kinds.dividend`).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..money import MoneyError, exact_fen, from_fen, parse_yuan, round_fen, to_fen


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
    """One year's distribution: investments, other income and costs, members."""

    model_config = ConfigDict(extra="forbid")
    year: int
    investments: list[Investment] = Field(default_factory=list)
    income: Decimal = Decimal(0)
    costs: Decimal = Field(default=Decimal(0), ge=0)
    members: list[Member] = Field(default_factory=list)

    _amounts = field_validator("income", "costs", mode="before")(lambda cls, v: _money(v))


def fixed_return(investment: Investment, default_rate: Decimal) -> tuple[Decimal, Decimal]:
    """(the rate that applies, the year's fixed return to the fen, half-up)."""
    rate = investment.rate if investment.rate is not None else default_rate
    return rate, round_fen(investment.principal * rate * investment.months / 12)


def retention_fen(gross_fen: int, rate: Decimal | None, amount: Decimal | None) -> int:
    """What one retention asks for, in fen: `rate` of the distributable income (nothing from a
    loss) plus a fixed `amount`."""
    want = 0
    if rate is not None:
        want = to_fen(from_fen(max(gross_fen, 0)) * rate)
    if amount is not None:
        want += to_fen(amount)
    return want
