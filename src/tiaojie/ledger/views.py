"""Read models of the case ledger: one case, its history, a page of the ledger, the overdue list.

The command line and the terminal UI read cases here and nowhere else, so a case shows the same
level, due date, overdue days and reward wherever it is looked at: the stored level (which every
write keeps in step with the escalation policy), the deadline at that level and the days past it
as of the day asked, and the reward its current outcome gives (or, for a case imported without
outcomes, what the rules in force give). Each read takes the reader and covers only their part of
the unit tree (`scope`): lists narrow their query, a single case outside it is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..models import Case, Outcome, Period, Unit, User
from ..rules.errors import EvaluationError
from ..store.case_repository import PAGE_SORTS, RANKED, CaseFilter, PageFilter
from ..store.uow import SqlUnitOfWork
from ..vocabulary import Vocabulary
from .cases import unit_id
from .context import Ledger
from .errors import InvalidInput, NotFound
from .overdue import days_from_outcome, overdue_scan
from .periods import parse_period
from .scope import narrowed, require_unit
from .verdicts import first_judged, outcome_model


# --- who sees what ---------------------------------------------------------------------------------
def visible_units(ledger: Ledger, uow: SqlUnitOfWork, user: User | None, unit: str | int | None = None) -> set[int] | None:
    """The unit ids a reader may see (None: all), narrowed to `unit` and the units under it: the
    reader's unit and the units under it; a reader without a unit (county staff) the whole tree."""
    return narrowed(uow, user, unit_id(uow, unit) if unit not in (None, "") else None)


# --- one case ----------------------------------------------------------------------------------------
@dataclass
class CaseState:
    """What every view shows of a case at a moment."""

    level: str
    due_on: dt.date | None
    overdue: int
    reward: Decimal | None
    path: list[dict] = field(default_factory=list)  # the escalation policy's steps as of the day asked
    reward_judged_now: bool = False  # no stored reward outcome (an imported case): the rules in force say


def _codes(uow: SqlUnitOfWork) -> dict[int, str]:
    return {u.id: u.code for u in uow.units.list() if u.id is not None}


def unit_codes(ledger: Ledger) -> dict[int, str]:
    """Unit id → code, for listing cases."""
    with ledger.uow() as uow:
        return _codes(uow)


def _reward(ledger: Ledger, outcomes: list[Outcome]) -> Decimal | None:
    rewards = set(ledger.reward_policies())
    for outcome in outcomes:
        if outcome.policy_id in rewards and outcome.current and "amount" in outcome.outputs:
            return Decimal(str(outcome.outputs["amount"]))
    return None


def case_states(ledger: Ledger, uow: SqlUnitOfWork, cases: list[Case], as_of: dt.date) -> list[CaseState]:
    """Level, due date, overdue days and reward of each case, as of `as_of`, through the batch path."""
    codes = _codes(uow)
    stored = uow.outcomes.current_many([c.id for c in cases if c.id is not None])
    open_statuses = set(ledger.open_statuses())
    judged = first_judged(ledger, ledger.escalation_policies(), "escalation", cases, codes, as_of,
                          lambda outcome: "start_level" in outcome.details)
    paths = {i: list(outcome.details.get("path") or []) for i, outcome in judged.items()}
    late = {i: days_from_outcome(outcome, cases[i].level, as_of) for i, outcome in judged.items()
            if cases[i].status in open_statuses}
    unjudged = [i for i, c in enumerate(cases) if _reward(ledger, stored.get(c.id or 0, [])) is None and c.settled_on]
    computed = rewards_many(ledger, uow, [cases[i] for i in unjudged], as_of)
    live = dict(zip(unjudged, computed))
    states = []
    for i, case in enumerate(cases):
        path = paths.get(i, [])
        due = next((dt.date.fromisoformat(s["due_on"]) for s in reversed(path) if s["level"] == case.level), None)
        reward = _reward(ledger, stored.get(case.id or 0, []))
        states.append(CaseState(
            level=case.level, due_on=due, overdue=late.get(i, 0), reward=reward if reward is not None else live.get(i),
            path=path, reward_judged_now=reward is None and live.get(i) is not None,
        ))
    return states


