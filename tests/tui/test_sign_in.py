"""The sign-in dialog: a name and a password typed as a person does, nobody chosen in advance, a
refusal shown with the name kept, `tiaojie tui --user NAME` filling in the name only, and no
password hashing library loaded before the first frame."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, Static

pytest.importorskip("textual")

from tiaojie.ledger import access  # noqa: E402
from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import DEMO_PASSWORD  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import DEMO_PASSWORD as TYPED_PASSWORD  # noqa: E402
from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, rules_dir: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    (tmp_path / "ledger.sqlite").touch()
    ledger = open_ledger(url, rules_dir, today=TODAY)
    admin = access.add_user(ledger, None, "admin", "admin", password=DEMO_PASSWORD)
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC", password=DEMO_PASSWORD)
    ledger.close()
    return url


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#login-message", Static).render())


def test_the_tests_type_the_demo_password():
    assert TYPED_PASSWORD == DEMO_PASSWORD


async def test_nobody_is_chosen_and_a_wrong_password_is_refused_keeping_the_name(store):
    app = make_app(store=store, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LoginDialog"
        assert app.screen.query_one("#login-name", Input).value == ""
        assert app.screen.query_one("#login-password", Input).password  # typed unseen
        await pilot.press("enter")  # nothing typed: nobody signs in
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LoginDialog" and app.backend.user is None

        await sign_in(app, pilot, "med01", "not-the-password")
        assert type(app.screen).__name__ == "LoginDialog" and app.backend.user is None
        assert "登录失败" in message(app)
        assert app.screen.query_one("#login-name", Input).value == "med01"  # the name stays
        assert app.screen.query_one("#login-password", Input).value == ""
        assert "not-the-password" not in message(app)

        await type_into(app, pilot, "#login-password", DEMO_PASSWORD)  # only the password again
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.backend.user.name == "med01" and app.current_mode == "entry"


async def test_an_unknown_name_gets_the_same_refusal(store):
    app = make_app(store=store, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "med01", "not-the-password")
        wrong = message(app)
        await sign_in(app, pilot, "nobody", DEMO_PASSWORD)
        assert message(app) == wrong and app.backend.user is None


async def test_the_command_lines_user_fills_in_the_name_but_the_password_is_asked(store):
    app = make_app(store=store, today=TODAY, sign_in_as="med01")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LoginDialog" and app.backend.user is None
        assert app.screen.query_one("#login-name", Input).value == "med01"
        assert app.focused is app.screen.query_one("#login-password", Input)
        await pilot.press(*DEMO_PASSWORD, "enter")
        await settle(app, pilot)
        assert app.backend.user.name == "med01"


def test_tiaojie_tui_user_only_fills_in_the_name(store, monkeypatch):
    from tui import app as tui_app

    seen: dict = {}
    monkeypatch.setattr(tui_app.TiaojieApp, "run",
                        lambda self: seen.update(user=self.backend.user, name=self.backend.sign_in_name))
    tui_app.run(None, db=store, user="med01")
    assert seen == {"user": None, "name": "med01"}


async def test_failures_in_the_dialog_are_audited_and_slowed_down(store, monkeypatch):
    from tiaojie.ledger import auth

    frozen = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(auth, "clock", lambda: frozen)  # no time passes between the attempts
    app = make_app(store=store, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await sign_in(app, pilot, "admin", "wrong-password")
        await sign_in(app, pilot, "admin", DEMO_PASSWORD)  # at once: refused without a check
        assert app.backend.user is None and "秒后再试" in message(app)
    ledger = open_ledger(store, None)
    try:
        from tiaojie.ledger.audit import recent

        entries = recent(ledger, 20)
        failed = [e for e in entries if e.action == "user.sign_in_failed"]
        assert len(failed) == 4 and all(e.user_name == "admin" for e in failed)
        logged = "\n".join(e.model_dump_json() for e in entries)
        assert "wrong-password" not in logged and DEMO_PASSWORD not in logged and "$argon2" not in logged
    finally:
        ledger.close()


def test_the_sign_in_dialog_is_painted_before_any_password_library_is_loaded(store):
    """The first frame of `tiaojie tui --user med01`: the dialog is on the terminal and argon2 is
    not imported; it is once a password is checked."""
    code = f"""
import asyncio, sys
from tui.app import make_app

async def main():
    app = make_app(store={store!r}, sign_in_as="med01")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        before = type(app.screen).__name__, "argon2" in sys.modules
        await pilot.press(*{DEMO_PASSWORD!r}, "enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if app.backend.user is not None:
                break
        print(before, app.backend.user.name, "argon2" in sys.modules)

asyncio.run(main())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "('LoginDialog', False) med01 True"


@pytest.fixture(scope="module")
def scram_server():
    """A private PostgreSQL server that checks passwords (SCRAM), with a ledger database its owner
    role made (tests/pg_private_server.py)."""
    import uuid

    from pg_private_server import private_server
    from sqlalchemy import create_engine, text

    with private_server() as server:
        owner_password = "owner-" + uuid.uuid4().hex
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE tiaojie_owner LOGIN CREATEROLE PASSWORD '{owner_password}'"))
            conn.execute(text("CREATE DATABASE ledger OWNER tiaojie_owner"))
        admin.dispose()
        yield server.url("ledger", "tiaojie_owner", owner_password)


async def test_on_postgresql_the_dialog_signs_in_as_the_users_own_role_checked_by_the_server(scram_server, rules_dir):
    from sqlalchemy import text

    from tiaojie.ledger.context import Ledger
    from tiaojie.rules.service import open_rules
    from tiaojie.store.db import open_database

    owner = open_database(scram_server)
    rules = open_rules(rules_dir)
    try:
        ledger = Ledger(engine=owner, rules=rules, today=TODAY)
        admin = access.add_user(ledger, None, "县管理员", "admin", password="管理员的口令-1")
        access.add_unit(ledger, admin, "XJC", "新建村", "village")
        access.add_user(ledger, admin, "新建村调解员", "mediator", "XJC", password="调解员的口令-1")
    finally:
        owner.dispose()
        rules.close()
    app = make_app(store=scram_server, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "新建村调解员", "not-the-password")
        assert app.backend.user is None and "登录失败" in message(app)
        await sign_in(app, pilot, "新建村调解员", "调解员的口令-1")
        assert app.backend.user.name == "新建村调解员"
        with app.backend.ledger.engine.connect() as conn:  # the ledger works on the user's own connection
            assert conn.execute(text("SELECT current_user")).scalar_one() == "新建村调解员"
