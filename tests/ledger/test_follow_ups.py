"""Follow-up checks against inflated claims, on SQLite and PostgreSQL: the seeded sample of a
period's settled cases (the same seed and cases give the same sample; drawn once), a failed
follow-up clawing back exactly what a closed period paid, and the flags shown to reviewers."""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from activated_rules import activated

from tiaojie.ledger import cases, claim_flags, follow_ups, periods
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, NotFound, PermissionDenied
from tiaojie.rules.service import open_rules
from tiaojie.store.messages import Conflict

ROOT = Path(__file__).resolve().parents[2]
# every required item of the case file: the 2027 reward pays only for a complete file
COMPLETE_FILE = "申请书或受理登记表、权利义务告知书、当事人身份证明、调解记录、调解协议书、封底"


def _settled(ledger, by, unit, number, *, on, severity="ordinary", received=None, status="settled", **more):
    received = received or (dt.date.fromisoformat(on) - dt.timedelta(days=3)).isoformat()
    return cases.add_case(ledger, by, unit, number=number, category=more.pop("category", "neighbour"), severity=severity,
                          received_on=received, status=status, settled_on=on, settled_by="村委会", **more).case


# --- the draw ----------------------------------------------------------------------------------


@pytest.fixture
def may_cases(ledger, org):
    """32 cases settled in May 2026 in village 1, 2 in village 2, and cases the draw must leave out."""
    for i in range(32):
        _settled(ledger, org.mediator, "C-T1-V1", f"2026-{i + 1:03d}", on=f"2026-05-{i % 28 + 1:02d}")
    _settled(ledger, org.clerk, "C-T1-V2", "B-1", on="2026-05-04")
    _settled(ledger, org.clerk, "C-T1-V2", "B-2", on="2026-05-30")
    _settled(ledger, org.clerk, "C-T1-V2", "B-failed", on="2026-05-06", status="failed")  # no agreement
    _settled(ledger, org.clerk, "C-T1-V2", "B-june", on="2026-06-01")  # another period
    return org


def _expected(period, unit_code, seed, numbers, size):
    """The sample anyone can draw again from the seed: the population in unit-code and 卷号 order."""
    order = sorted(numbers)
    return [order[i] for i in random.Random(f"{period}:{unit_code}:{seed}").sample(range(len(order)), size)]


def test_the_draw_is_seeded_reproducible_recorded_and_drawn_once(ledger, may_cases):
    org = may_cases
    sample = follow_ups.draw(ledger, org.clerk, "2026-05", seed="永川-2026")
    population = [f"C-T1-V1/2026-{i + 1:03d}" for i in range(32)] + ["C-T1-V2/B-1", "C-T1-V2/B-2"]
    # 10% of 34 rounded up is 4, above the minimum of 3
    assert sample.draw.population == 34 and sample.draw.size == math.ceil(Decimal("0.1") * 34) == 4
    assert sample.draw.seed == "永川-2026" and sample.draw.share == Decimal("0.1") and sample.draw.minimum == 3
    drawn = [f"{line.unit_code}/{line.number}" for line in sample.lines]
    assert drawn == _expected("2026-05", "C", "永川-2026", population, 4)
    assert all(line.follow_up is None for line in sample.lines)
    assert "调解成功 34 件，抽取 4 件" in sample.heading().render("zh")

    with pytest.raises(Conflict) as again:
        follow_ups.draw(ledger, org.clerk, "2026-05", seed="another")
    assert "王财务" in again.value.message("zh") and "永川-2026" in again.value.message("zh")
    assert [f"{x.unit_code}/{x.number}" for x in follow_ups.show(ledger, org.clerk, "2026-05").lines] == drawn

    # a village with fewer settled cases than the minimum: all of them
    small = follow_ups.draw(ledger, org.clerk, "2026-05", unit="C-T1-V2", seed="s")
    assert sorted(line.number for line in small.lines) == ["B-1", "B-2"] and small.draw.size == 2

    with ledger.uow() as uow:
        entries = [e for e in uow.audit_entries(50) if e.action == "follow_up.draw"]
    assert [e.after["seed"] for e in entries] == ["永川-2026", "s"]
    assert entries[0].after["cases"] == drawn


