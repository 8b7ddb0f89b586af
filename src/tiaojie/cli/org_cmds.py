"""`tiaojie user …` and `tiaojie unit …`: who works in the ledger and the tree of units they work in."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard, get_args

import typer

from .ledger_common import (
    DB_OPTION,
    USER_OPTION,
    acting_user,
    chosen_lang,
    handled,
    ledger_for,
    new_password,
    text_table,
)

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
    """添加用户并设密码（终端中输入两次，脚本用 TIAOJIE_NEW_PASSWORD）；空台账的第一个用户须为 admin，无需 --user /
    add a user with a password (typed twice, or TIAOJIE_NEW_PASSWORD); the first must be an admin."""
    from ..ledger import access
    from ..ledger.views import users

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user) if users(ledger) else None
    if not _is_role(role):
        raise typer.BadParameter(role, param_hint="--role")
    created = access.add_user(ledger, by, name, role, unit, password=new_password())
    typer.echo(f"{created.name} ({created.role})")


@user_app.command("list")
@handled
def user_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    from ..i18n import tr
    from ..ledger.views import units, users

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    codes = {u.id: u.code for u in units(ledger)}
    rows = [[u.name, u.role, codes.get(u.unit_id, ""), tr("user_state_active" if u.active else "user_state_disabled", lang)]
            for u in users(ledger)]
    typer.echo(text_table(["th_user", "th_role", "th_unit", "th_user_state"], rows, lang=lang))


@user_app.command("disable")
@handled
def user_disable(ctx: typer.Context, name: str = typer.Argument(...), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """停用用户（不能再登录，已有登录会话失效） / disable a user: no more sign-ins, sessions end."""
    _set_active(ctx, name, db, user, active=False)


@user_app.command("enable")
@handled
def user_enable(ctx: typer.Context, name: str = typer.Argument(...), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """重新启用用户 / enable a disabled user again."""
    _set_active(ctx, name, db, user, active=True)


def _set_active(ctx: typer.Context, name: str, db: str | None, user: str | None, *, active: bool) -> None:
    from ..ledger import auth
    from ..store.messages import Message

    ledger = ledger_for(ctx, db)
    changed = auth.set_active(ledger, acting_user(ledger, user), name, active)
    typer.echo(Message("user_enabled_done" if active else "user_disabled_done", user=changed.name).render(chosen_lang(ctx)))


@user_app.command("reset-password")
@handled
def user_reset_password(ctx: typer.Context, name: str = typer.Argument(...), db: str = DB_OPTION,
                        user: str = USER_OPTION) -> None:
    """管理员重设用户密码（终端中输入两次，脚本用 TIAOJIE_NEW_PASSWORD）；尚无任何密码的旧台账，先为一名管理员设密码，
    无需 --user / an admin sets a user's password (on a ledger from before passwords, an admin's first one)."""
    from ..ledger import auth
    from ..store.messages import Message

    ledger = ledger_for(ctx, db)
    by = None if auth.no_passwords_yet(ledger) else acting_user(ledger, user)
    changed = auth.reset_password(ledger, by, name, new_password())
    typer.echo(Message("password_reset_done", user=changed.name).render(chosen_lang(ctx)))


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
    from ..i18n import tr
    from ..ledger.views import units

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    found = units(ledger)
    codes = {u.id: u.code for u in found}
    typer.echo(text_table(["th_code", "th_name_unit", "th_level", "th_parent"],
                          [[u.code, u.name, tr(f"unit_level_{u.level}", lang), codes.get(u.parent_id, "")] for u in found],
                          lang=lang))
