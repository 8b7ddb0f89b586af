"""On PostgreSQL the database lets policy staff's own login role rebind a collective's dividend
policy (the service's `collective_policy`), and a mediator's none."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors
from test_pg_roles import _add_login_user, _connect_as, _drop_role

from tiaojie.ledger import dividends


@pytest.fixture
def db_url(pg_schema_url):
    return pg_schema_url


def test_policy_staff_rebind_a_collective_on_their_own_connection(ledger, org, engine, db_url):
    dividends.add_collective(ledger, org.clerk, "JS", "金胜社区集体经济组织", policy_id="revenue-share")
    suffix = uuid.uuid4().hex[:8]
    staff, mediator = f"政策_{suffix}", f"调解_{suffix}"
    _add_login_user(ledger, staff, "policy", org.county.id)
    _add_login_user(ledger, mediator, "mediator", org.county.id)
    rebind = "UPDATE collectives SET policy_id = 'collective-dividend' WHERE code = 'JS'"
    try:
        with _connect_as(db_url, mediator) as conn:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(rebind)
        with _connect_as(db_url, staff) as conn:
            assert conn.execute(rebind).rowcount == 1
        assert dividends.collective(ledger, "JS").policy_id == "collective-dividend"
    finally:
        _drop_role(engine, staff)
        _drop_role(engine, mediator)
