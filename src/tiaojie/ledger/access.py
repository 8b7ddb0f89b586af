"""Units, users and what each role may do."""

from __future__ import annotations

from ..models import Role, Unit, User
from ..store.messages import Conflict, did_you_mean
from .context import Ledger
from .errors import InvalidInput, NotFound, PermissionDenied

# Who may do what. Mediators keep cases; clerks keep money; policy staff keep the rules.
PERMISSIONS: dict[str, set[Role]] = {
    "case_write": {"mediator", "clerk", "admin"},
    "banquet": {"mediator", "clerk", "admin"},
    "import": {"clerk", "admin"},
    "period_compute": {"clerk", "admin"},
    "period_close": {"clerk", "admin"},
    "adjust": {"clerk", "admin"},
    "dividend": {"clerk", "admin"},
    "collective_edit": {"clerk", "admin"},
    "collective_policy": {"policy", "admin"},  # which dividend policy a collective's runs use
    "people": {"clerk", "admin"},  # a village's cadres and party members
    "review": {"clerk", "admin"},  # cadres' half-yearly satisfaction reviews
    "matter": {"mediator", "clerk", "admin"},  # residents' matters and the meetings that decide them
    "visit": {"mediator", "clerk", "admin"},  # household visits, logged by village station staff too
    "follow_up": {"clerk", "admin"},  # 回访抽查: drawn and recorded by the money side, never by the claimant
    "claim": {"mediator", "clerk", "admin"},  # claims and their review; each step names its own roles
    "rules_edit": {"policy", "admin"},
    "user_admin": {"admin"},
    "read": {"mediator", "clerk", "policy", "admin"},
}

PARENT_LEVEL = {"township": "county", "village": "township"}


def check(user: User, action: str) -> None:
    if user.role not in PERMISSIONS[action]:
        from ..store.messages import Message

        raise PermissionDenied(
            "permission_denied", user=user.name, role=Message(f"role_{user.role}"), action=Message(f"action_{action}")
        )


def resolve_user(ledger: Ledger, name: str | None) -> User:
    """The acting user, by name (``--user`` / ``TIAOJIE_USER``)."""
    if not name:
        raise PermissionDenied("no_user")
    with ledger.uow() as uow:
        user = uow.users.by_name(name)
        if user is None:
            raise NotFound("unknown_user", user=name, hint=did_you_mean(name, [u.name for u in uow.users.list()]))
        return user


def add_user(ledger: Ledger, by: User | None, name: str, role: Role, unit: str | None = None, *,
             password: str) -> User:
    """Admins add users, each with a password. The very first user of an empty ledger must be an
    admin, added by nobody. On SQLite the ledger keeps the password's argon2id hash; on PostgreSQL
    the user becomes a login role of the database with that password, and the ledger keeps none."""
    from . import passwords

    passwords.check_new(password)
    with ledger.uow() as uow:
        if by is None:
            if uow.users.count() > 0:
                raise PermissionDenied("no_user")
            if role != "admin":
                raise InvalidInput("bootstrap_admin")
            actor = name
        else:
            check(by, "user_admin")
            actor = by.name
        if uow.users.by_name(name):
            raise Conflict("user_exists", user=name)
        unit_id = _unit(uow, unit).id if unit else None
        if uow.users.on_postgresql:
            user = uow.users.add(User(name=name, role=role, unit_id=unit_id))
            uow.users.create_login(name, role, password)
        else:
            user = uow.users.add(User(name=name, role=role, unit_id=unit_id), passwords.hash_password(password))
        uow.audit(actor, "user.add", "user", user.id, None, user)
        uow.commit()
        return user


def add_unit(ledger: Ledger, by: User, code: str, name: str, level: str, parent: str | None = None) -> Unit:
    check(by, "user_admin")
    with ledger.uow() as uow:
        if uow.units.by_code(code):
            raise Conflict("unit_exists", code=code)
        parent_unit = _unit(uow, parent) if parent else None
        expected = PARENT_LEVEL.get(level)
        if parent_unit and parent_unit.level != expected:
            raise InvalidInput("unit_parent_level", level=level, expected=expected, actual=parent_unit.level)
        unit = uow.units.add(Unit(code=code, name=name, level=level, parent_id=parent_unit.id if parent_unit else None))
        uow.audit(by.name, "unit.add", "unit", unit.id, None, unit)
        uow.commit()
        return unit


def _unit(uow, ref: str) -> Unit:  # noqa: ANN001
    unit = uow.units.find(ref)
    if unit is None:
        raise NotFound("unknown_unit", unit=ref, hint=did_you_mean(ref, [u.code for u in uow.units.list()] + [u.name for u in uow.units.list()]))
    return unit


def find_unit(ledger: Ledger, ref: str) -> Unit:
    with ledger.uow() as uow:
        return _unit(uow, ref)
