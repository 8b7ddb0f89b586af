"""On PostgreSQL the database is the boundary: a mediator's own connection, by plain SQL, reads and
changes only the cases of their village (and what hangs off them), cannot touch an audit row
but to append one in their own name, and signs in with the database's own SCRAM password.

Tests on the machine's server (which trusts local connections) use a login role per test,
named with a random suffix and dropped afterwards; real authentication runs on a private
server that trusts nobody (tests/pg_private_server.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tiaojie.ledger import cases
from tiaojie.models import User
from tiaojie.store import pg_roles
from tiaojie.store.db import open_database
from tiaojie.store.messages import Conflict, LedgerError, StoreUnavailable
from tiaojie.store.schema import Base

PASSWORD = "调解-口令-7 quote' back\\slash"


@pytest.fixture
def db_url(pg_schema_url):
    """Every ledger of this module is on PostgreSQL."""
    return pg_schema_url


def _schema(url: str) -> str:
    options = unquote(make_url(url).query.get("options", ""))  # type: ignore[arg-type]
    return options.split("search_path=", 1)[1]


def _add_login_user(ledger, name: str, role: str, unit_id: int | None, password: str = PASSWORD) -> User:
    """A tiaojie user and its login role, made on the owner's connection."""
    with ledger.uow() as uow:
        user = uow.users.add(User(name=name, role=role, unit_id=unit_id))
        pg_roles.create_login_role(uow.session, name, role, password)
        uow.commit()
    return user


