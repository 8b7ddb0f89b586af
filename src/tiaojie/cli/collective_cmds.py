"""`tiaojie collective …`: collective economic organisations, each bound to its own dividend policy."""

from __future__ import annotations

import typer

from ..i18n import tr
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

collective_app = typer.Typer(help="集体经济组织及其分红政策 / collectives and their dividend policies", no_args_is_help=True)


@collective_app.command("add")
@handled
def collective_add(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    name: str = typer.Argument(...),
    policy: str = typer.Option(..., "--policy", help="本集体的分红政策 / the collective's dividend policy"),
    unit: str = typer.Option(None, "--unit"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """新建集体经济组织并绑定分红政策 / add a collective bound to its dividend policy."""
    from ..ledger import dividends

    ledger = ledger_for(ctx, db)
    made = dividends.add_collective(ledger, acting_user(ledger, user), code, name, unit, policy_id=policy)
    typer.echo(tr("cli_collective_policy", chosen_lang(ctx), collective=made.code, name=made.name, policy=dividends.policy_label(ledger, made.policy_id, chosen_lang(ctx))))


@collective_app.command("list")
@handled
def collective_list(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """各集体及其分红政策 / every collective with its dividend policy."""
    from ..ledger import dividends

    ledger = ledger_for(ctx, db)
    typer.echo(text_table(["th_code", "th_name_unit", "th_policy"],
                          [[c.code, c.name, c.policy_id or "—"] for c in dividends.collectives(ledger)], lang=chosen_lang(ctx)))


@collective_app.command("set-policy")
@handled
def collective_set_policy(
    ctx: typer.Context,
    code: str = typer.Argument(...),
    policy: str = typer.Argument(..., help="分红政策编号 / a dividend policy id"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """更改集体的分红政策（政策人员；记入审计日志）/ bind a collective to another dividend policy (policy staff; audited)."""
    from ..ledger import dividends

    ledger = ledger_for(ctx, db)
    changed = dividends.set_policy(ledger, acting_user(ledger, user), code, policy)
    typer.echo(tr("cli_collective_policy", chosen_lang(ctx), collective=changed.code, name=changed.name, policy=dividends.policy_label(ledger, changed.policy_id, chosen_lang(ctx))))
