from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tiaojie.ledger import (
    access,
    audit,
    cases,
    periods,
    views,  # noqa: E402
)
from tiaojie.ledger.errors import InvalidInput, PeriodClosed, PermissionDenied
from tiaojie.store.messages import Conflict
from tiaojie.store.schema import AuditRow, CaseRow, OutcomeRow, PayoutLineRow


def _add(ledger, org, number, **kw):
    values = dict(number=number, category="neighbour", severity="ordinary", received_on="2026-05-02")
    values.update(kw)
    return cases.add_case(ledger, org.mediator, "C-T1-V1", **values)


def test_add_case_accepts_ids_and_chinese_labels_and_stores_escalation_outcome(ledger, org):
    res = _add(ledger, org, "2026-001", category="邻里", severity="重大", urgency="紧急", amount_involved="1234.5")
    case = res.case
    assert case.category == "neighbour" and case.severity == "major" and case.urgency == "urgent"
    assert case.amount_involved == Decimal("1234.50")
    assert case.level == "county"  # the escalation policy sends major matters to the county
    assert case.mediators == ["李调解"]
    [outcome] = res.outcomes
    assert outcome.policy_id == "escalation" and outcome.version == "2026.1" and outcome.hash.startswith("sha256:")
    assert "major" in outcome.fired
    assert outcome.explanation and "zh" in outcome.explanation[0]


def test_unknown_category_is_refused_with_suggestion(ledger, org):
    with pytest.raises(InvalidInput) as err:
        _add(ledger, org, "X1", category="neighbor")
    assert "neighbour" in err.value.message("zh")


def test_case_number_unique_per_unit(ledger, org):
    _add(ledger, org, "N1")
    with pytest.raises(Conflict):
        _add(ledger, org, "N1")
    # the same number in another unit is a different case
    cases.add_case(ledger, org.clerk, "C-T1-V2", number="N1", category="contract", received_on="2026-05-03")


def test_settle_evaluates_reward_in_force_and_period_pays_once(ledger, org):
    a = _add(ledger, org, "S1", severity="major").case
    b = _add(ledger, org, "S2").case
    c = _add(ledger, org, "S3").case
    r = cases.settle_case(ledger, org.mediator, a.id, settled_on="2026-05-10", settled_by="村委会")
    assert [o.outputs["amount"] for o in r.outcomes if o.policy_id == "mediation-reward"] == ["500.00"]
    cases.settle_case(ledger, org.mediator, b.id, settled_on="2026-05-11", settled_by="mediation_committee")
    # settled by the township: not in the 以奖代补 scope, so no line
    cases.settle_case(ledger, org.mediator, c.id, settled_on="2026-05-12", settled_by="township")
    report = periods.compute(ledger, org.clerk, "2026-05")
    assert sorted(line.amount for line in report.lines) == [Decimal("200.00"), Decimal("500.00")]
    assert report.total == Decimal("700.00")
    assert report.versions == [("mediation-reward", "2026.1", report.lines[0].hash)]
    assert {p.payee for p in report.payees} == {"沙坪村·村委会", "沙坪村·调委会"}
    # the aggregate computation (no lines asked for) agrees with the per-case one
    assert periods.compute(ledger, org.clerk, "2026-05", with_lines=False).payees == report.payees
    # an open period is a computation: nothing is paid until it is closed
    with ledger.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PayoutLineRow)).scalar_one() == 0
    assert periods.compute(ledger, org.clerk, "2026Q2").total == Decimal("700.00")
    periods.close(ledger, org.clerk, "2026-05")
    # once May is paid, the quarter does not pay May's cases again
    assert periods.compute(ledger, org.clerk, "2026Q2").payees == []
    # the quarter runs until 30 June: it cannot be closed while cases may still arrive in it
    with pytest.raises(InvalidInput) as early:
        periods.close(ledger, org.clerk, "2026Q2")
    assert "2026-06-30" in early.value.message("zh") and periods.show(ledger, "2026Q2").period.status == "open"
    ledger.today = dt.date(2026, 7, 1)
    periods.close(ledger, org.clerk, "2026Q2")
    with ledger.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PayoutLineRow)).scalar_one() == 2
    assert sorted(line.amount for line in periods.show(ledger, "2026-05").lines) == [Decimal("200.00"), Decimal("500.00")]


