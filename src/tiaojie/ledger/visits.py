"""Visits to households (入户走访): who of a village's people visited which household, when, and
of which kind (an enumeration of fields.toml, subject "visit": 走访, 回访, 集中工作日 …).

Logged one by one (by village station staff too) or imported from a sheet, all or nothing. A
visit already kept — same person, household, day and kind — is not kept twice, so importing a
sheet again adds nothing. A visit cannot lie ahead of today. How many visits each person owes is
not decided here but by the visit-duty rule file (see `visit_duty`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..models import Person, Unit, User, Visit
from ..store.messages import Message
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .households import household_coded, unknown_person
from .import_sheet import Problem
from .people import unit_named
from .scope import narrowed, own_units, require_unit
from .visit_sheets import SheetRefused, SheetUnits, date, read_rows, text

KIND = "visit_kind"  # the vocabulary field (subject "visit") whose enumeration names the kinds of visit

HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("村", "所属村", "单位", "单位代码", "unit"),
    "household": ("户号", "户编号", "household", "household_code"),
    "person": ("走访人", "走访干部", "姓名", "person", "visitor"),
    "visit_on": ("走访日期", "日期", "visit_on", "date"),
    "kind": ("走访类型", "类型", "kind"),
    "note": ("备注", "走访情况", "note"),
}
REQUIRED = ("unit", "household", "person", "visit_on")


@dataclass(frozen=True)
class VisitLine:
    """A visit as a person reads it: village, visitor and household by name, kind by its label."""

    unit: str
    person: str
    household: str
    head: str
    kind: str
    visit: Visit


@dataclass(frozen=True)
class VisitImport:
    added: int
    existing: int

    def summary(self) -> Message:
        return Message("visit_imported", added=self.added, existing=self.existing)


def _person(uow: Any, unit: Unit, name: str) -> Person:
    assert unit.id is not None
    person = uow.people.named(unit.id, name.strip())
    if person is None or not person.active:
        raise unknown_person(uow, unit, name)
    return person


def _day(ledger: Ledger, value: dt.date | str) -> dt.date:
    day = date(value) if not isinstance(value, dt.date) else value
    if day > ledger.date():
        raise InvalidInput("visit_in_future", day=day.isoformat(), today=ledger.date().isoformat())
    return day


def _checked_day(ledger: Ledger, value: dt.date | str) -> dt.date:
    try:
        return _day(ledger, value)
    except ValueError as err:
        raise InvalidInput("visit_date", detail=err.args[0]) from None


def _kind(ledger: Ledger, value: str | None) -> str:
    return str(ledger.coerce(KIND, value or "visit"))


def add_visit(ledger: Ledger, by: User, *, unit: str, person: str, household: str, visit_on: dt.date | str,
              kind: str | None = None, note: str = "") -> Visit:
    """Log one visit of `person` to `household` of village `unit`."""
    [visit] = add_visits(ledger, by, unit=unit, entries=[(person, household, visit_on, kind, note)])
    return visit


Entry = tuple[str, str, dt.date | str, str | None, str]  # (person, household code, day, kind, note)


def add_visits(ledger: Ledger, by: User, *, unit: str, entries: list[Entry]) -> list[Visit]:
    """Log visits to households of village `unit` in one transaction: all of them or, on the
    first bad one, none."""
    check(by, "visit")
    checked = [(person, household, _checked_day(ledger, day), _kind(ledger, kind), note.strip())
               for person, household, day, kind, note in entries]
    with ledger.uow() as uow:
        found = unit_named(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        new: list[Visit] = []
        for person, household, day, kind_id, note in checked:
            visitor = _person(uow, found, person)
            home = household_coded(uow, found, household)
            if not home.active:
                raise InvalidInput("household_inactive", code=home.code, unit=found.name)
            assert visitor.id is not None and home.id is not None
            new.append(Visit(unit_id=found.id, person_id=visitor.id, household_id=home.id, visit_on=day,
                             kind=kind_id, note=note, by_user=by.name))
        added = uow.visits.add_many(new)
        if len(added) == 1:
            uow.audit(by.name, "visit.add", "visit", added[0].id, None, added[0])
        else:
            uow.audit(by.name, "visit.add_many", "visits", None, None,
                      {"unit": found.name, "visits": [v.model_dump(mode="json", exclude={"at"}) for v in added]})
        uow.commit()
        return added


def list_visits(ledger: Ledger, user: User | None, *, unit: str | None = None, since: dt.date | None = None,
                until: dt.date | None = None) -> list[VisitLine]:
    """Visits of `unit` and the units under it (all without one), within `user`'s part of the
    tree, dated `since`..`until`, oldest first."""
    with ledger.uow() as uow:
        asked = unit_named(uow, unit).id if unit else None
        scope = narrowed(uow, user, asked)
        units = {u.id: u.name for u in uow.units.list()}
        people = {p.id: p.name for p in uow.people.list(unit_ids=scope)}
        homes = {h.id: h for h in uow.households.list(unit_ids=scope)}
        visits = uow.visits.list(unit_ids=scope, since=since, until=until)
    enum = ledger.vocabulary.enums.get(ledger.field(KIND).enum or "")
    return [VisitLine(units[v.unit_id], people.get(v.person_id, "—"), homes[v.household_id].code,
                      homes[v.household_id].head, enum.label(v.kind) if enum else v.kind, v)
            for v in visits if v.household_id in homes]


_PARSERS = {"unit": text, "household": text, "person": text, "visit_on": date, "kind": text, "note": text}


def import_visits(ledger: Ledger, by: User, path: Path, encoding: str | None = None) -> VisitImport:
    """Visits from a sheet, all or nothing; those already kept are counted, not added again."""
    check(by, "visit")
    rows = read_rows(path, HEADERS, REQUIRED, encoding)
    problems: list[Problem] = []
    with ledger.uow() as uow:
        own = own_units(uow, by)
        units = SheetUnits(uow, by, own)
        read: dict[tuple[int, int, dt.date, str], Visit] = {}  # a visit named twice in the sheet is one visit
        for number, values, unit, unit_id in units.valid_rows(rows, _PARSERS, HEADERS, REQUIRED, problems):
            try:
                day = _day(ledger, values["visit_on"])
            except InvalidInput as err:
                problems.append(Problem(number, HEADERS["visit_on"][0], err.msg))
                continue
            found = _found(ledger, uow, unit, number, values, problems)
            if found is None:
                continue
            key = (found["person"].id, found["household"].id, day, found["kind"])
            read.setdefault(key, Visit(unit_id=unit_id, person_id=key[0], household_id=key[1], visit_on=day,
                                       kind=key[3], note=values["note"], by_user=by.name))
        if problems:
            raise SheetRefused(problems)
        # what is kept already, read once over the sheet's days only
        days = [key[2] for key in read]
        kept = {(v.person_id, v.household_id, v.visit_on, v.kind)
                for v in uow.visits.list(unit_ids=own, since=min(days), until=max(days))} if days else set()
        added = uow.visits.add_many([v for key, v in read.items() if key not in kept])
        result = VisitImport(len(added), len(rows) - len(added))
        uow.audit(by.name, "visit.import", "visits", None, None,
                  {"file": path.name, "added": result.added, "existing": result.existing})
        uow.commit()
        return result


def _found(ledger: Ledger, uow: Any, unit: Unit, number: int, values: dict[str, Any],
           problems: list[Problem]) -> dict[str, Any] | None:
    """A sheet row's visitor, household and kind; None (and the row's problems added) when one is unknown."""
    found: dict[str, Any] = {}
    lookups: list[tuple[str, Callable[[], Any]]] = [
        ("person", partial(_person, uow, unit, values["person"])),
        ("household", partial(household_coded, uow, unit, values["household"])),
        ("kind", partial(_kind, ledger, values["kind"])),
    ]
    for column, lookup in lookups:
        try:
            found[column] = lookup()
        except (NotFound, InvalidInput) as err:
            problems.append(Problem(number, HEADERS[column][0], err.msg))
    if len(found) < len(lookups):
        return None
    if not found["household"].active:
        problems.append(Problem(number, HEADERS["household"][0],
                                Message("household_inactive", code=found["household"].code, unit=unit.name)))
        return None
    return found
