"""Overdue, in bulk: how many days each open case is past its answer deadline at the level that
holds it, for every case a filter selects — reading through the projection only what the
escalation policies read, and evaluating each distinct reading once."""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Callable, Sequence

from ..calc.escalation import days_overdue_at, track
from ..models import Case
from ..rules.classes import date_classes, number_classes
from ..rules.errors import EvaluationError
from ..store.case_inputs import Column, Source
from ..store.case_repository import CaseFilter
from ..store.uow import SqlUnitOfWork
from .context import Ledger

LEAD = 5  # id, unit_id, number, received_on, settled_on come first in every row
_NUMERIC = ("int", "decimal", "money")


def escalation_fields(ledger: Ledger) -> list[str]:
    """Every field any version of any escalation policy reads, the version-picking date first."""
    names: dict[str, None] = {}
    for policy_id in ledger.escalation_policies():
        versions = ledger.rules.book.versions(policy_id)
        if versions and versions[-1].date_field:
            names.setdefault(versions[-1].date_field, None)
        for version in versions:
            for name in version.fields:
                names.setdefault(name, None)
    return list(names)


def days_from_outcome(outcome: Any, level: str, as_of: dt.date) -> int:
    """Days past the deadline at the level that holds the case, from one escalation outcome."""
    due = None
    for step in outcome.details.get("path", []):
        if step["level"] == level:
            due = dt.date.fromisoformat(step["due_on"])
    if due is not None and as_of > due:
        return (as_of - due).days
    return int(outcome.outputs.get("days_overdue") or 0)


