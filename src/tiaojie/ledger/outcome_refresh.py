"""Stored outcomes follow the rules in force: when a rule set is activated, every case still open
to change — not in a closed period — is judged again by the new set in the activation's own
transaction, so the reward, level and due date a screen shows from the stored outcomes are the
ones the new rules give (what the open period will pay). Cases of closed periods keep theirs."""

from __future__ import annotations

from ..rules.service import Rules
from ..store.uow import SqlUnitOfWork
from .context import Ledger
from .verdicts import judge, store_verdicts

CHUNK = 1000  # cases loaded and judged at a time


def live_case_ids(uow: SqlUnitOfWork) -> list[int]:
    """Cases whose settlement (or, unsettled, receipt) falls in no closed period."""
    closed = uow.periods.closed()
    return [row[0] for row in uow.cases.input_rows([])
            if not any(p.covers(row[4] or row[3]) for p in closed)]


def rejudge(uow: SqlUnitOfWork, ledger: Ledger, rules: Rules, *, by: str, reason: str) -> list[str]:
    """Judge the live cases by `rules` and store what changed (the old outcomes become history,
    a level the new escalation policy starts at is the case's); the numbers of the cases whose
    outcomes or level changed."""
    under = Ledger(engine=ledger.engine, rules=rules, today=ledger.today)
    codes = {u.id: u.code for u in uow.units.list()}
    ids = live_case_ids(uow)
    changed: list[str] = []
    for start in range(0, len(ids), CHUNK):
        for case in uow.cases.get_many(ids[start:start + CHUNK]):
            assert case.id is not None
            before = {o.policy_id: o.id for o in uow.outcomes.current(case.id)}
            verdicts = judge(under, case, codes.get(case.unit_id))
            if verdicts.level != case.level:
                case = uow.cases.relevel(case, verdicts.level)
                changed.append(case.number)
                store_verdicts(uow, case, verdicts, by=by, reason=reason)
                continue
            after = {o.policy_id: o.id for o in store_verdicts(uow, case, verdicts, by=by, reason=reason)}
            if after != before:
                changed.append(case.number)
    return changed
