"""The ledger's commands: case, import, period, statement, dividend, banquet, person, review, stats,
audit, db, demo (and user / unit to set a ledger up, login / logout / passwd to sign in).
``register(app)`` adds them to the root command.

What they share (``--db``, ``--user``, expected failures as messages) is in `ledger_common`; each
group of commands lives in a module of its own.
"""

from __future__ import annotations

import typer

from .audit_cmds import audit_app
from .banquet_cmds import banquet_app
from .case_cmds import case_app, import_cmd, stats_cmd
from .claim_cmds import claim_app
from .collective_cmds import collective_app
from .db_backup_cmd import db_backup  # noqa: F401 - adds `db backup` to db_app
from .db_cmds import db_app, demo_cmd
from .dividend_cmds import dividend_app
from .follow_up_cmds import follow_up_app
from .login_cmds import login_cmd, logout_cmd, passwd_cmd
from .matter_cmds import matter_app, meeting_app
from .org_cmds import unit_app, user_app
from .people_cmds import person_app
from .period_cmds import period_app, statement_cmd
from .review_cmds import review_app
from .visit_cmds import household_app, visit_app


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    app.command("login")(login_cmd)
    app.command("logout")(logout_cmd)
    app.command("passwd")(passwd_cmd)
    app.add_typer(unit_app, name="unit")
    app.add_typer(case_app, name="case")
    app.command("import")(import_cmd)
    app.add_typer(period_app, name="period")
    app.command("statement")(statement_cmd)
    app.add_typer(claim_app, name="claim")
    app.add_typer(collective_app, name="collective")
    app.add_typer(dividend_app, name="dividend")
    app.add_typer(banquet_app, name="banquet")
    app.add_typer(person_app, name="person")
    app.add_typer(review_app, name="review")
    app.add_typer(household_app, name="household")
    app.add_typer(visit_app, name="visit")
    app.add_typer(follow_up_app, name="followup")
    app.add_typer(matter_app, name="matter")
    app.add_typer(meeting_app, name="meeting")
    app.command("stats")(stats_cmd)
    app.add_typer(audit_app, name="audit")
    app.command("demo")(demo_cmd)
