"""Every write re-evaluates the case: its stored level, outcomes and explanation follow at once,
and the outcome it replaced is kept as history (when, by whom, why). A field declared only in
fields.toml is kept with the case, set on the command line, imported by its Chinese title, and
read by every path — on both databases."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import cases, periods, views
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, PeriodClosed
from tiaojie.ledger.impact import impact
from tiaojie.rules.service import open_rules

RULES = Path(__file__).resolve().parents[2] / "rules"
runner = CliRunner()

ONLINE_FIELD = """
[fields.online_mediation]
type = "bool"
title = "线上调解"
title_en = "mediated online"
"""

ONLINE_RULE = """
[[rule]]
id = "online"
title = "线上成功调解"
when = { status = "settled", online_mediation = true, settled_by = ["village_committee", "village_group", "mediation_committee"] }
then = { amount = 300 }
"""


def online_rules(tmp_path: Path, *, with_rule: bool = True, with_field: bool = True) -> Path:
    """The shipped rules plus a field declared only in fields.toml, read by a reward rule."""
    target = tmp_path / f"rules-{with_rule}-{with_field}"
    shutil.copytree(RULES, target)
    if with_field:
        with (target / "fields.toml").open("a", encoding="utf-8") as fh:
            fh.write(ONLINE_FIELD)
    if with_rule:
        reward = target / "mediation-reward-2026.toml"
        text = reward.read_text(encoding="utf-8")
        text = text.replace('inputs = ["status", ', 'inputs = ["online_mediation", "status", ')
        head, sep, rest = text.partition("[[rule]]")
        reward.write_text(head + ONLINE_RULE.lstrip() + "\n" + sep + rest, encoding="utf-8")
    return target


def _reward(result) -> str:  # noqa: ANN001
    return next(o.outputs["amount"] for o in result.outcomes if o.policy_id == "mediation-reward")


def _settled(ledger: Ledger, org, number: str, **values):  # noqa: ANN001, ANN202
    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number=number, category="neighbour",
                           received_on="2026-05-02", **values).case
    return cases.settle_case(ledger, org.mediator, added.id, settled_on="2026-05-20", settled_by="村委会")


def test_editing_severity_moves_reward_level_and_explanation_with_history(ledger, org):
    settled = _settled(ledger, org, "ST-1", severity="一般")
    assert _reward(settled) == "200.00" and settled.case.level == "village"
    edited = cases.edit_case(ledger, org.mediator, settled.case.id, severity="重大")
    assert _reward(edited) == "500.00"
    assert edited.case.level == "county"  # the escalation policy sends a major matter to the county
    detail = views.case_detail(ledger, settled.case.id)
    assert detail.case.level == "county" and detail.state.level == "county"
    explanation = " ".join(line["zh"] for o in detail.outcomes for line in o.explanation)
    assert "重大" in explanation and "纠纷程度为一般" not in explanation
    replaced = [h for h in detail.history if h.action == "case.edit"]
    assert {h.outcome.policy_id for h in replaced} == {"mediation-reward", "escalation"}
    old_reward = next(h for h in replaced if h.outcome.policy_id == "mediation-reward")
    assert old_reward.outcome.outputs["amount"] == "200.00"
    assert old_reward.outcome.replaced_by == org.mediator.name and old_reward.outcome.replaced_at is not None
    assert old_reward.changed["severity"] == ["ordinary", "major"]
    # and back: the level follows the rules down again (nobody escalated it by hand)
    back = cases.edit_case(ledger, org.mediator, settled.case.id, severity="一般")
    assert back.case.level == "village" and _reward(back) == "200.00"
    # the period pays what the case shows
    report = periods.show(ledger, "2026-05")
    assert [line.gross for line in report.lines] == [Decimal("200.00")]


@pytest.mark.parametrize("change, before, after", [
    ({"settled_by": "乡镇"}, "200.00", "0.00"),
    ({"severity": "major"}, "200.00", "500.00"),
    ({"status": "failed"}, "200.00", "0.00"),
    ({"settled_on": "2026-05-25"}, "200.00", "200.00"),
])
def test_every_reward_input_edit_restores_the_truth_at_once(ledger, org, change, before, after):
    settled = _settled(ledger, org, "ED-1")
    assert _reward(settled) == before
    edited = cases.edit_case(ledger, org.mediator, settled.case.id, **change)
    assert _reward(edited) == after
    stored = {o.policy_id: o for o in views.case_detail(ledger, settled.case.id).outcomes}
    assert stored["mediation-reward"].outputs["amount"] == after
    assert stored["mediation-reward"].as_of == edited.case.settled_on


def test_an_escalation_by_hand_holds_the_level_when_severity_drops(ledger, org):
    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number="HL-1", category="contract",
                           received_on="2026-06-01").case
    up = cases.escalate_case(ledger, org.mediator, added.id, on="2026-06-02", to_level="township")
    assert up.case.level == "township"
    major = cases.edit_case(ledger, org.mediator, added.id, severity="重大")
    assert major.case.level == "county"
    down = cases.edit_case(ledger, org.mediator, added.id, severity="一般")
    assert down.case.level == "township"  # the rules start it at the village; a person sent it higher


def test_an_escalated_case_answers_within_its_new_levels_time_from_the_day_it_was_sent(ledger, org):
    """A small matter is answered on the spot at the village; sent to the county, it has the
    county's 30 days from the day it was sent, not the village's deadline long past."""
    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number="UP-1", category="neighbour",
                           severity="简易", received_on="2026-06-01").case
    up = cases.escalate_case(ledger, org.mediator, added.id, on="2026-06-10", to_level="county", reason="村里调不了")
    detail = views.case_detail(ledger, up.case.id)
    level = {o.policy_id: o for o in detail.outcomes}["escalation"]
    assert up.case.level == "county"
    assert level.outputs["due_on"] == "2026-07-10" and level.outputs["days_overdue"] in (0, "0")
    said = [line["zh"] for line in level.explanation]  # why the county's clock, from which day
    assert "2026-06-10 上报至县（市）群众工作部（按规则本应从村（社区）群众工作站起），30 日内答复，应于 2026-07-10 前答复" in said, said
    overdue = [c.number for c in views.list_cases(ledger, overdue=True, as_of=dt.date(2026, 7, 10))]
    assert "UP-1" not in overdue
    assert "UP-1" in [c.number for c in views.list_cases(ledger, overdue=True, as_of=dt.date(2026, 7, 11))]


def test_an_edit_cannot_set_escalated_and_points_to_escalate(ledger, org):
    """Set by hand, 已上报 would leave the level where it is and record no step: refused, for every
    caller, naming the case and the escalate command; an escalated case still takes other edits."""
    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number="ESC-3", category="contract",
                           received_on="2026-06-01").case
    for status in ("已上报", "escalated"):
        with pytest.raises(InvalidInput) as refused:
            cases.edit_case(ledger, org.mediator, added.id, status=status)
        zh, en = refused.value.message("zh"), refused.value.message("en")
        assert "案件 ESC-3" in zh and "「已上报」" in zh and "「上报」" in zh and "tiaojie case escalate" in zh
        assert "case ESC-3" in en and "'escalated'" in en and "tiaojie case escalate" in en
    stored = views.case_detail(ledger, added.id).case
    assert (stored.status, stored.level, stored.escalations) == (added.status, added.level, [])

    with pytest.raises(InvalidInput) as refused:  # nor is a new case registered as already escalated
        cases.add_case(ledger, org.mediator, "C-T1-V1", number="ESC-4", category="contract", status="已上报",
                       received_on="2026-06-01")
    assert "案件 ESC-4" in refused.value.message("zh") and "tiaojie case escalate" in refused.value.message("en")
    assert views.list_cases(ledger, status="escalated") == []

    up = cases.escalate_case(ledger, org.mediator, added.id, on="2026-06-02", reason="村级无法调处")
    edited = cases.edit_case(ledger, org.mediator, added.id, summary="补充说明", status="已上报")
    assert (edited.case.status, edited.case.level, edited.case.summary) == ("escalated", up.case.level, "补充说明")


def test_writes_to_a_closed_period_stay_refused(ledger, org):
    settled = _settled(ledger, org, "CL-1")
    periods.close(ledger, org.clerk, "2026-05")
    with pytest.raises(PeriodClosed):
        cases.edit_case(ledger, org.mediator, settled.case.id, severity="重大")
    assert _reward(type("R", (), {"outcomes": views.case_detail(ledger, settled.case.id).outcomes})) == "200.00"


def test_a_field_declared_only_in_fields_toml_works_end_to_end(engine, make_org, tmp_path):
    rules = open_rules(online_rules(tmp_path))
    try:
        from activated_rules import activated

        ledger = activated(Ledger(engine=engine, rules=rules, today=dt.date(2026, 6, 15)))
        org = make_org(ledger)
        online = _settled(ledger, org, "ON-1", online_mediation="是")
        assert online.case.extra == {"online_mediation": True}
        assert _reward(online) == "300.00"
        offline = _settled(ledger, org, "ON-2", **{"线上调解": "否"})  # by its Chinese title too
        assert _reward(offline) == "200.00"
        detail = views.case_detail(ledger, online.case.id)
        assert detail.extra == {"online_mediation": True}
        report = periods.show(ledger, "2026-05")
        assert sorted(line.gross for line in report.lines) == [Decimal("200.00"), Decimal("300.00")]
        totals = periods.compute(ledger, org.clerk, "2026-05", with_lines=False)
        assert totals.total == Decimal("500.00")
        # the statement's detail shows the value the money was decided on
        from tiaojie.ledger.statements import statement_tables

        detail_sheet = next(t for t in statement_tables(ledger, report) if t.title == "明细")
        column = detail_sheet.header.index("线上调解")
        shown = {row[0]: row[column] for row in detail_sheet.rows[:-1]}
        assert shown == {"ON-1": "是", "ON-2": "否"}
        # taking the field away in a draft: the impact scan sees the 100 yuan it was worth
        draft = open_rules(online_rules(tmp_path, with_rule=False))
        try:
            change = impact(ledger, draft)
        finally:
            draft.close()
        assert [(c.case_id, c.old, c.new) for c in change.changes] == [("C-T1-V1/ON-1", Decimal("300.00"), Decimal("200.00"))]
        # a wrong value names the field by its title; an unknown field says where to declare one
        with pytest.raises(InvalidInput) as wrong:
            cases.edit_case(ledger, org.mediator, online.case.id, online_mediation="也许")
        assert "线上调解" in wrong.value.message("zh")
        with pytest.raises(InvalidInput) as unknown:
            cases.edit_case(ledger, org.mediator, online.case.id, online_mediaton="是")
        assert "online_mediation" in unknown.value.message("zh") and "fields.toml" in unknown.value.message("zh")
    finally:
        rules.close()


def test_command_line_import_and_removal_of_a_declared_field(db_url, tmp_path):
    rules_dir = online_rules(tmp_path)

    def run(*args: str, rules: Path | None = None):  # noqa: ANN202
        return runner.invoke(app, [*(["--rules", str(rules)] if rules else []), *args],
                             env={"TIAOJIE_DB": db_url, "TIAOJIE_USER": "admin"})

    assert run("db", "init", db_url, "--rules", str(rules_dir)).exit_code == 0  # the online rules, activated
    assert run("user", "add", "admin", "--role", "admin").exit_code == 0
    assert run("unit", "add", "V1", "沙坪村", "--level", "village").exit_code == 0
    added = run("case", "add", "V1", "ON-9", "--category", "邻里", "--received", "2026-05-02", "--set", "online_mediation=true")
    assert added.exit_code == 0, added.output
    assert "线上调解: 是" in added.output
    settled = run("case", "settle", "V1/ON-9", "--by", "村委会", "--on", "2026-05-03")
    assert settled.exit_code == 0 and '"amount": "300.00"' in settled.output
    sheet = tmp_path / "old.csv"
    sheet.write_text("卷号,单位,纠纷类型,受理日期,调处日期,案件状态,调处主体,线上调解\n"
                     "IM-1,V1,邻里,2026-05-04,2026-05-06,调解成功,村委会,是\n"
                     "IM-2,V1,邻里,2026-05-04,2026-05-06,调解成功,村委会,也许\n", encoding="utf-8")
    refused = run("import", str(sheet))
    assert refused.exit_code != 0 and "第 3 行" in refused.output and "线上调解" in refused.output
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("也许", "否"), encoding="utf-8")
    imported = run("import", str(sheet))
    assert imported.exit_code == 0, imported.output
    shown = run("case", "show", "V1/IM-1")
    assert "线上调解: 是" in shown.output and '"amount": "300.00"' in shown.output
    period = run("period", "show", "2026-05", "--lines")
    assert "800.00" in period.output  # 300 + 300 + 200
    # the field leaves fields.toml: nothing stored is lost, and `rules check` names it
    without = online_rules(tmp_path, with_rule=False, with_field=False)
    still = run("case", "show", "V1/ON-9", rules=without)
    assert still.exit_code == 0 and "online_mediation: True" in still.output
    checked = run("rules", "check", "--db", db_url, rules=without)
    assert "online_mediation" in checked.output and "2" in checked.output


def test_history_reason_is_kept_as_json(ledger, org):
    settled = _settled(ledger, org, "HJ-1")
    cases.edit_case(ledger, org.mediator, settled.case.id, severity="重大")
    with ledger.uow() as uow:
        old = [o for o in uow.outcomes.for_case(settled.case.id) if not o.current]
    assert all(json.loads(o.replaced_reason or "{}").get("action") for o in old)
