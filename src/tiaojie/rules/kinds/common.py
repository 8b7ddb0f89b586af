"""Pieces every kind uses: a row's output for a case, outputs and near misses in words."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ...i18n import Lang, Localized
from ...money import MAX_YUAN, format_yuan, round_fen
from ...vocabulary import FieldDef
from ..conditions import Atom, Group
from ..derived import show_number
from ..errors import EvaluationError
from ..expressions import DivideByZero, Expression, MissingInput
from ..policy import CompiledRow, OutputValue, Policy


def output_value(policy: Policy, name: str, value: OutputValue, typed: dict[str, Any]) -> Any:
    """A row's output for this case: constants as they are, formulas computed in Decimal."""
    result: Decimal | int | str | bool
    if isinstance(value, Expression):
        try:
            result = value.evaluate(typed)
        except MissingInput as missing:
            raise EvaluationError("input_invalid", field=str(missing), detail=Localized("missing_value")) from None
        except DivideByZero:
            raise EvaluationError("expr_div_zero", expr=value.source) from None
    else:
        result = value
    out = policy.outputs.get(name)
    if out is not None and out.type == "money":
        if isinstance(value, Expression) and abs(Decimal(result)) > MAX_YUAN:  # never paid, never a traceback
            raise EvaluationError("output_out_of_range", output=name, expr=value.source, value=result, max=MAX_YUAN)
        return round_fen(Decimal(result))
    if out is not None and out.type == "int" and isinstance(result, Decimal):
        return int(result.to_integral_value(rounding=ROUND_HALF_UP))  # 四舍五入, as for money
    return result


def show_output(policy: Policy, name: str, value: Any) -> Localized | str:
    out = policy.outputs.get(name)
    if out is not None and out.type == "money":
        return Localized("unit_yuan", value=format_yuan(Decimal(value)))
    if out is not None and out.type == "bool" and isinstance(value, bool):
        return Localized("label", zh="是" if value else "否", en="yes" if value else "no")
    if out is not None and out.type == "enum" and out.enum in policy.vocabulary.enums:
        return policy.vocabulary.enums[out.enum].label(value)
    return str(value)


def effect_text(policy: Policy, outputs: dict[str, Any]) -> Localized:
    parts = []
    for name, value in outputs.items():
        out = policy.outputs.get(name)
        label = Localized("output_label", zh=out.title if out else name, en=(out.title_en or out.title) if out else name)
        parts.append(Localized("effect_set", output=label, value=show_output(policy, name, value)))
    return Localized("joined", items=tuple(parts))


def near_misses(
    policy: Policy, typed: dict[str, Any], matched: list[CompiledRow], on: dt.date, all_matched: bool = True,
    limit: int = 3,
) -> tuple[Localized, ...]:
    """Rows that failed on exactly one condition, and which condition that was.

    With `all_matched` False, `matched` is only the first matching row: a row after it is taken
    as matched when it holds on `on` (an `any` row that holds can still fail one child)."""
    matched_ids = {row.id for row in matched}
    first = matched[0].order if matched and not all_matched else None
    found = []
    for row in policy.rows:
        if row.id in matched_ids or not isinstance(row.condition, Group):
            continue
        failing = [child for child in row.condition.children if not child.holds(typed)]
        if len(failing) != 1 or not isinstance(failing[0], Atom):
            continue
        if first is not None and row.order > first and row.holds(typed, on):
            continue
        atom = failing[0]
        fdef = atom.field
        found.append(Localized(
            "explain_near",
            title=Localized("label", zh=row.title, en=row.title_en or row.title),
            field=Localized("label", zh=fdef.title, en=fdef.title_en or fdef.title),
            actual=Localized("shown_value", zh=_shown(fdef, typed.get(fdef.name), "zh"), en=_shown(fdef, typed.get(fdef.name), "en")),
            requirement=Localized("label", zh=atom.describe("zh"), en=atom.describe("en")),
        ))
        if len(found) >= limit:
            break
    return tuple(found)


def _shown(fdef: FieldDef, value: Any, lang: Lang) -> str:
    """A field's value in words; a derived number without its padding zeros (0.4, not 0.400000)."""
    if fdef.derived and value is not None:
        return show_number(fdef, value, lang)
    return fdef.show(value, lang)


def row_title(row: CompiledRow) -> Localized:
    return Localized("label", zh=row.title, en=row.title_en or row.title)
