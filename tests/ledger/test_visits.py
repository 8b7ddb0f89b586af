"""Households and visit duties (金平 不漏一户, 冷水江 集中工作日), on SQLite and PostgreSQL: visits
logged and imported, and — hand-counted — each person's and each village's coverage, the households
nobody has visited and the visits still due, as the visit-duty rule file (not code) says."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from activated_rules import activated

from tiaojie.ledger import audit, households, people, visits
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, NotFound, PermissionDenied
from tiaojie.ledger.visit_duty import visit_duty
from tiaojie.ledger.visit_sheets import SheetRefused
from tiaojie.rules.service import open_rules
from tiaojie.store.messages import Conflict

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@pytest.fixture
def village(ledger, org):
    """沙坪村: 张三 (committee, party member), 李四 (committee), 赵六 (party member only); three
    households, 赵六 linked to H01 and H02, 张三 to H03. 白层村: 王五 (committee) and one household."""
    add = people.add_person
    add(ledger, org.clerk, unit="C-T1-V1", name="张三", post="村党支部书记", party_member=True)
    add(ledger, org.clerk, unit="C-T1-V1", name="李四", post="村委会主任")
    add(ledger, org.clerk, unit="C-T1-V1", name="赵六", committee=False, party_member=True)
    add(ledger, org.clerk, unit="C-T1-V2", name="王五", post="村委委员")
    for code, head in (("H01", "王大"), ("H02", "王二"), ("H03", "王三")):
        households.add_household(ledger, org.clerk, unit="C-T1-V1", code=code, head=head, address="一组")
    households.add_household(ledger, org.clerk, unit="C-T1-V2", code="B01", head="白一")
    for code, person in (("H01", "赵六"), ("H02", "赵六"), ("H03", "张三")):
        households.link_household(ledger, org.clerk, unit="C-T1-V1", household=code, person=person)
    log = [("张三", "H01", "2026-02-10"), ("张三", "H01", "2026-05-20"), ("张三", "H02", "2026-04-02"),
           ("李四", "H01", "2026-06-03"), ("赵六", "H01", "2026-04-20"), ("赵六", "H02", "2026-03-10")]
    for person, code, day in log:
        visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person=person, household=code, visit_on=day)
    return org


def _person(report, name, rule):
    [line] = [p for p in report.people if p.person == name and p.duty.rule == rule]
    return line


def _village(report, unit, rule):
    [line] = [v for v in report.villages if v.unit == unit and v.duty.rule == rule]
    return line


def _codes(line):
    return [h.code for h in line.unvisited]


def test_coverage_unvisited_and_due_as_counted_by_hand(ledger, village):
    report = visit_duty(ledger, village.clerk, dt.date(2026, 6, 15))
    assert (report.policy, report.version) == ("visit-duty", "2026.1")
    # committee members, twice a year, every household: 张三 H01 ×2, H02 ×1, H03 —
    zhang = _person(report, "张三", "committee")
    assert (zhang.households, zhang.covered, zhang.done, zhang.due, zhang.missed) == (3, 1, 3, 3, 0)
    assert _codes(zhang) == ["H03"] and (zhang.duty.starts_on, zhang.duty.ends_on) == (dt.date(2026, 1, 1),
                                                                                        dt.date(2026, 12, 31))
    li = _person(report, "李四", "committee")
    assert (li.households, li.covered, li.done, li.due) == (3, 0, 1, 5) and _codes(li) == ["H02", "H03"]
    assert not [p for p in report.people if p.person == "赵六" and p.duty.rule == "committee"]
    # the village: no household has both committee members' two visits; H03 nobody owing it has seen
    shaping = _village(report, "沙坪村", "committee")
    assert (shaping.households, shaping.covered, shaping.owed, shaping.met, shaping.due) == (3, 0, 6, 1, 8)
    assert _codes(shaping) == ["H03"]
    # party members, once a quarter, their linked households: 赵六's March visit is last quarter's
    zhao = _person(report, "赵六", "party-member")
    assert (zhao.households, zhao.covered, zhao.due) == (2, 1, 1) and _codes(zhao) == ["H02"]
    assert zhao.duty.starts_on == dt.date(2026, 4, 1) and zhao.duty.ends_on == dt.date(2026, 6, 30)
    zhang_linked = _person(report, "张三", "party-member")
    assert (zhang_linked.households, zhang_linked.covered, zhang_linked.due) == (1, 0, 1)
    linked = _village(report, "沙坪村", "party-member")
    assert (linked.households, linked.covered, linked.due, _codes(linked)) == (3, 1, 2, ["H02", "H03"])
    # 白层村: 王五 has visited nobody; 冷水江's first week of June went by without a visit there
    wang = _person(report, "王五", "committee")
    assert (wang.households, wang.covered, wang.due, _codes(wang)) == (1, 0, 2, ["B01"])
    assert (wang.coverage, zhang.coverage) == (0.0, pytest.approx(1 / 3))
    baiceng_week = _village(report, "白层村", "work-day")
    assert (baiceng_week.done, baiceng_week.due, baiceng_week.missed) == (0, 0, 1)
    shaping_week = _village(report, "沙坪村", "work-day")  # 李四 on 3 June
    assert (shaping_week.done, shaping_week.due, shaping_week.missed, shaping_week.covered) == (1, 0, 0, 1)
    assert shaping_week.duty.window_ends_on == dt.date(2026, 6, 7)


def test_in_the_first_week_the_work_day_visit_is_still_due(ledger, village):
    report = visit_duty(ledger, village.clerk, dt.date(2026, 6, 5))
    baiceng_week = _village(report, "白层村", "work-day")
    assert (baiceng_week.done, baiceng_week.due, baiceng_week.missed) == (0, 1, 0)


def test_a_village_user_sees_only_their_village(ledger, village):
    report = visit_duty(ledger, village.mediator, dt.date(2026, 6, 15))
    assert {line.unit for line in report.villages} == {"沙坪村"}
    assert "王五" not in {line.person for line in report.people}
    assert {v.person for v in visits.list_visits(ledger, village.mediator)} == {"张三", "李四", "赵六"}
    assert visit_duty(ledger, village.clerk, dt.date(2026, 6, 15), unit="C-T1-V2").villages[0].unit == "白层村"


def test_three_times_a_year_in_the_rule_file_changes_the_results(engine, rules, village, tmp_path):
    draft = tmp_path / "rules"
    shutil.copytree(RULES_DIR, draft)
    policy = draft / "visit-duty-2026.toml"
    text = policy.read_text(encoding="utf-8")
    assert text.count("then = { times = 2,") == 1  # the rule's row (its example is not read here)
    policy.write_text(text.replace("then = { times = 2,", "then = { times = 3,"), encoding="utf-8")
    stricter_rules = open_rules(draft)
    try:
        stricter = activated(Ledger(engine=engine, rules=stricter_rules, today=dt.date(2026, 6, 15)))
        report = visit_duty(stricter, village.clerk, dt.date(2026, 6, 15))
    finally:
        stricter_rules.close()
    zhang = _person(report, "张三", "committee")
    assert (zhang.covered, zhang.due) == (0, 1 + 2 + 3)  # H01 ×2 is no longer enough
    assert _village(report, "沙坪村", "committee").due == 6 + 8 - 0  # 张三 6, 李四 2 + 3 + 3


def test_a_visit_is_checked_before_it_is_kept(ledger, village):
    org = village
    with pytest.raises(PermissionDenied):  # a village's station logs its own village only
        visits.add_visit(ledger, org.mediator, unit="C-T1-V2", person="王五", household="B01", visit_on="2026-06-01")
    with pytest.raises(PermissionDenied):  # policy staff keep rules, not visits
        visits.add_visit(ledger, org.policy, unit="C-T1-V1", person="张三", household="H01", visit_on="2026-06-01")
    with pytest.raises(InvalidInput) as future:
        visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person="张三", household="H01", visit_on="2026-06-16")
    assert "2026-06-16" in future.value.message("en")
    with pytest.raises(InvalidInput) as kind:
        visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person="张三", household="H01", visit_on="2026-06-01",
                         kind="吃饭")
    assert "吃饭" in kind.value.message("zh")
    with pytest.raises(NotFound) as unknown:
        visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person="张山", household="H01", visit_on="2026-06-01")
    assert "张三" in unknown.value.message("zh")  # did you mean
    with pytest.raises(NotFound):
        visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person="张三", household="H09", visit_on="2026-06-01")
    visit = visits.add_visit(ledger, org.mediator, unit="C-T1-V1", person="张三", household="H03",
                             visit_on="2026年6月12日", kind="回访", note="了解灌溉纠纷调处后情况")
    assert visit.kind == "return_visit" and visit.visit_on == dt.date(2026, 6, 12)
    assert [e.action for e in audit.recent(ledger)][-1] == "visit.add"


def test_households_and_links_are_kept_by_clerks_not_mediators(ledger, village):
    org = village
    with pytest.raises(PermissionDenied):
        households.add_household(ledger, org.mediator, unit="C-T1-V1", code="H04", head="王四")
    with pytest.raises(Conflict):
        households.add_household(ledger, org.clerk, unit="C-T1-V1", code="H01", head="王大")
    with pytest.raises(InvalidInput):  # 李四 is not a party member
        households.link_household(ledger, org.clerk, unit="C-T1-V1", household="H01", person="李四")
    with pytest.raises(Conflict):
        households.link_household(ledger, org.clerk, unit="C-T1-V1", household="H01", person="赵六")
    lines = households.list_households(ledger, org.clerk, "C-T1-V1")
    assert [(line.household.code, line.linked) for line in lines] == [("H01", ["赵六"]), ("H02", ["赵六"]),
                                                                       ("H03", ["张三"])]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_household_import_is_all_or_nothing_and_names_each_bad_row(ledger, village, tmp_path):
    org = village
    bad = _write(tmp_path / "bad.csv", [
        "村,户号,户主,村民小组,在册,联系党员",
        "C-T1-V1,H10,王十,二组,是,赵六",
        "C-T1-V9,H11,王十一,二组,是,",
        "C-T1-V1,H12,,二组,是,",
        "C-T1-V1,H13,王十三,二组,也许,",
        "C-T1-V1,H14,王十四,二组,是,李四",
        "C-T1-V1,H10,王十,二组,是,",
    ])
    with pytest.raises(SheetRefused) as refused:
        households.import_households(ledger, org.clerk, bad)
    found = [(p.row, p.column) for p in refused.value.result.problems]
    assert found == [(3, "村"), (4, "户主"), (5, "在册"), (6, "联系党员"), (7, "户号")]
    assert "李四" in refused.value.result.problems[3].render("zh")
    assert len(households.list_households(ledger, org.clerk)) == 4  # nothing written
    good = _write(tmp_path / "good.csv", [
        "所属村,户号,户主姓名,住址,在册,联系党员",
        "沙坪村,H10,王十,二组,是,赵六、张三",
        "沙坪村,H11,王十一,二组,否,",
        "沙坪村,H01,王大,一组,是,张三",
    ])
    result = households.import_households(ledger, org.clerk, good)
    assert (result.added, result.existing, result.links) == (2, 1, 3)
    again = households.import_households(ledger, org.clerk, good)
    assert (again.added, again.existing, again.links) == (0, 3, 0)
    # the household no longer kept (在册 否) is owed no visits
    report = visit_duty(ledger, org.clerk, dt.date(2026, 6, 15))
    assert _village(report, "沙坪村", "committee").households == 4


def test_visit_import_names_bad_rows_and_adds_nothing_twice(ledger, village, tmp_path):
    org = village
    bad = _write(tmp_path / "bad.csv", [
        "村,户号,走访人,走访日期,走访类型,备注",
        "C-T1-V1,H03,李四,2026-06-01,集中工作日,",
        "C-T1-V1,H03,李某,2026-06-01,走访,",
        "C-T1-V1,H03,李四,2026-02-30,走访,",
        "C-T1-V1,H03,李四,2026-07-01,走访,",
        "C-T1-V1,H03,李四,2026-06-02,吃饭,",
        "C-T1-V2,B01,王五,2026-06-02,,",
    ])
    with pytest.raises(SheetRefused) as refused:
        visits.import_visits(ledger, org.mediator, bad)
    found = [(p.row, p.column) for p in refused.value.result.problems]
    assert found == [(3, "走访人"), (4, "走访日期"), (5, "走访日期"), (6, "走访类型"), (7, "村")]
    assert len(visits.list_visits(ledger, org.clerk)) == 6
    good = _write(tmp_path / "good.csv", [
        "村,户号,走访人,走访日期,走访类型,备注",
        "C-T1-V1,H03,李四,2026-06-01,集中工作日,",
        "C-T1-V1,H03,李四,2026年6月10日,走访,",
        "C-T1-V1,H01,李四,2026-06-03,走访,",  # logged already
    ])
    result = visits.import_visits(ledger, org.mediator, good)
    assert (result.added, result.existing) == (2, 1)
    assert visits.import_visits(ledger, org.mediator, good).added == 0
    li = _person(visit_duty(ledger, org.clerk, dt.date(2026, 6, 15)), "李四", "committee")
    assert (li.covered, li.done, li.due, _codes(li)) == (1, 3, 3, ["H02"])


def test_without_a_duty_policy_the_report_says_so(engine, village, tmp_path):
    draft = tmp_path / "rules"
    shutil.copytree(RULES_DIR, draft)
    (draft / "visit-duty-2026.toml").unlink()
    bare = open_rules(draft)
    try:
        ledger = activated(Ledger(engine=engine, rules=bare, today=dt.date(2026, 6, 15)))
        with pytest.raises(NotFound) as missing:
            visit_duty(ledger, village.clerk, dt.date(2026, 6, 15))
    finally:
        bare.close()
    assert "visit-duty" in missing.value.message("en")


def test_a_date_no_version_of_the_duty_covers_is_refused_in_words(ledger, village):
    with pytest.raises(InvalidInput) as refused:
        visit_duty(ledger, village.clerk, dt.date(2025, 6, 1))
    assert refused.value.message("zh") == "走访任务政策：政策「visit-duty」在 2025-06-01 没有生效的版本"
