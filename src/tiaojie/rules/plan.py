"""What one policy version reads, prepared once: the typed input model, the projection a batch
keys its caches by, and the path of one case — typed input → engine match → the kind's decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from pydantic import ConfigDict, Field, ValidationError, create_model, field_validator

from ..vocabulary import FieldDef, InvalidValue
from .checklist import engine_flags
from .conditions import fact_key
from .derived import compute as compute_derived
from .derived import derivation_order
from .errors import EvaluationError
from .kinds.base import Decision, PolicyKind
from .outcome import Outcome
from .policy import Policy

# The engine's match: (policy, encoded case, date ordinal, first hit only) → matching row ids.
Match = Callable[[Policy, dict[str, Any], int, bool], list[str]]

# What a value beyond the calendar or the arithmetic raises on its way through a policy
# (9999-12-31 plus a deadline, an amount of 1e300 in a formula, a value nested too deep to read).
BEYOND = (ArithmeticError, ValueError, RecursionError)
# A number this large, or a date this near either end of the calendar, is the likely culprit.
_HUGE = Decimal(10) ** 15

_PY_TYPES: dict[str, type] = {
    "enum": str, "text": str, "int": int, "decimal": Decimal, "money": Decimal, "bool": bool, "date": dt.date,
    "checklist": frozenset,
}


def _coercer(fdef: FieldDef) -> Callable[[type, object], object]:
    def coerce(cls: type, value: object) -> object:
        return None if value is None else fdef.coerce(value)

    return coerce


def lookup(case: dict[str, Any], name: str) -> Any:
    """A field's raw value in a case; a dotted name reads nested tables when no key has the name."""
    value = case.get(name)
    if value is None and "." in name:
        node: Any = case
        for part in name.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node
    return value