def test_monthly_cap_per_payee(ledger, org):
    # 10,000 yuan per payee per month: 21 major cases (10,500) are cut to 10,000 on the last
    for i in range(21):
        case = _add(ledger, org, f"M{i:02d}", severity="major").case
        cases.settle_case(ledger, org.mediator, case.id, settled_on=dt.date(2026, 5, 3 + i), settled_by="village_committee")
    report = periods.compute(ledger, org.clerk, "2026-05")
    [payee] = report.payees
    assert payee.gross == Decimal("10500.00") and payee.paid == Decimal("10000.00")
    last = max(report.lines, key=lambda line: line.case_id)
    assert last.amount == Decimal("0.00") and last.capped_by == "monthly-per-payee"
    assert periods.compute(ledger, org.clerk, "2026-05", with_lines=False).payees == report.payees
    periods.close(ledger, org.clerk, "2026-05")
    assert periods.show(ledger, "2026-05").payees == report.payees


def test_roles_are_checked(ledger, org):
    with pytest.raises(PermissionDenied) as err:
        periods.close(ledger, org.mediator, "2026-05")
    assert "李调解" in err.value.message("zh") and "may not close" in err.value.message("en")
    with pytest.raises(PermissionDenied):
        access.check(org.clerk, "rules_edit")
    access.check(org.policy, "rules_edit")
    with pytest.raises(PermissionDenied):
        cases.add_case(ledger, org.policy, "C-T1-V1", number="P1", category="other", received_on="2026-05-01")


def _snapshot(ledger):
    with ledger.engine.connect() as conn:
        return {
            "cases": conn.execute(select(CaseRow.__table__)).all(),
            "outcomes": conn.execute(select(func.count()).select_from(OutcomeRow)).scalar_one(),
            "payouts": conn.execute(select(PayoutLineRow.__table__)).all(),
            "audit": conn.execute(select(func.count()).select_from(AuditRow)).scalar_one(),
        }


def test_every_write_to_a_closed_period_is_refused_and_changes_nothing(ledger, org):
    settled = _add(ledger, org, "L1", received_on="2026-04-20").case
    cases.settle_case(ledger, org.mediator, settled.id, settled_on="2026-05-06", settled_by="village_committee")
    open_case = _add(ledger, org, "L2", received_on="2026-05-08").case
    periods.compute(ledger, org.clerk, "2026-05")
    periods.close(ledger, org.clerk, "2026-05")
    before = _snapshot(ledger)

    attempts = [
        lambda: cases.edit_case(ledger, org.mediator, settled.id, severity="major"),
        lambda: cases.edit_case(ledger, org.mediator, open_case.id, category="contract"),
        lambda: cases.edit_case(ledger, org.mediator, open_case.id, received_on="2026-06-01"),
        lambda: _add(ledger, org, "L3", received_on="2026-05-20"),
        lambda: periods.compute(ledger, org.clerk, "2026-05"),
        lambda: periods.close(ledger, org.clerk, "2026-05"),
        lambda: periods.adjust(ledger, org.clerk, "2026-05", settled.id, Decimal("10"), "late fee"),
        # a settlement dated in the closed month
        lambda: cases.settle_case(ledger, org.mediator, open_case.id, settled_on="2026-05-30", settled_by="village_committee"),
    ]
    for attempt in attempts:
        with pytest.raises(PeriodClosed) as err:
            attempt()
        zh = err.value.message("zh")
        assert "2026-05" in zh and ("已关闭" in zh)
        assert _snapshot(ledger) == before

    # a case received in the closed month may still be settled later, in an open month
    res = cases.settle_case(ledger, org.mediator, open_case.id, settled_on="2026-06-02", settled_by="village_committee")
    assert res.case.status == "settled"

    # a correction is an adjustment in an open period, linked to the original period
    adj = periods.adjust(ledger, org.clerk, "2026-06", settled.id, Decimal("-50.00"), "协议未履行，追回部分奖励")
    may = periods.show(ledger, "2026-05")
    assert adj.original_period_id == may.period.id and adj.amount == Decimal("-50.00")
    june = periods.compute(ledger, org.clerk, "2026-06")
    assert june.total == Decimal("150.00")  # 200 for the June settlement, −50 adjustment
    with pytest.raises(InvalidInput):
        periods.adjust(ledger, org.clerk, "2026-06", settled.id, Decimal("5"), "  ")


