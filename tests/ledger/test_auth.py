"""Signing in: passwords checked with argon2id, failures refused alike, audited and slowed down,
session tokens, and keeping passwords (own change, admin reset, disable). The services are the
SQLite ones; on PostgreSQL the database's own roles hold the passwords (tests/ledger/test_pg_roles.py)
and here only who the connection acts as is checked."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import text

from tiaojie.ledger import access, auth, passwords
from tiaojie.ledger.errors import InvalidInput, PermissionDenied

PASSWORD = "tiaojie-demo"  # the suite's test password (Org's users have it)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def sq_ledger(sqlite_url, rules):
    from tiaojie.ledger.context import Ledger
    from tiaojie.store.db import open_database

    engine = open_database(sqlite_url, create=True)
    yield Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15))
    engine.dispose()


@pytest.fixture
def sq_org(sq_ledger, make_org):
    return make_org(sq_ledger)


class Clock:
    """`auth.clock`, moved on by hand: no test sleeps."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(auth, "clock", c)
    return c


def audit_rows(ledger) -> list[dict]:  # noqa: ANN001
    with ledger.engine.connect() as conn:
        rows = conn.execute(text("SELECT user_name, action, entity_id, before, after FROM audit_log ORDER BY seq")).all()
    return [{"user": r[0], "action": r[1], "entity_id": r[2], "before": r[3], "after": r[4]} for r in rows]


def secrets_in(ledger, *secrets: str) -> list[str]:  # noqa: ANN001
    """Audit entries that hold a password, any argon2 hash or any of `secrets`."""
    found = []
    for row in audit_rows(ledger):
        dumped = json.dumps(row, ensure_ascii=False, default=str)
        if "$argon2" in dumped or any(s in dumped for s in secrets):
            found.append(dumped)
    return found


def stored_hash(ledger, name: str) -> str | None:  # noqa: ANN001
    with ledger.engine.connect() as conn:
        return conn.execute(text("SELECT password_hash FROM users WHERE name = :n"), {"n": name}).scalar_one()


def failures(ledger, name: str) -> int:  # noqa: ANN001
    with ledger.engine.connect() as conn:
        return conn.execute(text("SELECT failed_sign_ins FROM users WHERE name = :n"), {"n": name}).scalar_one()


# --- passwords -----------------------------------------------------------------------------------


def test_hashes_are_argon2id_with_the_owasp_parameters_and_verify():
    encoded = passwords.hash_password("correct horse")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(encoded, "correct horse")
    assert not passwords.verify(encoded, "correct hors")
    assert not passwords.verify(None, "correct horse")
    assert not passwords.needs_rehash(encoded)
    assert passwords.hash_password("correct horse") != encoded  # a fresh salt each time


def test_a_short_password_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as err:
        passwords.check_new("short")
    assert "密码" in err.value.message("zh") and "8" in err.value.message("zh")
    assert "password" in err.value.message("en")


def test_a_hash_with_weaker_parameters_is_replaced_at_sign_in(sq_ledger, sq_org, clock):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with sq_ledger.engine.begin() as conn:
        conn.execute(text("UPDATE users SET password_hash = :h WHERE name = 'admin'"), {"h": weak})
    auth.sign_in(sq_ledger, "admin", PASSWORD)
    renewed = stored_hash(sq_ledger, "admin")
    assert renewed != weak and renewed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(renewed, PASSWORD)


# --- users are created with a password -----------------------------------------------------------


def test_the_first_admin_of_an_empty_ledger_is_created_with_a_password(sq_ledger, clock):
    admin = access.add_user(sq_ledger, None, "root", "admin", password="first-admin-pw")
    assert stored_hash(sq_ledger, "root").startswith("$argon2id$")
    assert auth.sign_in(sq_ledger, "root", "first-admin-pw").id == admin.id
    with pytest.raises(InvalidInput):
        access.add_user(sq_ledger, admin, "bob", "clerk", password="short")
    assert secrets_in(sq_ledger, "first-admin-pw") == []


