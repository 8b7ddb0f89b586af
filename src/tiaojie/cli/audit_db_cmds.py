"""`tiaojie db …`, `tiaojie audit …` and `tiaojie demo`: the ledger's database (its schema and where
it is), its hash-chained audit log, and a demo ledger to try the rest on."""

from __future__ import annotations

import typer

from ..i18n import tr
from .ledger_common import DB_OPTION, chosen_lang, handled, ledger_for, text_table

db_app = typer.Typer(help="数据库：升级结构、查看位置 / database: upgrade the schema, show where it is", no_args_is_help=True)


@db_app.command("upgrade")
@handled
def db_upgrade(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """把数据库结构升级到最新版本（新数据库直接创建）/ bring the schema to the current version."""
    from ..store.db import make_engine, resolve_url, safe_url, upgrade
    from ..store.messages import Message

    url = resolve_url(db)
    engine = make_engine(url)
    head = upgrade(engine)
    typer.echo(f"{safe_url(url)}: {Message('db_upgraded', head=head).render(chosen_lang(ctx))}")
    engine.dispose()


@db_app.command("where")
@handled
def db_where(db: str = DB_OPTION) -> None:
    """显示正在使用的数据库与结构版本 / show the database in use and its schema version."""
    from ..store.db import current_revision, head_revision, make_engine, resolve_url, safe_url

    url = resolve_url(db)
    engine = make_engine(url)
    typer.echo(f"{safe_url(url)}  schema {current_revision(engine) or '-'} (head {head_revision()})")
    engine.dispose()


audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)


@audit_app.command("verify")
@handled
def audit_verify(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """校验哈希链：发现被修改或删除的记录 / verify the hash chain."""
    from ..ledger.audit import verify

    ledger = ledger_for(ctx, db)
    report = verify(ledger)
    typer.echo(report.render(chosen_lang(ctx)))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("log")
@handled
def audit_log(ctx: typer.Context, limit: int = typer.Option(30, "--limit"), db: str = DB_OPTION) -> None:
    from ..ledger.audit import recent

    ledger = ledger_for(ctx, db)
    typer.echo(text_table(["#", "th_time", "th_user", "th_action", "th_object"],
                          [[e.seq, f"{e.at:%Y-%m-%d %H:%M:%S}", e.user_name, e.action, f"{e.entity} {e.entity_id or ''}"] for e in recent(ledger, limit)], lang=chosen_lang(ctx)))


@handled
def demo_cmd(ctx: typer.Context, db: str = DB_OPTION, year: int = typer.Option(2026, "--year")) -> None:
    """创建演示台账：县、乡镇、村工作站、调解员、一年的案件、两个集体、酒席报备、一个已关闭期间 / a demo ledger."""
    from ..ledger.demo import build_demo
    from ..store.db import resolve_url, safe_url

    ledger = ledger_for(ctx, db)
    summary = build_demo(ledger, year=year)
    typer.echo(f"{safe_url(resolve_url(db))}")
    typer.echo(tr("cli_demo_made", chosen_lang(ctx), units=summary.units, users=summary.users, cases=summary.cases,
                  collectives=summary.collectives, filings=summary.banquet_filings, closed=summary.closed_period))
    typer.echo(tr("cli_demo_try", chosen_lang(ctx)) + "  tiaojie stats --by unit;  TIAOJIE_USER=clerk tiaojie period show "
               f"{summary.computed_periods[-1] if summary.computed_periods else year};  tiaojie case list --overdue")
