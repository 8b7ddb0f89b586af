"""A village's households (农户) and its party members' linked households (党员联系户).

Households are added one by one or imported from a sheet (all or nothing: one bad row and nothing
is written, every bad row named by row and column). A sheet may name each household's linked party
members (联系党员, several separated by 、); importing the same sheet again adds nothing new, only
links not yet kept. Kept per unit, within the keeper's part of the tree, each write audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Household, HouseholdLink, Person, Unit, User
from ..store.messages import Conflict, Message, did_you_mean
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .import_sheet import Problem
from .people import unit_named
from .scope import narrowed, own_units, require_unit
from .visit_sheets import SheetRefused, SheetUnits, flag, names, read_rows, text

HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("村", "所属村", "单位", "单位代码", "unit"),
    "code": ("户号", "户编号", "code", "household_code"),
    "head": ("户主", "户主姓名", "head", "head_of_household"),
    "address": ("住址", "村民小组", "组别", "地址", "address", "group"),
    "active": ("在册", "active"),
    "linked": ("联系党员", "联系人", "linked_party_members", "party_members"),
}
REQUIRED = ("unit", "code", "head")


@dataclass(frozen=True)
class HouseholdLine:
    """A household as a person reads it: its village by name and its linked party members."""

    unit: str
    household: Household
    linked: list[str]


@dataclass(frozen=True)
class HouseholdImport:
    added: int
    existing: int
    links: int

    def summary(self) -> Message:
        return Message("household_imported", added=self.added, existing=self.existing, links=self.links)


def household_coded(uow: Any, unit: Unit, code: str) -> Household:
    assert unit.id is not None
    found = uow.households.coded(unit.id, code.strip())
    if found is None:
        known = [h.code for h in uow.households.list(unit_ids={unit.id})]
        raise NotFound("household_unknown", code=code, unit=unit.name, hint=did_you_mean(code, known))
    return found


def unknown_person(uow: Any, unit: Unit, name: str) -> NotFound:
    """The refusal of a name not among the village's people, naming those it has."""
    known = [p.name for p in uow.people.list(unit_ids={unit.id}) if p.active]
    return NotFound("visit_unknown_person", person=name, unit=unit.name, known="、".join(known[:12]) or "—")


def party_member_named(uow: Any, unit: Unit, name: str) -> Person:
    assert unit.id is not None
    person = uow.people.named(unit.id, name.strip())
    if person is None:
        raise unknown_person(uow, unit, name)
    if not person.party_member:
        raise InvalidInput("link_not_party_member", person=person.name, unit=unit.name)
    return person


def add_household(ledger: Ledger, by: User, *, unit: str, code: str, head: str, address: str = "") -> Household:
    check(by, "people")
    code, head = code.strip(), head.strip()
    if not code or not head:
        raise InvalidInput("household_blank")
    with ledger.uow() as uow:
        found = unit_named(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        if uow.households.coded(found.id, code) is not None:
            raise Conflict("household_exists", code=code, unit=found.name)
        [household] = uow.households.add_many([Household(unit_id=found.id, code=code, head=head,
                                                         address=address.strip())])
        uow.audit(by.name, "household.add", "household", household.id, None, household)
        uow.commit()
        return household


def link_household(ledger: Ledger, by: User, *, unit: str, household: str, person: str) -> HouseholdLink:
    """Make `household` one of party member `person`'s linked households."""
    check(by, "people")
    with ledger.uow() as uow:
        found = unit_named(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        home = household_coded(uow, found, household)
        member = party_member_named(uow, found, person)
        if any(k.household_id == home.id and k.person_id == member.id for k in uow.households.links(unit_ids={found.id})):
            raise Conflict("link_exists", person=member.name, code=home.code, unit=found.name)
        assert home.id is not None and member.id is not None
        [link] = uow.households.link_many([HouseholdLink(unit_id=found.id, household_id=home.id, person_id=member.id)])
        uow.audit(by.name, "household.link", "household_link", link.id, None, link)
        uow.commit()
        return link


def list_households(ledger: Ledger, user: User | None, unit: str | None = None) -> list[HouseholdLine]:
    """Households of `unit` and the units under it (all without one), within `user`'s part of the tree."""
    with ledger.uow() as uow:
        asked = unit_named(uow, unit).id if unit else None
        scope = narrowed(uow, user, asked)
        units = {u.id: u.name for u in uow.units.list()}
        people = {p.id: p.name for p in uow.people.list(unit_ids=scope)}
        linked: dict[int, list[str]] = {}
        for link in uow.households.links(unit_ids=scope):
            linked.setdefault(link.household_id, []).append(people.get(link.person_id, "—"))
        return [HouseholdLine(units[h.unit_id], h, linked.get(h.id or 0, []))
                for h in uow.households.list(unit_ids=scope)]


_PARSERS = {"unit": text, "code": text, "head": text, "address": text, "active": flag, "linked": names}


def import_households(ledger: Ledger, by: User, path: Path, encoding: str | None = None) -> HouseholdImport:
    """Households (and their linked party members) from a sheet, all or nothing."""
    check(by, "people")
    rows = read_rows(path, HEADERS, REQUIRED, encoding)
    problems: list[Problem] = []
    with ledger.uow() as uow:
        own = own_units(uow, by)
        units = SheetUnits(uow, by, own)
        seen: dict[tuple[int, str], int] = {}  # (unit, code) → the row that first named it
        new: list[tuple[Household, list[Person]]] = []
        links: list[tuple[Household, Person]] = []
        existing = 0
        for number, values, unit, unit_id in units.valid_rows(rows, _PARSERS, HEADERS, REQUIRED, problems):
            key = (unit_id, values["code"])
            if key in seen:
                problems.append(Problem(number, HEADERS["code"][0], Message("household_repeated", other=seen[key])))
                continue
            seen[key] = number
            members: list[Person] = []
            for member in values["linked"]:
                try:
                    members.append(party_member_named(uow, unit, member))
                except (NotFound, InvalidInput) as err:
                    problems.append(Problem(number, HEADERS["linked"][0], err.msg))
            stored = uow.households.coded(unit_id, values["code"])
            if stored is None:
                new.append((Household(unit_id=unit_id, code=values["code"], head=values["head"],
                                      address=values["address"], active=values["active"]), members))
            else:
                existing += 1
                links += [(stored, p) for p in members]
        if problems:
            raise SheetRefused(problems)
        added = uow.households.add_many([h for h, _ in new])
        links += [(h, p) for h, (_, members) in zip(added, new) for p in members]
        kept = {(k.household_id, k.person_id) for k in uow.households.links(unit_ids=own)}
        fresh = [HouseholdLink(unit_id=h.unit_id, household_id=h.id, person_id=p.id)
                 for h, p in links if (h.id, p.id) not in kept]
        fresh = list({(k.household_id, k.person_id): k for k in fresh}.values())
        uow.households.link_many(fresh)
        result = HouseholdImport(len(added), existing, len(fresh))
        uow.audit(by.name, "household.import", "households", None, None,
                  {"file": path.name, "added": result.added, "existing": result.existing, "links": result.links})
        uow.commit()
        return result
