"""The ledger services as the screens need them.

Everything here calls `tiaojie.ledger` (the core's service layer) and its unit of work; nothing
here writes SQL. Imported lazily: without the ledger installed the app runs on the rules alone.
Every function runs in a worker thread and returns plain data (dataclasses, models) to the UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tiaojie.ledger import access, views
from tiaojie.ledger import banquets as banquet_service
from tiaojie.ledger import cases as case_service
from tiaojie.ledger import dividends as dividend_service
from tiaojie.ledger import periods as period_service
from tiaojie.ledger import stats as stats_service
from tiaojie.ledger.context import Ledger
from tiaojie.money import format_yuan

from .strings import tr

ZERO = Decimal("0.00")


# --- opening -------------------------------------------------------------------------------------
def open_store(store: Any, rules: Any, today: dt.date | None = None) -> Ledger:
    """The ledger at `store` (URL or SQLite path) with `rules`: an open rule set, a directory, or
    None for the set last activated in that ledger (else ./rules or the bundled set)."""
    if isinstance(store, Ledger):
        return store
    from tiaojie.ledger.bootstrap import open_ledger
    from tiaojie.rules.service import Rules
    from tiaojie.store.db import open_database, resolve_url

    url = resolve_url(str(store))
    if isinstance(rules, Rules):
        return Ledger(engine=open_database(url), rules=rules, today=today)
    return open_ledger(url, rules, today=today)


def resolve_user(ledger: Ledger, user: Any) -> Any:
    if user is None or user == "":
        return None  # the app asks who is working
    if isinstance(user, str):
        return access.resolve_user(ledger, user)
    return user


def list_users(ledger: Ledger) -> list[tuple[Any, str]]:
    """(user, unit name) for the sign-in list."""
    with ledger.uow() as uow:
        units = {u.id: u for u in uow.units.list()}
        return [(u, units[u.unit_id].name if u.unit_id in units else "") for u in uow.users.list()]


def unit_name(backend: Any) -> str:
    """The name of the acting user's unit ("" for none)."""
    user = backend.user
    if user.unit_id is None:
        return ""
    with backend.ledger.uow() as uow:
        found = uow.units.get(user.unit_id)
        return found.name if found else ""


def unit_choices(backend: Any) -> list[tuple[str, Any]]:
    with backend.ledger.uow() as uow:
        units = uow.units.list()
    from rich.text import Text

    return [(Text(f"{u.name}（{u.code}）"), u.code) for u in units]


def unit_names(ledger: Ledger) -> dict[int, Any]:
    with ledger.uow() as uow:
        return {u.id: u for u in uow.units.list()}


def _user_unit(backend: Any, unit: Any) -> Any:
    if unit not in (None, ""):
        return unit
    if backend.user is not None and backend.user.unit_id is not None:
        return backend.user.unit_id
    from tiaojie.ledger.errors import InvalidInput

    raise InvalidInput("case_field", field="unit", detail=tr("v_required", backend.lang))


# --- cases ---------------------------------------------------------------------------------------
def save_case(backend: Any, values: dict[str, Any], unit: Any, editing: Any) -> tuple[Any, str]:
    """Store the form: a new case (with its outcomes), or the changes to an existing one —
    settling it when its status becomes settled. `values` are by vocabulary field id (and the
    case's own `parties` and `summary`); the core's services route each field to its column or
    to the case's `extra`. An emptied field is cleared (an extra field removed), an unticked box
    is a "no". Returns (case, reward text)."""
    from .backend import split_names

    ledger, user = backend.ledger, backend.user
    fields = ledger.vocabulary.fields
    data: dict[str, Any] = {}
    for name, value in values.items():
        fdef = fields.get(name)
        if name == "parties":
            data[name] = split_names(value or "")
        elif name == "summary":
            data[name] = value or ""
        elif fdef is not None and fdef.type == "bool":
            data[name] = bool(value)
        else:
            data[name] = None if value == "" else value
    if editing is None:
        result = case_service.add_case(ledger, user, _user_unit(backend, unit), **data)
    else:
        data.pop("number", None)
        if data.get("status") == "settled" and editing.status in ledger.open_statuses():
            settled_on, settled_by = data.pop("settled_on", None), data.pop("settled_by", None)
            data.pop("status")
            result = case_service.settle_case(ledger, user, editing.id, settled_on=settled_on, settled_by=settled_by, **data)
        else:
            result = case_service.edit_case(ledger, user, editing.id, **data)
    amount = _reward_of(result.outcomes, ledger)
    return result.case, format_yuan(amount if amount is not None else ZERO)


def _reward_of(outcomes: list[Any], ledger: Ledger) -> Decimal | None:
    rewards = set(ledger.reward_policies())
    for outcome in outcomes:
        if outcome.policy_id in rewards and "amount" in outcome.outputs:
            return Decimal(str(outcome.outputs["amount"]))
    return None


@dataclass
class CaseFilters:
    status: str | None = None
    category: str | None = None
    severity: str | None = None
    period: str | None = None
    overdue: bool = False


def case_page(backend: Any, filters: CaseFilters, sort: str = "received", reverse: bool = False,
              page: int = 1, size: int = 100, memo: dict | None = None) -> Any:
    """One page of the ledger screen (`ledger.views.case_page`): the rows the user may see, each
    with the level, overdue days and reward every view shows. `memo` (kept by the screen) spares
    re-judging the open cases on each page under the overdue filter."""
    return views.case_page(
        backend.ledger, backend.user, as_of=backend.date(), size=size, page=page, status=filters.status,
        category=filters.category, severity=filters.severity, period=filters.period, overdue=filters.overdue,
        sort=sort, descending=reverse, memo=memo,
    )


def case_detail(backend: Any, case_id: int) -> Any:
    return views.case_detail(backend.ledger, case_id, backend.date())


