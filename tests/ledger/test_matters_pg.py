"""On PostgreSQL the database keeps residents' matters and the four parties' meetings in their
units: plain SQL on a village mediator's own login role reads and changes only their village's
(SQLite's line is drawn by the services: tests/ledger/test_matters.py)."""

from __future__ import annotations

import uuid

import pytest
from psycopg import errors
from test_pg_roles import _add_login_user, _connect_as, _drop_role

from tiaojie.ledger import matters, meetings


@pytest.fixture
def db_url(pg_schema_url):
    return pg_schema_url


def test_on_postgresql_a_village_mediators_own_connection_sees_only_their_villages_matters(ledger, org, engine,
                                                                                          db_url):
    ours = matters.add_matter(ledger, org.clerk, unit="C-T1-V1", raised_by="张三", summary="一村的事",
                              raised_on="2026-05-20")
    matters.add_matter(ledger, org.clerk, unit="C-T1-V2", raised_by="李四", summary="二村的事", raised_on="2026-05-20")
    for unit in ("C-T1-V1", "C-T1-V2"):
        meeting = meetings.plan_meeting(ledger, org.clerk, unit=unit, held_on="2026-06-05", kind="monthly")
        meetings.attend(ledger, org.clerk, meeting.number, name="李支书", party="村")
        item = meetings.meeting_detail(ledger, org.clerk, meeting.number).items[0]
        meetings.add_measure(ledger, org.clerk, meeting.number, matter=item.matter.number, action="清淤",
                             owner="李支书", due_on="2026-06-10")
    name = f"调解员_{uuid.uuid4().hex[:8]}"
    _add_login_user(ledger, name, "mediator", org.v2.id)
    try:
        with _connect_as(db_url, name) as conn:
            assert [r[0] for r in conn.execute("SELECT summary FROM matters ORDER BY id").fetchall()] == ["二村的事"]
            for table in ("meetings", "agenda_items", "attendees", "measures"):
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,), table
            assert conn.execute("UPDATE matters SET status = 'resolved' WHERE id = %s", (ours.id,)).rowcount == 0
            assert conn.execute("UPDATE measures SET done_on = due_on WHERE unit_id = %s",
                                (org.v1.id,)).rowcount == 0
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    "INSERT INTO meetings (number, unit_id, kind, held_on, by_user, at) "
                    "VALUES ('HY-2026-999', %s, 'emergency', '2026-06-06', 'x', now())", (org.v1.id,))
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("DELETE FROM measures")
    finally:
        _drop_role(engine, name)
