"""Signing in on the command line, end to end through the real `tiaojie` app: `tiaojie login`
keeps a session token so later writes need no password; TIAOJIE_PASSWORD serves scripts; a
refusal says how to sign in; users are added, disabled, enabled and reset; nothing a command
prints, and nothing the audit log holds, is a password or a hash."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import auth

runner = CliRunner()
PASSWORD = "tiaojie-demo"  # the suite's TIAOJIE_PASSWORD (tests/conftest.py)
SECRETS = (PASSWORD, "clerk-password-1", "clerk-password-2", "wrong-password", "$argon2")


class Said:
    """Everything the commands of a test printed, to scan for secrets at the end."""

    def __init__(self) -> None:
        self.outputs: list[str] = []

    def run(self, db: str, *args: str, **env: str | None):  # noqa: ANN201
        result = runner.invoke(app, list(args), env={"TIAOJIE_DB": db, **env})
        self.outputs.append(result.output + (result.stderr if result.stderr_bytes is not None else ""))
        return result


@pytest.fixture
def said():
    return Said()


@pytest.fixture
def sqlite_db(tmp_path, said):
    """A SQLite ledger with an admin (password PASSWORD), a unit and a clerk ("clerk-password-1")."""
    from tiaojie.store.db import open_database

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    open_database(url, create=True).dispose()
    assert said.run(url, "user", "add", "admin", "--role", "admin").exit_code == 0
    assert said.run(url, "unit", "add", "C", "冷水江市", "--level", "county", "--user", "admin").exit_code == 0
    added = said.run(url, "user", "add", "clerk", "--role", "clerk", "--unit", "C", "--user", "admin",
                     TIAOJIE_NEW_PASSWORD="clerk-password-1")
    assert added.exit_code == 0, added.output
    return url


def audit_dump(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT user_name, action, entity, before, after FROM audit_log ORDER BY seq")).all()
    finally:
        engine.dispose()
    return json.dumps([list(r) for r in rows], ensure_ascii=False, default=str)


def assert_no_secrets(said: Said, url: str) -> None:
    everything = "\n".join(said.outputs) + audit_dump(url)
    for secret in SECRETS:
        assert secret not in everything, secret


def actions(url: str) -> list[list]:
    return [[r[0], r[1]] for r in json.loads(audit_dump(url))]


def test_login_then_a_write_needs_no_password_and_logout_ends_it(sqlite_db, said, monkeypatch):
    from tiaojie.cli.sessions import sessions_dir

    monkeypatch.delenv("TIAOJIE_PASSWORD")
    refused = said.run(sqlite_db, "unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C", "--user", "clerk")
    assert refused.exit_code == 1 and "tiaojie login --user clerk" in refused.output and "TIAOJIE_PASSWORD" in refused.output

    logged = said.run(sqlite_db, "login", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-1")
    assert logged.exit_code == 0, logged.output
    assert "clerk" in logged.output
    files = list(sessions_dir().glob("*.json"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    kept = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(kept) == {"user", "token", "expires"} and kept["user"] == "clerk"

    # A write with no password anywhere: the session says who acts (admin's role is needed, so
    # the clerk is refused by role — proof the session, not a password, named the user).
    denied = said.run(sqlite_db, "unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C")
    assert denied.exit_code == 1 and "clerk" in denied.output and "无权" in denied.output
    own = said.run(sqlite_db, "user", "list")
    assert own.exit_code == 0

    out = said.run(sqlite_db, "logout")
    assert out.exit_code == 0 and not files[0].exists()
    again = said.run(sqlite_db, "unit", "add", "C-T2", "白层乡", "--level", "township", "--parent", "C")
    assert again.exit_code == 1 and "--user" in again.output
    assert ["clerk", "user.sign_in"] in actions(sqlite_db) and ["clerk", "user.sign_out"] in actions(sqlite_db)
    assert_no_secrets(said, sqlite_db)


def test_a_write_with_a_session_token_acts_as_its_user(sqlite_db, said, monkeypatch):
    monkeypatch.delenv("TIAOJIE_PASSWORD")
    assert said.run(sqlite_db, "login", "--user", "admin", TIAOJIE_PASSWORD=PASSWORD).exit_code == 0
    added = said.run(sqlite_db, "unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C")
    assert added.exit_code == 0, added.output
    assert actions(sqlite_db)[-1] == ["admin", "unit.add"]
    other = said.run(sqlite_db, "unit", "add", "C-T2", "白层乡", "--level", "township", "--parent", "C", "--user", "clerk")
    assert other.exit_code == 1 and "admin" in other.output and "tiaojie login --user clerk" in other.output
    assert_no_secrets(said, sqlite_db)


def test_an_expired_session_is_refused(sqlite_db, said, monkeypatch):
    monkeypatch.delenv("TIAOJIE_PASSWORD")
    assert said.run(sqlite_db, "login", "--user", "admin", "--hours", "1", TIAOJIE_PASSWORD=PASSWORD).exit_code == 0
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(auth, "clock", lambda: later)
    refused = said.run(sqlite_db, "--lang", "en", "unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C")
    assert refused.exit_code == 1 and "expired" in refused.output and "tiaojie login" in refused.output


def test_a_wrong_password_from_a_script_is_refused_and_audited(sqlite_db, said):
    refused = said.run(sqlite_db, "unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C",
                       "--user", "admin", TIAOJIE_PASSWORD="wrong-password")
    assert refused.exit_code == 1 and "登录失败" in refused.output and "Traceback" not in refused.output
    assert actions(sqlite_db)[-1] == ["admin", "user.sign_in_failed"]
    assert_no_secrets(said, sqlite_db)


def test_a_password_typed_on_a_terminal(sqlite_db, said, monkeypatch):
    from tiaojie.cli import ledger_common

    monkeypatch.delenv("TIAOJIE_PASSWORD")
    monkeypatch.setattr(ledger_common, "_on_terminal", lambda: True)
    result = runner.invoke(app, ["unit", "add", "C-T1", "沙坪乡", "--level", "township", "--parent", "C", "--user", "admin"],
                           env={"TIAOJIE_DB": sqlite_db}, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed unseen
    assert actions(sqlite_db)[-1] == ["admin", "unit.add"]


def test_admins_disable_enable_and_reset_users_and_users_change_their_own(sqlite_db, said, monkeypatch):
    listed = said.run(sqlite_db, "user", "list")
    assert "启用" in listed.output
    assert said.run(sqlite_db, "user", "disable", "clerk", "--user", "admin").exit_code == 0
    assert "停用" in said.run(sqlite_db, "user", "list").output
    refused = said.run(sqlite_db, "login", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-1")
    assert refused.exit_code == 1 and "登录失败" in refused.output
    assert said.run(sqlite_db, "user", "enable", "clerk", "--user", "admin").exit_code == 0
    by_clerk = said.run(sqlite_db, "user", "disable", "admin", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-1")
    assert by_clerk.exit_code == 1 and "无权" in by_clerk.output

    reset = said.run(sqlite_db, "user", "reset-password", "clerk", "--user", "admin", TIAOJIE_NEW_PASSWORD="clerk-password-2")
    assert reset.exit_code == 0, reset.output
    old = said.run(sqlite_db, "login", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-1")
    assert old.exit_code == 1
    monkeypatch.setattr(auth, "clock", lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1))
    assert said.run(sqlite_db, "login", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-2").exit_code == 0

    monkeypatch.delenv("TIAOJIE_PASSWORD")
    changed = said.run(sqlite_db, "passwd", TIAOJIE_PASSWORD="clerk-password-2", TIAOJIE_NEW_PASSWORD="clerk-password-1")
    assert changed.exit_code == 0, changed.output
    # the session goes on after the change; the new password is the one that signs in
    assert said.run(sqlite_db, "user", "list").exit_code == 0
    assert said.run(sqlite_db, "logout").exit_code == 0
    assert said.run(sqlite_db, "login", "--user", "clerk", TIAOJIE_PASSWORD="clerk-password-1").exit_code == 0
    done = [a for _, a in actions(sqlite_db)]
    for action in ("user.disable", "user.enable", "user.password_reset", "user.password_change", "user.sign_in_failed"):
        assert action in done
    assert_no_secrets(said, sqlite_db)


def test_the_first_admin_needs_a_password_and_no_default_exists(tmp_path, said, monkeypatch):
    from tiaojie.store.db import open_database

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    open_database(url, create=True).dispose()
    monkeypatch.delenv("TIAOJIE_NEW_PASSWORD")
    refused = said.run(url, "user", "add", "root", "--role", "admin")
    assert refused.exit_code == 1 and "TIAOJIE_NEW_PASSWORD" in refused.output
    short = said.run(url, "--lang", "en", "user", "add", "root", "--role", "admin", TIAOJIE_NEW_PASSWORD="short")
    assert short.exit_code == 1 and "at least 8" in short.output
    made = said.run(url, "user", "add", "root", "--role", "admin", TIAOJIE_NEW_PASSWORD="root-password")
    assert made.exit_code == 0, made.output
    assert said.run(url, "login", "--user", "root", TIAOJIE_PASSWORD="root-password").exit_code == 0
    assert "root-password" not in "\n".join(said.outputs) + audit_dump(url)


def test_on_postgresql_the_connection_signs_in(pg_schema_url, said, monkeypatch):
    from tiaojie.store.db import open_database

    open_database(pg_schema_url, create=True).dispose()
    assert said.run(pg_schema_url, "user", "add", "admin", "--role", "admin").exit_code == 0
    monkeypatch.delenv("TIAOJIE_PASSWORD")
    # The suite connects as the database owner, no tiaojie user: the named user is taken as is.
    added = said.run(pg_schema_url, "unit", "add", "C", "冷水江市", "--level", "county", "--user", "admin")
    assert added.exit_code == 0, added.output
    logged = said.run(pg_schema_url, "--lang", "en", "login", "--user", "admin")
    assert logged.exit_code == 0 and "PostgreSQL" in logged.output and ".pgpass" in logged.output
    with_pg = json.loads(audit_dump(pg_schema_url))
    assert [r[:2] for r in with_pg][-1] == ["admin", "unit.add"]


def test_a_ledger_from_before_passwords_is_opened_by_an_admins_first_password(sqlite_db, said, monkeypatch):
    from sqlalchemy import create_engine

    engine = create_engine(sqlite_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET password_hash = NULL"))
    engine.dispose()
    monkeypatch.delenv("TIAOJIE_PASSWORD")
    first = said.run(sqlite_db, "user", "reset-password", "admin", TIAOJIE_NEW_PASSWORD="admin-password")
    assert first.exit_code == 0, first.output
    again = said.run(sqlite_db, "user", "reset-password", "clerk", TIAOJIE_NEW_PASSWORD="clerk-password-2")
    assert again.exit_code == 1  # now it takes a signed-in admin
    assert said.run(sqlite_db, "login", "--user", "admin", TIAOJIE_PASSWORD="admin-password").exit_code == 0
    assert "admin-password" not in "\n".join(said.outputs) + audit_dump(sqlite_db)


def test_login_without_a_terminal_or_tiaojie_password_says_how(sqlite_db, said, monkeypatch):
    monkeypatch.delenv("TIAOJIE_PASSWORD")
    result = runner.invoke(app, ["login", "--user", "admin"], env={"TIAOJIE_DB": sqlite_db}, input=PASSWORD + "\n")
    assert result.exit_code == 1 and "TIAOJIE_PASSWORD" in result.output and PASSWORD not in result.output
