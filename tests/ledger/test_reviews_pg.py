"""On PostgreSQL the database keeps cadres and their reviews in their units: plain SQL on a village
clerk's own login role reads and changes only their village's (SQLite's line is drawn by the
services: tests/ledger/test_reviews.py)."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors
from test_pg_roles import _add_login_user, _connect_as, _drop_role

from tiaojie.ledger import people, reviews


@pytest.fixture
def db_url(pg_schema_url):
    return pg_schema_url


@pytest.fixture
def cadres(ledger, org):
    people.add_person(ledger, org.clerk, unit="C-T1-V1", name="张三", post="村党支部书记")
    people.add_person(ledger, org.clerk, unit="C-T1-V2", name="王五", post="村委委员")
    return org



def test_on_postgresql_a_village_clerks_own_connection_sees_only_their_villages_reviews(ledger, cadres, engine,
                                                                                         db_url):
    """The database itself keeps reviews in their units: plain SQL as a village clerk's login role."""
    org = cadres
    reviews.record_review(ledger, org.clerk, unit="C-T1-V1", cadre="张三", review_on="2026-06-28",
                          respondents=10, dissatisfied=1)
    reviews.record_review(ledger, org.clerk, unit="C-T1-V2", cadre="王五", review_on="2026-06-28",
                          respondents=10, dissatisfied=5)
    name = f"村会计_{uuid.uuid4().hex[:8]}"
    _add_login_user(ledger, name, "clerk", org.v2.id)
    try:
        with _connect_as(db_url, name) as conn:
            assert [r[0] for r in conn.execute("SELECT name FROM people ORDER BY id").fetchall()] == ["王五"]
            assert conn.execute("SELECT count(*) FROM satisfaction_reviews").fetchone() == (1,)
            assert conn.execute("UPDATE satisfaction_reviews SET dissatisfied = 0 WHERE unit_id = %s",
                                (org.v1.id,)).rowcount == 0
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute("INSERT INTO people (unit_id, name, post, committee, party_member, active)"
                             " VALUES (%s, 'x', '', true, false, true)",
                             (org.v1.id,))
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("DELETE FROM satisfaction_reviews")
    finally:
        _drop_role(engine, name)
