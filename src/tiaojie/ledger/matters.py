"""Residents' matters (诉求事项) of 沙坪乡's four-party office (四方共创: company, village,
government, experts): residents raise a matter, the office follows it, and by its urgency the
escalation policy in force on the day it was raised sends it to an emergency meeting within the
rule's days (紧急会议) or to the next monthly meeting (例会) — the rule files decide both, not
this code (the urgent row's `emergency_days`, the section's `monthly_meeting_day`). A matter ends
resolved or not, with a reason; the resolution rate is counted from the matters, never typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Matter, Unit, User
from ..rules.errors import EvaluationError
from ..store.messages import Conflict, Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .scope import narrowed, own_units, require_unit

PARTY = "party"  # the vocabulary field (subject "matter") whose enumeration names the four parties
CLOSED = ("resolved", "unresolved")


@dataclass(frozen=True)
class MatterLine:
    """A matter as a person reads it: its unit by name."""

    matter: Matter
    unit: str


def day(value: dt.date | str, what: str) -> dt.date:
    """A date typed as 2026-03-07 (or given as a date); `what`: the catalog key of its title."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput("matter_date", field=Message(what), value=value) from None


def find_unit(uow: SqlUnitOfWork, unit: str) -> Unit:
    found = uow.units.find(unit)
    if found is None:
        raise NotFound("unknown_unit", unit=unit, hint=did_you_mean(unit, [u.code for u in uow.units.list()]))
    return found


def find_matter(uow: SqlUnitOfWork, number: str, user: User | None) -> Matter:
    """A matter by its number; the hint on a miss names only matters of `user`'s units."""
    found = uow.matters.numbered(number.strip().upper())
    if found is None:
        known = [m.number for m in uow.matters.list(unit_ids=own_units(uow, user))]
        raise NotFound("matter_unknown", number=number, hint=did_you_mean(number, known))
    return found


def parties_of(ledger: Ledger, parties: Iterable[str]) -> list[str]:
    """The vocabulary's ids of the parties named (id or Chinese label), each once, in the order given."""
    chosen: list[str] = []
    for party in parties:
        pid = ledger.coerce(PARTY, party.strip())
        if pid not in chosen:
            chosen.append(pid)
    return chosen


@dataclass(frozen=True)
class Route:
    """Where the escalation policy sends a matter: the kind of meeting and the day it must meet by."""

    kind: str  # "monthly" | "emergency"
    meeting_by: dt.date
    policy_id: str
    version: str
    hash: str


def route(ledger: Ledger, raised_on: dt.date, urgency: str) -> Route:
    """The meeting the escalation policy in force on `raised_on` names for a matter of `urgency`:
    an emergency meeting within the days its row gives, else the next monthly meeting."""
    status = ledger.open_statuses()[0]  # a matter just raised is where a case just received is
    for policy_id in ledger.escalation_policies():
        try:
            outcome = ledger.rules.evaluate(
                policy_id, {"received_on": raised_on, "urgency": urgency, "status": status}, as_of=raised_on
            )
        except EvaluationError as err:
            raise InvalidInput("case_field", field=policy_id, detail=err.localized) from None
        kind, by = outcome.details.get("meeting"), outcome.details.get("meeting_by")
        if kind in ("monthly", "emergency") and by:
            return Route(kind, dt.date.fromisoformat(by), outcome.policy, outcome.version, outcome.hash)
    raise NotFound("matter_no_meeting_policy")


def add_matter(ledger: Ledger, by: User, *, unit: str, raised_by: str, summary: str, raised_on: dt.date | str,
               urgency: str = "normal", parties: Iterable[str] = ()) -> Matter:
    """Register a matter a resident or group raised, routed to its meeting by the rules in force."""
    check(by, "matter")
    raised_by, summary = raised_by.strip(), summary.strip()
    for text, key in ((raised_by, "th_mt_raised_by"), (summary, "th_mt_summary")):
        if not text:
            raise InvalidInput("matter_empty", field=Message(key))
    when = day(raised_on, "th_mt_raised_on")
    if when > ledger.date():
        raise InvalidInput("matter_future", date=when.isoformat(), today=ledger.date().isoformat())
    level = ledger.coerce("urgency", urgency.strip() if isinstance(urgency, str) else urgency)
    chosen = parties_of(ledger, parties)
    way = route(ledger, when, level)
    with ledger.uow() as uow:
        found = find_unit(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        matter = uow.matters.add(Matter(
            number=uow.matters.next_number(when.year), unit_id=found.id, raised_by=raised_by, summary=summary,
            raised_on=when, urgency=level, parties=chosen, meeting_kind=way.kind, meeting_by=way.meeting_by,
            policy_id=way.policy_id, version=way.version, hash=way.hash, by_user=by.name,
        ))
        ledger.keep_rules_in(uow)
        uow.audit(by.name, "matter.add", "matter", matter.number, None, matter)
        uow.commit()
        return matter


def close_matter(ledger: Ledger, by: User, number: str, *, resolved: bool, reason: str = "",
                 closed_on: dt.date | str | None = None) -> Matter:
    """Close a matter as resolved or not; one left unresolved says why."""
    check(by, "matter")
    reason = reason.strip()
    if not resolved and not reason:
        raise InvalidInput("matter_reason", number=number)
    when = day(closed_on, "th_mt_closed_on") if closed_on is not None else ledger.date()
    if when > ledger.date():
        raise InvalidInput("matter_closed_future", number=number, date=when.isoformat(),
                           today=ledger.date().isoformat())
    with ledger.uow() as uow:
        before = find_matter(uow, number, by)
        require_unit(uow, by, before.unit_id)
        assert before.id is not None
        if before.status != "open":
            raise Conflict("matter_closed_already", number=before.number, status=Message(f"matter_{before.status}"),
                           date=str(before.closed_on))
        if when < before.raised_on:
            raise InvalidInput("matter_closed_before_raised", number=before.number, date=when.isoformat(),
                               raised=before.raised_on.isoformat())
        after = uow.matters.close(before.id, "resolved" if resolved else "unresolved", when, reason)
        uow.audit(by.name, "matter.close", "matter", after.number, before, after)
        uow.commit()
        return after


def list_matters(ledger: Ledger, user: User | None, *, unit: str | None = None,
                 status: str | None = None) -> list[MatterLine]:
    """Matters of `unit` and the units under it (all without), within `user`'s part of the tree."""
    if status is not None and status not in ("open", *CLOSED):
        raise InvalidInput("matter_status", value=status)
    with ledger.uow() as uow:
        asked = find_unit(uow, unit).id if unit else None
        names = {u.id: u.name for u in uow.units.list()}
        found = uow.matters.list(unit_ids=narrowed(uow, user, asked), status=status)
    return [MatterLine(m, names[m.unit_id]) for m in found]
