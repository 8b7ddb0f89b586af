"""Who still owes which visits (不漏一户), as of a date.

The visit-duty policy in force on the date — a table policy whose conditions read fields of
subject "visit" in fields.toml — says, for each kind of duty holder (`duty_holder`: committee
members, party members, the village itself), how many visits (`times`) are owed per period
(`per`: year, quarter, month) to whom (`whom`: every household of the village, the person's linked
households, any household of the village), and whether only visits in the first days of a month
count (`first_days`, 冷水江's 集中工作日 in the first week). Nothing of that is in code: writing 3
for 2 in the rule file changes every figure here.

For a person, an obligation is one household to visit `times` times in the period that holds the
date; the line counts the households met, those not visited at all, the visits still due before
the period's window closes, and those missed once it has (a first-week duty on the 20th). A
village's line joins its people's: a household is covered when everyone who owes it visits has
made them. A duty the village owes itself (any household) is one obligation: `done` visits of
`times`; `covered` counts the households visited in its window.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from ..i18n import Localized
from ..models import Household, Person, User
from ..rules.errors import EvaluationError
from ..store.visit_repository import VisitMark
from .context import Ledger
from .errors import InvalidInput, NotFound
from .people import unit_named
from .scope import narrowed

SUBJECT = "visit"  # the subject of the duty's fields in fields.toml
HOLDER = "duty_holder"
# What the code knows of the vocabulary's ids: which people hold a duty, and whom it concerns.
COMMITTEE, PARTY_MEMBER, VILLAGE = "committee", "party_member", "village"
EVERY_HOUSEHOLD, LINKED, ANY_HOUSEHOLD = "village_households", "linked_households", "any_household"


@dataclass(frozen=True)
class Duty:
    """One holder's duty as the policy in force states it, with the period that holds the date."""

    holder: str
    rule: str
    title: Localized
    times: int
    per: str
    whom: str
    first_days: int
    starts_on: dt.date
    ends_on: dt.date
    window_ends_on: dt.date  # the last day a visit of the period counts (the 7th, for a first-week duty)

    def counts(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.window_ends_on and (not self.first_days or day.day <= self.first_days)


@dataclass
class DutyLine:
    """A person's (or, with `person` None, a village's) standing on one duty."""

    unit: str
    person: str | None
    duty: Duty
    owed: int = 0  # obligations: households × people owing them; 1 for a duty the village owes itself
    met: int = 0
    households: int = 0  # households the duty concerns
    covered: int = 0  # of those, households whose obligations are all met
    done: int = 0  # visits counted towards the duty in its period
    due: int = 0  # visits still owed before the window closes
    missed: int = 0  # visits owed whose window has closed
    unvisited: list[Household] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.covered / self.households if self.households else 1.0


@dataclass(frozen=True)
class DutyReport:
    as_of: dt.date
    policy: str
    version: str
    duties: list[Duty]
    people: list[DutyLine]
    villages: list[DutyLine]


def period_of(per: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if per == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if per == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        return dt.date(day.year, first, 1), dt.date(day.year, first + 2, calendar.monthrange(day.year, first + 2)[1])
    if per == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    raise InvalidInput("duty_period", per=per)


def duty_policy(ledger: Ledger) -> str:
    """The policy that states visit duties: the one whose conditions read only fields of visits."""
    book = ledger.rules.book
    for pid in book.ids():
        policy = book.versions(pid)[-1]
        read = policy.condition_fields()
        if read and all(name in policy.fields and policy.fields[name].subject == SUBJECT for name in read):
            return pid
    raise NotFound("duty_no_policy")


def duties(ledger: Ledger, as_of: dt.date) -> tuple[str, str, list[Duty]]:
    """(policy, version, each holder's duty in force on `as_of`); holders without one are left out."""
    pid = duty_policy(ledger)
    holders = ledger.enum_ids(HOLDER)
    found: list[Duty] = []
    version = ""
    for holder in holders:
        try:
            outcome = ledger.rules.evaluate(pid, {HOLDER: holder, "duty_on": as_of}, as_of=as_of)
        except EvaluationError as err:
            raise InvalidInput("duty_rules", detail=err.localized) from None
        version = outcome.version
        out = outcome.outputs
        times = int(out.get("times") or 0)
        if times <= 0 or not outcome.fired:
            continue
        policy = ledger.rules.book.select(pid, as_of)
        row = policy.row(outcome.fired[0])
        title = Localized("label", zh=row.title, en=row.title_en or row.title) if row else Localized(
            "label", zh=outcome.fired[0], en=outcome.fired[0])
        per, first_days = str(out.get("per") or "year"), int(out.get("first_days") or 0)
        starts, ends = period_of(per, as_of)
        window = ends if not first_days else ends.replace(day=min(first_days, ends.day))
        found.append(Duty(holder, outcome.fired[0], title, times, per, str(out.get("whom") or EVERY_HOUSEHOLD),
                          first_days, starts, ends, window))
    return pid, version, found


def _holds(duty: Duty, person: Person) -> bool:
    return person.active and ((duty.holder == COMMITTEE and person.committee)
                              or (duty.holder == PARTY_MEMBER and person.party_member))


def _owe(line: DutyLine, duty: Duty, count: int, as_of: dt.date) -> None:
    short = max(duty.times - count, 0)
    line.owed += 1
    line.met += short == 0
    line.done += count
    if as_of <= duty.window_ends_on:
        line.due += short
    else:
        line.missed += short


def visit_duty(ledger: Ledger, user: User | None, as_of: dt.date, unit: str | None = None) -> DutyReport:
    """Each person's and each village's standing on every visit duty in force on `as_of`, for
    `unit` and the units under it (all without one), within `user`'s part of the tree."""
    pid, version, stated = duties(ledger, as_of)
    since = min((d.starts_on for d in stated), default=as_of)
    with ledger.uow() as uow:
        asked = unit_named(uow, unit).id if unit else None
        scope = narrowed(uow, user, asked)
        units = {u.id: u.name for u in uow.units.list()}
        people = uow.people.list(unit_ids=scope)
        homes = [h for h in uow.households.list(unit_ids=scope) if h.active]
        links = uow.households.links(unit_ids=scope)
        visits = uow.visits.marks(unit_ids=scope, since=since, until=as_of)
    by_unit: dict[int, list[Household]] = {}
    for h in homes:
        by_unit.setdefault(h.unit_id, []).append(h)
    active = {h.id: h for h in homes}
    visits_of: dict[int, list[VisitMark]] = {}  # a unit's visits to households still kept, grouped once
    for v in visits:
        if v.household_id in active:
            visits_of.setdefault(v.unit_id, []).append(v)
    people_of: dict[int, list[Person]] = {}
    for p in people:
        people_of.setdefault(p.unit_id, []).append(p)
    linked: dict[int, list[Household]] = {}
    for link in links:
        if link.household_id in active:
            linked.setdefault(link.person_id, []).append(active[link.household_id])
    person_lines: list[DutyLine] = []
    village_lines: list[DutyLine] = []
    for unit_id, unit_homes in sorted(by_unit.items(), key=lambda kv: units[kv[0]]):
        unit_people = people_of.get(unit_id, [])
        unit_visits = visits_of.get(unit_id, [])
        for duty in stated:
            counted = [v for v in unit_visits if duty.counts(v.visit_on)]
            if duty.whom == ANY_HOUSEHOLD:
                village_lines.append(_village_itself(units[unit_id], duty, unit_homes, counted, as_of))
                continue
            lines, village = _people_duty(units[unit_id], duty, unit_people, unit_homes, linked, counted, as_of)
            person_lines += lines
            if village is not None:
                village_lines.append(village)
    return DutyReport(as_of, pid, version, stated, person_lines, village_lines)


def _village_itself(unit: str, duty: Duty, homes: list[Household], counted: list[VisitMark], as_of: dt.date) -> DutyLine:
    line = DutyLine(unit, None, duty, households=len(homes))
    _owe(line, duty, len(counted), as_of)
    line.covered = len({v.household_id for v in counted})
    return line


def _people_duty(unit: str, duty: Duty, people: list[Person], homes: list[Household],
                 linked: dict[int, list[Household]], counted: list[VisitMark],
                 as_of: dt.date) -> tuple[list[DutyLine], DutyLine | None]:
    per_pair: dict[tuple[int, int], int] = {}
    for v in counted:
        per_pair[(v.person_id, v.household_id)] = per_pair.get((v.person_id, v.household_id), 0) + 1
    lines: list[DutyLine] = []
    owing: dict[int, list[int]] = {}  # household → the visits each person owing it made
    for person in people:
        if not _holds(duty, person) or person.id is None:
            continue
        concerned = homes if duty.whom == EVERY_HOUSEHOLD else linked.get(person.id, [])
        line = DutyLine(unit, person.name, duty, households=len(concerned))
        for home in concerned:
            assert home.id is not None
            count = per_pair.get((person.id, home.id), 0)
            _owe(line, duty, count, as_of)
            line.covered += count >= duty.times
            if count == 0:
                line.unvisited.append(home)
            owing.setdefault(home.id, []).append(count)
        lines.append(line)
    if not lines:
        return lines, None
    village = DutyLine(unit, None, duty)
    for line in lines:
        for name in ("owed", "met", "done", "due", "missed"):
            setattr(village, name, getattr(village, name) + getattr(line, name))
    for home in homes:
        counts = owing.get(home.id or 0)
        if counts is None:
            continue
        village.households += 1
        village.covered += all(c >= duty.times for c in counts)
        if not any(counts):
            village.unvisited.append(home)
    return lines, village
