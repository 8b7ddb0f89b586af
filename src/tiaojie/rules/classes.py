"""Values a policy cannot tell apart.

A policy reads a number only through its conditions' comparisons (`gte = 30`, `between`, `in`…),
so two numbers on the same side of every value it compares with give the same verdict; a date
that picks the version and the rows in force matters only by which side of each effective date it
falls. Grouping a ledger's cases by these classes lets a verdict computed once stand for every
case of its class — the overdue scan judges 100,000 open cases with a few thousand evaluations.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Any, Callable, Iterable

from .expressions import Expression
from .policy import Policy

NUMERIC = ("int", "decimal", "money")
ORDERED_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists"}


def _read_by_outputs(versions: Iterable[Policy]) -> set[str]:
    """Fields read by a formula: an output's, or a derived field's (whose value is compared, not
    its inputs)."""
    names: set[str] = set()
    for policy in versions:
        names |= policy.derived_inputs()
        for values in [policy.default, *(row.then for row in policy.rows)]:
            for value in values.values():
                if isinstance(value, Expression):
                    names |= set(value.names)
    return names


def number_classes(versions: list[Policy], name: str, scale: int = 1) -> Callable[[Any], Any] | None:
    """value → its class, for a numeric field every version reads only through comparisons; None
    when the field is read any other way (an output formula), so each value must stand alone.
    `scale`: the values come multiplied by it (money as integer fen: 100)."""
    if name in _read_by_outputs(versions):
        return None
    cuts: set[Any] = set()
    for policy in versions:
        fdef = policy.fields.get(name)
        if fdef is None:
            continue
        if fdef.type not in NUMERIC:
            return None
        for row in policy.rows:
            for atom in row.condition.atoms():
                if atom.field.name != name:
                    continue
                if atom.op not in ORDERED_OPS:
                    return None
                if atom.op == "exists":
                    continue
                cuts.update(atom.value if isinstance(atom.value, (list, tuple, set, frozenset)) else [atom.value])
    ordered = sorted(cut * scale for cut in cuts)
    points = set(ordered)

    def of(value: Any) -> Any:
        if value is None:
            return None
        place = bisect_left(ordered, value)
        return (place, value) if value in points else (place,)

    return of


def date_classes(versions: list[Policy]) -> Callable[[dt.date | None], Any] | None:
    """date → its class, for the version-picking date of a policy whose conditions never read it:
    which version and which rows are in force on it. None when a condition reads the date."""
    date_field = versions[-1].date_field if versions else None
    if date_field is None:
        return None
    cuts: set[dt.date] = set()
    for policy in versions:
        if any(atom.field.name == date_field for row in policy.rows for atom in row.condition.atoms()):
            return None
        if date_field in policy.formula_reads():  # read by a formula (days between two dates)
            return None
        spans: list[tuple[dt.date | None, dt.date | None]] = [(policy.effective_from, policy.effective_until)]
        spans += [(row.effective_from, row.effective_until) for row in policy.rows]
        for start, until in spans:
            if start is not None:
                cuts.add(start)
            if until is not None:
                cuts.add(until + dt.timedelta(days=1))
    ordered = sorted(cuts)

    def of(day: dt.date | None) -> Any:
        return None if day is None else bisect_right(ordered, day)

    return of
