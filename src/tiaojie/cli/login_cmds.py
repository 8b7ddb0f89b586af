"""`tiaojie login`, `tiaojie logout`, `tiaojie passwd`: signing in once for the commands that follow,
signing out, and changing one's own password.

`login` proves the password (typed on the terminal, or ``TIAOJIE_PASSWORD``) and keeps a
short-lived session token for this ledger in the user's config directory (`sessions`); later
commands act as that user without the password. On PostgreSQL the database's own sign-in is the
proof (libpq: PGPASSWORD, .pgpass, service files), so no token is kept.
"""

from __future__ import annotations

import os

import typer

from .ledger_common import DB_OPTION, USER_OPTION, ask_password, chosen_lang, handled, ledger_for, ledger_url


def _password(user: str, key: str = "prompt_password") -> str:
    """The password of `user`: ``TIAOJIE_PASSWORD`` when set (scripts), else typed on a terminal,
    unseen; without a terminal, a refusal saying how (never a password read where it may echo)."""
    from ..ledger.errors import PermissionDenied

    given = os.environ.get("TIAOJIE_PASSWORD")
    if given is not None:
        return given
    if not _on_terminal():
        raise PermissionDenied("no_credentials", user=user)
    return ask_password(key, user=user)


@handled
def login_cmd(
    ctx: typer.Context,
    db: str = DB_OPTION,
    user: str = USER_OPTION,
    hours: float = typer.Option(8.0, "--hours", min=0.05, max=24.0, help="会话有效小时数 / hours the session lasts"),
) -> None:
    """登录：验证密码后保存一个短期会话，之后的命令无需再输入密码 / sign in for the commands that follow."""
    from ..i18n import tr
    from ..ledger import auth
    from ..ledger.errors import PermissionDenied
    from ..store.messages import Message
    from .sessions import Session, write_session

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    if auth.on_postgresql(ledger):
        who = auth.connection_user(ledger, user)
        typer.echo(Message("signed_in_pg", user=who.name).render(lang))
        return
    name = user or (str(typer.prompt(tr("th_user", lang))) if _on_terminal() else "")
    if not name:
        raise PermissionDenied("no_user")
    signed = auth.sign_in(ledger, name, _password(name))
    token, expires = auth.issue_token(ledger, signed, hours=hours)
    write_session(ledger_url(ledger), Session(signed.name, token, expires))
    shown = expires.astimezone().strftime("%Y-%m-%d %H:%M")
    typer.echo(Message("signed_in_until", user=signed.name, expires=shown).render(lang))


@handled
def logout_cmd(ctx: typer.Context, db: str = DB_OPTION) -> None:
    """退出登录：作废本台账的会话 / sign out: the session of this ledger ends."""
    from ..ledger import auth
    from ..store.messages import Message
    from .sessions import forget_session, read_session

    ledger = ledger_for(ctx, db)
    url = ledger_url(ledger)
    session = read_session(url)
    if session is None:
        typer.echo(Message("not_signed_in").render(chosen_lang(ctx)))
        return
    auth.revoke_token(ledger, session.token)
    forget_session(url)
    typer.echo(Message("signed_out").render(chosen_lang(ctx)))


@handled
def passwd_cmd(ctx: typer.Context, db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """修改自己的密码：输入当前密码，再输入两次新密码 / change your own password."""
    from ..ledger import auth
    from ..ledger.errors import PermissionDenied
    from ..store.messages import Message
    from .ledger_common import new_password
    from .sessions import Session, read_session, write_session

    ledger = ledger_for(ctx, db)
    url = ledger_url(ledger)
    session = read_session(url) if not auth.on_postgresql(ledger) else None
    name = user or (session.user if session else None)
    if auth.on_postgresql(ledger):
        name = auth.connection_user(ledger, user).name
    if not name:
        raise PermissionDenied("no_user")
    if session is not None and session.user != name:
        raise PermissionDenied("session_other_user", signed=session.user, user=name)
    from ..ledger.access import resolve_user

    old = _password(name, "prompt_old_password")
    new = new_password()
    me = auth.change_password(ledger, resolve_user(ledger, name), old, new)
    if session is not None:  # changing the password ended every session: keep this one going
        token, expires = auth.issue_token(ledger, me)
        write_session(url, Session(me.name, token, expires))
    typer.echo(Message("password_changed", user=me.name).render(chosen_lang(ctx)))


def _on_terminal() -> bool:
    import sys

    return sys.stdin is not None and sys.stdin.isatty()
