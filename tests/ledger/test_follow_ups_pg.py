"""On PostgreSQL the follow-up checks run on a clerk's own login role with no more than its grants —
the draw, the visit's result written on a case of a closed period, the claw-back adjustment — and
the database keeps draws, picks and results to the units and cases the role sees; a mediator's role
cannot record a result by plain SQL (tests/ledger/test_follow_ups.py runs the services on both
databases)."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal

import pytest
from psycopg import errors
from sqlalchemy import text
from test_follow_ups import COMPLETE_FILE, _ledger_2027, _settled
from test_pg_roles import _add_login_user, _connect_as, _drop_role

from tiaojie.ledger import follow_ups, periods
from tiaojie.ledger.errors import NotFound
from tiaojie.store import pg_roles
from tiaojie.store.db import open_database


@pytest.fixture
def db_url(pg_schema_url):
    return pg_schema_url


def test_a_village_clerks_own_connection_draws_records_and_claws_back_within_its_village(ledger, org, engine, db_url,
                                                                                        tmp_path):
    later = _ledger_2027(ledger, tmp_path, 300)
    mine = _settled(later, org.clerk, "C-T1-V1", "2027-001", on="2027-01-10", severity="major", case_file=COMPLETE_FILE)
    theirs = _settled(later, org.clerk, "C-T1-V2", "2027-002", on="2027-01-11", severity="major",
                      case_file=COMPLETE_FILE)
    periods.close(later, org.clerk, "2027-01")
    periods.compute(later, org.clerk, "2027-02")
    follow_ups.draw(later, org.clerk, "2027-01", unit="C-T1", seed="乡")  # the township's
    suffix = uuid.uuid4().hex[:8]
    clerk, mediator = f"村内勤_{suffix}", f"村调解_{suffix}"
    _add_login_user(ledger, clerk, "clerk", org.v1.id)
    _add_login_user(ledger, mediator, "mediator", org.v1.id)
    own_engine = open_database(pg_roles.url_as(db_url, clerk, None))
    try:
        own = dataclasses.replace(later, engine=own_engine)
        with own.uow() as uow:
            me = uow.users.by_name(clerk)
        assert me is not None
        sample = follow_ups.draw(own, me, "2027-01", seed="村")
        assert [line.number for line in sample.lines] == ["2027-001"]  # its village's one case: the minimum
        done = follow_ups.record(own, me, mine.id, "unreached", "电话停机", on="2027-03-01")
        assert done.adjustment is not None and done.adjustment.amount == Decimal("-300.00")
        with pytest.raises(NotFound):  # the database hides the other village's case from its role
            follow_ups.record(own, me, theirs.id, "unreached", on="2027-03-01")
        with own_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM follow_up_draws")).scalar_one() == 1  # not the township's
            assert set(conn.execute(text("SELECT case_id FROM follow_up_picks")).scalars()) == {mine.id}
        with _connect_as(db_url, mediator) as conn:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("INSERT INTO follow_ups (case_id, result, visited_on, note, by_user, at)"
                             " VALUES (%s, 'fulfilled', '2027-03-02', '', %s, now())", (mine.id, mediator))
    finally:
        own_engine.dispose()
        _drop_role(engine, clerk)
        _drop_role(engine, mediator)
    with later.uow() as uow:
        assert [a.amount for a in uow.adjustments.for_case(mine.id)] == [Decimal("-300.00")]
        assert uow.adjustments.for_case(theirs.id) == []
        assert len(uow.follow_ups.draws("2027-01", None)) == 2