class Plan:
    """One policy version, prepared for evaluation: the pydantic input model and the projection."""

    def __init__(self, policy: Policy, kind: PolicyKind):
        self.policy = policy
        self.kind = kind
        # The fields a case gives (`names`); derived fields are computed from them (`derived`,
        # in an order where a formula's inputs come first), whatever the case says for them.
        self.names = tuple(n for n, f in policy.fields.items() if not f.derived)
        self.derived = derivation_order(policy.fields)
        self.dotted = any("." in n for n in self.names)
        self.engine_fields = [(n, fact_key(n), policy.fields[n]) for n in policy.condition_reads()]
        # a checklist is shown to the engine as flags, nothing ticked when it is missing
        self.checklists = [(n, key, fdef) for n, key, fdef in self.engine_fields if fdef.type == "checklist"]
        self.rows = {row.id: row for row in policy.rows}
        self.aliases = {f"f{i}": name for i, name in enumerate(self.names)}
        self.field_attr = {name: attr for attr, name in self.aliases.items()}
        # Each given field as an optional value of its type, read by the field's own coercion.
        model_fields: dict[str, Any] = {
            attr: (_PY_TYPES[policy.fields[name].type] | None, Field(default=None, alias=name))
            for attr, name in self.aliases.items()
        }
        coercions = {
            f"coerce_{attr}": field_validator(attr, mode="before")(_coercer(policy.fields[name]))
            for attr, name in self.aliases.items()
        }
        self.model = create_model(
            f"Input_{policy.id.replace('-', '_')}", __config__=ConfigDict(extra="ignore"),
            __validators__=coercions, **model_fields,
        )
        # The version-picking date matters to the result only when rows are dated or it is read
        # (by the kind, by a condition, or by a formula: an output's, or a derived field's).
        date_field = policy.date_field
        read_elsewhere = date_field is not None and (
            kind.decides_by_date or policy.date_sensitive or date_field in policy.condition_fields()
            or date_field in policy.formula_reads()
        )
        # The batch caches key by the fields a case gives: a derived field is a function of them.
        self.key_names = tuple(n for n in self.names if n != date_field or read_elsewhere)
        self.key_needs_on = policy.date_sensitive
        # Only the first matching row decides a first-hit table: ask the engine for that one.
        self.first_only = kind.first_hit_only(policy)

    def field_value(self, name: str, raw: Any) -> Any:
        """One given field's typed value, validated by the input model as `typed` would; raises
        ValidationError. Given fields do not depend on each other, so this equals
        typed(case)[name]."""
        model = self.model.model_validate({name: raw})
        return model.__dict__[self.field_attr[name]]

    def typed(self, case: dict[str, Any]) -> dict[str, Any]:
        """The case's typed values, derived fields computed; raises EvaluationError."""
        flat = {name: lookup(case, name) for name in self.names}
        try:
            model = self.model.model_validate(flat)
        except ValidationError as err:
            first = err.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "?"
            cause = (first.get("ctx") or {}).get("error")
            detail = cause.detail if isinstance(cause, InvalidValue) else first["msg"]
            raise EvaluationError("input_invalid", field=name, detail=detail) from None
        except BEYOND:
            raise beyond(flat) from None
        typed = {self.aliases[k]: v for k, v in model.__dict__.items()}
        return self.derive(typed)

    def derive(self, typed: dict[str, Any]) -> dict[str, Any]:
        """Fill in the derived fields of typed values given for `names`; raises EvaluationError."""
        if self.derived:
            try:
                compute_derived(self.derived, typed)
            except BEYOND:
                raise beyond(typed) from None
        return typed

    def read(self, case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(typed values, the kind's context) of a case; raises EvaluationError."""
        if self.kind.reads_own_input:
            try:
                typed, context = self.kind.prepare(self.policy, case)
            except ValidationError:
                raise
            except BEYOND:
                raise beyond(case) from None
            return self.derive(typed), context
        return self.typed(case), {}

    def evaluate(self, case: dict[str, Any], as_of: dt.date, on: dt.date, match: Match) -> Outcome:
        """One case, on the date `on` that picked this version; raises EvaluationError."""
        typed, context = self.read(case)
        return self.decide(typed, context, as_of, on, match)

    def safe(self, case: dict[str, Any], as_of: dt.date, on: dt.date, match: Match) -> Outcome | EvaluationError:
        """`evaluate`, with the case's error as its result."""
        try:
            return self.evaluate(case, as_of, on, match)
        except EvaluationError as err:
            return detached(err)

    def decide(self, typed: dict[str, Any], context: dict[str, Any], as_of: dt.date, on: dt.date,
               match: Match) -> Outcome:
        """Typed values → the rows the engine matches → the kind's outcome; a value beyond what
        can be calculated is an EvaluationError naming it."""
        policy = self.policy
        try:
            encoded = {
                key: fdef.encode(typed[name]) for name, key, fdef in self.engine_fields if typed.get(name) is not None
            }
            for name, key, fdef in self.checklists:
                encoded.update(engine_flags(key, fdef, typed.get(name)))
            first = self.first_only
            matched_ids = match(policy, encoded, on.toordinal(), first)
            matched = [self.rows[i] for i in matched_ids]
            return self.kind.decide(Decision(policy, typed, matched, as_of, on, context, all_matched=not first))
        except BEYOND:
            raise beyond(typed) from None


def detached(err: EvaluationError) -> EvaluationError:
    """An error kept as a result, without its traceback and the exceptions it was raised while
    handling: their frames would keep a whole batch of cases alive, in reference cycles that only
    the garbage collector frees."""
    err.__traceback__ = err.__context__ = err.__cause__ = None
    return err


def beyond(values: dict[str, Any]) -> EvaluationError:
    """The error for a case whose dates or numbers cannot be calculated with: naming the first
    value near an end of the calendar or beyond 10^15 (or text no encoding can hold: a lone
    surrogate from a `\\ud800` in JSON), when there is one."""
    for name, value in values.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return EvaluationError("input_bad_char", field=name)
            continue
        if isinstance(value, dt.date) and not 2 <= value.year <= 9000:
            return EvaluationError("input_out_of_range", field=name, value=value.isoformat())
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            number = value if isinstance(value, Decimal) else Decimal(value)
            if number.is_nan() or number.copy_abs() >= _HUGE:
                return EvaluationError("input_out_of_range", field=name, value=_short(value))
    return EvaluationError("input_uncomputable")


def _short(value: int | Decimal) -> str:
    """A number as a message shows it: its digits, or its magnitude when it has too many."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"{'-' if value < 0 else ''}10^{int(value.bit_length() * 0.30103)}"
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}…"