def test_an_adjustment_is_refused_for_a_case_never_paid_in_a_closed_period(ledger, org):
    """An adjustment corrects money paid: a case settled in an open month, or not settled at all,
    is paid in its own period when that closes, and adjusting it is refused by its number."""
    paid = _add(ledger, org, "L1", received_on="2026-04-20").case
    cases.settle_case(ledger, org.mediator, paid.id, settled_on="2026-05-06", settled_by="village_committee")
    periods.compute(ledger, org.clerk, "2026-05")
    periods.close(ledger, org.clerk, "2026-05")
    june = _add(ledger, org, "JUNE-7", received_on="2026-06-01").case
    cases.settle_case(ledger, org.mediator, june.id, settled_on="2026-06-05", settled_by="village_committee")
    pending = _add(ledger, org, "OPEN-9", received_on="2026-06-02").case
    before = _snapshot(ledger)

    with pytest.raises(InvalidInput) as err:
        periods.adjust(ledger, org.clerk, "2026-06", june.id, Decimal("-10"), "更正")
    zh, en = err.value.message("zh"), err.value.message("en")
    assert "案件 JUNE-7（沙坪村）" in zh and "尚未发放" in zh and "2026-06 关账时发放" in zh
    assert "case JUNE-7 (沙坪村)" in en and "paid in its own period, 2026-06, when it closes" in en
    with pytest.raises(InvalidInput) as err:
        periods.adjust(ledger, org.clerk, "2026-06", pending.id, Decimal("15"), "更正")
    zh, en = err.value.message("zh"), err.value.message("en")
    assert "案件 OPEN-9（沙坪村）尚未调结" in zh and "关账时发放" in zh
    assert "case OPEN-9 (沙坪村) is not settled" in en and "when that period closes" in en
    assert _snapshot(ledger) == before and periods.show(ledger, "2026-06").adjustments == []

    adj = periods.adjust(ledger, org.clerk, "2026-06", paid.id, Decimal("-20"), "更正")  # paid in May: a correction
    assert adj.original_period_id == periods.show(ledger, "2026-05").period.id


