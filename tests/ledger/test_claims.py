"""The subsidy cycle on both databases: a unit claims a quarter, the claim goes through the review
chain of the rule files (申报 → 初审 → 复核 → 公示 → 拨付), and payment writes the period's payout
lines from the lines every step let through."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from activated_rules import activated
from short_chain import THREE_STEPS

from tiaojie.ledger import access, audit, cases, claim_steps, claims, periods
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, NotFound, PeriodClosed, PermissionDenied

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
PASSWORD = "tiaojie-demo"  # every test user's (conftest.TEST_PASSWORD)


def _settled(ledger, org, unit, number, settled_on, severity="ordinary", settled_by="mediation_committee"):
    ledger.today = dt.date(2026, 9, 30)
    case = cases.add_case(ledger, org.admin, unit, number=number, category="neighbour", severity=severity,
                          received_on=settled_on, parties=["张三", "李四"]).case
    cases.settle_case(ledger, org.admin, case.id, settled_on=settled_on, settled_by=settled_by)
    return case


@pytest.fixture
def cycle(ledger, org):
    """Three settled cases of 沙坪村 in 2026Q3 (500 + 200 + 200 yuan), one of 白层村, and the people
    who take each step: a township clerk (初审), county clerks (复核, 公示), the admin (拨付)."""
    org.town_clerk = access.add_user(ledger, org.admin, "赵初审", "clerk", "C-T1", password=PASSWORD)
    org.notice_clerk = access.add_user(ledger, org.admin, "孙公示", "clerk", "C", password=PASSWORD)
    org.v1_clerk = access.add_user(ledger, org.admin, "周内勤", "clerk", "C-T1-V1", password=PASSWORD)
    org.a = _settled(ledger, org, "C-T1-V1", "Q3-001", "2026-07-10", severity="major")
    org.b = _settled(ledger, org, "C-T1-V1", "Q3-002", "2026-08-11")
    org.c = _settled(ledger, org, "C-T1-V1", "Q3-003", "2026-09-12")
    org.d = _settled(ledger, org, "C-T1-V2", "Q3-101", "2026-09-01")
    return org


def _on(ledger, day):
    ledger.today = dt.date.fromisoformat(day)


def _statement(ledger, key, tmp_path):
    from openpyxl import load_workbook

    from tiaojie.ledger.statements import export_statement

    book = load_workbook(export_statement(ledger, key, tmp_path / f"{key}.xlsx"))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _paid_lines(ledger, key):
    with ledger.uow() as uow:
        period = uow.periods.by_key(key)
        return uow.payouts.for_period(period.id) if period else []


def test_a_quarter_runs_the_whole_chain_and_pays_the_accepted_lines(ledger, cycle, tmp_path):
    org = cycle
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026q3")
    assert claim.number == "C-T1-V1-2026Q3" and claim.step == "first-review" and claim.chain_version == "2026.1"
    view = claims.show(ledger, org.mediator, claim.number)
    assert {case.number: line.amount for line, case in view.lines} == {
        "Q3-001": Decimal("500.00"), "Q3-002": Decimal("200.00"), "Q3-003": Decimal("200.00")}
    assert view.due_on == dt.date(2026, 10, 20)  # 初审 may take 15 days

    # 初审 at the township: one line rejected with a reason, the claim passed on
    _on(ledger, "2026-10-08")
    claim_steps.reject_line(ledger, org.town_clerk, claim.number, "Q3-002", "卷宗缺调解协议书")
    assert claim_steps.accept(ledger, org.town_clerk, claim.number).step == "county-review"
    # 复核 at the county
    _on(ledger, "2026-10-12")
    assert claim_steps.accept(ledger, org.clerk, claim.number).step == "notice"
    # 公示: seven days from the day it is published
    _on(ledger, "2026-10-14")
    published = claim_steps.publish(ledger, org.notice_clerk, claim.number)
    assert published.notice_ends_on == dt.date(2026, 10, 20) and published.step == "pay"
    _on(ledger, "2026-10-16")
    objection = claim_steps.object_to(ledger, org.notice_clerk, claim.number, "Q3-003", "村民王五", "该纠纷未实际调处")
    assert objection.number == "C-T1-V1-2026Q3-O1"
    # 拨付 waits for the notice to end, and for every objection to be resolved
    _on(ledger, "2026-10-20")
    with pytest.raises(InvalidInput) as running:
        claims.pay(ledger, org.admin, claim.number)
    assert "2026-10-20" in running.value.message("zh") and "2026-10-21" in running.value.message("en")
    _on(ledger, "2026-10-21")
    with pytest.raises(InvalidInput) as pending:
        claims.pay(ledger, org.admin, claim.number)
    assert objection.number in pending.value.message("zh") and "objection" in pending.value.message("en")
    with pytest.raises(InvalidInput) as late:  # objections are taken while the notice runs only
        claim_steps.object_to(ledger, org.notice_clerk, claim.number, "Q3-001", "村民赵六", "金额不对")
    assert "2026-10-20" in late.value.message("zh")
    claim_steps.resolve(ledger, org.notice_clerk, objection.number, upheld=False)
    paid = claims.pay(ledger, org.admin, claim.number)
    assert paid.status == "paid"

    # payout lines equal the accepted lines, to the fen; the rejected case is paid nothing
    view = claims.show(ledger, org.mediator, claim.number)
    lines = _paid_lines(ledger, "2026Q3")
    paying = {line.case_id: line.amount for line in lines if line.amount}
    assert paying == {line.case_id: line.amount for line, _ in view.accepted} == {org.a.id: Decimal("500.00"),
                                                                                   org.c.id: Decimal("200.00")}
    assert sum(paying.values(), Decimal("0")) == view.accepted_total == Decimal("700.00")
    assert [(case.number, line.reason, line.decided_by) for line, case in view.rejected] == [
        ("Q3-002", "卷宗缺调解协议书", "赵初审")]
    # the statement shows the chain (who, when, what) and the rejected lines apart
    sheets = _statement(ledger, "2026Q3", tmp_path)
    chain = [row[2:7] for row in sheets["申报审核"][2:]]
    assert chain[0] == ("申报", "提交申报", None, "李调解", "2026-10-05")
    assert ("初审", "核减案件", "Q3-002", "赵初审", "2026-10-08") in chain and chain[-1][:2] == ("拨付", "拨付")
    assert sheets["核减"][2][1:] == ("Q3-002", "沙坪村", "沙坪村·调委会", 200, "初审", "赵初审", "卷宗缺调解协议书")
    assert sheets["已拨付"][-1][-1] == 700  # paid into the open quarter: 500 + 200
    # the open quarter as it would be paid now: what the claim paid, and the other village still to pay
    shown = periods.show(ledger, "2026Q3")
    assert {p.payee: p.paid for p in shown.payees} == {"沙坪村·调委会": Decimal("700.00"),
                                                       "白层村·调委会": Decimal("200.00")}
    assert sum((p.total for p in shown.payees), Decimal("0")) == Decimal("900.00")
    assert {line.case_id for line in shown.lines} == {org.a.id, org.b.id, org.c.id, org.d.id}
    # closing the quarter afterwards pays the other village, never the rejected or the paid cases again
    periods.close(ledger, org.clerk, "2026Q3")
    after_close = {line.case_id: line.amount for line in _paid_lines(ledger, "2026Q3") if line.amount}
    assert after_close == {**paying, org.d.id: Decimal("200.00")}
    with ledger.uow() as uow:
        assert [line.amount for line in uow.payouts.for_case(org.b.id)] == [Decimal("0.00")]

    # every step is in the audit log, in order, by who took it
    entries = [(e.action, e.user_name) for e in audit.recent(ledger, 200) if e.action.startswith("claim.")]
    assert entries == [
        ("claim.submit", "李调解"), ("claim.reject_line", "赵初审"), ("claim.accept", "赵初审"),
        ("claim.accept", "王财务"), ("claim.publish", "孙公示"), ("claim.object", "孙公示"),
        ("claim.dismiss", "孙公示"), ("claim.pay", "admin"),
    ]
    assert [(d.step, d.decision, d.by_user) for d in view.decisions][-1] == ("pay", "pay", "admin")


def test_nobody_acts_at_two_steps_of_a_claim(ledger, cycle):
    org = cycle
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.v1_clerk, "C-T1-V1", "2026Q3")
    # the claimant's own unit cannot take the township's step
    with pytest.raises(PermissionDenied) as level:
        claim_steps.accept(ledger, org.v1_clerk, claim.number)
    assert "初审" in level.value.message("zh") and "township" in level.value.message("en")
    # a mediator is not among the reviewers' roles
    with pytest.raises(PermissionDenied) as role:
        claim_steps.accept(ledger, org.mediator, claim.number)
    assert "clerk" in role.value.message("en")
    claim_steps.accept(ledger, org.town_clerk, claim.number)
    claim_steps.accept(ledger, org.clerk, claim.number)
    # the county clerk who took 复核 cannot publish the notice of the same claim
    with pytest.raises(PermissionDenied) as twice:
        claim_steps.publish(ledger, org.clerk, claim.number)
    assert "复核" in twice.value.message("zh") and "公示" in twice.value.message("zh")
    assert "county review" in twice.value.message("en") and "public notice" in twice.value.message("en")
    claim_steps.publish(ledger, org.notice_clerk, claim.number)
    _on(ledger, "2026-10-30")
    with pytest.raises(PermissionDenied):  # nor may the publisher pay it
        claims.pay(ledger, org.notice_clerk, claim.number)
    assert claims.pay(ledger, org.admin, claim.number).status == "paid"


def test_a_returned_claim_is_resubmitted_and_reviewed_again(ledger, cycle):
    org = cycle
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    with pytest.raises(InvalidInput) as no_reason:
        claim_steps.return_claim(ledger, org.town_clerk, claim.number, " ")
    assert "--reason" in no_reason.value.message("en")
    returned = claim_steps.return_claim(ledger, org.town_clerk, claim.number, "请补齐回访记录")
    assert (returned.status, returned.step) == ("returned", "claim")
    with pytest.raises(InvalidInput) as at_claimant:
        claim_steps.accept(ledger, org.town_clerk, claim.number)
    assert "claim submit" in at_claimant.value.message("en")
    # the claimant corrects a case (now major) and submits again: the amount follows the case
    cases.edit_case(ledger, org.mediator, org.c.id, severity="major")
    again = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    assert (again.status, again.step) == ("open", "first-review")
    view = claims.show(ledger, org.town_clerk, claim.number)
    assert {case.number: line.amount for line, case in view.lines}["Q3-003"] == Decimal("500.00")
    assert [d.decision for d in view.decisions] == ["submit", "return", "resubmit"]
    assert view.decisions[1].reason == "请补齐回访记录"
    # one claim per unit and period
    with pytest.raises(InvalidInput) as twice:
        claims.submit(ledger, org.mediator, "C-T1-V1", "2026-08")
    assert twice.value.key == "claim_empty"  # its cases are all held by the quarter's claim


def test_a_step_past_its_days_is_overdue(ledger, cycle):
    org = cycle
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    _on(ledger, "2026-10-20")
    assert not claims.show(ledger, org.clerk, claim.number).overdue
    _on(ledger, "2026-10-21")
    [view] = claims.list_claims(ledger, org.town_clerk)
    assert view.overdue and view.due_on == dt.date(2026, 10, 20)


def test_refusals_name_the_case_and_the_period(ledger, cycle):
    org = cycle
    _on(ledger, "2026-09-20")
    with pytest.raises(InvalidInput) as early:
        claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    assert "2026-09-30" in early.value.message("zh") and "2026-09-30" in early.value.message("en")
    _on(ledger, "2026-10-05")
    with pytest.raises(InvalidInput) as year:
        claims.submit(ledger, org.mediator, "C-T1-V1", "2026")
    assert "2026Q3" in year.value.message("en")
    with pytest.raises(PermissionDenied):  # a mediator of 沙坪村 does not claim for 白层村
        claims.submit(ledger, org.mediator, "C-T1-V2", "2026Q3")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    with pytest.raises(InvalidInput) as reject_twice:
        claim_steps.reject_line(ledger, org.town_clerk, claim.number, "Q3-001", "卷宗不全")
        claim_steps.reject_line(ledger, org.town_clerk, claim.number, "Q3-001", "再次")
    assert "Q3-001" in reject_twice.value.message("zh") and "卷宗不全" in reject_twice.value.message("en")
    with pytest.raises(NotFound) as unknown:
        claim_steps.reject_line(ledger, org.town_clerk, claim.number, "Q3-009", "无此案")
    assert "Q3-009" in unknown.value.message("zh")
    # the quarter closed before payment: paying into it is refused
    claim_steps.accept(ledger, org.town_clerk, claim.number)
    claim_steps.accept(ledger, org.clerk, claim.number)
    claim_steps.publish(ledger, org.notice_clerk, claim.number)
    periods.close(ledger, org.clerk, "2026Q3")
    _on(ledger, "2026-10-30")
    with pytest.raises(PeriodClosed) as closed:
        claims.pay(ledger, org.admin, claim.number)
    assert "2026Q3" in closed.value.message("zh") and "closed" in closed.value.message("en")


def test_a_case_that_cannot_be_judged_stops_the_claim(ledger, cycle, monkeypatch):
    from tiaojie.rules.errors import EvaluationError

    org = cycle
    real = ledger.rules.evaluate_batch

    def failing(policy_id, rows, on):  # noqa: ANN001, ANN202
        out = list(real(policy_id, rows, on))
        return [EvaluationError("input_failed", detail="ValueError") if i == 1 else o for i, o in enumerate(out)]

    monkeypatch.setattr(ledger.rules, "evaluate_batch", failing)
    _on(ledger, "2026-10-05")
    with pytest.raises(InvalidInput) as err:
        claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    assert "C-T1-V1/Q3-002" in err.value.message("zh") and "never paid from an error" in err.value.message("en")
    assert claims.list_claims(ledger, org.admin) == []


@pytest.fixture
def three_step_ledger(ledger, cycle, tmp_path):
    from tiaojie.rules.service import open_rules

    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules_dir)
    (rules_dir / "review-chain-2026.toml").write_text(THREE_STEPS, encoding="utf-8")
    book = open_rules(rules_dir)
    three = activated(Ledger(engine=ledger.engine, rules=book, today=ledger.today))
    three.org = cycle
    yield three
    book.close()


def test_a_three_step_chain_without_notice_is_a_rule_file(three_step_ledger):
    """A county that reviews once at the county and pays without a public notice: claim → review →
    pay, from its rule file alone."""
    ledger, org = three_step_ledger, three_step_ledger.org
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    assert (claim.chain_version, [s.id for s in claim.chain]) == ("2026.3", ["claim", "review", "pay"])
    with pytest.raises(PermissionDenied):  # the township has no step in this chain
        claim_steps.accept(ledger, org.town_clerk, claim.number)
    claim_steps.reject_line(ledger, org.clerk, claim.number, "C-T1-V1/Q3-001", "重大纠纷认定依据不足")
    assert claim_steps.accept(ledger, org.clerk, claim.number).step == "pay"
    with pytest.raises(InvalidInput) as no_notice:
        claim_steps.object_to(ledger, org.clerk, claim.number, "Q3-003", "村民", "异议")
    assert "no public notice" in no_notice.value.message("en")
    paid = claims.pay(ledger, org.admin, claim.number)
    assert paid.status == "paid"
    lines = {line.case_id: line.amount for line in _paid_lines(ledger, "2026Q3") if line.amount}
    assert lines == {org.b.id: Decimal("200.00"), org.c.id: Decimal("200.00")}


def test_reviewers_see_what_a_case_file_lacks_and_the_near_duplicates(ledger, cycle):
    """Nothing of the file is ticked in these cases; 白层村's Q3-101 has the same parties and
    category as 沙坪村's Q3-002 and Q3-003, received 21 and 11 days apart (Q3-001: 53 days)."""
    org = cycle
    _on(ledger, "2026-10-05")
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    view = claims.show(ledger, org.town_clerk, claim.number)
    notes = {case.number: [note.render("zh") for note in view.notes.get(case.id, [])] for _, case in view.lines}
    assert set(notes) == {"Q3-001", "Q3-002", "Q3-003"}
    assert all(any("缺少必备项" in note and "调解协议书" in note for note in said) for said in notes.values()), notes
    assert any("Q3-101" in note for note in notes["Q3-003"]) and any("Q3-101" in note for note in notes["Q3-002"])
    assert not any("Q3-101" in note for note in notes["Q3-001"]), notes["Q3-001"]
    case = next(case for _, case in view.lines if case.number == "Q3-001")
    cases.edit_case(ledger, org.admin, case.id, case_file=["application", "rights_notice", "identity", "record",
                                                            "agreement", "back_cover"])
    again = claims.show(ledger, org.town_clerk, claim.number)
    assert case.id not in again.notes  # a complete file, no flag: nothing to look at twice
