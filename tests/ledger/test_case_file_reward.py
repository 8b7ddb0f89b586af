"""The case file earns the reward: under mediation-reward 2027.1 (略阳's 100/200/300, 青岛's negative
list, 盐山's one payment per dispute, the claw-back of a failed follow-up visit) a case whose file
lacks a required item is paid nothing and its stored outcome names the items; a complete one is
paid — on the single-case write and in the period's totals alike, on both databases. The 2026
cases keep their 2026 terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from activated_rules import activated
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import cases as case_service
from tiaojie.ledger import periods
from tiaojie.ledger.context import Ledger

TODAY = dt.date(2027, 3, 20)
COMPLETE = "申请书或受理登记表、权利义务告知书、当事人身份证明、调解记录、调解协议书、封底"


@pytest.fixture
def ledger27(engine, rules):
    return activated(Ledger(engine=engine, rules=rules, today=TODAY))


@pytest.fixture
def org27(ledger27, make_org):
    return make_org(ledger27)


def settled(ledger, org, number, *, severity="ordinary", on="2027-03-10", **extra):
    return case_service.add_case(
        ledger, org.mediator, "C-T1-V1", number=number, category="neighbour", severity=severity,
        received_on=on[:8] + "01", status="settled", settled_by="village_committee", settled_on=on, **extra)


def reward(result):
    found = next(o for o in result.outcomes if o.policy_id == "mediation-reward")
    return Decimal(found.outputs["amount"]), found


def explained(outcome, lang="zh"):
    return [line[lang] for line in outcome.explanation]


def test_an_incomplete_file_is_paid_nothing_and_says_what_is_missing(ledger27, org27):
    amount, outcome = reward(settled(ledger27, org27, "JZ-1", severity="difficult",
                                     case_file="申请书或受理登记表、调解记录、证据材料"))
    assert (amount, outcome.version, outcome.fired) == (Decimal("0.00"), "2027.1", ["file_incomplete"])
    assert "卷宗材料缺少必备项：权利义务告知书、当事人身份证明、调解协议书、封底" in explained(outcome)
    assert ("case file lacks required items: notice of rights and duties, parties' identity papers, "
            "mediation agreement, back cover") in explained(outcome, "en")

    # nothing ticked at all: the same, every required item named
    amount, outcome = reward(settled(ledger27, org27, "JZ-2", severity="major"))
    assert amount == 0 and outcome.fired == ["file_incomplete"]
    assert "卷宗材料缺少必备项：" + COMPLETE in explained(outcome)


def test_a_complete_file_is_paid_by_severity_and_ticking_the_last_item_pays(ledger27, org27):
    for number, severity, expected in (("A-1", "ordinary", "100.00"), ("A-2", "difficult", "200.00"),
                                       ("A-3", "major", "300.00")):
        amount, outcome = reward(settled(ledger27, org27, number, severity=severity, case_file=COMPLETE))
        assert amount == Decimal(expected) and outcome.fired == [severity]
        assert "卷宗材料必备项齐全" in explained(outcome)
    result = settled(ledger27, org27, "A-4", severity="major", case_file=COMPLETE.replace("、封底", ""))
    assert reward(result)[0] == 0
    edited = case_service.edit_case(ledger27, org27.mediator, result.case.id, case_file=COMPLETE)
    assert reward(edited)[0] == Decimal("300.00")
    assert edited.case.extra["case_file"] == ["application", "rights_notice", "identity", "record", "agreement",
                                              "back_cover"]
    # the period's totals read the stored ticks the same way, line by line and in one aggregate query
    report = periods.show(ledger27, "2027-03", with_lines=True)
    paid = {line.case_id: line.amount for line in report.lines}
    assert paid[edited.case.id] == Decimal("300.00")
    assert report.total == Decimal("900.00") == periods.show(ledger27, "2027-03", with_lines=False).total


def test_the_negative_list_paid_once_and_a_failed_follow_up(ledger27, org27):
    never = settled(ledger27, org27, "N-1", severity="major", case_file=COMPLETE, matter_kind="已进入诉讼或仲裁")
    assert reward(never)[0] == 0 and reward(never)[1].fired == ["negative_list"]
    ordinary = settled(ledger27, org27, "N-2", severity="major", case_file=COMPLETE, matter_kind="民间纠纷")
    assert reward(ordinary)[0] == Decimal("300.00")  # a kind of matter off the list is paid

    first = settled(ledger27, org27, "D-1", case_file=COMPLETE)
    again = settled(ledger27, org27, "D-2", case_file=COMPLETE, earlier_case="D-1")
    assert reward(first)[0] == Decimal("100.00")
    assert reward(again)[0] == 0 and reward(again)[1].fired == ["paid_once"]

    # no follow-up result yet: judged as any other case; a failed visit takes the reward away
    visited = settled(ledger27, org27, "F-1", severity="difficult", case_file=COMPLETE)
    assert "follow_up_result" not in visited.case.extra and reward(visited)[0] == Decimal("200.00")
    for result_label, fired in (("协议未履行", "follow_up_failed"), ("unreached", "follow_up_failed")):
        after = case_service.edit_case(ledger27, org27.clerk, visited.case.id, follow_up_result=result_label)
        assert reward(after)[0] == 0 and reward(after)[1].fired == [fired]
    kept = case_service.edit_case(ledger27, org27.clerk, visited.case.id, follow_up_result="fulfilled")
    assert reward(kept)[0] == Decimal("200.00")


def test_a_2026_case_keeps_the_2026_terms(ledger27, org27):
    amount, outcome = reward(settled(ledger27, org27, "OLD-1", severity="major", on="2026-12-20"))
    assert (amount, outcome.version) == (Decimal("500.00"), "2026.1")
    assert not any("卷宗" in line for line in explained(outcome))


def test_the_command_line_ticks_items_and_show_lists_what_is_missing(db_url, ledger27, org27):
    # the command line dates its writes by the real clock: a case of 2026, judged by the 2026 terms,
    # whose file a reviewer still sees item by item
    case = settled(ledger27, org27, "CLI-1", severity="difficult", on="2026-11-10").case
    runner = CliRunner()
    env = {"TIAOJIE_DB": db_url, "TIAOJIE_USER": "李调解"}

    def run(*args, lang="zh"):
        return runner.invoke(app, ["--lang", lang, *args], env=env)

    shown = run("case", "show", "C-T1-V1/CLI-1")
    assert shown.exit_code == 0, shown.output
    assert "卷宗材料缺少必备项：" + COMPLETE in shown.output  # nothing ticked yet

    ticked = run("case", "file", "C-T1-V1/CLI-1", "--tick", "申请书或受理登记表,权利义务告知书", "--tick", "identity,record")
    assert ticked.exit_code == 0, ticked.output
    assert "卷宗材料: 申请书或受理登记表、权利义务告知书、当事人身份证明、调解记录" in ticked.output
    assert "卷宗材料缺少必备项：调解协议书、封底" in ticked.output
    assert "[mediation-reward 2026.1]" in ticked.output and '"amount": "200.00"' in ticked.output

    done = run("case", "file", "C-T1-V1/CLI-1", "--tick", "调解协议书、封底、证据材料")
    assert done.exit_code == 0, done.output
    assert "卷宗材料必备项齐全" in done.output

    in_english = run("case", "show", "C-T1-V1/CLI-1", lang="en")
    assert "case file: every required item is in the file" in in_english.output

    back = run("case", "file", "C-T1-V1/CLI-1", "--untick", "back_cover", lang="en")
    assert back.exit_code == 0, back.output
    assert "case file lacks required items: back cover" in back.output

    wrong = run("case", "file", "C-T1-V1/CLI-1", "--tick", "调解书")
    assert wrong.exit_code == 1 and "没有材料项「调解书」" in wrong.output and "调解协议书" in wrong.output
    both = run("case", "file", "C-T1-V1/CLI-1", "--tick", "封底", "--untick", "back_cover")
    assert both.exit_code == 1 and "同一项不能既勾选又取消：封底" in both.output
    assert "Traceback" not in wrong.output + both.output

    stored = case_service.edit_case(ledger27, org27.mediator, case.id).case  # an empty edit reads it back
    assert stored.extra["case_file"] == ["application", "rights_notice", "identity", "record", "agreement", "evidence"]

    by_set = run("case", "edit", "C-T1-V1/CLI-1", "--set", "卷宗材料=" + COMPLETE)
    assert by_set.exit_code == 0 and "卷宗材料必备项齐全" in by_set.output
