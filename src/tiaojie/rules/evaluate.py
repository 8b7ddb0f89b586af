"""Evaluate cases against policies: typed input → engine match → the kind's calculator → outcome.

`evaluate` takes one case. `evaluate_batch` takes many and evaluates each distinct projection of a
case — its values for the fields the policy version reads — only once: grassroots cases are mostly
enumerations, so a million cases read as a few thousand distinct projections.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import ModuleType
from typing import Annotated, Any, Iterable, Iterator, Optional

from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, create_model

from ..calc import banquet, dividend, escalation, table
from ..calc.common import Decision
from ..i18n import Localized
from ..vocabulary import FieldDef, InvalidValue
from .conditions import fact_key
from .engine import RulesEngine
from .errors import EvaluationError
from .loader import RuleBook
from .outcome import Outcome
from .policy import Policy

CALCULATORS: dict[str, ModuleType] = {
    "reward": table, "table": table, "banquet": banquet, "escalation": escalation, "dividend": dividend,
}
_PY_TYPES = {"enum": str, "text": str, "int": int, "decimal": Decimal, "money": Decimal, "bool": bool, "date": dt.date}
_HASHABLE = (str, int, Decimal, bool, float, type(None))


def _coercer(fdef: FieldDef):
    def coerce(value: object):
        return None if value is None else fdef.coerce(value)

    return coerce


def _lookup(case: dict[str, Any], name: str) -> Any:
    value = case.get(name)
    if value is None and "." in name:
        node: Any = case
        for part in name.split("."):
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        return node
    return value


class _Plan:
    """What one policy version reads, prepared once: the pydantic input model and the projection."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.calculator = CALCULATORS[policy.kind]
        self.names = tuple(policy.fields)
        self.dotted = any("." in n for n in self.names)
        self.engine_fields = [(n, fact_key(n), policy.fields[n]) for n in policy.condition_fields()]
        self.rows = {row.id: row for row in policy.rows}
        model_fields: dict[str, Any] = {}
        for i, (name, fdef) in enumerate(policy.fields.items()):
            annotation = Annotated[Optional[_PY_TYPES[fdef.type]], BeforeValidator(_coercer(fdef))]
            model_fields[f"f{i}"] = (annotation, Field(default=None, alias=name))
        self.model = create_model(
            f"Input_{policy.id.replace('-', '_')}", __config__=ConfigDict(extra="ignore"), **model_fields
        )
        self.aliases = {f"f{i}": name for i, name in enumerate(policy.fields)}
        # The version-picking date matters to the result only when rows are dated or it is read.
        date_field = policy.date_field
        read_elsewhere = date_field is not None and (
            policy.kind == "escalation" or policy.date_sensitive or date_field in policy.condition_fields()
        )
        self.key_names = tuple(n for n in self.names if n != date_field or read_elsewhere)
        self.key_needs_on = policy.date_sensitive

    def typed(self, case: dict[str, Any]) -> dict[str, Any]:
        flat = {name: _lookup(case, name) for name in self.names}
        try:
            model = self.model.model_validate(flat)
        except ValidationError as err:
            first = err.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "?"
            cause = (first.get("ctx") or {}).get("error")
            detail = cause.detail if isinstance(cause, InvalidValue) else first["msg"]
            raise EvaluationError("input_invalid", field=name, detail=detail) from None
        return {self.aliases[k]: v for k, v in model.__dict__.items()}


