"""Finite sets of values that stand for every case a policy can see.

Conditions compare fields with constants, so the values at and either side of every constant,
plus every enumeration value and "missing", fall into every region the conditions can tell
apart. Lint walks these; tests draw generated cases from them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any, Iterator

from ..vocabulary import FieldDef
from .policy import Policy

_STEP = {"int": 1, "money": Decimal("0.01"), "decimal": Decimal("0.000001"), "date": dt.timedelta(days=1)}


def field_domain(policy: Policy, fdef: FieldDef, include_missing: bool = True) -> list[Any]:
    values: list[Any] = []
    constants: list[Any] = []
    patterns: list[str] = []
    for row in policy.rows:
        for atom in row.condition.atoms():
            if atom.field.name != fdef.name:
                continue
            if atom.op in ("in", "not_in"):
                constants.extend(atom.value)
            elif atom.op == "between":
                constants.extend(atom.value)
            elif atom.op == "matches":
                if atom.pattern is not None:
                    patterns.append(atom.pattern)
            elif atom.op != "exists":
                constants.append(atom.value)
    kind = fdef.type
    if kind == "checklist":
        values = _checklist_values(fdef, [c for c in constants if isinstance(c, tuple)])
    elif kind == "enum" and fdef.enum_def:
        values = list(fdef.enum_def.labels)
    elif kind == "bool":
        values = [True, False]
    elif kind in _STEP:
        step = _STEP[kind]
        for c in constants:
            values.extend([c - step, c, c + step])
        if not values:
            values = [dt.date(2026, 1, 1)] if kind == "date" else [0 if kind == "int" else Decimal(0)]
    elif kind == "text":
        values = list(constants) + ["其他", ""]
        values.extend(_pattern_samples(patterns))
    values = list(dict.fromkeys(values))
    if include_missing:
        values.append(None)
    return values


def _checklist_values(fdef: FieldDef, listed: list[tuple[str, ...]]) -> list[Any]:
    """Nothing ticked, everything, the required items alone, and everything but one required or
    one listed item (and the required ones plus a listed one): every verdict complete / has /
    lacks can give."""
    every = frozenset(fdef.items())
    required = frozenset(fdef.required_items())
    values: list[Any] = [frozenset(), every, required]
    values += [every - {item} for item in sorted(required)]
    for items in listed:
        values += [every - {item} for item in items]
        values += [required | {item} for item in items]
        values.append(required | frozenset(items))
    return values


def _pattern_samples(patterns: list[str]) -> list[str]:
    samples = []
    for pattern in patterns:
        literal = "".join(ch for ch in pattern if ch.isalnum() or "\u4e00" <= ch <= "\u9fff")
        if literal:
            samples.append(literal)
    return samples


def domain_cases(policy: Policy, names: list[str] | None = None, include_missing: bool = True,
                 limit: int = 200_000, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Every combination of the fields' domains; a seeded sample when there are too many."""
    names = names if names is not None else policy.condition_reads()
    domains = [field_domain(policy, policy.fields[n], include_missing) for n in names]
    total = 1
    for d in domains:
        total *= len(d)
    if total <= limit:
        for combo in itertools.product(*domains):
            yield dict(zip(names, combo))
        return
    rng = random.Random(seed)
    for _ in range(limit):
        yield {n: rng.choice(d) for n, d in zip(names, domains)}