def test_period_keys():
    assert periods.parse_period("2026-05").ends_on == dt.date(2026, 5, 31)
    q = periods.parse_period("2026q2")
    assert (q.key, q.starts_on, q.ends_on) == ("2026Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert periods.parse_period("2024-02").ends_on == dt.date(2024, 2, 29)
    assert periods.parse_period("2026").kind == "year"
    for bad in ("2026-13", "2026Q5", "26-05", "May"):
        with pytest.raises(InvalidInput):
            periods.parse_period(bad)
    # the right form but a month that cannot be: said so, not called a wrong format
    for impossible in ("2026-13", "2026-00"):
        with pytest.raises(InvalidInput) as err:
            periods.parse_period(impossible)
        assert "不存在" in err.value.message("zh") and "does not exist" in err.value.message("en")


def test_escalate_and_list_filters(ledger, org):
    a = _add(ledger, org, "E1", received_on="2026-05-02", needs_verification=True).case
    assert a.level == "village"
    res = cases.escalate_case(ledger, org.mediator, a.id, on="2026-05-12", reason="一周未答复")
    assert res.case.level == "township" and res.case.status == "escalated"
    assert [(e.from_level, e.to_level) for e in res.case.escalations] == [("village", "township")]
    cases.add_case(ledger, org.clerk, "C-T1-V2", number="E2", category="contract", received_on="2026-06-10")
    assert {c.number for c in views.list_cases(ledger, unit="C-T1")} == {"E1", "E2"}
    assert {c.number for c in views.list_cases(ledger, unit="C-T1-V2")} == {"E2"}
    assert {c.number for c in views.list_cases(ledger, category="合同")} == {"E2"}
    assert {c.number for c in views.list_cases(ledger, period="2026-06")} == {"E2"}
    assert {c.number for c in views.list_cases(ledger, period="2026Q2")} == {"E1", "E2"}
    assert {c.number for c in views.list_cases(ledger, status="escalated")} == {"E1"}
    # E1 still open at the township long after its deadlines; E2 was to be answered on the spot
    # (06-10) and is still open on 06-15; E3 arrived today and is not yet late.
    cases.add_case(ledger, org.clerk, "C-T1-V2", number="E3", category="contract", received_on="2026-06-15")
    assert {c.number for c in views.list_cases(ledger, overdue=True)} == {"E1", "E2"}
    assert {c.number for c in views.list_cases(ledger, overdue=True, as_of=dt.date(2026, 6, 16))} == {"E1", "E2", "E3"}


def test_audit_chain_detects_edit_and_removal(ledger, org):
    _add(ledger, org, "A1")
    _add(ledger, org, "A2")
    report = audit.verify(ledger)
    assert report.ok and report.count >= 9
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET user_name = 'mallory' WHERE seq = 3")
    report = audit.verify(ledger)
    assert not report.ok and any(p.key == "audit_changed" and p.params["seq"] == 3 for p in report.problems)


def test_audit_detects_removed_rows(ledger, org):
    _add(ledger, org, "R1")
    _add(ledger, org, "R2")
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log WHERE seq = 4")
    assert {p.key for p in audit.verify(ledger).problems} >= {"audit_link", "audit_gap"}
    with ledger.engine.begin() as conn:
        last = conn.exec_driver_sql("SELECT max(seq) FROM audit_log").scalar_one()
        conn.exec_driver_sql(f"DELETE FROM audit_log WHERE seq = {last}")
    assert "audit_head" in {p.key for p in audit.verify(ledger).problems}


def test_quarter_cap_counts_what_earlier_months_already_paid(ledger, org, tmp_path):
    import shutil

    from tiaojie.ledger.context import Ledger
    from tiaojie.rules.service import open_rules

    rules_dir = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[2] / "rules", rules_dir)
    reward = rules_dir / "mediation-reward-2026.toml"
    reward.write_text(reward.read_text(encoding="utf-8") + """
[[cap]]
id = "quarterly-per-payee"
title = "每个调处主体每季度奖励上限"
period = "quarter"
per = "payee"
max = 800
""", encoding="utf-8")
    from activated_rules import activated

    capped = activated(Ledger(engine=ledger.engine, rules=open_rules(rules_dir), today=ledger.today))
    try:
        a = _add(capped, org, "Q1", severity="major", received_on="2026-04-01").case
        b = _add(capped, org, "Q2", received_on="2026-04-02").case
        c = _add(capped, org, "Q3", received_on="2026-05-02").case
        cases.settle_case(capped, org.mediator, a.id, settled_on="2026-04-10", settled_by="village_committee")
        cases.settle_case(capped, org.mediator, b.id, settled_on="2026-04-11", settled_by="village_committee")
        cases.settle_case(capped, org.mediator, c.id, settled_on="2026-05-03", settled_by="village_committee")
        april = periods.compute(capped, org.clerk, "2026-04")
        assert april.total == Decimal("700.00")
        periods.close(capped, org.clerk, "2026-04")
        may = periods.compute(capped, org.clerk, "2026-05", with_lines=True)
        [line] = may.lines
        assert (line.gross, line.amount, line.capped_by) == (Decimal("200.00"), Decimal("100.00"), "quarterly-per-payee")
        # two ceilings take the per-case path; its totals are the lines'
        assert periods.compute(capped, org.clerk, "2026-05", with_lines=False).payees == may.payees
    finally:
        capped.rules.close()


