"""Registers `tiaojie tui` with the core CLI. Importing this module must stay cheap: Textual is
imported only when the command runs."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("tui")
    def tui(
        ctx: typer.Context,
        db: str = typer.Option(None, "--db", envvar="TIAOJIE_DB",
                               help="数据库地址或 SQLite 文件 / database URL or SQLite file"),
        user: str = typer.Option(None, "--user", envvar="TIAOJIE_USER",
                                 help="登录名（仍需输入密码） / the name to sign in as (the password is still asked)"),
    ) -> None:
        """打开终端界面 / open the terminal UI."""
        from .app import run  # deferred: Textual loads only when the UI is opened

        run(ctx, db=db, user=user)
