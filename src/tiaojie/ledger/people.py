"""A village's people with duties: the cadres of the village committees (两委), whose work residents
review each half-year, and party members, who visit the households linked to them. Kept per unit,
within the keeper's part of the tree."""

from __future__ import annotations

from typing import Any

from ..models import Person, Unit, User
from ..store.messages import Conflict, did_you_mean
from .access import check
from .context import Ledger
from .errors import InvalidInput, NotFound
from .scope import narrowed, require_unit


def unit_named(uow: Any, unit: str) -> Unit:
    found = uow.units.find(unit)
    if found is None:
        raise NotFound("unknown_unit", unit=unit, hint=did_you_mean(unit, [u.code for u in uow.units.list()]))
    return found


def add_person(ledger: Ledger, by: User, *, unit: str, name: str, post: str = "", committee: bool = True,
               party_member: bool = False) -> Person:
    check(by, "people")
    name = name.strip()
    if not name:
        raise InvalidInput("person_name")
    with ledger.uow() as uow:
        found = unit_named(uow, unit)
        require_unit(uow, by, found.id)
        assert found.id is not None
        if uow.people.named(found.id, name) is not None:
            raise Conflict("person_exists", person=name, unit=found.name)
        person = uow.people.add(Person(unit_id=found.id, name=name, post=post.strip(), committee=committee,
                                       party_member=party_member))
        uow.audit(by.name, "person.add", "person", person.id, None, person)
        uow.commit()
        return person


def list_people(ledger: Ledger, user: User | None, unit: str | None = None) -> list[tuple[str, Person]]:
    """(unit name, person) of `unit` and the units under it, within `user`'s part of the tree."""
    with ledger.uow() as uow:
        asked = unit_named(uow, unit).id if unit else None
        names = {u.id: u.name for u in uow.units.list()}
        return [(names[c.unit_id], c) for c in uow.people.list(unit_ids=narrowed(uow, user, asked))]
