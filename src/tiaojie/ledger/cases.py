"""Cases: add, edit, settle, escalate, list. Adding or settling evaluates the policies in force
on the case's date and stores each outcome with the policy version that produced it."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from ..rules.errors import EvaluationError
from ..store.messages import Conflict, InvalidInput, Message, NotFound, did_you_mean
from ..store.repository import CaseFilter
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .models import Case, Escalation, Outcome, User
from ..calc.escalation import days_overdue_at, track
from ..rules.classes import date_classes, number_classes
from .periods import guard_case_write, parse_period

OPEN_STATUSES = ("received", "mediating", "escalated")
# Vocabulary-checked fields: the value may be an id or its Chinese/English label.
ENUM_FIELDS = ("category", "severity", "status", "settled_by", "level", "source", "urgency")


def normalise(ledger: Ledger, values: dict[str, Any]) -> dict[str, Any]:
    """User input (ids or labels, strings for dates and money) → model values."""
    out = dict(values)
    for name in ENUM_FIELDS:
        if out.get(name) not in (None, ""):
            out[name] = ledger.coerce(name, out[name])
    if out.get("agreement_kind") not in (None, ""):
        out["agreement_kind"] = ledger.coerce("agreement", out["agreement_kind"])
    for name in ("received_on", "accepted_on", "settled_on", "closed_on"):
        if isinstance(out.get(name), str):
            out[name] = ledger.coerce(name, out[name]) if out[name] else None
    if isinstance(out.get("amount_involved"), (str, int)):
        out["amount_involved"] = ledger.coerce("amount_involved", out["amount_involved"])
    return out


def _build(values: dict[str, Any]) -> Case:
    try:
        case = Case(**values)
    except ValidationError as err:
        first = err.errors()[0]
        raise InvalidInput("case_field", field=".".join(map(str, first["loc"])), detail=first["msg"]) from None
    check_dates(case)
    return case


def check_dates(case: Case) -> None:
    """Received ≤ accepted ≤ settled ≤ closed, where given."""
    order = [("received_on", "受理日期"), ("accepted_on", "立案日期"), ("settled_on", "调处成功日期"), ("closed_on", "结案日期")]
    present = [(name, label, getattr(case, name)) for name, label in order if getattr(case, name)]
    for (n1, l1, d1), (n2, l2, d2) in zip(present, present[1:]):
        if d2 < d1:
            raise InvalidInput("case_dates", later=n2, later_zh=l2, later_date=d2, earlier=n1, earlier_zh=l1, earlier_date=d1)


def evaluation_input(ledger: Ledger, uow: SqlUnitOfWork, case: Case, units: dict[int, Any] | None = None) -> dict[str, Any]:
    """The case as the policies read it; `units` (id → unit) saves a query per case in bulk."""
    data = case.evaluation_input()
    if "agreement_kind" in data:
        data["agreement"] = data.pop("agreement_kind")
    unit = units.get(case.unit_id) if units is not None else uow.units.get(case.unit_id)
    if unit:
        data["unit"] = unit.code
    data["sessions"] = max(1, len(case.escalations) + 1)
    return data


def outcome_model(case_id: int, outcome) -> Outcome:  # noqa: ANN001
    """A rules-core Outcome → what the ledger stores: plain JSON, explanation in both languages."""
    zh, en = outcome.to_json("zh"), outcome.to_json("en")
    explanation = [{"zh": a, "en": b} for a, b in zip(zh["explanation"], en["explanation"])]
    for a, b in zip(zh.get("near_misses", []), en.get("near_misses", [])):
        explanation.append({"zh": a, "en": b, "near_miss": True})
    outputs = dict(zh["outputs"])
    for key in ("violations", "allocations", "path"):
        if key in zh:
            outputs[f"_{key}"] = zh[key]
    return Outcome(
        case_id=case_id, policy_id=outcome.policy, version=outcome.version, hash=outcome.hash,
        as_of=outcome.as_of, outputs=outputs, fired=list(zh["fired"]), explanation=explanation,
    )


def _evaluate_and_store(ledger: Ledger, uow: SqlUnitOfWork, case: Case, policies: list[str], as_of: dt.date) -> list[Outcome]:
    stored = []
    data = evaluation_input(ledger, uow, case)
    for policy_id in policies:
        try:
            outcome = ledger.rules.evaluate(policy_id, data, as_of=as_of)
        except EvaluationError as err:
            if err.key == "no_version_in_force":
                continue  # a policy not yet (or no longer) in force says nothing about this case
            raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None
        stored.append(uow.outcomes.add(outcome_model(case.id, outcome)))  # type: ignore[arg-type]
    return stored


@dataclass
class CaseResult:
    case: Case
    outcomes: list[Outcome]


def _unit_id(ledger: Ledger, uow: SqlUnitOfWork, ref: str | int) -> int:
    if isinstance(ref, int):
        return ref
    unit = uow.units.find(ref)
    if unit is None:
        raise NotFound("unknown_unit", unit=ref, hint=did_you_mean(ref, [u.code for u in uow.units.list()]))
    return unit.id  # type: ignore[return-value]


def add_case(ledger: Ledger, by: User, unit: str | int, **values: Any) -> CaseResult:
    """Register a case. Evaluates the escalation policy (and, if it arrives settled, the reward
    policies) and stores the outcomes."""
    check(by, "case_write")
    with ledger.uow() as uow:
        uow.lock_periods(exclusive=False)
        case = _build(normalise(ledger, {**values, "unit_id": _unit_id(ledger, uow, unit)}))
        if case.mediators == [] and by.role == "mediator":
            case.mediators = [by.name]
        if uow.cases.by_number(case.unit_id, case.number):
            raise Conflict("case_exists", unit=unit, number=case.number)
        guard_case_write(uow, None, case)
        case = _start_level(ledger, uow, case)
        stored = uow.cases.add(case)
        outcomes = _evaluate_and_store(ledger, uow, stored, ledger.escalation_policies(), stored.received_on)
        if stored.status == "settled" and stored.settled_on:
            outcomes += _evaluate_and_store(ledger, uow, stored, ledger.reward_policies(), stored.settled_on)
        uow.audit(by.name, "case.add", "case", stored.id, None, stored)
        uow.commit()
        return CaseResult(stored, outcomes)


def _start_level(ledger: Ledger, uow: SqlUnitOfWork, case: Case) -> Case:
    """A new case starts at the level the escalation policy assigns on the day it was received."""
    for policy_id in ledger.escalation_policies():
        try:
            outcome = ledger.rules.evaluate(policy_id, evaluation_input(ledger, uow, case), as_of=case.received_on)
        except EvaluationError:
            continue
        level = outcome.outputs.get("level")
        if level:
            return case.model_copy(update={"level": level})
    return case


def get_case(ledger: Ledger, unit: str | int, number: str) -> Case:
    with ledger.uow() as uow:
        case = uow.cases.by_number(_unit_id(ledger, uow, unit), number)
        if case is None:
            raise NotFound("unknown_case", case=f"{unit}/{number}")
        return case


def case_outcomes(ledger: Ledger, case_id: int) -> list[Outcome]:
    with ledger.uow() as uow:
        return uow.outcomes.for_case(case_id)


def edit_case(ledger: Ledger, by: User, case_id: int, **changes: Any) -> Case:
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id)
        changes = normalise(ledger, changes)
        data = before.model_dump()
        data.update(changes)
        after = _build(data)
        guard_case_write(uow, before, after)
        if changes.get("number") and changes["number"] != before.number and uow.cases.by_number(after.unit_id, after.number):
            raise Conflict("case_exists", unit=after.unit_id, number=after.number)
        stored = uow.cases.update(after)
        uow.audit(by.name, "case.edit", "case", case_id, before, stored)
        uow.commit()
        return stored


def _locked_case(uow: SqlUnitOfWork, case_id: int, *, ledger: Ledger | None = None, open_for: str | None = None) -> Case:
    """The case, row-locked for writing, after the shared period lock that a close waits on;
    with `open_for`, refused unless the case is still open."""
    uow.lock_periods(exclusive=False)
    before = uow.cases.get(case_id, lock=True)
    if before is None:
        raise NotFound("unknown_case", case=case_id)
    if open_for and before.status not in OPEN_STATUSES:
        assert ledger is not None
        raise InvalidInput("case_not_open", status=ledger.label("status", before.status), action=Message(open_for))
    return before


def settle_case(
    ledger: Ledger,
    by: User,
    case_id: int,
    *,
    settled_on: dt.date | str,
    settled_by: str,
    status: str = "settled",
    **more: Any,
) -> CaseResult:
    """Record the end of mediation (settled or failed) and evaluate the reward policies in force
    on the settlement date."""
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id, ledger=ledger, open_for="verb_settle")
        changes = normalise(ledger, {"settled_on": settled_on, "settled_by": settled_by, "status": status, **more})
        data = before.model_dump()
        data.update(changes)
        after = _build(data)
        guard_case_write(uow, before, after)
        stored = uow.cases.update(after)
        outcomes = _evaluate_and_store(ledger, uow, stored, ledger.reward_policies(), stored.settled_on)  # type: ignore[arg-type]
        uow.audit(by.name, "case.settle", "case", case_id, before, stored)
        uow.commit()
        return CaseResult(stored, outcomes)


def escalate_case(ledger: Ledger, by: User, case_id: int, *, on: dt.date | str | None = None, reason: str = "", to_level: str | None = None) -> CaseResult:
    """Move a case one level up (or to ``to_level``), recording the step in its history."""
    check(by, "case_write")
    with ledger.uow() as uow:
        before = _locked_case(uow, case_id, ledger=ledger, open_for="verb_escalate")
        levels = ledger.enum_ids("level")
        if to_level:
            target = ledger.coerce("level", to_level)
        else:
            index = levels.index(before.level) if before.level in levels else 0
            if index + 1 >= len(levels):
                raise InvalidInput("case_top_level", level=ledger.label("level", before.level))
            target = levels[index + 1]
        day = ledger.coerce("received_on", on) if isinstance(on, str) else (on or ledger.date())
        step = Escalation(escalated_on=day, from_level=before.level, to_level=target, reason=reason, by_user=by.name)
        after = _build({**before.model_dump(), "level": target, "status": "escalated", "escalations": [*before.model_dump()["escalations"], step.model_dump()]})
        guard_case_write(uow, before, after)
        uow.cases.update(after.model_copy(update={"escalations": []}))
        uow.cases.add_escalation(case_id, step)
        stored = uow.cases.get(case_id)
        outcomes = _evaluate_and_store(ledger, uow, stored, ledger.escalation_policies(), day)  # type: ignore[arg-type]
        uow.audit(by.name, "case.escalate", "case", case_id, before, stored)
        uow.commit()
        return CaseResult(stored, outcomes)  # type: ignore[arg-type]


def list_cases(
    ledger: Ledger,
    *,
    unit: str | None = None,
    status: str | None = None,
    category: str | None = None,
    period: str | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    limit: int | None = None,
) -> list[Case]:
    """Cases by unit (and the units under it), status, category, period (received in it, or
    settled in it) and overdue (open past the escalation policy's deadline as of today)."""
    with ledger.uow() as uow:
        unit_ids = uow.units.subtree_ids(_unit_id(ledger, uow, unit)) if unit else None
        flt = CaseFilter(
            unit_ids=unit_ids,
            status=ledger.coerce("status", status) if status else None,
            category=ledger.coerce("category", category) if category else None,
            open_only=overdue,
        )
        if overdue:  # judged in bulk: each distinct reading once, not each case
            return _overdue_list(ledger, uow, flt, period, as_of or ledger.date(), limit)
        cases = uow.cases.list(flt, limit=None if overdue or period else limit)
        if period:
            p = parse_period(period)
            cases = [c for c in cases if p.covers(c.received_on) or (c.settled_on and p.covers(c.settled_on))]
        if overdue:
            cases = [c for c in cases if overdue_days(ledger, uow, c, as_of or ledger.date()) > 0]
        return cases[:limit] if limit else cases


def overdue_days(ledger: Ledger, uow: SqlUnitOfWork, case: Case, as_of: dt.date) -> int:
    """Days past the answer deadline at the level that holds the case. The escalation policy moves
    an unanswered matter up a level when a deadline passes; a case still recorded at the lower
    level is overdue from that deadline on, even if the next level's clock has not yet run out."""
    if case.status not in OPEN_STATUSES:
        return 0
    for policy_id in ledger.escalation_policies():
        try:
            outcome = ledger.rules.evaluate(policy_id, evaluation_input(ledger, uow, case), as_of=as_of)
        except EvaluationError:
            continue
        due = None
        for step in outcome.details.get("path", []):
            if step["level"] == case.level:
                due = dt.date.fromisoformat(step["due_on"])
        if due is not None and as_of > due:
            return (as_of - due).days
        return int(outcome.outputs.get("days_overdue") or 0)
    return 0


__all__ = [
    "CaseResult", "add_case", "edit_case", "settle_case", "escalate_case", "list_cases", "get_case",
    "case_outcomes", "normalise", "evaluation_input", "outcome_model", "check_dates", "overdue_days",
]


# --- the ledger in pages, and the overdue filter in bulk ---------------------------------------

# Fields the policies read → the column that holds them, where the two differ; fields computed
# from a case rather than stored (see `evaluation_input`); model fields a policy never sees.
_INPUT_COLUMN = {"amount_involved": "amount_involved_fen", "agreement": "agreement_kind"}
_DERIVED_INPUTS = ("unit", "sessions", "escalation_count", "parties_count", "mediators_count")
_NOT_INPUTS = {"id", "unit_id", "escalations", "created_at", "updated_at", "parties", "mediators", "summary", "agreement_kind"}


def _escalation_fields(ledger: Ledger) -> list[str]:
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


def _case_filter(ledger: Ledger, uow: SqlUnitOfWork, *, unit: str | int | None, status: str | None, category: str | None,
                 severity: str | None = None, period: str | None = None, open_only: bool = False):  # noqa: ANN202
    from ..store.repository import PageFilter

    p = parse_period(period) if period else None
    return PageFilter(
        unit_ids=uow.units.subtree_ids(_unit_id(ledger, uow, unit)) if unit not in (None, "") else None,
        status=ledger.coerce("status", status) if status else None,
        category=ledger.coerce("category", category) if category else None,
        severity=ledger.coerce("severity", severity) if severity else None,
        received_or_settled_between=(p.starts_on, p.ends_on) if p else None,
        open_only=open_only,
    )


def overdue_scan(ledger: Ledger, uow: SqlUnitOfWork, flt: CaseFilter, as_of: dt.date,
                 columns: tuple[str, ...] = ()) -> list[tuple[Any, int]]:
    """(row, days overdue) for every open case the filter selects, as `overdue_days` would say
    case by case — but reading only the columns the escalation policies read, as plain rows, and
    evaluating each distinct reading once per policy through the batch path.

    A row is (id, unit_id, number, received_on, settled_on, *columns, *what the policies read)."""
    from ..money import from_fen

    names = _escalation_fields(ledger)
    fields = set(Case.model_fields) - _NOT_INPUTS
    stored = [n for n in names if n in _INPUT_COLUMN or n in fields]
    derived = [n for n in names if n in _DERIVED_INPUTS]
    wanted = list(columns)
    for name in ["status", "level", *(_INPUT_COLUMN.get(n, n) for n in stored)]:
        if name not in wanted:
            wanted.append(name)
    if "parties_count" in derived:
        wanted.append("parties")
    if "mediators_count" in derived:
        wanted.append("mediators")
    at = {name: 5 + i for i, name in enumerate(wanted)}
    status_at, level_at = at["status"], at["level"]
    value_at = [at[_INPUT_COLUMN.get(n, n)] for n in stored]
    units = {u.id: u.code for u in uow.units.list()} if "unit" in derived else {}
    escalations = uow.cases.escalation_counts() if {"sessions", "escalation_count"} & set(derived) else {}
    open_flt = flt if flt.open_only else _with_open_only(flt)
    rows = [r for r in uow.cases.projection_rows(wanted, open_flt) if r[status_at] in OPEN_STATUSES]

    def extra(row: Any) -> tuple:
        out = []
        for name in derived:
            if name == "unit":
                out.append(units.get(row[1]))
            elif name == "sessions":
                out.append(max(1, escalations.get(row[0], 0) + 1))
            elif name == "escalation_count":
                out.append(escalations.get(row[0], 0))
            else:
                out.append(len(row[at["parties" if name == "parties_count" else "mediators"]] or ()))
        return tuple(out)

    # One key per distinct reading: what the policies read, and the level the case is held at.
    names = stored + derived
    keys = [(tuple(row[i] for i in value_at) + (extra(row) if derived else ()), row[level_at]) for row in rows]
    days: list[int | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    for policy_id in ledger.escalation_policies():
        if not pending:
            break
        # Cases the policy cannot tell apart share one evaluation: numbers on the same side of
        # every value its conditions compare with, received dates under the same version and
        # rows. Each case's own dates then follow from its received date (`track`).
        versions = ledger.rules.book.versions(policy_id)
        date_field = versions[-1].date_field
        day_class = date_classes(versions)
        classify = [day_class if name == date_field
                    else number_classes(versions, name, 100 if name == "amount_involved" else 1)  # fen
                    if name in _NUMERIC_INPUTS else None
                    for name in names]
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
                for name, value in zip(names, values):
                    if value is not None:
                        data[name] = from_fen(value) if name == "amount_involved" else value
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
                section, start, answer_days, closed = verdict
                steps = track(section, start, answer_days, received, as_of, closed)
                late = worked[slot] = days_overdue_at(steps, level, as_of, closed)
            days[i] = late
        pending = still
    return [(row, d or 0) for row, d in zip(rows, days)]


def _tuple_of(places: list[int]):  # noqa: ANN202
    """values → the tuple of the values at `places` (C-level for two or more)."""
    if len(places) > 1:
        return operator.itemgetter(*places)
    if places:
        only = places[0]
        return lambda values: (values[only],)
    return lambda values: ()


_NUMERIC_INPUTS = ("persons_involved", "amount_involved", "sessions", "escalation_count", "parties_count",
                   "mediators_count")


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
    return section, outcome.details["start_level"], int(outcome.outputs["answer_days"]), closed


def _with_open_only(flt: CaseFilter) -> CaseFilter:
    import copy

    narrowed = copy.copy(flt)
    narrowed.open_only = True
    return narrowed


def _days_overdue(outcome: Any, level: str, as_of: dt.date) -> int:
    """`overdue_days` from one outcome: past the deadline at the level that holds the case."""
    due = None
    for step in outcome.details.get("path", []):
        if step["level"] == level:
            due = dt.date.fromisoformat(step["due_on"])
    if due is not None and as_of > due:
        return (as_of - due).days
    return int(outcome.outputs.get("days_overdue") or 0)


def _first_judgement(ledger: Ledger, policy_ids: list[str], inputs: dict[int, dict[str, Any]], as_of: dt.date,
                     judge: Callable[[int, Any], Any]) -> dict[int, Any]:
    """For each input, `judge(i, outcome)` of the first policy (in order) whose outcome it can
    judge — not an error, and `judge` not None — through the batch path; inputs none can judge
    are left out."""
    found: dict[int, Any] = {}
    pending = list(inputs)
    for policy_id in policy_ids:
        if not pending:
            break
        still = []
        for i, outcome in zip(pending, ledger.rules.evaluate_batch(policy_id, [inputs[i] for i in pending], as_of)):
            value = None if isinstance(outcome, EvaluationError) else judge(i, outcome)
            if value is None:
                still.append(i)
            else:
                found[i] = value
        pending = still
    return found


def _inputs(ledger: Ledger, uow: SqlUnitOfWork, cases: list[Case], places: Iterable[int]) -> dict[int, dict[str, Any]]:
    places = list(places)
    units = {u.id: u for u in uow.units.list()} if len(places) > 20 else None
    return {i: evaluation_input(ledger, uow, cases[i], units) for i in places}


def overdue_days_many(ledger: Ledger, uow: SqlUnitOfWork, cases: list[Case], as_of: dt.date) -> list[int]:
    """`overdue_days` for each of `cases` (a page of them), through the batch path."""
    open_ = [i for i, c in enumerate(cases) if c.status in OPEN_STATUSES]
    days = _first_judgement(ledger, ledger.escalation_policies(), _inputs(ledger, uow, cases, open_), as_of,
                            lambda i, outcome: _days_overdue(outcome, cases[i].level, as_of))
    return [days.get(i, 0) for i in range(len(cases))]


def rewards_many(ledger: Ledger, uow: SqlUnitOfWork, cases: list[Case], as_of: dt.date) -> list[Decimal | None]:
    """The reward each case earns under the rules in force — what computing its period will pay
    before ceilings — from the first reward policy that can judge it; None where none can. For
    cases with no stored outcome (imported, or added in bulk)."""
    rewards = _first_judgement(
        ledger, ledger.reward_policies(), _inputs(ledger, uow, cases, range(len(cases))), as_of,
        lambda i, outcome: Decimal(outcome.outputs["amount"]) if "amount" in outcome.outputs else None)
    return [rewards.get(i) for i in range(len(cases))]


def _sort_value(sort: str, at: int):  # noqa: ANN202
    """A Python key that orders projection rows as `page_order` orders them in SQL."""
    from ..store.repository import SEVERITY_ORDER

    if sort == "severity":
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        return lambda row: rank.get(row[at], len(SEVERITY_ORDER))
    return lambda row: row[at]


def page_cases(
    ledger: Ledger,
    *,
    unit: str | int | None = None,
    status: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    period: str | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    sort: str = "received",
    descending: bool = False,
    page: int = 1,
    size: int = 100,
    memo: dict[str, Any] | None = None,
) -> tuple[list[Case], int]:
    """One page of the ledger and how many cases match: (cases on the page, total).

    Filters as `list_cases` (plus severity); `sort` is one of `PAGE_SORTS` (number, received,
    settled, category, severity, status, level), ties in order of receipt then id. A page past
    the last gives the last. Without `overdue` the database counts, orders and cuts the page;
    with it, the open cases are judged in bulk (`overdue_scan`) and the overdue ones ordered by
    the same key in Python. A caller turning pages or changing the sort under the same filters
    may pass the same `memo` dict each time: the judgement of the open cases is kept in it (keyed
    by the filters, the date and the rule set) and not repeated; drop it when cases change."""
    from ..store.repository import PAGE_SORTS

    if sort not in PAGE_SORTS:
        raise InvalidInput("case_field", field="sort", detail=f"{sort} ∉ {', '.join(PAGE_SORTS)}")
    size = max(1, size)
    with ledger.uow() as uow:
        flt = _case_filter(ledger, uow, unit=unit, status=status, category=category, severity=severity,
                           period=period, open_only=overdue)
        if not overdue:
            total = uow.cases.count(flt)
            page = min(max(1, page), max(1, -(-total // size)))
            return uow.cases.page(flt, sort=sort, descending=descending, offset=(page - 1) * size, limit=size), total
        columns = tuple(dict.fromkeys(PAGE_SORTS.values()))
        at = 5 + columns.index(PAGE_SORTS[sort])
        day = as_of or ledger.date()
        key = (unit, status, category, severity, period, day, id(ledger.rules))
        kept = memo.get("overdue") if memo is not None else None  # one (key, rows) pair: swapped whole
        if kept is not None and kept[0] == key:
            late = list(kept[1])
        else:
            late = [row for row, days in overdue_scan(ledger, uow, flt, day, columns) if days > 0]
            if memo is not None:
                memo["overdue"] = (key, tuple(late))
        total = len(late)
        page = min(max(1, page), max(1, -(-total // size)))
        late.sort(key=lambda row: (row[3], row[0]))  # ties: order of receipt, then id
        if sort != "received":
            if sort == "settled":  # no settlement date first going up, last going down
                order = lambda row: (row[at] is not None, row[at] or dt.date.min)  # noqa: E731
            else:
                order = _sort_value(sort, at)
            late.sort(key=order, reverse=descending)  # stable: ties keep the order of receipt
        elif descending:
            late.sort(key=lambda row: row[3], reverse=True)  # stable: ties keep ascending id
        shown = [row[0] for row in late[(page - 1) * size : page * size]]
        return uow.cases.get_many(shown), total


def _overdue_list(ledger: Ledger, uow: SqlUnitOfWork, flt: CaseFilter, period: str | None, as_of: dt.date,
                  limit: int | None) -> list[Case]:
    """`list_cases(overdue=True)`: the overdue cases in order of receipt (then id)."""
    from ..store.repository import PageFilter

    p = parse_period(period) if period else None
    narrowed = PageFilter(unit_ids=flt.unit_ids, status=flt.status, category=flt.category, open_only=True,
                          received_or_settled_between=(p.starts_on, p.ends_on) if p else None)
    late = sorted((row[3], row[0]) for row, days in overdue_scan(ledger, uow, narrowed, as_of) if days > 0)
    ids = [case_id for _, case_id in late]
    return uow.cases.get_many(ids[:limit] if limit else ids)


__all__ += ["page_cases", "overdue_scan", "overdue_days_many", "rewards_many"]