class Evaluator:
    """Evaluates cases through the engine that holds the book's compiled policies."""

    def __init__(self, book: RuleBook, engine: RulesEngine, cache_size: int = 250_000):
        self.book = book
        self.engine = engine
        self.cache_size = cache_size
        self._plans: dict[int, _Plan] = {}

    def plan(self, policy: Policy) -> _Plan:
        plan = self._plans.get(id(policy))
        if plan is None:
            plan = self._plans[id(policy)] = _Plan(policy)
        return plan

    # --- one case --------------------------------------------------------------------------
    def evaluate(self, policy_id: str, case: dict[str, Any], as_of: dt.date | None = None) -> Outcome:
        as_of = as_of or dt.date.today()
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        policy, on = self.version_for(policy_id, case, as_of)
        return self._evaluate(self.plan(policy), case, as_of, on)

    def evaluate_version(self, policy: Policy, case: dict[str, Any], as_of: dt.date, on: dt.date | None = None) -> Outcome:
        """Evaluate against one given version, whatever is in force (examples, impact of a draft)."""
        if not isinstance(case, dict):
            raise EvaluationError("input_not_object")
        return self._evaluate(self.plan(policy), case, as_of, on or as_of)

    def version_for(self, policy_id: str, case: dict[str, Any], as_of: dt.date) -> tuple[Policy, dt.date]:
        """The version in force on the case's own date (e.g. the settlement date), else on `as_of`."""
        versions = self.book.versions(policy_id)
        date_field = versions[-1].date_field
        on = as_of
        if date_field:
            raw = _lookup(case, date_field)
            if raw is not None:
                fdef = versions[-1].fields.get(date_field) or self.book.vocabulary.fields.get(date_field)
                try:
                    on = fdef.coerce(raw) if fdef else as_of
                except InvalidValue as err:
                    raise EvaluationError("input_invalid", field=date_field, detail=err.detail) from None
        return self.book.select(policy_id, on), on

    def _evaluate(self, plan: _Plan, case: dict[str, Any], as_of: dt.date, on: dt.date) -> Outcome:
        policy = plan.policy
        if policy.kind == "dividend":
            typed, context = dividend.prepare(policy, case)
        else:
            typed, context = plan.typed(case), {}
        encoded = {
            key: fdef.encode(typed[name]) for name, key, fdef in plan.engine_fields if typed.get(name) is not None
        }
        matched_ids = self.engine.match(policy, encoded, on.toordinal())
        matched = [plan.rows[i] for i in matched_ids]
        return plan.calculator.decide(Decision(policy, typed, matched, as_of, on, context))

    # --- many cases ------------------------------------------------------------------------
    def evaluate_batch(
        self, policy_id: str, cases: Iterable[Any], as_of: dt.date | None = None
    ) -> Iterator[Outcome | EvaluationError]:
        """One result per case, in order; a bad case yields its error and the rest still run."""
        as_of = as_of or dt.date.today()
        versions = self.book.versions(policy_id)
        date_field = versions[-1].date_field
        version_cache: dict[Any, tuple[_Plan, dt.date] | EvaluationError] = {}
        results: dict[Any, Outcome | EvaluationError] = {}
        cache_size = self.cache_size

        for case in cases:
            if not isinstance(case, dict):
                yield EvaluationError("input_not_object")
                continue
            raw_date = case.get(date_field) if date_field else None
            try:
                picked = version_cache[raw_date]
            except (KeyError, TypeError):
                try:
                    policy, on = self.version_for(policy_id, case, as_of)
                    picked = (self.plan(policy), on)
                except EvaluationError as err:
                    picked = err
                try:
                    version_cache[raw_date] = picked
                except TypeError:
                    pass
            if isinstance(picked, EvaluationError):
                yield picked
                continue
            plan, on = picked
            if plan.policy.kind == "dividend" or plan.dotted:
                yield self._safe(plan, case, as_of, on)
                continue
            values = tuple(map(case.get, plan.key_names))
            # bool, int and Decimal can be equal (True == 1 == Decimal(1)) yet read differently.
            key = (id(plan), values, tuple(map(type, values)), on if plan.key_needs_on else None)
            try:
                result = results[key]
            except KeyError:
                result = self._safe(plan, case, as_of, on)
                if len(results) >= cache_size:
                    results.clear()
                results[key] = result
            except TypeError:  # a list or object where a scalar belongs: evaluate it alone
                result = self._safe(plan, case, as_of, on)
            yield result

    def _safe(self, plan: _Plan, case: dict[str, Any], as_of: dt.date, on: dt.date) -> Outcome | EvaluationError:
        try:
            return self._evaluate(plan, case, as_of, on)
        except EvaluationError as err:
            return err
