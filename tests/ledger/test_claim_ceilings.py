"""A payee's ceiling holds across claims and periods, on both databases: money already paid into a
ceiling's window (a claim paid, a period closed) fills it first, whatever the settlement dates, and
a claim reviewed while other money was paid into its windows is paid only the room left."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from activated_rules import activated
from short_chain import THREE_STEPS

from tiaojie.ledger import cases, claim_steps, claims, periods
from tiaojie.ledger.context import Ledger

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
CEILING = Decimal("600.00")  # per payee and month, lowered from the shipped 10000 so two major cases cross it


@pytest.fixture
def capped(ledger, org, tmp_path):
    from tiaojie.rules.service import open_rules

    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules_dir)
    (rules_dir / "review-chain-2026.toml").write_text(THREE_STEPS, encoding="utf-8")
    reward = rules_dir / "mediation-reward-2026.toml"
    text = reward.read_text(encoding="utf-8")
    assert text.count("max = 10000") == 1
    reward.write_text(text.replace("max = 10000", "max = 600"), encoding="utf-8")
    book = open_rules(rules_dir)
    low = activated(Ledger(engine=ledger.engine, rules=book, today=dt.date(2026, 9, 30)))
    low.org = org
    yield low
    book.close()


def _major(ledger, org, number: str, settled_on: str, entered_on: str):
    ledger.today = dt.date.fromisoformat(entered_on)
    case = cases.add_case(ledger, org.admin, "C-T1-V1", number=number, category="neighbour", severity="major",
                          received_on=settled_on, parties=["张三", "李四"]).case
    cases.settle_case(ledger, org.admin, case.id, settled_on=settled_on, settled_by="mediation_committee")
    return case


def _claim_paid(ledger, org, key: str, on: str):
    ledger.today = dt.date.fromisoformat(on)
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", key)
    claim_steps.accept(ledger, org.clerk, claim.number)
    return claim


def _paid(ledger, key: str) -> dict[int, Decimal]:
    with ledger.uow() as uow:
        period = uow.periods.by_key(key)
        return {line.case_id: line.amount for line in uow.payouts.for_period(period.id)} if period else {}


def test_two_claims_reviewed_side_by_side_pay_no_more_than_the_months_ceiling(capped):
    ledger, org = capped, capped.org
    a = _major(ledger, org, "SEP-A", "2026-09-05", "2026-09-30")
    month = _claim_paid(ledger, org, "2026-09", "2026-10-02")  # A: 500, reviewed, not paid yet
    # Settled before A but entered late, so the quarter's claim takes it; worked out in settlement
    # order while A was not paid, it would have the month's room to itself.
    b = _major(ledger, org, "SEP-B", "2026-09-01", "2026-10-03")
    quarter = _claim_paid(ledger, org, "2026Q3", "2026-10-03")
    assert {line.case_id: line.amount for line, _ in claims.show(ledger, org.mediator, quarter.number).lines} == {
        b.id: Decimal("500.00")}
    ledger.today = dt.date(2026, 10, 10)
    claims.pay(ledger, org.admin, month.number)
    claims.pay(ledger, org.admin, quarter.number)
    assert _paid(ledger, "2026-09") == {a.id: Decimal("500.00")}
    assert _paid(ledger, "2026Q3") == {b.id: Decimal("100.00")}  # the room A left: 600 − 500
    with ledger.uow() as uow:
        line = next(line for line in uow.payouts.for_case(b.id))
    assert line.gross == Decimal("500.00") and line.capped_by == "monthly-per-payee"


def test_a_case_settled_earlier_but_paid_later_gets_only_the_room_left(capped):
    ledger, org = capped, capped.org
    late_settled = _major(ledger, org, "SEP-B", "2026-09-25", "2026-09-30")
    month = _claim_paid(ledger, org, "2026-09", "2026-10-02")
    ledger.today = dt.date(2026, 10, 10)
    claims.pay(ledger, org.admin, month.number)
    early_settled = _major(ledger, org, "SEP-A", "2026-09-05", "2026-10-12")  # entered after the payment
    shown = periods.show(ledger, "2026-09")
    assert sum((payee.paid for payee in shown.payees), Decimal(0)) == CEILING  # 500 paid + 100
    periods.close(ledger, org.admin, "2026-09")
    assert _paid(ledger, "2026-09") == {late_settled.id: Decimal("500.00"), early_settled.id: Decimal("100.00")}
