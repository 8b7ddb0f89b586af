"""Run the `[[example]]` rows of every policy through the engine: a policy's own tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import Lang, Localized, tr
from ..money import format_yuan
from .errors import EvaluationError
from .policy import LocatedExample, Policy
from .service import Rules


@dataclass
class ExampleResult:
    policy: Policy
    example: LocatedExample
    differences: list[Localized] = field(default_factory=list)
    fired: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.differences

    def render(self, lang: Lang = "zh") -> str:
        diff = "; ".join(d.render(lang) for d in self.differences)
        return tr("test_failed", lang, path=self.policy.path, line=self.example.line or 1,
                  n=self.example.index + 1, diff=diff)


@dataclass
class TestReport:
    results: list[ExampleResult]
    unreached_rows: list[tuple[Policy, str, int | None]]
    unreached_values: list[tuple[Policy, str, str]]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results)


def example_dates(policy: Policy, given: dict[str, Any], as_of: dt.date | None) -> tuple[dt.date, dt.date]:
    """Examples must not depend on today: as_of defaults to the case's own date, else the
    version's first day."""
    on = None
    if policy.date_field and given.get(policy.date_field) is not None:
        fdef = policy.fields.get(policy.date_field)
        try:
            on = fdef.coerce(given[policy.date_field]) if fdef else None
        except ValueError:
            on = None
    on = on or as_of or policy.effective_from
    return (as_of or on), on


def run_examples(rules: Rules, coverage: bool = False) -> TestReport:
    results: list[ExampleResult] = []
    unreached_rows = []
    unreached_values = []
    for policy in rules.book.all():
        reached: set[str] = set()
        seen_values: dict[str, set] = {}
        for example in policy.examples:
            result = run_one(rules, policy, example)
            reached |= set(result.fired)
            results.append(result)
            for name, fdef in policy.fields.items():
                if fdef.type == "enum" and example.example.given.get(name) is not None:
                    try:
                        seen_values.setdefault(name, set()).add(fdef.coerce(example.example.given[name]))
                    except ValueError:
                        pass
        for row in policy.rows:
            if row.id not in reached:
                unreached_rows.append((policy, row.id, row.line))
        if coverage:
            for name in policy.condition_fields():
                fdef = policy.fields[name]
                if fdef.type == "enum" and fdef.enum_def:
                    for value in fdef.enum_def.labels:
                        if value not in seen_values.get(name, set()):
                            unreached_values.append((policy, name, value))
    return TestReport(results, unreached_rows, unreached_values)


def run_one(rules: Rules, policy: Policy, located: LocatedExample) -> ExampleResult:
    example = located.example
    as_of, on = example_dates(policy, example.given, example.as_of)
    result = ExampleResult(policy, located)
    try:
        outcome = rules.evaluator.evaluate_version(policy, example.given, as_of, on)
    except EvaluationError as err:
        result.differences.append(Localized("test_error", detail=Localized("label", zh=err.message("zh"), en=err.message("en"))))
        return result
    result.fired = outcome.fired
    actual = outcome.to_json("zh")
    for key, expected in example.expect.items():
        if key in ("fired", "violations"):
            got = list(outcome.fired)
            if list(expected) != got:
                result.differences.append(_diff(key, expected, got))
            continue
        if key == "allocations":
            got_alloc = {a["member"]: a["amount"] for a in actual.get("allocations", [])}
            for member, amount in expected.items():
                if not _same(amount, got_alloc.get(member), money=True):
                    result.differences.append(_diff(f"allocations.{member}", _show(amount, True), got_alloc.get(member)))
            continue
        got = actual["outputs"].get(key, actual.get(key))
        money = key in outcome.money_outputs
        if key in ("level", "start_level") and isinstance(expected, str):
            expected = _enum_id(policy, "level", expected)
        if not _same(expected, got, money=money):
            out = policy.outputs.get(key)  # named as the policy titles it, not by its id
            named = Localized("label", zh=out.title, en=out.title_en or key) if out else key
            result.differences.append(_diff(named, _show(expected, money), got))
    return result


def _enum_id(policy: Policy, enum: str, value: str) -> str:
    table = policy.vocabulary.enums.get(enum)
    return table.lookup().get(value, value) if table else value


def _show(value: Any, money: bool) -> Any:
    if money:
        try:
            return format_yuan(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return value
    return value


def _same(expected: Any, got: Any, money: bool = False) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, (int, Decimal)) or money:
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except (InvalidOperation, ValueError, TypeError):
            return False
    if isinstance(expected, dt.date):
        return expected.isoformat() == got
    return expected == got


def _diff(key: str | Localized, expected: Any, got: Any) -> Localized:
    return Localized("test_diff", key=key, expected=_fmt(expected), actual=_fmt(got))


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if value is None:
        return "—"
    return str(value)
