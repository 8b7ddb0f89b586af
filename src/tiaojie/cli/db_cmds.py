"""`tiaojie db …` and `tiaojie demo`: the ledger's database (its schema and where it is), and a demo
ledger to try the rest on."""

from __future__ import annotations

import typer

from ..i18n import tr
from .ledger_common import DB_OPTION, chosen_lang, handled, ledger_for

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
    from ..ledger.demo import DEMO_PASSWORD  # every demo user's, said where the demo is made

    typer.echo(tr("cli_demo_password", chosen_lang(ctx), password=DEMO_PASSWORD))