def rewards_many(ledger: Ledger, uow: SqlUnitOfWork, cases: list[Case], as_of: dt.date) -> list[Decimal | None]:
    """The reward each case earns under the rules in force — what computing its period will pay
    before ceilings — from the first reward policy that can judge it; None where none can."""
    codes = _codes(uow) if cases else {}
    judged = first_judged(ledger, ledger.reward_policies(), "reward", cases, codes, as_of,
                          lambda outcome: "amount" in outcome.outputs)
    return [Decimal(judged[i].outputs["amount"]) if i in judged else None for i in range(len(cases))]


def get_case(ledger: Ledger, unit: str | int, number: str, user: User | None = None) -> Case:
    """A case by unit and number; refused when outside `user`'s part of the tree."""
    with ledger.uow() as uow:
        case = uow.cases.by_number(unit_id(uow, unit), number)
        if case is None:
            raise NotFound("unknown_case", case=f"{unit}/{number}")
        if user is not None:
            require_unit(uow, user, case.unit_id)
        return case


def find_case(ledger: Ledger, ref: str, unit: str | None = None, user: User | None = None) -> Case:
    """A case by UNIT/NUMBER, by number within `unit`, by a number alone (one case in the units
    `user` sees), or by its id; refused when outside `user`'s part of the tree."""
    if unit:
        return get_case(ledger, unit, ref, user)
    if "/" in ref:
        unit_ref, number = ref.split("/", 1)
        return get_case(ledger, unit_ref, number, user)
    with ledger.uow() as uow:
        # a bare number, as `case list` shows it: found among the units the user sees, and named
        # by unit when several of them use it
        numbered = uow.cases.ids_numbered(ref, narrowed(uow, user, None))
        if len(numbered) > 1:
            names = "、".join(f"{u.code} {u.name}" for u in (uow.units.get(unit) for _, unit in numbered) if u)
            raise InvalidInput("case_number_in_units", case=ref, units=names)
        found = uow.cases.get(numbered[0][0]) if numbered else None
        if found is None and ref.isdigit():
            found = uow.cases.get(int(ref))
            if found is not None and user is not None:
                require_unit(uow, user, found.unit_id)
    if found is not None:
        return found
    raise NotFound("unknown_case", case=ref)


@dataclass
class HistoryEntry:
    """An outcome the case once had, and what replaced it."""

    outcome: Outcome
    action: str
    changed: dict[str, list[Any]]


@dataclass
class CaseDetail:
    case: Case
    unit_code: str
    unit: str
    state: CaseState
    outcomes: list[Outcome]  # current: stored, or judged now for a case imported without them
    judged_now: frozenset[str]  # policies of `outcomes` with no stored outcome, judged now
    history: list[HistoryEntry]
    extra: dict[str, Any]  # the case's extra fields, typed
    payouts: list[tuple[str, Decimal, str | None]]  # (period key, amount, capped by)
    adjustments: list[tuple[str, Decimal, str]]


