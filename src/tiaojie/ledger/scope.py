"""The part of the unit tree a user acts on: their unit and the units under it. A user without a
unit (county staff) acts on the whole tree.

Reads narrow their query to these unit ids (`WHERE unit_id IN …`, decided where the data is);
writes refuse a case or a banquet filing outside them, naming the unit. On PostgreSQL the
database's row-level security draws the same line for each signed-in role; on SQLite (one station,
one file) the services are the line, so every path that reads or writes cases passes through here.
"""

from __future__ import annotations

from ..models import User
from ..store.uow import SqlUnitOfWork
from .errors import PermissionDenied


def own_units(uow: SqlUnitOfWork, user: User | None) -> set[int] | None:
    """The unit ids `user` acts on; None for the whole tree (a user without a unit, or no user:
    the ledger's own computations)."""
    if user is None or user.unit_id is None:
        return None
    return uow.units.subtree_ids(user.unit_id)


def narrowed(uow: SqlUnitOfWork, user: User | None, unit_id: int | None) -> set[int] | None:
    """The unit ids a read covers: `unit_id` and the units under it (all units when None), within
    what `user` acts on; None: no limit."""
    asked = uow.units.subtree_ids(unit_id) if unit_id is not None else None
    own = own_units(uow, user)
    if own is None:
        return asked
    return own if asked is None else asked & own


def refused(uow: SqlUnitOfWork, user: User, unit_id: int | None) -> PermissionDenied:
    """The refusal for `user` acting on unit `unit_id`, both units by name."""
    return PermissionDenied("unit_out_of_scope", user=user.name, scope=_name(uow, user.unit_id), unit=_name(uow, unit_id))


def require_unit(uow: SqlUnitOfWork, user: User, unit_id: int | None, own: set[int] | None = None) -> None:
    """Refuse unless `user` acts on unit `unit_id` (a case or filing without a unit belongs to no
    one's subtree: only users of the whole tree act on it). `own`: `own_units`, when already known."""
    own = own if own is not None else own_units(uow, user)
    if own is None or unit_id in own:
        return
    raise refused(uow, user, unit_id)


def require_whole_tree(uow: SqlUnitOfWork, user: User) -> None:
    """Refuse unless `user` sees every unit: closing a period pays and locks the whole county, and
    new rules pay all of it (the same line PostgreSQL draws with `tiaojie_sees_all_units`)."""
    own = own_units(uow, user)
    if own is None or own >= {u.id for u in uow.units.list()}:
        return
    raise PermissionDenied("whole_tree_only", user=user.name, scope=_name(uow, user.unit_id))


def _name(uow: SqlUnitOfWork, unit_id: int | None) -> str:
    unit = uow.units.get(unit_id) if unit_id is not None else None
    return unit.name if unit else "—"


__all__ = ["own_units", "narrowed", "require_unit", "require_whole_tree", "refused"]