def test_a_user_on_postgresql_keeps_no_hash_in_the_ledger(pg_schema_url, rules, make_org):
    from tiaojie.ledger.context import Ledger
    from tiaojie.store.db import open_database

    engine = open_database(pg_schema_url, create=True)
    try:
        ledger = Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15))
        access.add_user(ledger, None, "admin", "admin", password=PASSWORD)
        assert stored_hash(ledger, "admin") is None
        # The test suite's owner connection is no tiaojie user: the named user is taken as is …
        assert auth.connection_user(ledger, "admin").name == "admin"
        assert auth.sign_in(ledger, "admin", "").name == "admin"
        # … and a password typed signs in as the user's own login role, which the ledger then
        # works on (this server trusts every local connection: tests/tui/test_sign_in.py shows a
        # wrong password refused by a server that checks it).
        assert auth.sign_in(ledger, "admin", PASSWORD).name == "admin"
        with ledger.engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one() == "admin"
        with pytest.raises(PermissionDenied):  # a role that is no tiaojie user is refused
            auth.sign_in(ledger, "nobody_" + uuid.uuid4().hex[:6], PASSWORD)
    finally:
        engine.dispose()


# --- signing in ----------------------------------------------------------------------------------


def test_a_right_password_signs_in(sq_ledger, sq_org, clock):
    assert auth.sign_in(sq_ledger, "王财务", PASSWORD).name == "王财务"


def test_wrong_password_unknown_and_disabled_users_get_one_refusal_audited_without_secrets(sq_ledger, sq_org, clock):
    auth.set_active(sq_ledger, sq_org.admin, "张政策", False)
    messages = set()
    for name, password in (("王财务", "not-the-password"), ("nobody", PASSWORD), ("张政策", PASSWORD)):
        with pytest.raises(PermissionDenied) as err:
            auth.sign_in(sq_ledger, name, password)
        messages.add(err.value.message("zh"))
    assert len(messages) == 1  # a refusal never tells which of the three it was
    failed = [r for r in audit_rows(sq_ledger) if r["action"] == "user.sign_in_failed"]
    assert [r["user"] for r in failed] == ["王财务", "nobody", "张政策"]  # committed though the sign-in failed
    assert failures(sq_ledger, "王财务") == 1 and failures(sq_ledger, "张政策") == 1
    assert secrets_in(sq_ledger, PASSWORD, "not-the-password") == []


def test_repeated_failures_slow_down_and_success_resets_the_count(sq_ledger, sq_org, clock):
    for _ in range(3):
        with pytest.raises(PermissionDenied, match="sign-in refused"):
            auth.sign_in(sq_ledger, "王财务", "wrong-password")
        clock.tick(seconds=0.1)
    # Now an attempt within the delay is refused without looking at the password — even the right one.
    with pytest.raises(PermissionDenied) as err:
        auth.sign_in(sq_ledger, "王财务", PASSWORD)
    assert err.value.key == "sign_in_wait" and "1 s" in err.value.message("en")
    assert failures(sq_ledger, "王财务") == 3  # a throttled attempt is audited, not counted
    clock.tick(seconds=1)
    with pytest.raises(PermissionDenied, match="sign-in refused"):  # a 4th failure: the next wait is 2 s
        auth.sign_in(sq_ledger, "王财务", "wrong-password")
    clock.tick(seconds=1.5)
    with pytest.raises(PermissionDenied) as err:
        auth.sign_in(sq_ledger, "王财务", PASSWORD)
    assert err.value.key == "sign_in_wait"
    clock.tick(seconds=0.6)
    assert auth.sign_in(sq_ledger, "王财务", PASSWORD).name == "王财务"
    assert failures(sq_ledger, "王财务") == 0
    outcomes = [json.loads(r["after"]) if isinstance(r["after"], str) else r["after"]
                for r in audit_rows(sq_ledger) if r["action"] == "user.sign_in_failed"]
    assert [o["outcome"] for o in outcomes] == ["refused"] * 3 + ["throttled", "refused", "throttled"]


def test_the_delay_doubles_and_is_capped():
    assert [auth.wait_after(n).total_seconds() for n in (0, 2, 3, 4, 5, 12)] == [0, 0, 1, 2, 4, 512]
    assert auth.wait_after(40) == dt.timedelta(minutes=15)


# --- tokens --------------------------------------------------------------------------------------


def test_a_token_names_its_user_until_it_expires_or_is_revoked(sq_ledger, sq_org, clock):
    token, expires = auth.issue_token(sq_ledger, sq_org.clerk, hours=8)
    assert expires == clock.now + dt.timedelta(hours=8)
    with sq_ledger.engine.connect() as conn:
        kept = conn.execute(text("SELECT token_hash FROM sign_in_tokens")).scalars().all()
    assert kept == [auth.token_hash(token)] and token not in kept  # only the SHA-256 is kept
    assert auth.user_for_token(sq_ledger, token).name == "王财务"
    clock.tick(hours=8)
    with pytest.raises(PermissionDenied, match="expired"):
        auth.user_for_token(sq_ledger, token)
    fresh, _ = auth.issue_token(sq_ledger, sq_org.clerk)
    assert auth.revoke_token(sq_ledger, fresh)
    with pytest.raises(PermissionDenied):
        auth.user_for_token(sq_ledger, fresh)
    with pytest.raises(PermissionDenied):
        auth.user_for_token(sq_ledger, "made-up")
    assert secrets_in(sq_ledger, token, fresh) == []