def _drop_role(engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {pg_roles.quote_ident(name)}"))


@contextmanager
def _connect_as(url: str, name: str, password: str | None = None) -> Iterator[psycopg.Connection]:
    """Plain psycopg, as the role, in the test's schema; each statement its own transaction."""
    parsed = make_url(url)
    conn = psycopg.connect(
        host=parsed.host, port=parsed.port or 5432, dbname=parsed.database, user=name, password=password,
        options=f"-csearch_path={_schema(url)}", autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()


def _case_in(ledger, org, unit: str, number: str):
    return cases.add_case(ledger, org.admin, unit, number=number, category="neighbour", received_on="2026-05-02").case


@pytest.fixture
def village_mediator(ledger, org, engine):
    """Cases in both villages and a login role for a mediator of village 1 (a name no other test uses)."""
    mine = _case_in(ledger, org, "C-T1-V1", "V1-1")
    theirs = _case_in(ledger, org, "C-T1-V2", "V2-1")
    name = f"调解员_{uuid.uuid4().hex[:8]}"
    _add_login_user(ledger, name, "mediator", org.v1.id)
    try:
        yield name, mine, theirs
    finally:
        _drop_role(engine, name)


def test_every_table_is_named_in_the_grants():
    """A new table must say who may write it; otherwise nobody but the owner can even read it."""
    assert set(Base.metadata.tables) | {"alembic_version"} == set(pg_roles.TABLE_GRANTS)


def test_grants_at_head_are_the_declared_ones_and_reapplying_changes_nothing(engine, db_url):
    """Every table at head (whatever migration made it) carries exactly the declared grants."""
    schema = _schema(db_url)
    privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")

    def held() -> dict[tuple[str, str, str], bool]:
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars().all()
            return {
                (table, group, privilege): conn.execute(
                    text("SELECT has_table_privilege(:g, :t, :p)"),
                    {"g": group, "t": f'"{schema}"."{table}"', "p": privilege},
                ).scalar_one()
                for table in tables for group in pg_roles.GROUP_ROLES.values() for privilege in privileges
            }

    before = held()
    for (table, group, privilege), granted in before.items():
        role = next(r for r, g in pg_roles.GROUP_ROLES.items() if g == group)
        assert granted == (role in pg_roles.TABLE_GRANTS[table].get(privilege, ())), (table, group, privilege)
    with engine.begin() as conn:
        pg_roles.apply_grants(conn, schema)
    assert held() == before


def test_two_ledgers_creating_the_group_roles_at_once_both_succeed(pg_schema_url):
    """The second of two migrations that create a missing role at once waits for the first and then
    finds the role there, instead of failing."""
    import threading

    role = f"tiaojie_probe_{uuid.uuid4().hex[:8]}"
    first, second = create_engine(pg_schema_url), create_engine(pg_schema_url)
    failures: list[BaseException] = []

    def create_in_second() -> None:
        try:
            with second.begin() as conn:
                pg_roles.ensure_group_roles(conn, (role,))
        except BaseException as exc:  # noqa: BLE001 — reported below
            failures.append(exc)

    try:
        with first.begin() as conn:
            pg_roles.ensure_group_roles(conn, (role,))  # created, not yet committed
            racer = threading.Thread(target=create_in_second)
            racer.start()
            racer.join(timeout=1.0)
            assert racer.is_alive()  # the second waits on the first's uncommitted role
        racer.join(timeout=30)
        assert not racer.is_alive() and failures == []
    finally:
        with first.begin() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {pg_roles.quote_ident(role)}"))
        first.dispose()
        second.dispose()


def test_mediator_by_plain_sql_sees_and_changes_only_their_village(ledger, org, engine, db_url, village_mediator):
    name, mine, theirs = village_mediator
    with _connect_as(db_url, name) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (name,)
        # reading: the other village's case and its outcomes are not there
        assert conn.execute("SELECT id FROM cases WHERE id = %s", (theirs.id,)).fetchall() == []
        assert [r[0] for r in conn.execute("SELECT number FROM cases").fetchall()] == ["V1-1"]
        assert conn.execute("SELECT count(*) FROM outcomes WHERE case_id = %s", (theirs.id,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM outcomes WHERE case_id = %s", (mine.id,)).fetchone()[0] > 0
        # changing: 0 rows for theirs, 1 for mine
        assert conn.execute("UPDATE cases SET summary = 'changed' WHERE id = %s", (theirs.id,)).rowcount == 0
        assert conn.execute("UPDATE cases SET summary = 'mine' WHERE id = %s", (mine.id,)).rowcount == 1
        assert conn.execute("UPDATE outcomes SET replaced_reason = 'x' WHERE case_id = %s", (theirs.id,)).rowcount == 0
        # moving one's own case into the other village, or adding one there, is refused
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE cases SET unit_id = %s WHERE id = %s", (org.v2.id, mine.id))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            _insert_case(conn, org.v2.id, "V2-forged")
        _insert_case(conn, org.v1.id, "V1-own")  # the same statement in one's own village works
        # nor can anything be hung on the other village's case
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO escalations (case_id, escalated_on, from_level, to_level, reason, by_user)"
                " VALUES (%s, '2026-05-03', 'village', 'township', 'x', %s)", (theirs.id, name))
        # and what only others may write is refused outright
        for statement in ("INSERT INTO units (code, name, level) VALUES ('X', 'x', 'village')",
                          "UPDATE users SET role = 'admin'",
                          "UPDATE periods SET status = 'open'",
                          "DELETE FROM cases"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
    with engine.connect() as owner:
        summaries = dict(owner.execute(text("SELECT number, summary FROM cases")).all())
    assert summaries["V2-1"] == "" and summaries["V1-1"] == "mine" and "V2-forged" not in summaries


def _insert_case(conn: psycopg.Connection, unit_id: int, number: str) -> None:
    conn.execute(
        """INSERT INTO cases (unit_id, number, source, category, severity, urgency, summary, parties,
               persons_involved, amount_involved_fen, received_on, status, mediators, agreement_fulfilled,
               follow_up_done, file_complete, needs_verification, level, extra, created_at, updated_at)
           VALUES (%s, %s, 'application', 'neighbour', 'ordinary', 'normal', '', '[]', 2, 0, '2026-05-02',
               'accepted', '[]', false, false, false, false, 'village', '{}', now(), now())""",
        (unit_id, number),
    )


def test_mediator_cannot_rewrite_the_audit_log_only_append_in_their_own_name(engine, db_url, village_mediator):
    name, _, _ = village_mediator
    with engine.connect() as owner:
        rows_before = owner.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq")).all()
        head_before = owner.execute(text("SELECT seq, hash FROM audit_head")).one()
    with _connect_as(db_url, name) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == len(rows_before)  # reading is allowed
        for statement in ("UPDATE audit_log SET user_name = 'nobody'",
                          "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
                          "TRUNCATE audit_log",
                          "TRUNCATE audit_head"):
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement)
        # the head can only move to the newest entry: rewinding it is refused
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE audit_head SET seq = seq - 1, hash = %s", (rows_before[-2][1],))
        insert = ("INSERT INTO audit_log (seq, at, user_name, action, entity, prev_hash, hash)"
                  " VALUES (%s, now(), %s, 'probe', 'case', %s, %s)")
        seq, last = rows_before[-1]
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(insert, (seq + 1, "admin", last, "f" * 64))  # in somebody else's name
        with conn.transaction():
            conn.execute(insert, (seq + 1, name, last, "e" * 64))  # INSERT works, in one's own name
            conn.execute("UPDATE audit_head SET seq = %s, hash = %s", (seq + 1, "e" * 64))  # and the head follows
    with engine.connect() as owner:
        rows_after = owner.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq")).all()
        assert rows_after[:-1] == rows_before and rows_after[-1] == (seq + 1, "e" * 64)
        assert owner.execute(text("SELECT seq FROM audit_head")).scalar_one() == seq + 1 != head_before[0]


def test_services_work_as_the_mediators_own_connection_and_are_confined(ledger, org, db_url, village_mediator):
    """The grants are enough for a mediator's whole day (add, settle, escalate, through the
    services on their own connection), and the database confines it even where a service would not."""
    name, mine, theirs = village_mediator
    own_engine = open_database(pg_roles.url_as(db_url, name, None))
    try:
        own = dataclasses.replace(ledger, engine=own_engine)
        with own.uow() as uow:
            me = uow.users.by_name(name)
            assert me is not None
        added = cases.add_case(own, me, "C-T1-V1", number="V1-2", category="neighbour", received_on="2026-05-04")
        settled = cases.settle_case(own, me, added.case.id, settled_on="2026-05-20", settled_by="村委会")
        assert settled.case.status == "settled"
        escalated = cases.escalate_case(own, me, mine.id, on="2026-05-10", reason="复杂")
        assert escalated.case.status == "escalated"
        with own_engine.connect() as conn:
            assert set(conn.execute(text("SELECT number FROM cases")).scalars()) == {"V1-1", "V1-2"}
        # a county user (no unit) acting through this connection still cannot reach village 2
        with pytest.raises(LedgerError):
            cases.edit_case(own, org.admin, theirs.id, summary="through the mediator's connection")
    finally:
        own_engine.dispose()


def test_a_clerks_and_a_mediators_day_on_their_own_connections(ledger, org, engine, db_url, village_mediator):
    """Closing, paying and adjusting a period (a county clerk) and filing a banquet (a mediator) need
    no more than their grants. A township clerk, who does not see the whole county, cannot close a
    period (it would pay only their part); a closed period changes no more, by anyone's SQL."""
    from decimal import Decimal

    from tiaojie.ledger import banquets, periods

    mediator_name, mine, theirs = village_mediator
    cases.settle_case(ledger, org.admin, mine.id, settled_on="2026-05-20", settled_by="村委会")
    cases.settle_case(ledger, org.admin, theirs.id, settled_on="2026-05-21", settled_by="村委会")
    suffix = uuid.uuid4().hex[:8]
    town_clerk, county_clerk = f"乡财务_{suffix}", f"县财务_{suffix}"
    _add_login_user(ledger, town_clerk, "clerk", org.town.id)
    _add_login_user(ledger, county_clerk, "clerk", org.county.id)
    names = (town_clerk, county_clerk, mediator_name)
    engines = {n: open_database(pg_roles.url_as(db_url, n, None)) for n in names}
    try:
        own = {n: dataclasses.replace(ledger, engine=engines[n]) for n in names}
        users = {}
        for n in names:
            with own[n].uow() as uow:
                users[n] = uow.users.by_name(n)

        with pytest.raises(LedgerError) as refused:  # the services draw the line first, as on SQLite
            periods.close(own[town_clerk], users[town_clerk], "2026-05")
        assert refused.value.key == "whole_tree_only" and "沙坪乡" in refused.value.message("zh")
        with _connect_as(db_url, town_clerk) as conn:  # and the database draws it for plain SQL
            conn.execute("INSERT INTO periods (key, kind, starts_on, ends_on, status) "
                         "VALUES ('2026-05', 'month', '2026-05-01', '2026-05-31', 'open')")
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("UPDATE periods SET status = 'closed' WHERE key = '2026-05'")
        with engine.connect() as owner:
            assert owner.execute(text("SELECT count(*) FROM payout_lines")).scalar_one() == 0
            assert owner.execute(text("SELECT count(*) FROM periods WHERE status = 'closed'")).scalar_one() == 0

        periods.compute(own[county_clerk], users[county_clerk], "2026-05")
        periods.close(own[county_clerk], users[county_clerk], "2026-05")
        periods.adjust(own[county_clerk], users[county_clerk], "2026-06", mine.id, Decimal("-20"), "更正")
        banquets.file_banquet(own[mediator_name], users[mediator_name], banquets.build_filing(
            own[mediator_name], unit="C-T1-V1", household="李家", occasion="wedding", held_on="2026-06-10", days=1,
            tables=12, gift=100, filed_on="2026-06-03"))
        with engines[mediator_name].connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM banquet_filings")).scalar_one() == 1
            assert set(conn.execute(text("SELECT case_id FROM payout_lines")).scalars()) == {mine.id}
    finally:
        for each in engines.values():
            each.dispose()
    try:
        with _connect_as(db_url, county_clerk) as conn:
            closed = conn.execute("SELECT id FROM periods WHERE key = '2026-05'").fetchone()[0]
            assert conn.execute("UPDATE periods SET status = 'open' WHERE id = %s", (closed,)).rowcount == 0
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    "INSERT INTO adjustments (period_id, case_id, payee, amount_fen, reason, by_user, at)"
                    " VALUES (%s, %s, 'x', 100, 'late', %s, now())", (closed, theirs.id, county_clerk))
    finally:
        _drop_role(engine, town_clerk)
        _drop_role(engine, county_clerk)
    with engine.connect() as owner:
        assert set(owner.execute(text("SELECT case_id FROM payout_lines")).scalars()) == {mine.id, theirs.id}
        assert owner.execute(text("SELECT status FROM periods WHERE key = '2026-05'")).scalar_one() == "closed"


def test_only_policy_staff_who_see_the_whole_county_activate_rules(ledger, org, engine, db_url):
    """An activation pays the whole county and records its impact over it: a township's policy
    officer, who sees only part of the cases, cannot record one."""
    suffix = uuid.uuid4().hex[:8]
    town, county = f"乡政策_{suffix}", f"县政策_{suffix}"
    _add_login_user(ledger, town, "policy", org.town.id)
    _add_login_user(ledger, county, "policy", org.county.id)
    insert = ("INSERT INTO rule_sets (activated_at, activated_by, source, files, impact, accepted_warnings)"
              " VALUES (now(), %s, 'draft', '{}', '{}', '[]')")
    try:
        with _connect_as(db_url, town) as conn:
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(insert, (town,))
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("UPDATE cases SET summary = 'x'")  # and policy staff write no cases
        with _connect_as(db_url, county) as conn, conn.transaction(force_rollback=True):
            conn.execute(insert, (county,))
            # an activation starts open cases at the level the new escalation rules give them
            conn.execute("UPDATE cases SET level = level, updated_at = now()")
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("UPDATE cases SET level = level, summary = 'x'")
    finally:
        _drop_role(engine, town)
        _drop_role(engine, county)


def test_login_roles_refuse_names_that_are_not_theirs_and_long_names(ledger, org, engine):
    with ledger.uow() as uow:
        with pytest.raises(Conflict) as taken:
            pg_roles.create_login_role(uow.session, "postgres", "mediator", PASSWORD)  # a superuser: never taken over
        assert PASSWORD not in taken.value.message("zh") + taken.value.message("en")
    with ledger.uow() as uow:
        with pytest.raises(LedgerError) as long_name:
            pg_roles.create_login_role(uow.session, "调" * 22, "mediator", PASSWORD)  # 66 bytes
        assert long_name.value.key == "pg_role_name_too_long"
    with ledger.uow() as uow:
        with pytest.raises(LedgerError) as missing:
            pg_roles.set_role_password(uow.session, f"nobody_{uuid.uuid4().hex[:8]}", PASSWORD)
        assert missing.value.key == "pg_role_missing"


def test_a_password_reset_gives_a_user_without_a_login_role_one(ledger, org, engine):
    """Users of a ledger upgraded to login roles have none yet: an admin's reset makes it."""
    name = f"旧用户_{uuid.uuid4().hex[:8]}"
    with ledger.uow() as uow:
        uow.users.add(User(name=name, role="clerk", unit_id=org.town.id))
        uow.commit()
    try:
        with ledger.uow() as uow:
            pg_roles.set_role_password(uow.session, name, PASSWORD)
            uow.commit()
        with engine.connect() as conn:
            found = conn.execute(text(
                "SELECT r.rolcanlogin, r.rolpassword LIKE 'SCRAM-SHA-256$%', g.rolname FROM pg_authid r"
                " JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid"
                " WHERE r.rolname = :n"), {"n": name}).all()
        assert found == [(True, True, "tiaojie_clerk")]
    finally:
        _drop_role(engine, name)


def test_url_as_changes_only_the_user_and_password():
    url = "postgresql://owner:secret@db.example:5433/county?options=-csearch_path%3Dledger"
    signed_in = make_url(pg_roles.url_as(url, "李调解", "p@ss:/word"))
    assert (signed_in.username, signed_in.password) == ("李调解", "p@ss:/word")
    assert (signed_in.host, signed_in.port, signed_in.database) == ("db.example", 5433, "county")
    assert signed_in.query == {"options": "-csearch_path=ledger"} and signed_in.drivername == "postgresql+psycopg"
    assert make_url(pg_roles.url_as(url, "李调解", None)).password is None  # libpq finds it: PGPASSWORD, .pgpass


# --- real authentication: a private server that trusts nobody ---------------------------------


@pytest.fixture(scope="module")
def private_ledger_server():
    from pg_private_server import private_server

    # every statement logged: a password sent to the server would be in this log
    with private_server("log_statement=all") as server:
        owner_password = "owner-" + uuid.uuid4().hex
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE tiaojie_owner LOGIN CREATEROLE PASSWORD '{owner_password}'"))
            conn.execute(text("CREATE DATABASE ledger OWNER tiaojie_owner"))
        admin.dispose()
        yield server, server.url("ledger", "tiaojie_owner", owner_password)


def test_private_server_signs_a_mediator_in_with_scram_and_confines_them(private_ledger_server, make_org, rules,
                                                                          monkeypatch, tmp_path):
    from tiaojie.ledger.context import Ledger

    server, owner_url = private_ledger_server
    owner_engine = open_database(owner_url)  # migrations run as the owner role, not a superuser
    try:
        from activated_rules import activated

        ledger = activated(Ledger(engine=owner_engine, rules=rules, today=dt.date(2026, 6, 15)))
        org = make_org(ledger)
        _case_in(ledger, org, "C-T1-V1", "V1-1")
        _case_in(ledger, org, "C-T1-V2", "V2-1")
        name, password = "沙坪村调解员", "正确的口令-" + uuid.uuid4().hex[:6]
        _add_login_user(ledger, name, "mediator", org.v1.id, password)

        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(host="127.0.0.1", port=server.port, dbname="ledger", user=name, password="wrong").close()
        with pytest.raises(StoreUnavailable, match="password authentication failed") as refused:
            open_database(pg_roles.url_as(owner_url, name, "wrong-口令"))
        assert "wrong-口令" not in refused.value.bilingual()  # the address is shown without the password

        own_engine = open_database(pg_roles.url_as(owner_url, name, password))
        try:
            with own_engine.connect() as conn:
                assert conn.execute(text("SELECT current_user")).scalar_one() == name
                assert list(conn.execute(text("SELECT number FROM cases")).scalars()) == ["V1-1"]
            own = dataclasses.replace(ledger, engine=own_engine)
            with own.uow() as uow:
                me = uow.users.by_name(name)
            cases.add_case(own, me, "C-T1-V1", number="V1-2", category="neighbour", received_on="2026-05-04")
        finally:
            own_engine.dispose()

        # libpq's conventions reach the same role: PGPASSWORD, then a password file
        monkeypatch.setenv("PGPASSWORD", password)
        _reads_as(pg_roles.url_as(owner_url, name, None), name)
        monkeypatch.delenv("PGPASSWORD")
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"127.0.0.1:{server.port}:ledger:{name}:{password}\n", encoding="utf-8")
        passfile.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))
        _reads_as(pg_roles.url_as(owner_url, name, None), name)
        monkeypatch.delenv("PGPASSFILE")

        # the admin, signed in with their own password, adds a user, resets a password, disables a user
        from tiaojie.ledger import access, auth

        admin_name, admin_password = "县管理员", "管理员口令-" + uuid.uuid4().hex[:6]
        _add_login_user(ledger, admin_name, "admin", None, admin_password)
        admin_engine = open_database(pg_roles.url_as(owner_url, admin_name, admin_password))
        try:
            as_admin = dataclasses.replace(ledger, engine=admin_engine)
            admin = auth.sign_in(as_admin, admin_name, "")  # on PostgreSQL the connection is the proof
            newcomer, newcomer_password = "白层村调解员", "新人口令-" + uuid.uuid4().hex[:6]
            access.add_user(as_admin, admin, newcomer, "mediator", "C-T1-V2", password=newcomer_password)
            _reads_as(pg_roles.url_as(owner_url, newcomer, newcomer_password), newcomer, ["V2-1"])
            new_password = "新口令-" + uuid.uuid4().hex[:6]
            auth.reset_password(as_admin, admin, name, new_password)
            with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
                psycopg.connect(host="127.0.0.1", port=server.port, dbname="ledger", user=name,
                                password=password).close()
            _reads_as(pg_roles.url_as(owner_url, name, new_password), name)
            auth.set_active(as_admin, admin, name, False)
        finally:
            admin_engine.dispose()
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            psycopg.connect(host="127.0.0.1", port=server.port, dbname="ledger", user=name, password=new_password).close()

        with psycopg.connect(host="127.0.0.1", port=server.port, dbname="ledger", user="postgres",
                             password=server.password) as su:
            stored = su.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,)).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$")
        log = server.log.read_text(encoding="utf-8", errors="replace")
        assert "CREATE ROLE" in log and "ALTER ROLE" in log  # the statements were logged...
        for secret in (password, new_password, newcomer_password, admin_password):
            assert secret not in log  # ...but no password ever reached the server
    finally:
        owner_engine.dispose()


def _reads_as(url: str, name: str, numbers: list[str] | None = None) -> None:
    engine = open_database(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar_one() == name
            assert list(conn.execute(text("SELECT number FROM cases ORDER BY number")).scalars()) == (
                numbers or ["V1-1", "V1-2"])
    finally:
        engine.dispose()
