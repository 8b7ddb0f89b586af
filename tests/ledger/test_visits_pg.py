"""On PostgreSQL the database keeps households, links and visits in their units: plain SQL on a
village mediator's own login role reads only their village's, logs visits there only, and can
neither change nor delete a visit (SQLite's line is drawn by the services: tests/ledger/test_visits.py)."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors
from test_pg_roles import _add_login_user, _connect_as, _drop_role

from tiaojie.ledger import households, people, visits


@pytest.fixture
def db_url(pg_schema_url):
    return pg_schema_url


@pytest.fixture
def two_villages(ledger, org):
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="张三", party_member=True)
    people.add_person(ledger, org.clerk, unit="C-T1-V2", name="王五", party_member=True)
    households.add_household(ledger, org.clerk, unit="C-T1-V1", code="H01", head="王大")
    households.add_household(ledger, org.clerk, unit="C-T1-V2", code="B01", head="白一")
    households.link_household(ledger, org.clerk, unit="C-T1-V1", household="H01", person="张三")
    households.link_household(ledger, org.clerk, unit="C-T1-V2", household="B01", person="王五")
    visits.add_visit(ledger, org.clerk, unit="C-T1-V1", person="张三", household="H01", visit_on="2026-06-01")
    visits.add_visit(ledger, org.clerk, unit="C-T1-V2", person="王五", household="B01", visit_on="2026-06-02")
    return org


def test_on_postgresql_a_village_mediators_own_connection_sees_and_logs_only_their_village(ledger, two_villages,
                                                                                          engine, db_url):
    org = two_villages
    name = f"村调解员_{uuid.uuid4().hex[:8]}"
    _add_login_user(ledger, name, "mediator", org.v2.id)
    with ledger.uow() as uow:
        [b01] = uow.households.list(unit_ids={org.v2.id})
        [wang] = uow.people.list(unit_ids={org.v2.id})
        [h01] = uow.households.list(unit_ids={org.v1.id})
        [zhang] = uow.people.list(unit_ids={org.v1.id})
    insert = ("INSERT INTO visits (unit_id, person_id, household_id, visit_on, kind, note, by_user, at)"
              " VALUES (%s, %s, %s, '2026-06-03', 'visit', '', %s, now())")
    try:
        with _connect_as(db_url, name) as conn:
            assert [r[0] for r in conn.execute("SELECT code FROM households ORDER BY id").fetchall()] == ["B01"]
            assert conn.execute("SELECT count(*) FROM household_links").fetchone() == (1,)
            assert [r[0] for r in conn.execute("SELECT visit_on::text FROM visits").fetchall()] == ["2026-06-02"]
            conn.execute(insert, (org.v2.id, wang.id, b01.id, name))  # their own village: allowed
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(insert, (org.v1.id, zhang.id, h01.id, name))
            with pytest.raises(errors.InsufficientPrivilege):  # a visit is logged, never changed
                conn.execute("UPDATE visits SET visit_on = '2026-01-01'")
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("DELETE FROM visits")
            with pytest.raises(errors.InsufficientPrivilege):  # households are kept by clerks
                conn.execute("INSERT INTO households (unit_id, code, head, address, active)"
                             " VALUES (%s, 'B02', 'x', '', true)", (org.v2.id,))
    finally:
        _drop_role(engine, name)
    assert len(visits.list_visits(ledger, org.clerk, unit="C-T1-V2")) == 2