def case_detail(ledger: Ledger, case_id: int, as_of: dt.date | None = None, user: User | None = None) -> CaseDetail:
    """One case with its state, current outcomes, the history of replaced ones, and its payments;
    refused when outside `user`'s part of the tree."""
    day = as_of or ledger.date()
    with ledger.uow() as uow:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound("unknown_case", case=case_id)
        if user is not None:
            require_unit(uow, user, case.unit_id)
        unit = uow.units.get(case.unit_id)
        every = uow.outcomes.for_case(case_id)
        current = [o for o in every if o.current]
        state = case_states(ledger, uow, [case], day)[0]
        stored = {o.policy_id for o in current}
        judged_now: set[str] = set()
        codes = _codes(uow)
        for policy_id in [*ledger.reward_policies(), *ledger.escalation_policies()]:
            if policy_id in stored or (policy_id in ledger.reward_policies() and case.settled_on is None):
                continue
            kind = "escalation" if policy_id in ledger.escalation_policies() else "reward"
            data = ledger.projection.case_input(case, codes.get(case.unit_id), kind)
            as_of_policy = case.received_on if kind == "escalation" else (case.settled_on or day)
            try:
                outcome = ledger.rules.evaluate(policy_id, data, as_of_policy)
            except EvaluationError:
                continue
            current.append(outcome_model(case_id, outcome))
            judged_now.add(policy_id)
        periods = {p.id: p.key for p in uow.periods.list()}
        payouts = [(periods.get(p.period_id, "?"), p.amount, p.capped_by) for p in uow.payouts.for_case(case_id)]
        adjustments = [(periods.get(a.period_id, "?"), a.amount, a.reason) for a in uow.adjustments.for_case(case_id)]
    history = [HistoryEntry(o, *_reason(o.replaced_reason)) for o in every if not o.current]
    return CaseDetail(case, unit.code if unit else "", unit.name if unit else "", state, current,
                      frozenset(judged_now), history, ledger.projection.extra_values(case), payouts, adjustments)


def _reason(text: str | None) -> tuple[str, dict[str, list[Any]]]:
    try:
        data = json.loads(text or "")
    except ValueError:
        return (text or "", {})
    return str(data.get("action", "")), dict(data.get("changed") or {})


def undeclared_stored_fields(db_url: str, vocabulary: Vocabulary) -> list[tuple[str, int]]:
    """(field id, cases holding it) for values kept with cases whose field fields.toml no longer
    declares: kept, shown as stored, read by no policy until declared again."""
    from ..store.db import open_database, resolve_url

    engine = open_database(resolve_url(db_url))
    try:
        with SqlUnitOfWork(engine) as uow:
            stored = uow.cases.extra_keys()
    finally:
        engine.dispose()
    return sorted((name, count) for name, count in stored.items() if name not in vocabulary.fields)


# --- many cases ----------------------------------------------------------------------------------
def _case_filter(ledger: Ledger, uow: SqlUnitOfWork, *, user: User | None, unit: str | int | None, status: str | None,
                 category: str | None, severity: str | None = None, period: str | None = None,
                 open_only: bool = False) -> PageFilter:
    p = parse_period(period) if period else None
    return PageFilter(
        unit_ids=visible_units(ledger, uow, user, unit),
        status=ledger.coerce("status", status) if status else None,
        category=ledger.coerce("category", category) if category else None,
        severity=ledger.coerce("severity", severity) if severity else None,
        received_or_settled_between=(p.starts_on, p.ends_on) if p else None,
        statuses=ledger.open_statuses() if open_only else None,
    )


def list_cases(ledger: Ledger, *, user: User | None = None, unit: str | None = None, status: str | None = None,
               category: str | None = None, period: str | None = None, overdue: bool = False,
               as_of: dt.date | None = None, limit: int | None = None) -> list[Case]:
    """Cases by unit (and the units under it), status, category, period (received in it, or
    settled in it) and overdue (open past the escalation policy's deadline as of the day), in
    order of receipt."""
    with ledger.uow() as uow:
        flt = _case_filter(ledger, uow, user=user, unit=unit, status=status, category=category, period=period,
                           open_only=overdue)
        if overdue:  # judged in bulk: each distinct reading once, not each case
            late = sorted((row[3], row[0]) for row, days in overdue_scan(ledger, uow, flt, as_of or ledger.date()) if days > 0)
            ids = [case_id for _, case_id in late]
            return uow.cases.get_many(ids[:limit] if limit else ids)
        return uow.cases.list(flt, limit=limit)