def test_a_draw_without_a_seed_records_the_one_it_made(ledger, may_cases):
    sample = follow_ups.draw(ledger, may_cases.clerk, "2026-05", unit="C-T1-V1")
    assert sample.draw.seed and len(sample.lines) == 4
    numbers = [f"C-T1-V1/2026-{i + 1:03d}" for i in range(32)]
    assert [f"{x.unit_code}/{x.number}" for x in sample.lines] == _expected("2026-05", "C-T1-V1", sample.draw.seed,
                                                                         numbers, 4)


def test_draw_refusals(ledger, may_cases):
    org = may_cases
    with pytest.raises(PermissionDenied):
        follow_ups.draw(ledger, org.mediator, "2026-05")  # the claimant never picks the check
    with pytest.raises(InvalidInput) as running:
        follow_ups.draw(ledger, org.clerk, "2026-06")
    assert "2026-06-30" in running.value.message("zh")
    with pytest.raises(NotFound) as none:
        follow_ups.show(ledger, org.clerk, "2026-04")
    assert "tiaojie followup draw 2026-04 --unit C" in none.value.message("zh")


# --- a visit's result and the claw-back ---------------------------------------------------------


def _ledger_2027(ledger: Ledger, tmp_path: Path, major: int) -> Ledger:
    """The same database in May 2027 under the shipped rules, the 2027 reward paying `major` yuan for
    a major dispute (its shipped figure, or another to show the claw-back follows the payment)."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    path = rules_dir / "mediation-reward-2027.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('case_file = { complete = true } }\nthen = { amount = 300 }',
                        f'case_file = {{ complete = true }} }}\nthen = {{ amount = {major} }}', 1)
    text = text.replace('expect = { amount = 300, fired = ["major"] }', f'expect = {{ amount = {major}, fired = ["major"] }}')
    path.write_text(text, encoding="utf-8")
    return activated(Ledger(engine=ledger.engine, rules=open_rules(rules_dir), today=dt.date(2027, 5, 10)))


@pytest.mark.parametrize("major", [500, 300])
def test_a_failed_follow_up_claws_back_exactly_what_a_closed_period_paid(ledger, org, tmp_path, major):
    later = _ledger_2027(ledger, tmp_path, major)
    failed = _settled(later, org.mediator, "C-T1-V1", "2027-001", on="2027-01-10", severity="major", case_file=COMPLETE_FILE)
    kept = _settled(later, org.mediator, "C-T1-V1", "2027-002", on="2027-01-12", severity="major", case_file=COMPLETE_FILE)
    periods.close(later, org.clerk, "2027-01")
    paid = {line.case_id: line.amount for line in periods.show(later, "2027-01").lines}
    assert paid == {failed.id: Decimal(major), kept.id: Decimal(major)}

    # no open period after January yet: nothing is written, and the message says what to do
    with pytest.raises(InvalidInput) as nowhere:
        follow_ups.record(later, org.clerk, failed.id, "协议未履行", "当事人称未付款", on="2027-04-02")
    said = nowhere.value.message("zh")
    assert "2027-001" in said and f"{major}.00" in said and "tiaojie period compute" in said and "2027-02" in said
    with later.uow() as uow:
        assert uow.follow_ups.latest([failed.id]) == {}
        assert "follow_up_result" not in uow.cases.get(failed.id).extra

    periods.compute(later, org.clerk, "2027-02")  # the next period opens
    done = follow_ups.record(later, org.clerk, failed.id, "协议未履行", "当事人称未付款", on="2027-04-02")
    assert done.adjustment is not None and done.adjustment.amount == Decimal(-major)
    assert f"-{major}.00" in done.money.render("zh") and "2027-02" in done.money.render("zh")
    report = periods.show(later, "2027-02")
    [adjustment] = report.adjustments
    assert adjustment.case_id == failed.id and adjustment.amount == Decimal(f"-{major}.00")
    assert adjustment.original_period_id == periods.show(later, "2027-01").period.id
    assert "follow_up_failed" in adjustment.reason and "协议未履行" in adjustment.reason
    # the case itself now says so, and its reward is what the rule gives
    with later.uow() as uow:
        assert uow.cases.get(failed.id).extra["follow_up_result"] == "unfulfilled"
        [reward] = [o for o in uow.outcomes.current(failed.id) if o.policy_id == "mediation-reward"]
        assert reward.outputs["amount"] in ("0", "0.00") and "follow_up_failed" in reward.fired
        assert uow.follow_ups.latest([failed.id])[failed.id].adjustment_id == adjustment.id

    fine = follow_ups.record(later, org.clerk, kept.id, "fulfilled", "已按协议付清", on="2027-04-03")
    assert fine.adjustment is None and "无需调整" in fine.money.render("zh")
    assert [a.case_id for a in periods.show(later, "2027-02").adjustments] == [failed.id]

    # visiting the failed case again books nothing more: what was paid is now what the rules give
    again = follow_ups.record(later, org.clerk, failed.id, "unreached", on="2027-04-20")
    assert again.adjustment is None
    assert len(periods.show(later, "2027-02").adjustments) == 1

    with later.uow() as uow:
        actions = [e.action for e in uow.audit_entries(30)]
    assert actions.count("follow_up.record") == 3 and actions.count("case.follow_up") == 3
    assert actions.count("period.adjust") == 1


def test_the_claw_back_goes_to_the_first_open_period_after_the_one_that_paid(ledger, org, tmp_path):
    later = _ledger_2027(ledger, tmp_path, 300)
    case = _settled(later, org.mediator, "C-T1-V1", "2027-005", on="2027-01-20", severity="major", case_file=COMPLETE_FILE)
    periods.close(later, org.clerk, "2027-01")
    periods.close(later, org.clerk, "2027-02")  # nothing settled in it, closed all the same
    with pytest.raises(InvalidInput) as nowhere:
        follow_ups.record(later, org.clerk, case.id, "unreached", on="2027-04-01")
    assert "2027-03" in nowhere.value.message("zh") and "2027-03" in nowhere.value.message("en")
    periods.compute(later, org.clerk, "2027Q2")  # no open month after January: the open quarter takes it
    done = follow_ups.record(later, org.clerk, case.id, "unreached", on="2027-04-01")
    assert done.adjustment is not None and done.adjustment.amount == Decimal("-300.00")
    assert [a.case_id for a in periods.show(later, "2027Q2").adjustments] == [case.id]


def test_a_follow_up_of_a_case_not_yet_paid_changes_what_its_period_will_pay(ledger, org, tmp_path):
    later = _ledger_2027(ledger, tmp_path, 300)
    case = _settled(later, org.clerk, "C-T1-V2", "2027-010", on="2027-04-10", severity="major",
                    case_file=COMPLETE_FILE)
    assert {line.case_id: line.amount for line in periods.show(later, "2027-04").lines} == {case.id: Decimal(300)}
    done = follow_ups.record(later, org.clerk, case.id, "联系不到当事人", on="2027-05-02")
    assert done.adjustment is None and "尚未付款" in done.money.render("zh")
    assert periods.show(later, "2027-04").lines == []  # nothing to pay when April closes


def test_record_refusals(ledger, org, tmp_path):
    later = _ledger_2027(ledger, tmp_path, 300)
    case = _settled(later, org.mediator, "C-T1-V1", "2027-020", on="2027-03-10", case_file=COMPLETE_FILE)
    failed = _settled(later, org.mediator, "C-T1-V1", "2027-021", on="2027-03-11", status="failed")
    with pytest.raises(PermissionDenied):
        follow_ups.record(later, org.mediator, case.id, "fulfilled")
    with pytest.raises(InvalidInput) as bad:
        follow_ups.record(later, org.clerk, case.id, "maybe")
    assert "maybe" in bad.value.message("zh") and "协议已履行" in bad.value.message("zh")
    with pytest.raises(InvalidInput) as no_agreement:
        follow_ups.record(later, org.clerk, failed.id, "fulfilled")
    assert "2027-021" in no_agreement.value.message("zh")
    with pytest.raises(InvalidInput) as early:
        follow_ups.record(later, org.clerk, case.id, "fulfilled", on="2027-03-01")
    assert "2027-03-10" in early.value.message("zh")


# --- flags shown to reviewers -------------------------------------------------------------------


def test_flags_name_severity_raised_after_settlement_and_near_duplicates(ledger, org):
    raised = _settled(ledger, org.mediator, "C-T1-V1", "S-1", on="2026-05-10", severity="ordinary")
    cases.edit_case(ledger, org.mediator, raised.id, severity="重大")  # after settlement: pays 500, not 200
    lowered = _settled(ledger, org.mediator, "C-T1-V1", "S-2", on="2026-05-11", severity="major")
    cases.edit_case(ledger, org.mediator, lowered.id, severity="ordinary")
    before = cases.add_case(ledger, org.mediator, "C-T1-V1", number="S-3", category="neighbour", severity="ordinary",
                            received_on="2026-05-01").case
    cases.edit_case(ledger, org.mediator, before.id, severity="major")  # raised while still open: no flag
    cases.settle_case(ledger, org.mediator, before.id, settled_on="2026-05-12", settled_by="村委会")

    first = _settled(ledger, org.mediator, "C-T1-V1", "D-1", on="2026-05-06", received="2026-05-02",
                     parties=["张三", "李四"])
    second = _settled(ledger, org.clerk, "C-T1-V2", "D-2", on="2026-05-25", received="2026-05-20",
                      parties=["李四", " 张 三"])  # the same two parties, written otherwise, in another village
    _settled(ledger, org.mediator, "C-T1-V1", "D-3", on="2026-05-26", received="2026-05-21", category="contract",
             parties=["张三", "李四"])  # another kind of dispute
    _settled(ledger, org.mediator, "C-T1-V1", "D-4", on="2026-04-05", received="2026-04-01",
             parties=["张三", "李四"])  # 31 days before D-1: outside the 30 days
    _settled(ledger, org.mediator, "C-T1-V1", "D-5", on="2026-05-26", received="2026-05-21",
             parties=["张三", "李四", "王五"])  # not the same set of parties

    with ledger.uow() as uow:
        found = claim_flags.flags_for(uow, [raised.id, lowered.id, before.id, first.id, second.id], ledger)
    assert set(found) == {raised.id, first.id, second.id}
    [severity] = found[raised.id]
    assert severity.kind == "severity_raised" and severity.number == "S-1"
    said = severity.message.render("zh")
    assert "「一般」" in said and "「重大」" in said and "李调解" in said
    assert "'ordinary'" in severity.message.render("en")
    [dup] = found[first.id]
    assert dup.kind == "near_duplicate" and dup.related == ("C-T1-V2/D-2",)
    assert "C-T1-V2/D-2（2026-05-20）" in dup.message.render("zh") and "30" in dup.message.render("zh")
    assert [f.related for f in found[second.id]] == [("C-T1-V1/D-1",)]

    listed = claim_flags.period_flags(ledger, org.clerk, "2026-05")
    assert [(f.unit, f.number, f.kind) for f in listed] == [
        ("C-T1-V1", "D-1", "near_duplicate"), ("C-T1-V1", "S-1", "severity_raised"), ("C-T1-V2", "D-2", "near_duplicate"),
    ]
    # a village's view: its own cases, and a duplicate it cannot see is not named
    assert [f.number for f in claim_flags.period_flags(ledger, org.mediator, "2026-05")] == ["D-1", "S-1"]
