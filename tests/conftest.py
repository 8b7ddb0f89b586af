"""Database fixtures shared by every test directory: each storage test runs on a real SQLite file
and a real PostgreSQL schema.

PostgreSQL: 127.0.0.1:5432, database ``test`` (override with ``TIAOJIE_TEST_PG``). Each test gets a
fresh schema (dropped afterwards) so parallel runs cannot clash. Without a server the PostgreSQL
variants skip with the reason — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest

PG_CANDIDATES = [
    os.environ.get("TIAOJIE_TEST_PG", ""),
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
]

_pg_base: str | None = None
_pg_error: str | None = None


def _find_pg() -> str | None:
    global _pg_base, _pg_error
    if _pg_base or _pg_error:
        return _pg_base
    errors = []
    for url in filter(None, PG_CANDIDATES):
        try:
            from sqlalchemy import create_engine, text

            engine = create_engine(url, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_base = url
            return url
        except Exception as exc:  # noqa: BLE001 — any failure means "no server here"
            errors.append(f"{url}: {str(exc).splitlines()[0]}")
    _pg_error = "; ".join(errors)
    return None


def pg_base_or_skip() -> str:
    base = _find_pg()
    if base is None:
        reason = f"PostgreSQL not reachable ({_pg_error})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — CI=true requires PostgreSQL")
        pytest.skip(reason)
    return base


def _pg_url_for(base: str, schema: str) -> str:
    return f"{base}?options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema_url():
    """A fresh PostgreSQL schema's URL; the schema is dropped after the test."""
    base = pg_base_or_skip()
    schema = "tj_" + uuid.uuid4().hex[:12]
    from sqlalchemy import create_engine, text

    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_url_for(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database of each kind; no schema yet."""
    if request.param == "sqlite":
        # An empty file, as the PostgreSQL variant is an empty schema: a SQLite file that a
        # caller names must exist (store/db.py); an empty one is a database without tables.
        (tmp_path / "ledger.sqlite").touch()
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        yield request.getfixturevalue("pg_schema_url")




# --- passwords (auth) ---------------------------------------------------------------------------
# Test users have this password (the demo's documented one, so demo ledgers made in tests sign in
# too); the command line reads it from TIAOJIE_PASSWORD, as a script would.
TEST_PASSWORD = "tiaojie-demo"


@pytest.fixture(autouse=True)
def _test_password(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("TIAOJIE_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("TIAOJIE_NEW_PASSWORD", TEST_PASSWORD)
    # sessions of `tiaojie login` go to a directory of the test run, never the user's own
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "config"))


@pytest.fixture(autouse=True, scope="session")
def _test_password_hashed_once():
    """The test password is hashed once per run, at the production parameters, and that hash is
    given to every test user (hundreds of users at ~40 ms each otherwise); every sign-in still
    verifies at full cost, and any other password is hashed afresh."""
    from tiaojie.ledger import passwords

    real = passwords.hash_password
    kept: list[str] = []

    def hash_test_password_once(password: str) -> str:
        if password != TEST_PASSWORD:
            return real(password)
        if not kept:
            kept.append(real(password))
        return kept[0]

    patch = pytest.MonkeyPatch()
    patch.setattr(passwords, "hash_password", hash_test_password_once)
    yield
    patch.undo()
