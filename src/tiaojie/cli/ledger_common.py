"""What every ledger command shares: the ``--db`` and ``--user`` options, opening the ledger with
the rules in force, the acting user, expected failures as messages, and aligned tables.

Every command takes ``--db URL`` (or ``TIAOJIE_DB``; default a SQLite file in the user's data
directory); every command that writes takes ``--user NAME`` (or ``TIAOJIE_USER``), proves who
that is (`acting_user`: a session from `tiaojie login`, ``TIAOJIE_PASSWORD`` for scripts, or the
password asked for on a terminal) and checks the user's role. Expected failures print a message
in the chosen language (`--lang`, Chinese by default) naming what went wrong, and exit 1 — never
a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import typer

from ..i18n import Lang, tr
from .context import _env_lang, settings

if TYPE_CHECKING:
    from ..ledger.context import Ledger
    from ..models import User

DB_OPTION = typer.Option(None, "--db", envvar="TIAOJIE_DB", help="数据库地址或 SQLite 文件 / database URL or SQLite file")
USER_OPTION = typer.Option(None, "--user", envvar="TIAOJIE_USER", help="操作人 / acting user")

P = ParamSpec("P")
R = TypeVar("R")


def fail(text: str, code: int = 1) -> NoReturn:
    typer.echo(text, err=True)
    raise typer.Exit(code)


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Expected failures → a message in the chosen language on stderr and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from decimal import InvalidOperation

        from pydantic import ValidationError

        from ..money import MoneyError
        from ..rules.errors import EvaluationError, RuleSetError
        from ..store.messages import LedgerError

        try:
            return fn(*args, **kwargs)
        except ValidationError as err:  # a value a model refused: named by its title, in the user's language
            from ..validation_messages import describe

            fail(describe(err.errors()).render(_lang_of(args, kwargs)))
        except (MoneyError, InvalidOperation):
            from ..i18n import tr
            from ..money import MAX_YUAN

            fail(tr("money_invalid", _lang_of(args, kwargs), max=MAX_YUAN))
        except LedgerError as err:
            lang = _lang_of(args, kwargs)
            for p in getattr(getattr(err, "result", None), "problems", None) or ():
                typer.echo(p.render(lang), err=True)
            fail(err.message(lang))
        except RuleSetError as err:
            fail(err.render(_lang_of(args, kwargs)))
        except EvaluationError as err:
            fail(err.message(_lang_of(args, kwargs)))
        except OSError as err:  # a file the command writes (or reads): named, with the system's reason
            if not err.filename:
                raise
            fail(_file_refused(err, _lang_of(args, kwargs)))

    return wrapper


def _file_refused(err: OSError, lang: Lang) -> str:
    """A missing folder named as such; any other refusal with the path and the system's words."""
    from pathlib import Path

    path = Path(str(err.filename))
    if isinstance(err, FileNotFoundError) and not path.parent.is_dir():
        return tr("cli_no_folder", lang, folder=str(path.parent))
    return tr("cli_file_refused", lang, path=str(path), detail=err.strerror or str(err))


def _lang_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Lang:
    """The `--lang` of the command being run (from its context), else TIAOJIE_LANG."""
    ctx = next((a for a in (*args, *kwargs.values()) if hasattr(a, "find_root")), None)
    return settings(ctx).lang if ctx is not None else _env_lang()


# Commands that only read, where `--rules DRAFT` shows a what-if; any other command given
# `--rules` is refused before the ledger is opened (a write goes through the activated set only).
WHAT_IF_COMMANDS = frozenset({
    "period show", "period compute", "case show", "case list", "stats", "banquet check", "banquet list",
    "dividend show", "rules impact", "review list", "review export",
    "visit duty", "visit list",
})


# Commands that neither evaluate a rule nor store what one decided (the audit log, users and
# units, the database itself, a statement of lines already stored): `--rules` — often set once
# for a session through TIAOJIE_RULES — changes nothing there, so it is neither used nor refused.
RULE_FREE_GROUPS = frozenset({"audit", "user", "unit", "db", "person", "meeting", "household"})
RULE_FREE_COMMANDS = frozenset({"login", "logout", "passwd", "statement", "matter list", "matter close",
                                "matter stats"})