def test_aggregate_computation_agrees_with_per_case_lines(ledger, org):
    """The fast path (GROUP BY + one evaluation per combination + closed-form ceiling) must give
    every payee exactly what the per-case path (apply_caps in settlement order) gives."""
    import random

    from tiaojie.models import Case

    rng = random.Random(5)
    batch = []
    for i in range(1000):
        received = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randint(0, 80))
        status = rng.choice(["settled"] * 8 + ["failed", "received"])
        batch.append(Case(
            unit_id=rng.choice([org.v1.id, org.v1.id, org.v2.id]), number=f"G{i:04d}", category="neighbour",
            severity=rng.choice(["simple", "ordinary", "difficult", "major"]), received_on=received,
            settled_on=None if status == "received" else received + dt.timedelta(days=rng.randint(0, 9)),
            status=status, settled_by=None if status == "received" else rng.choice(
                ["village_committee", "village_group", "mediation_committee", "township"]),
        ))
    with ledger.uow() as uow:
        uow.cases.add_many(batch)
        uow.commit()
    periods.close(ledger, org.clerk, "2026-04")  # closed lines use up ceilings of later windows
    binding = 0
    for key in ("2026-05", "2026-06", "2026Q2", "2026"):
        fast = periods.compute(ledger, org.clerk, key, with_lines=False)
        slow = periods.compute(ledger, org.clerk, key, with_lines=True)
        assert fast.payees == slow.payees, key
        binding += sum(p.paid < p.gross for p in slow.payees)
    assert binding  # the ceiling really binds somewhere


def test_version_change_mid_month_is_computed_per_version(ledger, org, tmp_path):
    from reward_versions import reward_split_in_may

    two = reward_split_in_may(ledger, tmp_path, lambda text: text.replace("then = { amount = 200 }", "then = { amount = 300 }")
                              .replace("expect = { amount = 200,", "expect = { amount = 300,"))
    try:
        for day in (10, 15, 16, 20):
            case = _add(two, org, f"V{day}", received_on="2026-05-01").case
            cases.settle_case(two, org.mediator, case.id, settled_on=dt.date(2026, 5, day), settled_by="village_committee")
        fast = periods.compute(two, org.clerk, "2026-05", with_lines=False)
        slow = periods.compute(two, org.clerk, "2026-05", with_lines=True)
        assert fast.payees == slow.payees
        assert fast.total == Decimal("1000.00")  # 200 + 200 before the 16th, 300 + 300 from it
        assert [v[1] for v in fast.versions] == ["2026.1", "2026.2"]
    finally:
        two.rules.close()


def test_a_ceiling_is_shared_by_the_versions_of_one_month(ledger, org, tmp_path):
    """A new version from the 16th keeps the monthly ceiling's window: the payee is paid at most
    10,000 in May in total, and the per-case and aggregate computations agree."""
    from reward_versions import reward_split_in_may

    two = reward_split_in_may(ledger, tmp_path)
    try:
        for i in range(22):  # 22 major cases, 500 each: 11,000 across the version change
            case = _add(two, org, f"W{i:02d}", severity="major", received_on="2026-05-01").case
            cases.settle_case(two, org.mediator, case.id, settled_on=dt.date(2026, 5, 5 + i), settled_by="village_committee")
        slow = periods.compute(two, org.clerk, "2026-05", with_lines=True)
        fast = periods.compute(two, org.clerk, "2026-05", with_lines=False)
        [payee] = slow.payees
        assert payee.gross == Decimal("11000.00") and payee.paid == Decimal("10000.00")
        assert fast.payees == slow.payees
        assert {line.version for line in slow.lines} == {"2026.1", "2026.2"}
    finally:
        two.rules.close()