def overdue_scan(ledger: Ledger, uow: SqlUnitOfWork, flt: CaseFilter, as_of: dt.date,
                 columns: Sequence[str] = ()) -> list[tuple[Any, int]]:
    """(row, days overdue) for every open case the filter selects, as evaluating each case alone
    would say. A row is (id, unit_id, number, received_on, settled_on, status, level, *columns,
    *what the policies read); `columns` are further case columns a caller wants back."""
    projection = ledger.projection
    inputs = projection.sources_for(escalation_fields(ledger), "escalation")
    names = [name for name, _ in inputs]
    decode = projection.decoders(inputs)
    lead: list[Source] = [Column("status", "status"), Column("level", "level")]
    lead += [Column(name, name) for name in columns]
    first_input = LEAD + len(lead)
    open_flt = _open_only(ledger, flt)
    rows = list(uow.cases.input_rows([*lead, *(source for _, source in inputs)], open_flt))
    open_statuses = set(ledger.open_statuses())
    rows = [r for r in rows if r[LEAD] in open_statuses]
    money = [i for i, (name, _) in enumerate(inputs) if _type(ledger, name) == "money"]
    # One key per distinct reading: what the policies read (money kept in fen until a reading is
    # built), and the level the case is held at.
    convert = [None if i in money else f for i, f in enumerate(decode)]
    keys = [(_values(row[first_input:], convert), row[LEAD + 1]) for row in rows]
    days: list[int | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    for policy_id in ledger.escalation_policies():
        if not pending:
            break
        pending = _judge_policy(ledger, policy_id, names, money, decode, keys, pending, days, as_of)
    return [(row, d or 0) for row, d in zip(rows, days)]


def _type(ledger: Ledger, name: str) -> str | None:
    fdef = ledger.vocabulary.fields.get(name)
    return fdef.type if fdef is not None else ("int" if name.endswith("_count") or name == "sessions" else None)


def _values(values: Sequence[Any], convert: list[Callable[[Any], Any] | None]) -> tuple:
    if not any(convert):
        return tuple(values)
    return tuple(value if f is None or value is None else f(value) for value, f in zip(values, convert))


def _judge_policy(ledger: Ledger, policy_id: str, names: list[str], money: list[int], decode: list, keys: list,
                  pending: list[int], days: list[int | None], as_of: dt.date) -> list[int]:
    """Judge the pending rows by one escalation policy; returns the rows it could not judge.

    Cases the policy cannot tell apart share one evaluation: numbers on the same side of every
    value its conditions compare with, received dates under the same version and rows. Each
    case's own dates then follow from its received date (`track`)."""
    versions = ledger.rules.book.versions(policy_id)
    date_field = versions[-1].date_field
    day_class = date_classes(versions)
    classify = [day_class if name == date_field
                else number_classes(versions, name, 100 if i in money else 1)
                if _type(ledger, name) in _NUMERIC else None
                for i, name in enumerate(names)]
    received_at = names.index("received_on") if "received_on" in names else None
    as_is = _tuple_of([j for j, f in enumerate(classify) if f is None])
    classed = [(j, f) for j, f in enumerate(classify) if f is not None]
    index_of: dict[Any, int] = {}
    readings: list[dict[str, Any]] = []
    picks = []
    for i in pending:
        values, level = keys[i]
        key = (as_is(values), level, *[f(values[j]) for j, f in classed])
        found = index_of.get(key)
        if found is None:
            data = {}
            for j, (name, value) in enumerate(zip(names, values)):
                if value is not None:
                    data[name] = decode[j](value) if j in money else value
            found = index_of[key] = len(readings)
            readings.append(data)
        picks.append(found)
    verdicts = [_deadline_rule(ledger, policy_id, outcome, reading)
                for outcome, reading in zip(ledger.rules.evaluate_batch(policy_id, readings, as_of), readings)]
    # Few verdicts, a few hundred received dates: each (verdict, date, level) is worked out once.
    slots = [None if v is None else (id(v[0]), *v[1:]) for v in verdicts]
    worked: dict[Any, int] = {}
    still = []
    for i, found in zip(pending, picks):
        verdict = verdicts[found]
        received = keys[i][0][received_at] if received_at is not None else None
        if verdict is None or received is None:
            still.append(i)  # this policy could not judge the case: the next one may
            continue
        level = keys[i][1]
        slot = (slots[found], received, level)
        late = worked.get(slot)
        if late is None:
            section, start, answer_days, closed, clock = verdict
            steps = track(section, start, answer_days, clock or received, as_of, closed)
            late = worked[slot] = days_overdue_at(steps, level, as_of, closed)
        days[i] = late
    return still


def _tuple_of(places: list[int]) -> Callable[[Sequence[Any]], tuple]:
    """values → the tuple of the values at `places` (C-level for two or more)."""
    if len(places) > 1:
        return operator.itemgetter(*places)
    if places:
        only = places[0]
        return lambda values: (values[only],)
    return lambda values: ()


def _deadline_rule(ledger: Ledger, policy_id: str, outcome: Any, reading: dict[str, Any]) -> tuple | None:
    """What an escalation outcome decided before any date — (section, start level, answer days,
    closed) — or None when the policy could not judge the case."""
    if isinstance(outcome, EvaluationError):
        return None
    policy = ledger.rules.book.by_hash(policy_id, outcome.hash)
    section = policy.escalation if policy is not None else None
    if section is None or "start_level" not in outcome.details:
        return None
    closed = reading.get("status") in section.closed_statuses
    clock = outcome.details.get("clock_from")  # a case sent up by hand: its clock's own first day
    return (section, outcome.details["start_level"], int(outcome.outputs["answer_days"]), closed,
            dt.date.fromisoformat(clock) if clock else None)


def _open_only(ledger: Ledger, flt: CaseFilter) -> CaseFilter:
    import copy

    narrowed = copy.copy(flt)
    narrowed.statuses = ledger.open_statuses()
    return narrowed


def overdue_days(ledger: Ledger, case: Case, unit_code: str | None, as_of: dt.date) -> int:
    """One case's days past its deadline at the level that holds it (0 when closed)."""
    return overdue_days_many(ledger, [case], {case.unit_id: unit_code} if unit_code else {}, as_of)[0]


def overdue_days_many(ledger: Ledger, cases: list[Case], unit_codes: dict[int, str], as_of: dt.date) -> list[int]:
    """`overdue_days` for each of `cases` (a page of them), through the batch path."""
    from .verdicts import first_judged

    open_statuses = set(ledger.open_statuses())
    open_cases = [c for c in cases if c.status in open_statuses]
    judged = first_judged(ledger, ledger.escalation_policies(), "escalation", open_cases, unit_codes, as_of,
                          lambda outcome: "start_level" in outcome.details)
    late = {id(open_cases[i]): days_from_outcome(outcome, open_cases[i].level, as_of) for i, outcome in judged.items()}
    return [late.get(id(case), 0) for case in cases]


__all__ = ["overdue_scan", "overdue_days", "overdue_days_many", "escalation_fields", "days_from_outcome"]
