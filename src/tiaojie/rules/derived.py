"""Derived fields: fields of the vocabulary computed from others by a formula
(`dissatisfaction_rate = "dissatisfied / respondents"`, `days_to_settle = "settled_on - received_on"`).

A policy that reads a derived field reads the formula's inputs too (transitively): they are among
`Policy.fields`, so whatever selects "the fields a policy reads" fetches the stored inputs. The
value is always computed from the typed inputs — a value given for the derived name itself is
ignored — and is missing when any input is missing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

from ..i18n import Localized
from ..money import round_fen
from ..vocabulary import FieldDef
from .errors import EvaluationError
from .expressions import DivideByZero, MissingInput

_TENTH = Decimal("0.1")

_MILLIONTH = Decimal("0.000001")


def formula_inputs(fdef: FieldDef) -> frozenset[str]:
    """The names a derived field's formula reads directly (empty for a field that is entered)."""
    expr = fdef.expression
    return expr.names if expr is not None else frozenset()


def with_inputs(names: Iterable[str], fields: Mapping[str, FieldDef]) -> set[str]:
    """`names` and, for every derived field among them, its formula's inputs, transitively."""
    out: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        fdef = fields.get(name)
        if fdef is not None and fdef.derived:
            todo.extend(formula_inputs(fdef))
    return out


def derivation_order(fields: Mapping[str, FieldDef]) -> list[FieldDef]:
    """The derived fields among `fields`, each after the derived fields its formula reads."""
    order: list[FieldDef] = []
    done: set[str] = set()

    def place(fdef: FieldDef) -> None:
        if fdef.name in done:
            return
        done.add(fdef.name)  # the vocabulary refuses cycles; this only stops a second visit
        for name in sorted(formula_inputs(fdef)):
            other = fields.get(name)
            if other is not None and other.derived:
                place(other)
        order.append(fdef)

    for fdef in fields.values():
        if fdef.derived:
            place(fdef)
    return order


def quantize(fdef: FieldDef, value: Decimal) -> Any:
    """A formula's result as its field's type: int to whole, money to the fen, decimal to six
    places, each rounded half-up."""
    if fdef.type == "int":
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    if fdef.type == "money":
        return round_fen(value)
    return value.quantize(_MILLIONTH, rounding=ROUND_HALF_UP)


def compute(order: list[FieldDef], typed: dict[str, Any]) -> dict[str, Any]:
    """Fill in each derived field of `order` from the typed inputs in `typed` (in place); raises
    EvaluationError on a division by zero, naming the field, its formula and where it is written."""
    for fdef in order:
        expr = fdef.expression
        try:
            typed[fdef.name] = quantize(fdef, expr.evaluate(typed))
        except MissingInput:
            typed[fdef.name] = None
        except DivideByZero:
            raise EvaluationError(
                "derived_div_zero", where=fdef.where or "fields.toml", field=fdef.name,
                title=Localized("label", zh=fdef.title, en=fdef.title_en or fdef.title), formula=fdef.formula,
            ) from None
    return typed


def show_number(fdef: FieldDef, value: Any, lang: str = "zh") -> str:
    """A derived value as a person reads it: 0.4 rather than 0.400000, or 40.0% where the
    vocabulary shows the field as a percentage."""
    if fdef.shown_as == "percent" and isinstance(value, (Decimal, int)):
        return f"{(Decimal(value) * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)}%"
    if fdef.type == "decimal" and isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return fdef.show(value, lang)  # type: ignore[arg-type]


def derived_lines(fields: Mapping[str, FieldDef], typed: dict[str, Any]) -> list[Localized]:
    """For an explanation: a line per derived field read, with its value and formula in words
    (`不满意率 = 0.4（不满意人数 / 参评人数）`); none for a value that is missing."""
    lines = []
    for fdef in fields.values():
        if not fdef.derived or typed.get(fdef.name) is None or fdef.expression is None:
            continue
        value = typed[fdef.name]

        def title(name: str, lang: str) -> str:
            other = fields.get(name)
            return other.label(lang) if other is not None else name  # type: ignore[arg-type]

        lines.append(Localized(
            "explain_derived",
            field=Localized("label", zh=fdef.label("zh"), en=fdef.label("en")),
            value=Localized("shown_value", zh=show_number(fdef, value, "zh"), en=show_number(fdef, value, "en")),
            formula=Localized(
                "label",
                zh=fdef.expression.render(lambda n: title(n, "zh")),
                en=fdef.expression.render(lambda n: title(n, "en")),
            ),
        ))
    return lines