def test_disabling_a_user_ends_their_sessions_and_enabling_lets_them_back(sq_ledger, sq_org, clock):
    token, _ = auth.issue_token(sq_ledger, sq_org.mediator)
    auth.set_active(sq_ledger, sq_org.admin, "李调解", False)
    with pytest.raises(PermissionDenied):
        auth.user_for_token(sq_ledger, token)
    with pytest.raises(PermissionDenied):
        auth.sign_in(sq_ledger, "李调解", PASSWORD)
    clock.tick(minutes=1)
    auth.set_active(sq_ledger, sq_org.admin, "李调解", True)
    assert auth.sign_in(sq_ledger, "李调解", PASSWORD).active
    with pytest.raises(PermissionDenied):  # only admins manage users
        auth.set_active(sq_ledger, sq_org.clerk, "李调解", False)
    with pytest.raises(InvalidInput):  # nor can an admin lock themself out
        auth.set_active(sq_ledger, sq_org.admin, "admin", False)
    actions = [r["action"] for r in audit_rows(sq_ledger)]
    assert "user.disable" in actions and "user.enable" in actions


# --- keeping passwords ---------------------------------------------------------------------------


def test_a_user_changes_their_own_password(sq_ledger, sq_org, clock):
    token, _ = auth.issue_token(sq_ledger, sq_org.clerk)
    with pytest.raises(PermissionDenied):
        auth.change_password(sq_ledger, sq_org.clerk, "wrong-old-pw", "brand-new-pw")
    with pytest.raises(InvalidInput):
        auth.change_password(sq_ledger, sq_org.clerk, PASSWORD, "short")
    auth.change_password(sq_ledger, sq_org.clerk, PASSWORD, "brand-new-pw")
    with pytest.raises(PermissionDenied):
        auth.user_for_token(sq_ledger, token)  # every session ended with the old password
    clock.tick(minutes=1)
    assert auth.sign_in(sq_ledger, "王财务", "brand-new-pw").name == "王财务"
    with pytest.raises(PermissionDenied):
        auth.sign_in(sq_ledger, "王财务", PASSWORD)
    assert secrets_in(sq_ledger, PASSWORD, "brand-new-pw", "wrong-old-pw") == []


def test_an_admin_resets_a_password_and_clears_the_failures(sq_ledger, sq_org, clock):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            auth.sign_in(sq_ledger, "李调解", "guess-guess")
    with pytest.raises(PermissionDenied):
        auth.reset_password(sq_ledger, sq_org.clerk, "李调解", "reset-by-clerk")
    auth.reset_password(sq_ledger, sq_org.admin, "李调解", "reset-by-admin")
    assert failures(sq_ledger, "李调解") == 0
    assert auth.sign_in(sq_ledger, "李调解", "reset-by-admin").name == "李调解"
    assert secrets_in(sq_ledger, "reset-by-admin", "reset-by-clerk", "guess-guess") == []
    assert any(r["action"] == "user.password_reset" and r["user"] == "admin" for r in audit_rows(sq_ledger))


def test_a_ledger_from_before_passwords_gets_an_admins_first_password_from_nobody(sq_ledger, sq_org, clock):
    with sq_ledger.engine.begin() as conn:
        conn.execute(text("UPDATE users SET password_hash = NULL"))
    with pytest.raises(PermissionDenied):
        auth.sign_in(sq_ledger, "admin", PASSWORD)  # no hash matches nothing
    assert auth.no_passwords_yet(sq_ledger)
    with pytest.raises(InvalidInput):
        auth.reset_password(sq_ledger, None, "王财务", "first-password")  # an admin's first
    auth.reset_password(sq_ledger, None, "admin", "first-password")
    assert not auth.no_passwords_yet(sq_ledger)
    clock.tick(minutes=1)
    assert auth.sign_in(sq_ledger, "admin", "first-password").name == "admin"
    with pytest.raises(PermissionDenied):  # from now on only a signed-in admin resets
        auth.reset_password(sq_ledger, None, "王财务", "second-password")
