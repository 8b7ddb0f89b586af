"""A reward table read by hand-written Python, straight from its rule file: the baseline that
the end-to-end bench holds tiaojie to, in process and as a JSONL command of its own.

Built once from the policy's TOML and the vocabulary's fields.toml: a label → id dict per field
the rows read, one compiled predicate per row (eq, in, ne, not_in over ids), each row's amount as
a Decimal. Per case: normalise the inputs, first hit, the amount. No engine, nothing cached
across cases. Only the standard library, so the command starts as fast as Python does.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path


class PlainTable:
    """One version of a first-hit reward table (`kind = "reward"`, conditions over enumerations)."""

    def __init__(self, policy_toml: Path, fields_toml: Path):
        policy = tomllib.loads(policy_toml.read_text(encoding="utf-8"))
        vocabulary = tomllib.loads(fields_toml.read_text(encoding="utf-8"))
        rows = policy.get("rule", [])
        names: list[str] = []
        for row in rows:
            names += [name for name in row["when"] if name not in names]
        self.normal: list[tuple[str, dict[str, str]]] = []
        for name in names:
            enum = vocabulary["fields"][name]["enum"]
            table: dict[str, str] = {}
            for value_id, label in vocabulary["enums"][enum]["labels"].items():
                table[value_id] = value_id
                table[label] = value_id
            self.normal.append((name, table))
        index = {name: i for i, name in enumerate(names)}
        self.rows = []
        for row in rows:
            tests = [_test(index[name], want) for name, want in row["when"].items()]
            predicate = eval(f"lambda v: {' and '.join(tests) or 'True'}")  # noqa: S307 - bench-local, from the rule file
            self.rows.append((predicate, Decimal(row["then"]["amount"]).quantize(Decimal("0.01"))))
        self.default = Decimal(policy.get("default", {}).get("amount", 0)).quantize(Decimal("0.01"))

    def evaluate(self, case: dict) -> Decimal:
        """The amount for one case (the one version in force: dates are not read); ValueError
        for a value the vocabulary does not have."""
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


def _test(i: int, want: object) -> str:
    if isinstance(want, str):
        return f"v[{i}] == {want!r}"
    if isinstance(want, list):
        return f"v[{i}] in {frozenset(want)!r}"
    if isinstance(want, dict) and len(want) == 1:
        op, value = next(iter(want.items()))
        if op == "ne":
            return f"(v[{i}] is not None and v[{i}] != {value!r})"
        if op == "in":
            return f"v[{i}] in {frozenset(value)!r}"
        if op == "not_in":
            return f"(v[{i}] is not None and v[{i}] not in {frozenset(value)!r})"
    raise SystemExit(f"the plain table reads eq, in, ne and not_in only, not {want!r}")
