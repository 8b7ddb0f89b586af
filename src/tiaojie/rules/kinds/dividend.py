"""`dividend` policies: a collective's income to members' dividends, to the fen.

A case is a whole distribution (investments, income, costs, members), read by the kind itself; the
rows' conditions read its totals (`year`, `gross`, `member_count` …) and the rows that hold take
their retentions. The arithmetic is `tiaojie.calc.dividend`'s.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ...calc.allocation import largest_remainder
from ...calc.dividend import DividendInput, fixed_return, retention_fen
from ...i18n import Localized
from ...money import from_fen, to_fen
from ...vocabulary import FieldDef, Vocabulary
from ..errors import EvaluationError
from ..expressions import Expression
from ..outcome import Money, Outcome
from ..policy import OutputValue, Policy
from ..reader import FileReader
from ..schema import OutputDef, PolicyFile, ShareClass
from .base import Decision, PolicyKind
from .common import output_value, row_title


class DividendKind(PolicyKind):
    """A collective's yearly distribution: retentions by the rows that hold, the rest to members."""

    name = "dividend"
    section = "dividend"
    outputs = {
        "retain_rate": OutputDef(type="decimal", title="提取比例", title_en="retention rate"),
        "retain": OutputDef(type="money", title="提取金额", title_en="retention"),
    }
    fields = {
        "year": FieldDef(name="year", type="int", title="年度", title_en="year"),
        "income": FieldDef(name="income", type="money", title="其他收入", title_en="other income"),
        "costs": FieldDef(name="costs", type="money", title="成本", title_en="costs"),
        "gross": FieldDef(name="gross", type="money", title="可分配收益", title_en="distributable income"),
        "member_count": FieldDef(name="member_count", type="int", title="成员数", title_en="members"),
    }
    example_keys = frozenset({"fired", "pool", "allocations", "retained", "fixed_return", "gross"})
    given_keys = frozenset({"investments", "members", "year", "income", "costs"})
    reads_own_input = True

    def decides_without_rows(self, policy: Policy) -> bool:
        """The distribution itself decides: with no row, nothing is retained and the pool is shared."""
        return True

    def check_section(self, spec: PolicyFile, reader: FileReader, vocab: Vocabulary) -> None:
        """Rates between 0 and 1, share classes named once with weights not negative, a default
        class that exists."""
        section = spec.dividend
        if section is None:
            return
        if not (0 <= section.fixed_rate <= 1):
            reader.error(("dividend", "fixed_rate"), "rate_range", value=section.fixed_rate)
        if section.revenue_share is not None and not (0 <= section.revenue_share <= 1):
            reader.error(("dividend", "revenue_share"), "rate_range", value=section.revenue_share)
        ids: set[str] = set()
        for i, share_class in enumerate(section.share_classes):
            if share_class.id in ids:
                reader.error(("dividend", "share_classes", i, "id"), "duplicate_class", id=share_class.id)
            ids.add(share_class.id)
            if share_class.weight < 0:
                reader.error(("dividend", "share_classes", i, "weight"), "negative", key="weight",
                             value=share_class.weight)
        if section.default_class and section.default_class not in ids:
            reader.error(("dividend", "default_class"), "unknown_class", id=section.default_class)
        for i, row in enumerate(spec.rule):
            rate = row.then.get("retain_rate")
            if isinstance(rate, Decimal) and not (0 <= rate <= 1):
                reader.error(("rule", i, "then", "retain_rate"), "rate_range", value=rate)

    def prepare(self, policy: Policy, case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Read the distribution's input and work out what the rows' conditions read."""
        try:
            data = DividendInput.model_validate(case)
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
        fixed = [(inv, *fixed_return(inv, section.fixed_rate)) for inv in data.investments]
        total_fixed = sum((a for _, _, a in fixed), Decimal("0.00"))
        gross = total_fixed + data.income - data.costs
        typed = {
            "year": data.year, "income": data.income, "costs": data.costs, "gross": gross,
            "member_count": len(data.members),
        }
        return typed, {"input": data, "fixed": fixed, "total_fixed": total_fixed, "gross": gross,
                       "classes": classes, "default_class": default_class}

    def decide(self, d: Decision) -> Outcome:
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
            rate = _number(policy, "retain_rate", row.then.get("retain_rate"), d.typed)
            fixed_amount = _number(policy, "retain", row.then.get("retain"), d.typed)
            take = min(retention_fen(gross_fen, rate, fixed_amount), remaining)
            remaining -= take
            retained.append({"rule": row.id, "title": row_title(row), "amount": Money(from_fen(take))})
            explanation.append(Localized("div_retain", title=row_title(row), amount=f"{from_fen(take):.2f}"))

        pool_fen = remaining
        classes: dict[str, ShareClass] = ctx["classes"]
        weights = [member.shares * classes[member.share_class or ctx["default_class"]].weight
                   for member in data.members]
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


def _number(policy: Policy, name: str, value: OutputValue | None, typed: dict[str, Any]) -> Decimal | None:
    """A retention's rate or amount for this distribution: a constant as given, a formula computed."""
    if value is None:
        return None
    if isinstance(value, Expression):
        return Decimal(output_value(policy, name, value, typed))
    return Decimal(value)


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
