"""`tiaojie user …` and `tiaojie unit …`: who works in the ledger and the tree of units they work in."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard, get_args

import typer

from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..models import Role

user_app = typer.Typer(help="用户 / users", no_args_is_help=True)
unit_app = typer.Typer(help="单位 / units", no_args_is_help=True)


def _is_role(value: str) -> TypeGuard[Role]:
    from ..models import Role

    return value in get_args(Role)


@user_app.command("add")
@handled
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="mediator | clerk | policy | admin"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """添加用户；空台账的第一个用户须为 admin，无需 --user / add a user (the first must be an admin)."""
    from ..ledger import access
    from ..ledger.views import users

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user) if users(ledger) else None
    if not _is_role(role):
        raise typer.BadParameter(role, param_hint="--role")
    created = access.add_user(ledger, by, name, role, unit)
    typer.echo(f"{created.name} ({created.role})")


@user_app.command("list")
@handled
def user_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    from ..ledger.views import units, users

    ledger = ledger_for(ctx, db)
    codes = {u.id: u.code for u in units(ledger)}
    typer.echo(text_table(["th_user", "th_role", "th_unit"], [[u.name, u.role, codes.get(u.unit_id, "")] for u in users(ledger)],
                          lang=chosen_lang(ctx)))


@unit_app.command("add")
@handled
def unit_add(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    name: str = typer.Argument(...),
    level: str = typer.Option(..., "--level", help="county | township | village"),
    parent: str = typer.Option(None, "--parent"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    from ..ledger import access

    ledger = ledger_for(ctx, db)
    unit = access.add_unit(ledger, acting_user(ledger, user), code, name, level, parent)
    typer.echo(f"{unit.code} {unit.name}")


@unit_app.command("list")
@handled
def unit_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    from ..ledger.views import units

    ledger = ledger_for(ctx, db)
    found = units(ledger)
    codes = {u.id: u.code for u in found}
    typer.echo(text_table(["th_code", "th_name_unit", "th_level", "th_parent"],
                          [[u.code, u.name, u.level, codes.get(u.parent_id, "")] for u in found], lang=chosen_lang(ctx)))
