"""On PostgreSQL each hand of the review chain works on its own connection, with no more than its
grants, and sees only the claims of its part of the tree: the village's mediator claims, the
township's clerk takes 初审, county clerks 复核, 公示 and 拨付; another village sees no claim."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from test_pg_roles import _add_login_user, _drop_role

from tiaojie.ledger import cases, claim_steps, claims
from tiaojie.ledger.errors import NotFound
from tiaojie.store import pg_roles
from tiaojie.store.db import open_database


@pytest.fixture
def db_url(pg_schema_url):
    """Every ledger of this module is on PostgreSQL."""
    return pg_schema_url


def test_the_chain_on_each_hands_own_connection(ledger, org, engine, db_url):
    ledger.today = dt.date(2026, 9, 30)
    for number, day in (("Q3-001", "2026-07-10"), ("Q3-002", "2026-08-11")):
        case = cases.add_case(ledger, org.admin, "C-T1-V1", number=number, category="neighbour",
                              received_on=day).case
        cases.settle_case(ledger, org.admin, case.id, settled_on=day, settled_by="mediation_committee")
    suffix = uuid.uuid4().hex[:8]
    hands = {"claim": (f"村调解_{suffix}", "mediator", org.v1.id), "first": (f"乡审核_{suffix}", "clerk", org.town.id),
             "second": (f"县复核_{suffix}", "clerk", org.county.id), "notice": (f"县公示_{suffix}", "clerk", org.county.id),
             "pay": (f"县拨付_{suffix}", "clerk", org.county.id), "other": (f"邻村_{suffix}", "mediator", org.v2.id)}
    for name, role, unit in hands.values():
        _add_login_user(ledger, name, role, unit)
    engines = {key: open_database(pg_roles.url_as(db_url, name, None)) for key, (name, _, _) in hands.items()}
    try:
        own = {key: dataclasses.replace(ledger, engine=engines[key]) for key in hands}
        users = {}
        for key, (name, _, _) in hands.items():
            with own[key].uow() as uow:
                users[key] = uow.users.by_name(name)

        def on(day: str) -> None:
            for each in own.values():
                each.today = dt.date.fromisoformat(day)

        on("2026-10-05")
        claim = claims.submit(own["claim"], users["claim"], "C-T1-V1", "2026Q3")
        with pytest.raises(NotFound):  # row-level security: another village does not see the claim at all
            claims.show(own["other"], users["other"], claim.number)
        assert claims.list_claims(own["other"], users["other"]) == []
        claim_steps.reject_line(own["first"], users["first"], claim.number, "Q3-002", "卷宗不全")
        claim_steps.accept(own["first"], users["first"], claim.number)
        claim_steps.accept(own["second"], users["second"], claim.number)
        claim_steps.publish(own["notice"], users["notice"], claim.number)
        on("2026-10-20")
        assert claims.pay(own["pay"], users["pay"], claim.number).status == "paid"
        with engines["claim"].connect() as conn:  # the claimant sees its payout and why a case was not paid
            paid = dict(conn.execute(text("SELECT case_id, amount_fen FROM payout_lines")).all())
            assert sorted(paid.values()) == [0, 20000]
            assert conn.execute(text("SELECT reason FROM claim_lines WHERE status = 'rejected'")).scalar_one() == "卷宗不全"
        with engines["other"].connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM claim_decisions")).scalar_one() == 0
        view = claims.show(own["second"], users["second"], claim.number)
        assert view.accepted_total == Decimal("200.00")
    finally:
        for each in engines.values():
            each.dispose()
        for name, _, _ in hands.values():
            _drop_role(engine, name)
