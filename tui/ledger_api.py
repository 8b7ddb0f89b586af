"""The ledger services as the screens need them.

Everything here calls the ledger's services (writes) and read models (`tiaojie.ledger.views`);
nothing here opens a unit of work or writes SQL. Imported lazily: without the ledger installed the app runs on the rules alone.
Every function runs in a worker thread and returns plain data (dataclasses, models) to the UI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text

from tiaojie.i18n import Lang
from tiaojie.ledger import access, views
from tiaojie.ledger import banquets as banquet_service
from tiaojie.ledger import cases as case_service
from tiaojie.ledger import dividends as dividend_service
from tiaojie.ledger import periods as period_service
from tiaojie.ledger import stats as stats_service
from tiaojie.ledger.context import Ledger
from tiaojie.models import User
from tiaojie.money import format_yuan

from .strings import tr

if TYPE_CHECKING:
    from tiaojie.rules.service import Rules

ZERO = Decimal("0.00")


class RulesInUse(Protocol):
    @property
    def directory(self) -> Path: ...


class Session(Protocol):
    """What the screens hand these functions (the app's backend): who is working, in which
    language, on which ledger and rules."""

    user: User | None
    lang: Lang

    @property
    def ledger(self) -> Ledger | None: ...

    @property
    def active(self) -> RulesInUse: ...

    def date(self) -> dt.date: ...

    def label(self, enum: str, value_id: str | None) -> str: ...

    def policies_of(self, kind: str) -> list[str]: ...

    def check_disk(self) -> "Rules": ...

    def reload(self) -> "Rules": ...


def _ledger(session: Session) -> Ledger:
    """The open ledger: these functions run only once the app has one."""
    if session.ledger is None:
        raise RuntimeError("the ledger is not open")
    return session.ledger


def _user(session: Session) -> User:
    if session.user is None:
        raise RuntimeError("nobody is signed in")
    return session.user


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
    names = {u.id: u.name for u in views.units(ledger)}
    return [(u, names.get(u.unit_id, "") if u.unit_id is not None else "") for u in views.users(ledger)]


def unit_name(backend: Session) -> str:
    """The name of the acting user's unit ("" for none)."""
    user = backend.user
    if user is None or user.unit_id is None:
        return ""
    found = unit_names(_ledger(backend)).get(user.unit_id)
    return found.name if found else ""


def unit_choices(backend: Session) -> list[tuple[Text, str]]:
    return [(Text(f"{u.name}（{u.code}）"), u.code) for u in views.units(_ledger(backend), backend.user)]


def unit_names(ledger: Ledger) -> dict[int, Any]:
    return {u.id: u for u in views.units(ledger) if u.id is not None}


def _user_unit(backend: Session, unit: Any) -> Any:
    if unit not in (None, ""):
        return unit
    if backend.user is not None and backend.user.unit_id is not None:
        return backend.user.unit_id
    from tiaojie.ledger.errors import InvalidInput

    raise InvalidInput("case_field", field="unit", detail=tr("v_required", backend.lang))


# --- cases ---------------------------------------------------------------------------------------
def save_case(backend: Session, values: dict[str, Any], unit: Any, editing: Any) -> tuple[Any, str]:
    """Store the form: a new case (with its outcomes), or the changes to an existing one —
    settling it when its status becomes settled. `values` are by vocabulary field id (and the
    case's own `parties` and `summary`); the core's services route each field to its column or
    to the case's `extra`. An emptied field is cleared (an extra field removed), an unticked box
    is a "no". Returns (case, reward text)."""
    from .backend import split_names

    ledger, user = _ledger(backend), _user(backend)
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


def case_page(backend: Session, filters: CaseFilters, sort: str = "received", reverse: bool = False,
              page: int = 1, size: int = 100, memo: dict | None = None) -> Any:
    """One page of the ledger screen (`ledger.views.case_page`): the rows the user may see, each
    with the level, overdue days and reward every view shows. `memo` (kept by the screen) spares
    re-judging the open cases on each page under the overdue filter."""
    return views.case_page(
        _ledger(backend), backend.user, as_of=backend.date(), size=size, page=page, status=filters.status,
        category=filters.category, severity=filters.severity, period=filters.period, overdue=filters.overdue,
        sort=sort, descending=reverse, memo=memo,
    )


def case_detail(backend: Session, case_id: int) -> Any:
    return views.case_detail(_ledger(backend), case_id, backend.date(), user=backend.user)


def get_case(backend: Session, case_id: int) -> Any:
    return views.case_detail(_ledger(backend), case_id, backend.date(), user=backend.user).case


def may_write_cases(backend: Session) -> bool:
    """Whether the user's role may change cases (escalating one is such a change)."""
    return backend.user is not None and backend.user.role in access.PERMISSIONS["case_write"]


def escalation_targets(backend: Session, case: Any) -> list[tuple[str, str]]:
    """(level id, label) of the levels above the one `case` is held at, lowest first: the first
    is where an escalation with no level chosen takes it."""
    levels = _ledger(backend).enum_ids("level")
    at = levels.index(case.level) + 1 if case.level in levels else 0
    return [(level, backend.label("level", level)) for level in levels[at:]]


def escalate(backend: Session, case_id: int, to_level: str | None, reason: str) -> Any:
    """Move a case up to `to_level` (None: the next level), the reason kept in its history;
    returns the case's detail after the step, as the detail dialog shows it."""
    case_service.escalate_case(_ledger(backend), _user(backend), case_id, to_level=to_level or None, reason=reason)
    return case_detail(backend, case_id)


def case_lock(backend: Session, case: Any, paid_in: list[str] | None = None) -> str | None:
    """Why `case` cannot be edited, said as a save would say it, or None: a closed period holds
    its payment, its settlement date, or (for the fields the form edits) its receipt date."""
    from tiaojie.ledger.errors import PeriodClosed

    closed = [p for p in views.periods(_ledger(backend)) if p.status == "closed"]
    days = [d for d in (case.settled_on, case.received_on) if d is not None]
    period = next((p for p in closed if p.key in (paid_in or [])), None) or next(
        (p for d in days for p in closed if p.starts_on <= d <= p.ends_on), None)
    if period is None:
        return None
    at = period.closed_at.strftime("%Y-%m-%d %H:%M") if period.closed_at else "?"
    return PeriodClosed("period_closed", period=period.key, by=period.closed_by or "?", at=at).message(backend.lang)


def case_to_edit(backend: Session, case_id: int) -> tuple[Any, str | None]:
    """A stored case for the form, and why it is read-only (None: it may be edited)."""
    detail = case_detail(backend, case_id)
    return detail.case, case_lock(backend, detail.case, [key for key, _, _ in detail.payouts])


def _unit_code(ledger: Ledger, unit_id: Any) -> str | None:
    if unit_id is None:
        return None
    unit = unit_names(ledger).get(unit_id)
    return unit.code if unit else None


# --- periods -------------------------------------------------------------------------------------
def period_keys(backend: Session) -> list[tuple[str, str]]:
    return [(p.key, p.status) for p in views.periods(_ledger(backend))]


def compute_period(backend: Session, key: str) -> Any:
    return period_service.compute(_ledger(backend), _user(backend), key)


def show_period(backend: Session, key: str) -> Any:
    return period_service.show(_ledger(backend), key)


def close_period(backend: Session, key: str) -> Any:
    return period_service.close(_ledger(backend), _user(backend), key)


def adjust(backend: Session, key: str, case_id: int, amount: Decimal, reason: str) -> Any:
    return period_service.adjust(_ledger(backend), _user(backend), key, case_id, amount, reason)


def export_statement(backend: Session, key: str, path: str) -> Path:
    from tiaojie.ledger.statements import export_statement as export

    return export(_ledger(backend), key, Path(path).expanduser(), lang=backend.lang)


def case_numbers(backend: Session, ids: set[int]) -> dict[int, Any]:
    return {cid: views.case_detail(_ledger(backend), cid, backend.date()).case for cid in ids}


# --- dividends -----------------------------------------------------------------------------------
def collectives(backend: Session) -> list[Any]:
    return dividend_service.collectives(_ledger(backend))


def dividend_runs(backend: Session, code: str | None, year: int | None) -> list[Any]:
    return dividend_service.list_runs(_ledger(backend), code, year)


def run_dividend(backend: Session, code: str, year: int, income: Decimal, costs: Decimal) -> Any:
    """A run under the policy bound to the collective: the screen offers no other."""
    return dividend_service.run_dividend(_ledger(backend), _user(backend), code, year, income=income, costs=costs)


def dividend_policies(backend: Session) -> list[tuple[str, str]]:
    """The dividend policies of the ledger's rules a collective may be bound to: (id, title and id)."""
    ledger = _ledger(backend)
    return [(pid, dividend_service.policy_label(ledger, pid, backend.lang))
            for pid in dividend_service.dividend_policies(ledger)]


def set_collective_policy(backend: Session, code: str, policy_id: str) -> Any:
    """Bind a collective to another dividend policy (policy staff; the service audits it)."""
    return dividend_service.set_policy(_ledger(backend), _user(backend), code, policy_id)


def members(backend: Session, collective_id: int) -> dict[int, Any]:
    return dividend_service.members_by_id(_ledger(backend), collective_id)


# --- banquets ------------------------------------------------------------------------------------
def file_banquet(backend: Session, values: dict[str, Any]) -> int:
    ledger = _ledger(backend)
    unit = _unit_code(ledger, backend.user.unit_id) if backend.user is not None else None
    filing = banquet_service.build_filing(
        ledger, unit=unit, household=values["household"], occasion=values["occasion"], held_on=values["date"],
        days=values.get("days") or 1, tables=values.get("tables") or 0, gift=values.get("gift") or 0,
        filed_on=values.get("filed_on"), host_age=values.get("host_age"),
    )
    result = banquet_service.file_banquet(ledger, _user(backend), filing)
    return len(result.filing.violations)


def recent_banquets(backend: Session, limit: int = 30) -> list[tuple[str, str, str, str]]:
    filings = banquet_service.list_filings(_ledger(backend), user=backend.user)
    filings.sort(key=lambda f: (f.held_on, f.id or 0), reverse=True)
    return [(f.household, backend.label("occasion", f.occasion), f.held_on.isoformat(), str(len(f.violations)))
            for f in filings[:limit]]


# --- statistics ----------------------------------------------------------------------------------
def statistics(backend: Session, by: str, period: str | None) -> tuple[list[Any], list[Any]]:
    """(rows grouped as asked, rows by month for the chart)."""
    user = backend.user
    rows = stats_service.compute_stats(_ledger(backend), by=by, period=period or None, user=user)  # type: ignore[arg-type]
    monthly = rows if by == "month" else stats_service.compute_stats(_ledger(backend), by="month", period=period or None, user=user)
    return rows, [r for r in monthly if r.key != "total"]


# --- rules impact and activation ---------------------------------------------------------------
def impact_report(backend: Session, lang: Lang, located) -> Any:  # noqa: ANN001
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
        report = impact(_ledger(backend), draft)
    finally:
        draft.close()
    lines = [(line, "bold" if not line.startswith("    ") else "") for line in render_table(report, lang)]
    if not report.changed_cases:
        lines.append((tr("r_impact_none", lang, cases=sum(p.evaluated for p in report.policies.values())), "green"))
    return RulesReport("impact", True, lines, tr("r_impact_title", lang))


def activate(backend: Session, lang: Lang, located) -> Any:  # noqa: ANN001
    """Put the rule files on disk into force in this ledger: refused unless check, test and lint
    pass; recorded in the audit log with the files' hashes and the impact."""
    from tiaojie.ledger.policy_changes import activate as activate_rules
    from tiaojie.rules.impact import render_table

    from .messages import RulesReport

    done = activate_rules(_ledger(backend), _user(backend), backend.active.directory)
    fresh = backend.reload()  # the screens' rule set follows the ledger's
    _ledger(backend).rules = fresh
    lines = [(f"#{done.rule_set_id}  " + "  ".join(f"{name} {h.split(':')[-1][:12]}" for name, h in sorted(done.files.items())), "dim")]
    lines += [(line, "") for line in render_table(done.impact, lang)]
    return RulesReport("activate", True, lines, tr("r_activated", lang, id=done.rule_set_id))
