"""`tiaojie db …` and `tiaojie demo`: the ledger's database (its schema and where it is), and a demo
ledger to try the rest on."""

from __future__ import annotations

from pathlib import Path

import typer

from ..i18n import tr
from .context import settings
from .ledger_common import DB_OPTION, chosen_lang, handled

db_app = typer.Typer(help="数据库：新建、升级结构、查看位置 / database: create, upgrade the schema, show where it is", no_args_is_help=True)


@db_app.command("upgrade")
@handled
def db_upgrade(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """把已有数据库的结构升级到最新版本（新建台账用 db init）/ bring an existing ledger's schema to the current version."""
    from ..store.db import is_default_location, make_engine, resolve_url, safe_url, upgrade
    from ..store.messages import Message

    url = resolve_url(db)
    engine = make_engine(url, create=is_default_location(url))  # a named file that is missing is a typo, not a new ledger
    head = upgrade(engine)
    typer.echo(f"{safe_url(url)}: {Message('db_upgraded', head=head).render(chosen_lang(ctx))}")
    engine.dispose()


@db_app.command("where")
@handled
def db_where(db: str = DB_OPTION) -> None:
    """显示正在使用的数据库与结构版本 / show the database in use and its schema version."""
    from ..store.db import current_revision, head_revision, make_engine, resolve_url, safe_url

    url = resolve_url(db)
    engine = make_engine(url, create=False)  # says so, with how to make one, when the file is missing
    typer.echo(f"{safe_url(url)}  schema {current_revision(engine) or '-'} (head {head_revision()})")
    engine.dispose()



@db_app.command("init")
@handled
def db_init(
    ctx: typer.Context,
    path: str = typer.Argument(..., help="SQLite 文件或数据库地址 / SQLite file or database URL"),
    rules: Path = typer.Option(None, "--rules", help="起始规则目录（默认随程序附带的规则）/ the starting rules (default: "
                                                     "the bundled set)"),
) -> None:
    """新建台账并启用起始规则集（记入审计日志）/ create a ledger with its starting rule set activated."""
    from ..ledger.bootstrap import create_ledger
    from ..store.db import resolve_url, safe_url
    from ..store.messages import Message

    cfg = settings(ctx)
    url = safe_url(resolve_url(path))
    ledger, started = create_ledger(path, rules if rules is not None else (cfg.rules_dir if cfg.rules_explicit else None))
    try:
        activated = ledger.activated_set()
        assert activated is not None  # create_ledger activates the starting set
        set_id, source = activated
        if started is None:
            typer.echo(Message("db_init_exists", url=url, id=set_id).render(cfg.lang))
            return
        typer.echo(Message("db_init_done", url=url, id=set_id, files=len(started.files), source=source).render(cfg.lang))
    finally:
        ledger.close()


@handled
def demo_cmd(ctx: typer.Context, db: str = DB_OPTION, year: int = typer.Option(2026, "--year")) -> None:
    """创建演示台账：县、乡镇、村工作站、调解员、一年的案件、两个集体、酒席报备、一个已关闭期间 / a demo ledger."""
    from ..ledger.bootstrap import create_ledger
    from ..ledger.demo import build_demo
    from ..store.db import resolve_url, safe_url

    cfg = settings(ctx)
    # the demo makes its ledger where it is told, starting from the rules given (else the bundled set)
    ledger, _ = create_ledger(db, cfg.rules_dir if cfg.rules_explicit else None)
    summary = build_demo(ledger, year=year)
    typer.echo(f"{safe_url(resolve_url(db))}")
    typer.echo(tr("cli_demo_made", chosen_lang(ctx), units=summary.units, users=summary.users, cases=summary.cases,
                  collectives=summary.collectives, filings=summary.banquet_filings, closed=summary.closed_period))
    typer.echo(tr("cli_demo_reviews", chosen_lang(ctx), cadres=summary.cadres, reviews=summary.reviews))
    typer.echo(tr("cli_demo_matters", chosen_lang(ctx), matters=summary.matters, meetings=summary.meetings))
    typer.echo(tr("cli_demo_try", chosen_lang(ctx)) + "  tiaojie stats --by unit;  TIAOJIE_USER=clerk tiaojie period show "
               f"{summary.computed_periods[-1] if summary.computed_periods else year};  tiaojie case list --overdue")
    from ..ledger.demo import DEMO_PASSWORD  # every demo user's, said where the demo is made

    typer.echo(tr("cli_demo_password", chosen_lang(ctx), password=DEMO_PASSWORD))