def get_case(backend: Any, case_id: int) -> Any:
    return views.case_detail(backend.ledger, case_id, backend.date()).case


def _unit_code(ledger: Ledger, unit_id: Any) -> str | None:
    if unit_id is None:
        return None
    unit = unit_names(ledger).get(unit_id)
    return unit.code if unit else None


# --- periods -------------------------------------------------------------------------------------
def period_keys(backend: Any) -> list[tuple[str, str]]:
    with backend.ledger.uow() as uow:
        return [(p.key, p.status) for p in uow.periods.list()]


def compute_period(backend: Any, key: str) -> Any:
    return period_service.compute(backend.ledger, backend.user, key)


def show_period(backend: Any, key: str) -> Any:
    return period_service.show(backend.ledger, key)


def close_period(backend: Any, key: str) -> Any:
    return period_service.close(backend.ledger, backend.user, key)


def adjust(backend: Any, key: str, case_id: int, amount: Decimal, reason: str) -> Any:
    return period_service.adjust(backend.ledger, backend.user, key, case_id, amount, reason)


def export_statement(backend: Any, key: str, path: str) -> Path:
    from tiaojie.ledger.statements import export_statement as export

    return export(backend.ledger, key, Path(path).expanduser())


def case_numbers(backend: Any, ids: set[int]) -> dict[int, Any]:
    return {cid: views.case_detail(backend.ledger, cid, backend.date()).case for cid in ids}


# --- dividends -----------------------------------------------------------------------------------
def collectives(backend: Any) -> list[Any]:
    with backend.ledger.uow() as uow:
        return uow.collectives.list()


def dividend_runs(backend: Any, code: str | None, year: int | None) -> list[Any]:
    return dividend_service.list_runs(backend.ledger, code, year)


def run_dividend(backend: Any, code: str, year: int, income: Decimal, costs: Decimal) -> Any:
    policy = next(iter(backend.policies_of("dividend")), "collective-dividend")
    return dividend_service.run_dividend(backend.ledger, backend.user, code, year, policy_id=policy,
                                         income=income, costs=costs)


def members(backend: Any, collective_id: int) -> dict[int, Any]:
    return dividend_service.members_by_id(backend.ledger, collective_id)


# --- banquets ------------------------------------------------------------------------------------
def file_banquet(backend: Any, values: dict[str, Any]) -> int:
    ledger = backend.ledger
    unit = _unit_code(ledger, backend.user.unit_id) if backend.user is not None else None
    filing = banquet_service.build_filing(
        ledger, unit=unit, household=values["household"], occasion=values["occasion"], held_on=values["date"],
        days=values.get("days") or 1, tables=values.get("tables") or 0, gift=values.get("gift") or 0,
        filed_on=values.get("filed_on"), host_age=values.get("host_age"),
    )
    result = banquet_service.file_banquet(ledger, backend.user, filing)
    return len(result.filing.violations)


def recent_banquets(backend: Any, limit: int = 30) -> list[tuple[str, str, str, str]]:
    filings = banquet_service.list_filings(backend.ledger)
    filings.sort(key=lambda f: (f.held_on, f.id or 0), reverse=True)
    return [(f.household, backend.label("occasion", f.occasion), f.held_on.isoformat(), str(len(f.violations)))
            for f in filings[:limit]]


# --- statistics ----------------------------------------------------------------------------------
def statistics(backend: Any, by: str, period: str | None) -> tuple[list[Any], list[Any]]:
    """(rows grouped as asked, rows by month for the chart)."""
    user = backend.user
    rows = stats_service.compute_stats(backend.ledger, by=by, period=period or None, user=user)  # type: ignore[arg-type]
    monthly = rows if by == "month" else stats_service.compute_stats(backend.ledger, by="month", period=period or None, user=user)
    return rows, [r for r in monthly if r.key != "total"]


# --- rules impact and activation ---------------------------------------------------------------
def impact_report(backend: Any, lang: str, located) -> Any:  # noqa: ANN001
    """What the rule files on disk would change in the stored ledger (the core's impact report:
    per policy, unit and payee; closed periods reported, never changed)."""
    from tiaojie.ledger.impact import impact
    from tiaojie.rules.errors import RuleSetError
    from tiaojie.rules.impact import render_table

    from .messages import RulesReport

    try:
        draft = backend.check_disk()
    except RuleSetError as err:
        return RulesReport("impact", False, located(err), tr("r_check_failed", lang, count=len(err.errors)))
    try:
        report = impact(backend.ledger, draft)
    finally:
        draft.close()
    lines = [(line, "bold" if not line.startswith("    ") else "") for line in render_table(report, lang)]
    if not report.changed_cases:
        lines.append((tr("r_impact_none", lang, cases=sum(p.evaluated for p in report.policies.values())), "green"))
    return RulesReport("impact", True, lines, tr("r_impact_title", lang))


def activate(backend: Any, lang: str, located) -> Any:  # noqa: ANN001
    """Put the rule files on disk into force in this ledger: refused unless check, test and lint
    pass; recorded in the audit log with the files' hashes and the impact."""
    from tiaojie.ledger.policy_changes import activate as activate_rules
    from tiaojie.rules.impact import render_table

    from .messages import RulesReport

    done = activate_rules(backend.ledger, backend.user, backend.active.directory)
    fresh = backend.reload()  # the screens' rule set follows the ledger's
    backend.ledger.rules = fresh
    lines = [(f"#{done.rule_set_id}  " + "  ".join(f"{name} {h.split(':')[-1][:12]}" for name, h in sorted(done.files.items())), "dim")]
    lines += [(line, "") for line in render_table(done.impact, lang)]
    return RulesReport("activate", True, lines, tr("r_activated", lang, id=done.rule_set_id))
