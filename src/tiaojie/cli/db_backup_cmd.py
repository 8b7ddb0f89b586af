"""`tiaojie db backup FILE`: a consistent copy of a live SQLite ledger; for PostgreSQL, how to back
it up with the server's own tools."""

from __future__ import annotations

from pathlib import Path

import typer

from .db_cmds import db_app
from .ledger_common import DB_OPTION, chosen_lang, fail, handled


@db_app.command("backup")
@handled
def db_backup(
    ctx: typer.Context,
    target: Path = typer.Argument(..., help="备份文件 / the backup file"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件 / overwrite an existing file"),
    db: str = DB_OPTION,
) -> None:
    """备份台账（SQLite：运行中也可一致复制；PostgreSQL：说明如何用 pg_dump 备份）/ back up the ledger."""
    from sqlalchemy.engine import make_url

    from ..store.backup import backup_sqlite, postgresql_advice
    from ..store.db import resolve_url, safe_url
    from ..store.messages import Message

    lang = chosen_lang(ctx)
    url = resolve_url(db)
    if make_url(url).get_backend_name() == "postgresql":
        typer.echo(postgresql_advice(url, target).render(lang))
        return
    made = backup_sqlite(url, target, force=force)
    for problem in made.audit_problems:
        typer.echo(problem.render(lang), err=True)
    if made.audit_problems:
        fail(Message("db_backup_audit", target=str(made.target), count=len(made.audit_problems)).render(lang))
    typer.echo(Message("db_backup_done", source=safe_url(url), target=str(made.target), pages=made.pages,
                       entries=made.audit_entries).render(lang))
