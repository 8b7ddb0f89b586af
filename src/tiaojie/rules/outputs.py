"""A row's outputs (`then`) and the policy's `[default]`, read against the types of the policy's
outputs: constants checked and converted, formulas parsed and their fields resolved.

A formula is also checked for what fails whatever the case: a part that cannot be computed (a
divisor that is always zero …), and, when it reads no input, a value its output cannot take (an
amount beyond the ledger's range or past the fen, a negative reward, a fraction for a whole
number) — each refused at its line, as the same value written as a constant would be."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ..i18n import Localized, did_you_mean
from ..money import MAX_YUAN, exact_fen
from ..vocabulary import NUMERIC_TYPES, FieldDef, InvalidValue, Vocabulary
from .errors import Loc, RuleError
from .expressions import Expression, ExpressionError, parse_expression
from .locate import line_of
from .policy import OutputValue
from .schema import OutputDef
from .scope import FieldScope


class OutputReader:
    """Reads output values for one policy file; each problem is reported where it sits."""

    def __init__(self, outputs: Mapping[str, OutputDef], scope: FieldScope, vocab: Vocabulary,
                 non_negative_money: bool):
        self.outputs = outputs
        self.scope = scope
        self.reader = scope.reader
        self.vocab = vocab
        self.non_negative_money = non_negative_money  # a reward never takes money away

    def values(self, given: Mapping[str, object], loc: Loc) -> dict[str, OutputValue]:
        """The values that read, by output name (the others are reported)."""
        out: dict[str, OutputValue] = {}
        for name, value in given.items():
            converted = self.value(name, value, loc + (name,))
            if converted is not None:
                out[name] = converted
        return out

    def value(self, name: str, value: object, loc: Loc) -> OutputValue | None:
        out = self.outputs.get(name)
        if out is None:
            self.reader.error(loc, "unknown_output", output=name, hint=did_you_mean(name, self.outputs))
            return None
        if out.type in ("money", "decimal", "int"):
            if isinstance(value, str):
                expr = self._formula(value, loc)
                if expr is not None and expr.constant is not None and not self._constant_fits(name, out, expr, loc):
                    return None
                return expr
            return self._number(name, out, value, loc)
        if out.type == "text":
            if not isinstance(value, str):
                self.reader.error(loc, "output_value", output=name, value=_as_written(value), type=Localized("type_text"))
                return None
            return value
        if out.type == "bool":
            if not isinstance(value, bool):
                self.reader.error(loc, "output_value", output=name, value=_as_written(value), type=Localized("type_bool"))
                return None
            return value
        if out.type == "enum":
            return self._enum(name, out, value, loc)
        return None  # pragma: no cover

    def _formula(self, source: str, loc: Loc) -> Expression | None:
        """A formula over the fields the policy may read; dates may only be subtracted."""
        reader = self.reader
        try:
            expr = parse_expression(source)
        except ExpressionError as err:
            reader.error(loc, "expr_syntax", expr=source, detail=Localized("label", zh=err.zh, en=err.en))
            return None
        ok = True
        dates = []
        for ref in sorted(expr.names):
            fdef = self.scope.resolve(ref)
            if fdef is None:
                self.scope.missing(loc, ref)
                ok = False
            elif fdef.type not in NUMERIC_TYPES + ("bool", "date"):
                reader.error(loc, "expr_type", field=ref)
                ok = False
            else:
                self.scope.used.add(ref)
                if fdef.type == "date":
                    dates.append(ref)
        if ok and dates:  # dates may only be subtracted from one another
            try:
                expr = parse_expression(source, dates=dates)
            except ExpressionError as err:
                reader.error(loc, "expr_syntax", expr=source, detail=Localized("label", zh=err.zh, en=err.en))
                return None
        if ok:
            for problem in expr.problems:
                reader.error(loc, "expr_fails", expr=source, detail=Localized("label", zh=problem.zh, en=problem.en))
            ok = not expr.problems
        return expr if ok else None

    def _constant_fits(self, name: str, out: OutputDef, expr: Expression, loc: Loc) -> bool:
        """Whether the value of a formula that reads no input is one its output may take."""
        value = expr.constant
        assert value is not None
        detail: Localized | None = None
        if out.type == "money" and value < 0 and self.non_negative_money:
            detail = Localized("not_negative")
        elif out.type == "money" and abs(value) > MAX_YUAN:
            detail = Localized("money_range", max=MAX_YUAN)
        elif out.type == "money" and exact_fen(value) is None:  # never rounded silently
            detail = Localized("money_places")
        elif out.type == "int" and value != value.to_integral_value():
            detail = Localized("not_whole")
        if detail is None:
            return True
        self.reader.error(loc, "expr_constant", output=name, expr=expr.source, value=value, detail=detail)
        return False

    def _number(self, name: str, out: OutputDef, value: object, loc: Loc) -> OutputValue | None:
        reader = self.reader
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            reader.error(loc, "output_value", output=name, value=_as_written(value), type=Localized("type_" + out.type))
            return None
        number = Decimal(value)
        if out.type == "int" and number != number.to_integral_value():
            reader.error(loc, "output_value", output=name, value=_as_written(value), type=Localized("type_int"))
            return None
        if out.type == "money" and number < 0 and self.non_negative_money:
            reader.error(loc, "negative", key=name, value=value)
            return None
        if out.type == "money" and abs(number) > MAX_YUAN:
            reader.error(loc, "bad_value", key=name, detail=Localized("money_range", max=MAX_YUAN))
            return None
        if out.type == "money" and exact_fen(number) is None:  # never rounded silently
            reader.error(loc, "bad_value", key=name, detail=Localized("money_places"))
            return None
        return int(number) if out.type == "int" else number

    def _enum(self, name: str, out: OutputDef, value: object, loc: Loc) -> OutputValue | None:
        enum = self.vocab.enums.get(out.enum or "")
        if enum is None:
            return None
        fdef = FieldDef(name=name, type="enum", title=out.title, enum=out.enum)
        fdef.enum_def = enum
        try:
            coerced: str = fdef.coerce(value)
        except InvalidValue as err:
            reader = self.reader
            reader.errors.append(RuleError(reader.display, line_of(reader.lines, loc) or 1, "bad_literal", {
                "field": name, "type": Localized("type_enum"), "value": _as_written(value), "detail": err.detail}, loc))
            return None
        return coerced


def _as_written(value: object) -> str:
    """A value as a rule file spells it (true, "text", 2026-05-01), not as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ … }"
    if isinstance(value, list):
        return "[ … ]"
    return str(value)