def _uses_no_rules(command: str) -> bool:
    return command in RULE_FREE_COMMANDS or command.split(" ", 1)[0] in RULE_FREE_GROUPS


def ledger_for(ctx: typer.Context, db: str | None) -> Ledger:
    """The ledger on its activated rule set; with `--rules DIR`, where the command only reads, a
    what-if ledger on those rules, labelled on stderr as a draft (it refuses every write)."""
    from ..ledger.bootstrap import open_ledger
    from ..store.messages import Message

    cfg = settings(ctx)
    command = " ".join(ctx.command_path.split()[1:])
    what_if = cfg.rules_explicit and command in WHAT_IF_COMMANDS
    if cfg.rules_explicit and not what_if and not _uses_no_rules(command):
        from ..ledger.context import RulesNotActivated

        raise RulesNotActivated("rules_cli_draft_refused", draft=str(cfg.rules_dir))
    ledger = open_ledger(db, cfg.rules_dir if what_if else None)
    if ledger.draft is not None:
        key = "rules_draft_notice" if what_if else "rules_unactivated_notice"
        typer.echo(Message(key, draft=str(ledger.draft), dir=str(ledger.draft)).render(cfg.lang), err=True)
    return ledger


def acting_user(ledger: Ledger, name: str | None) -> User:
    """Who is acting, proven. On SQLite, in this order: the password in ``TIAOJIE_PASSWORD``
    for the named user (for scripts); else the session `tiaojie login` kept for this ledger (a
    ``--user`` naming someone else is refused); else, on a terminal, the password asked for;
    else a refusal saying how to sign in. On PostgreSQL the database's own sign-in (libpq's
    PGPASSWORD, .pgpass, service files) proved who the connection is (`auth.connection_user`)."""
    import os

    from ..ledger import auth
    from ..ledger.errors import PermissionDenied
    from .sessions import read_session

    if auth.on_postgresql(ledger):
        return auth.connection_user(ledger, name)
    password = os.environ.get("TIAOJIE_PASSWORD")
    if name and password is not None:
        return auth.sign_in(ledger, name, password)
    session = read_session(ledger_url(ledger))
    if session is not None:
        if name and name != session.user:
            raise PermissionDenied("session_other_user", signed=session.user, user=name)
        try:
            return auth.user_for_token(ledger, session.token)
        except PermissionDenied:
            if not (name and _on_terminal()):
                raise
    if not name:
        raise PermissionDenied("no_user")
    if _on_terminal():
        return auth.sign_in(ledger, name, ask_password("prompt_password", user=name))
    raise PermissionDenied("no_credentials", user=name)


def ledger_url(ledger: Ledger) -> str:
    return ledger.engine.url.render_as_string(hide_password=True)


def _on_terminal() -> bool:
    import sys

    return sys.stdin is not None and sys.stdin.isatty()


def ask_password(key: str, *, twice: bool = False, **params: object) -> str:
    """A password typed on the terminal, not echoed (`twice`: typed again to confirm)."""
    from ..ledger.errors import InvalidInput
    from ..store.messages import Message

    lang = _env_lang()
    typed = typer.prompt(tr(key, lang, **params), hide_input=True)
    if twice and typer.prompt(tr("prompt_new_password_again", lang), hide_input=True) != typed:
        raise InvalidInput("passwords_differ", field=Message("password_field_new"))
    return str(typed)


def new_password() -> str:
    """A new password for a user being added or reset: typed twice on a terminal, else
    ``TIAOJIE_NEW_PASSWORD`` (for scripts); never a default."""
    import os

    from ..ledger.errors import InvalidInput

    if _on_terminal():
        return ask_password("prompt_new_password", twice=True)
    given = os.environ.get("TIAOJIE_NEW_PASSWORD")
    if given is None:
        raise InvalidInput("no_new_password")
    return given


def chosen_lang(ctx: typer.Context) -> Lang:
    return settings(ctx).lang


def text_table(header: list[str], rows: list[list[Any]], lang: Lang = "zh") -> str:
    """Rows under `header` (catalog keys of column headings), columns aligned for Chinese text."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cells = [[tr(key, lang) if key.startswith("th_") else key for key in header]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
