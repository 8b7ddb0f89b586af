"""The root `tiaojie` command: global options and the command groups."""

from __future__ import annotations

from pathlib import Path

import typer

from ..rules.locations import default_rules_dir
from .context import Settings
from .evaluate_cmd import evaluate
from .global_options import GlobalOptionsGroup, chosen_lang
from .rules_cmds import rules_app

app = typer.Typer(
    cls=GlobalOptionsGroup,  # --db, --user, --rules, --lang before or after the command name
    help="调解 tiaojie — 人民调解以奖代补、村规民约与集体分红的规则计算 / rules-driven mediation and incentive calculator",
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", envvar="TIAOJIE_DB", help="数据库地址或 SQLite 文件 / database URL or SQLite file"),
    user: str = typer.Option(None, "--user", envvar="TIAOJIE_USER", help="操作人 / acting user"),
    rules: Path = typer.Option(None, "--rules", envvar="TIAOJIE_RULES", help="规则目录 / rules directory (default ./rules, else the bundled set)"),
    lang: str = typer.Option(None, "--lang", envvar="TIAOJIE_LANG", help="zh | en"),
) -> None:
    ctx.obj = Settings(rules_dir=rules or default_rules_dir(), lang=chosen_lang(lang), rules_explicit=rules is not None,
                       db=db, user=user)
    if ctx.invoked_subcommand is None:
        _without_command(ctx, ctx.obj)


def _without_command(ctx: typer.Context, cfg: Settings) -> None:
    """No command: the terminal UI where it is installed (with the --db and --user given), else the help."""
    tui = getattr(ctx.command, "commands", {}).get("tui")
    if tui is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    values = {p.name: p.get_default(ctx) for p in tui.params if p.expose_value}
    ctx.invoke(tui.callback, **{**values, "db": cfg.db, "user": cfg.user})


app.add_typer(rules_app, name="rules")
app.command("evaluate")(evaluate)

try:  # the ledger's commands, when that part of tiaojie is installed
    from .ledger_cmds import register as _register_ledger
except ImportError:  # pragma: no cover - present once the ledger lands
    pass
else:
    _register_ledger(app)


def register_plugins() -> list[str]:
    """Commands contributed by other installed parts (the terminal UI) through entry points, so
    that the core never imports them by name. Returns the names of the parts registered."""
    from importlib.metadata import entry_points

    names = []
    for entry in entry_points(group="tiaojie.commands"):
        try:
            entry.load()(app)
        except ImportError:  # a part that is declared but not importable here
            continue
        names.append(entry.name)
    return names


def main() -> None:
    import sys

    register_plugins()  # plain `tiaojie` opens the terminal UI when it is installed (`root`)
    try:
        app(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line on screen, the traceback in a log
        sys.exit(_internal_error(exc))


def _internal_error(exc: BaseException) -> int:
    """Write the traceback to the user's log directory and say where, in one line."""
    import datetime as dt
    import os
    import sys
    import traceback

    from ..i18n import Lang, tr

    lang: Lang = "en" if os.environ.get("TIAOJIE_LANG", "").lower().startswith("en") else "zh"
    try:
        from platformdirs import user_log_dir

        folder = user_log_dir("tiaojie", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"error-{dt.datetime.now():%Y%m%d-%H%M%S}.log")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        path = "—"
    print(tr("internal_error", lang, path=path), file=sys.stderr)
    return 70
