"""The plain-Python readings of the generated policy that section (b) of bench/engine.py holds
`Rules.evaluate_batch` to: code generated from the rows and compiled (the verdict), the parsed
rule file interpreted, and the rows as data in a loop."""

from __future__ import annotations

from decimal import Decimal

FIELDS = ("status", "severity", "settled_by", "category", "urgency")


class PlainEvaluator:
    """The same rows, read by hand-written Python: a strong, honest per-case evaluator.

    Built once: a label → id dict per field, one precompiled predicate per row, each row's amount
    as a Decimal. Per case: normalise the five inputs, first hit, the amount (Decimal). No engine,
    nothing cached across cases."""

    def __init__(self, rows: list[dict], enums: dict[str, dict[str, str]]):
        self.normal = []
        for name in FIELDS:
            table = {}
            for value_id, label in enums[name].items():
                table[value_id] = value_id
                table[label] = value_id
            self.normal.append((name, table))
        index = {name: i for i, name in enumerate(FIELDS)}
        self.rows = []
        for row in rows:
            tests = []
            for name, (op, value) in row["when"].items():
                i = index[name]
                if op == "eq":
                    tests.append(f"v[{i}] == {value!r}")
                elif op == "ne":
                    tests.append(f"(v[{i}] is not None and v[{i}] != {value!r})")
                else:
                    tests.append(f"v[{i}] in {frozenset(value)!r}")
            predicate = eval(f"lambda v: {' and '.join(tests)}")  # noqa: S307 - bench-local, generated
            self.rows.append((predicate, Decimal(row["amount"]).quantize(Decimal("0.01"))))
        self.default = Decimal("0.00")

    def evaluate(self, case: dict) -> Decimal:
        v = []
        for name, table in self.normal:
            raw = case.get(name)
            if raw is None:
                v.append(None)
                continue
            value = table.get(raw)
            if value is None:
                raise ValueError(f"{name}: {raw!r}")
            v.append(value)
        for predicate, amount in self.rows:
            if predicate(v):
                return amount
        return self.default


def normalised(case: dict, tables: list[tuple[str, dict]]) -> dict:
    """The case's values as ids (each field's id-or-label table); absent fields left out."""
    values = {}
    for name, table in tables:
        raw = case.get(name)
        if raw is not None:
            value = table.get(raw)
            if value is None:
                raise ValueError(f"{name}: {raw!r}")
            values[name] = value
    return values


class LoopEvaluator:
    """The same rows as data, read per case by a plain loop — what one writes by hand without an
    engine and without generating code: normalise the five inputs through a dict, then check each
    row's conditions in turn (eq / in / ne), first hit, the amount as a Decimal."""

    def __init__(self, rows: list[dict], enums: dict[str, dict[str, str]]):
        self.normal = PlainEvaluator(rows, enums).normal
        self.rows = [
            ([(name, op, frozenset(value) if op == "in" else value) for name, (op, value) in row["when"].items()],
             Decimal(row["amount"]).quantize(Decimal("0.01")))
            for row in rows
        ]
        self.default = Decimal("0.00")

    def evaluate(self, case: dict) -> Decimal:
        v = normalised(case, self.normal)
        for conditions, amount in self.rows:
            for name, op, want in conditions:
                got = v.get(name)
                if op == "eq":
                    ok = got == want
                elif op == "in":
                    ok = got in want
                else:
                    ok = got is not None and got != want
                if not ok:
                    break
            else:
                return amount
        return self.default



class ReferenceEvaluator:
    """The rule file's own plain-Python reading, per case: the reading the differential test holds
    the engine to. Values normalised through the vocabulary's lookup tables (ids and labels),
    each row's parsed condition tree interpreted (`Condition.holds`), first hit, the amount.
    No engine, nothing cached across cases, no pydantic."""

    def __init__(self, rules):  # noqa: ANN001
        policy = rules.book.versions("bench-reward")[-1]
        self.fields = [(name, fdef._enum_lookup()) for name, fdef in policy.fields.items() if fdef.type == "enum"]
        self.rows = [(row.condition, row.then["amount"]) for row in policy.rows]
        self.default = Decimal("0.00")

    def evaluate(self, case: dict) -> Decimal:
        typed = normalised(case, self.fields)
        for condition, amount in self.rows:
            if condition.holds(typed):
                return Decimal(amount).quantize(Decimal("0.01"))
        return self.default