def page_cases(ledger: Ledger, *, user: User | None = None, unit: str | int | None = None, status: str | None = None,
               category: str | None = None, severity: str | None = None, period: str | None = None,
               overdue: bool = False, as_of: dt.date | None = None, sort: str = "received", descending: bool = False,
               page: int = 1, size: int = 100, memo: dict[str, Any] | None = None) -> tuple[list[Case], int]:
    """One page of the ledger and how many cases match: (cases on the page, total).

    `sort` is one of `PAGE_SORTS`, ties in order of receipt then id. A page past the last gives
    the last. Without `overdue` the database counts, orders and cuts the page; with it, the open
    cases are judged in bulk and ordered by the same key in Python. A caller turning pages under
    the same filters may pass the same `memo` dict: the judgement of the open cases is kept in it
    (keyed by the filters, the date and the rule set); drop it when cases change."""
    if sort not in PAGE_SORTS and sort not in JUDGED_SORTS:
        raise InvalidInput("case_field", field="sort", detail=f"{sort} ∉ {', '.join([*PAGE_SORTS, *JUDGED_SORTS])}")
    size = max(1, size)
    column = PAGE_SORTS.get(sort, "")
    ranks = ledger.enum_ids(column) if column in RANKED else []
    with ledger.uow() as uow:
        flt = _case_filter(ledger, uow, user=user, unit=unit, status=status, category=category, severity=severity,
                           period=period, open_only=overdue)
        if sort in JUDGED_SORTS:
            return _page_by_judgement(ledger, uow, flt, sort, descending, as_of or ledger.date(), page, size, overdue)
        if not overdue:
            total = uow.cases.count(flt)
            page = min(max(1, page), max(1, -(-total // size)))
            return uow.cases.page(flt, sort=sort, descending=descending, offset=(page - 1) * size, limit=size,
                                  ranks=ranks), total
        columns = tuple(dict.fromkeys(PAGE_SORTS.values()))
        at = 7 + columns.index(PAGE_SORTS[sort])
        day = as_of or ledger.date()
        key = (user.name if user else None, unit, status, category, severity, period, day, id(ledger.rules))
        kept = memo.get("overdue") if memo is not None else None  # one (key, rows) pair: swapped whole
        if kept is not None and kept[0] == key:
            late = list(kept[1])
        else:
            late = [row for row, days in overdue_scan(ledger, uow, flt, day, columns) if days > 0]
            if memo is not None:
                memo["overdue"] = (key, tuple(late))
        total = len(late)
        page = min(max(1, page), max(1, -(-total // size)))
        _sort_rows(late, sort, at, descending, ranks)
        shown = [row[0] for row in late[(page - 1) * size : page * size]]
        return uow.cases.get_many(shown), total


def _sort_rows(rows: list[Any], sort: str, at: int, descending: bool, ranks: list[str]) -> None:
    """Order scan rows as `page_order` orders them in SQL."""
    rows.sort(key=lambda row: (row[3], row[0]))  # ties: order of receipt, then id
    if sort == "received":
        if descending:
            rows.sort(key=lambda row: row[3], reverse=True)  # stable: ties keep ascending id
        return
    if sort == "settled":  # no settlement date first going up, last going down
        rows.sort(key=lambda row: (row[at] is not None, row[at] or dt.date.min), reverse=descending)
    elif PAGE_SORTS[sort] in RANKED and ranks:
        rank = {s: i for i, s in enumerate(ranks)}
        rows.sort(key=lambda row: rank.get(row[at], len(ranks)), reverse=descending)
    else:
        rows.sort(key=lambda row: row[at], reverse=descending)  # stable: ties keep the order of receipt


# Sorts by what the rules say of each case rather than by a column: every matching case is judged
# (in bulk), then ordered here — dearer than a column's sort, asked for only when chosen.
JUDGED_SORTS = ("reward", "overdue")


def _page_by_judgement(ledger: Ledger, uow: SqlUnitOfWork, flt: PageFilter, sort: str, descending: bool,
                       day: dt.date, page: int, size: int, only_late: bool) -> tuple[list[Case], int]:
    """A page ordered by reward or by days overdue, as `case_states` reckons them; a case with
    no reward (or not overdue) first going up, last going down; ties in order of receipt."""
    late = {row[0]: days for row, days in overdue_scan(ledger, uow, flt, day)} if sort == "overdue" or only_late else {}
    rows = [row for row in uow.cases.input_rows([], flt) if not only_late or late.get(row[0], 0) > 0]
    value: dict[int, Any] = {row[0]: late[row[0]] for row in rows if late.get(row[0], 0) > 0} if sort == "overdue" \
        else _rewards_by_id(ledger, uow, rows, day)
    rows.sort(key=lambda row: (row[3], row[0]))
    rows.sort(key=lambda row: (row[0] in value, value.get(row[0], 0)), reverse=descending)
    total = len(rows)
    page = min(max(1, page), max(1, -(-total // size)))
    return uow.cases.get_many([row[0] for row in rows[(page - 1) * size : page * size]]), total


def _rewards_by_id(ledger: Ledger, uow: SqlUnitOfWork, rows: list[Any], day: dt.date) -> dict[int, Decimal]:
    """Case id → the reward the ledger shows for it: its stored outcome's, else (a settled case
    imported without outcomes) what the rules in force give."""
    stored = uow.outcomes.current_many([row[0] for row in rows])
    found: dict[int, Decimal] = {}
    unjudged: list[int] = []
    for row in rows:
        amount = _reward(ledger, stored.get(row[0], []))
        if amount is not None:
            found[row[0]] = amount
        elif row[4] is not None:
            unjudged.append(row[0])
    cases = uow.cases.get_many(unjudged)
    for case, amount in zip(cases, rewards_many(ledger, uow, cases, day)):
        if amount is not None and case.id is not None:
            found[case.id] = amount
    return found


@dataclass
class PageRow:
    case: Case
    unit: str
    state: CaseState


@dataclass
class CasePage:
    rows: list[PageRow]
    total: int
    page: int
    pages: int


def case_page(ledger: Ledger, user: User | None, *, as_of: dt.date | None = None, size: int = 100, page: int = 1,
              **filters: Any) -> CasePage:
    """One page of the ledger screen, each case with its state."""
    day = as_of or ledger.date()
    shown, total = page_cases(ledger, user=user, as_of=day, size=size, page=page, **filters)
    pages = max(1, -(-total // max(1, size)))
    with ledger.uow() as uow:
        names = {u.id: u.name for u in uow.units.list()}
        states = case_states(ledger, uow, shown, day)
    rows = [PageRow(case, names.get(case.unit_id, ""), state) for case, state in zip(shown, states)]
    return CasePage(rows, total, min(max(1, page), pages), pages)


# --- the ledger's set-up -----------------------------------------------------------------------------
def units(ledger: Ledger, user: User | None = None) -> list[Unit]:
    """Every unit (that `user` acts on), by code."""
    with ledger.uow() as uow:
        own = narrowed(uow, user, None)
        return [u for u in uow.units.list() if own is None or u.id in own]


def users(ledger: Ledger) -> list[User]:
    """Every user, by name."""
    with ledger.uow() as uow:
        return uow.users.list()


def periods(ledger: Ledger) -> list[Period]:
    """Every period the ledger knows, with its status."""
    with ledger.uow() as uow:
        return uow.periods.list()


def find_case_id(ledger: Ledger, ref: str, unit: str | None = None, user: User | None = None) -> int:
    """The id of a case found as `find_case` finds it."""
    case = find_case(ledger, ref, unit, user)
    if case.id is None:  # a stored case always has one
        raise NotFound("unknown_case", case=ref)
    return case.id


def case_numbers(ledger: Ledger, case_ids: list[int], user: User | None = None) -> dict[int, str]:
    """Case id → the case's number, for the cases that exist (and `user` may see)."""
    with ledger.uow() as uow:
        own = narrowed(uow, user, None)
        return {case.id: case.number for case in uow.cases.get_many(case_ids)
                if case.id is not None and (own is None or case.unit_id in own)}


__all__ = [
    "units", "users", "periods", "find_case_id", "case_numbers",
    "unit_codes", "undeclared_stored_fields", "CaseState", "CaseDetail", "HistoryEntry", "CasePage", "PageRow", "visible_units", "case_states", "rewards_many",
    "get_case", "find_case", "case_detail", "list_cases", "page_cases", "case_page", "CaseFilter",
]
