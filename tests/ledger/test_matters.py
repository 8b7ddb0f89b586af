"""Residents' matters and the four parties' meetings (贞丰 沙坪乡 四方共创), on SQLite and
PostgreSQL: a matter routed by the escalation policy's rule file (urgent → an emergency meeting
within the rule's days, normal → the next monthly meeting), agendas built from the matters routed
to each meeting, consensus and measures followed to done or overdue, minutes that cannot act on
their reader, and a resolution rate counted from the matters (260 of 374 is 69.5%)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from activated_rules import activated

from tiaojie.ledger import matters, meetings
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import InvalidInput, NotFound, PermissionDenied
from tiaojie.ledger.matter_stats import matter_stats, rate_percent, shown_rate
from tiaojie.ledger.minutes import export_minutes, minutes_html, minutes_tables
from tiaojie.rules.service import open_rules
from tiaojie.store.messages import Conflict

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def _agenda(ledger, org, number):
    return [item.matter.summary for item in meetings.meeting_detail(ledger, org.clerk, number).items]


def test_urgent_goes_to_an_emergency_meeting_within_the_rules_days_normal_to_the_next_monthly(ledger, org):
    normal = matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="沙坪村三组", summary="灌溉水渠堵塞",
                                raised_on="2026-05-20", parties=["村", "government"])
    urgent = matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="王大妈", summary="山体滑坡威胁住房",
                                raised_on="2026-06-10", urgency="紧急", parties=["公司", "村"])
    assert (normal.meeting_kind, normal.meeting_by) == ("monthly", dt.date(2026, 6, 5))  # monthly_meeting_day = 5
    assert (urgent.meeting_kind, urgent.meeting_by) == ("emergency", dt.date(2026, 6, 12))  # emergency_days = 2
    assert normal.parties == ["village", "government"] and urgent.urgency == "urgent"
    assert normal.number == "SQ-2026-0001" and urgent.number == "SQ-2026-0002"

    emergency = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-06-11", kind="emergency")
    assert _agenda(ledger, org, emergency.number) == ["山体滑坡威胁住房"]
    too_late = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-06-13", kind="emergency")
    assert _agenda(ledger, org, too_late.number) == []  # past the rule's two days
    june = meetings.plan_meeting(ledger, org.clerk, unit="C-T1", held_on="2026-06-05", kind="monthly")
    assert _agenda(ledger, org, june.number) == ["灌溉水渠堵塞"]  # the township's meeting takes its villages'
    july = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-07-05", kind="monthly")
    assert _agenda(ledger, org, july.number) == ["灌溉水渠堵塞", "山体滑坡威胁住房"]  # still open: reported again
    matters.close_matter(ledger, org.mediator, normal.number, resolved=True, closed_on="2026-06-14")
    august = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-08-05", kind="monthly")
    assert _agenda(ledger, org, august.number) == ["山体滑坡威胁住房"]
    with pytest.raises(Conflict):
        meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-07-05", kind="monthly")


def test_a_matter_raised_after_its_meeting_was_planned_is_added_to_the_agenda(ledger, org):
    early = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-06-14", kind="emergency")
    assert _agenda(ledger, org, early.number) == []
    matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="王大妈", summary="山体滑坡",
                       raised_on="2026-06-13", urgency="urgent")
    matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="李四", summary="修路", raised_on="2026-06-13")
    added = meetings.refresh_agenda(ledger, org.mediator, early.number)
    assert [m.summary for m in added] == ["山体滑坡"] and _agenda(ledger, org, early.number) == ["山体滑坡"]
    assert meetings.refresh_agenda(ledger, org.mediator, early.number) == []  # each matter once


def test_the_meeting_days_are_the_rule_files_values(engine, rules, org, tmp_path):
    draft = tmp_path / "rules"
    shutil.copytree(RULES_DIR, draft)
    policy = draft / "escalation-2026.toml"
    text = policy.read_text(encoding="utf-8")
    assert text.count("then = { emergency_days = 2 }") == 1 and text.count("monthly_meeting_day = 5") == 1
    policy.write_text(text.replace("then = { emergency_days = 2 }", "then = { emergency_days = 3 }")
                      .replace("monthly_meeting_day = 5", "monthly_meeting_day = 10"), encoding="utf-8")
    other_rules = open_rules(draft)
    try:
        other = activated(Ledger(engine=engine, rules=other_rules, today=dt.date(2026, 6, 15)))
        urgent = matters.add_matter(other, org.mediator, unit="C-T1-V1", raised_by="王大妈", summary="滑坡",
                                    raised_on="2026-06-10", urgency="urgent")
        normal = matters.add_matter(other, org.mediator, unit="C-T1-V1", raised_by="李四", summary="修路",
                                    raised_on="2026-06-11")
    finally:
        other_rules.close()
    assert urgent.meeting_by == dt.date(2026, 6, 13) and normal.meeting_by == dt.date(2026, 7, 10)


def test_374_raised_260_resolved_is_69_5_percent_not_the_printed_74_9(ledger, org):
    for i in range(374):
        unit = "C-T1-V1" if i % 2 else "C-T1-V2"
        m = matters.add_matter(ledger, org.clerk, unit=unit, raised_by=f"群众{i}", summary=f"诉求{i}",
                               raised_on=dt.date(2026, 3 + i % 3, 1 + i % 28))
        if i < 260:
            matters.close_matter(ledger, org.clerk, m.number, resolved=True, closed_on="2026-06-15")
    rows, total = matter_stats(ledger, org.clerk, by="month")
    assert (total.raised, total.resolved, total.open) == (374, 260, 114)
    assert total.rate == Decimal("69.5") and shown_rate(total.rate) == "69.5%"
    assert [r.key for r in rows] == ["2026-03", "2026-04", "2026-05"] and sum(r.raised for r in rows) == 374
    by_unit, _ = matter_stats(ledger, org.clerk, by="unit")
    assert {(r.key, r.raised, r.resolved) for r in by_unit} == {("沙坪村", 187, 130), ("白层村", 187, 130)}
    assert rate_percent(0, 0) is None and rate_percent(2, 3) == Decimal("66.7")


def _meeting_with_measures(ledger, org):
    m = matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="沙坪村三组", summary="灌溉水渠堵塞",
                           raised_on="2026-05-20")
    meeting = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-06-05", kind="monthly")
    for name, party in (("张经理", "公司"), ("李支书", "村"), ("王乡长", "政府"), ("赵教授", "专家")):
        meetings.attend(ledger, org.mediator, meeting.number, name=name, party=party)
    meetings.decide(ledger, org.mediator, meeting.number, matter=m.number, consensus="公司出机械、村组织投工清淤")
    late = meetings.add_measure(ledger, org.mediator, meeting.number, matter=m.number, action="清淤水渠",
                                owner="李支书", due_on="2026-06-10")
    done = meetings.add_measure(ledger, org.mediator, meeting.number, matter=m.number, action="调机械",
                                owner="张经理", due_on="2026-06-08")
    meetings.mark_done(ledger, org.mediator, f"{meeting.number}/{done.seq}", done_on="2026-06-07")
    return m, meeting, late


def test_a_measure_past_its_due_date_and_not_done_is_overdue(ledger, org):
    m, meeting, late = _meeting_with_measures(ledger, org)
    assert late.seq == 1
    states = {line.ref: line.state for line in meetings.list_measures(ledger, org.clerk, as_of=dt.date(2026, 6, 15))}
    assert states == {f"{meeting.number}/1": "overdue", f"{meeting.number}/2": "done"}
    before = {line.ref: line.state for line in meetings.list_measures(ledger, org.clerk, as_of=dt.date(2026, 6, 9))}
    assert before[f"{meeting.number}/1"] == "open"
    _, total = matter_stats(ledger, org.clerk, as_of=dt.date(2026, 6, 15))
    assert total.overdue_measures == 1
    # the next monthly meeting reports it among last month's progress
    july = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-07-05", kind="monthly")
    detail = meetings.meeting_detail(ledger, org.clerk, july.number)
    assert [(line.ref, line.state) for line in detail.earlier] == [(f"{meeting.number}/2", "done"),
                                                                  (f"{meeting.number}/1", "overdue")]
    assert [i.matter.number for i in detail.items] == [m.number]
    meetings.mark_done(ledger, org.mediator, f"{meeting.number}/1", done_on="2026-06-14")
    _, total = matter_stats(ledger, org.clerk, as_of=dt.date(2026, 6, 15))
    assert total.overdue_measures == 0
    # the minutes as of the meeting's day say nothing of what was done after it; asked later, they do
    on_the_day = meetings.meeting_detail(ledger, org.clerk, meeting.number)
    rows = next(t for t in minutes_tables(ledger, on_the_day, "zh") if t.title == "措施").rows
    assert [(r[5], r[6]) for r in rows] == [("进行中", ""), ("进行中", "")], rows
    later = meetings.meeting_detail(ledger, org.clerk, meeting.number, as_of=dt.date(2026, 6, 15))
    rows = next(t for t in minutes_tables(ledger, later, "zh") if t.title == "措施").rows
    assert [(r[5], r[6]) for r in rows] == [("已完成", "2026-06-07"), ("已完成", "2026-06-14")], rows


def test_refusals_name_the_matter_the_meeting_and_the_field(ledger, org):
    m, meeting, _ = _meeting_with_measures(ledger, org)
    other = matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="张三", summary="路灯不亮",
                               raised_on="2026-06-14")
    with pytest.raises(InvalidInput) as off:
        meetings.decide(ledger, org.mediator, meeting.number, matter=other.number, consensus="x")
    assert off.value.msg.render("zh") == f"诉求 {other.number} 不在会议 {meeting.number} 的议题中（议题：{m.number}）"
    with pytest.raises(InvalidInput, match="unresolved: say why"):
        matters.close_matter(ledger, org.mediator, other.number, resolved=False)
    closed = matters.close_matter(ledger, org.mediator, other.number, resolved=False, reason="不属本乡职权，已转县交通局",
                                  closed_on="2026-06-15")
    assert (closed.status, closed.reason) == ("unresolved", "不属本乡职权，已转县交通局")
    with pytest.raises(Conflict):
        matters.close_matter(ledger, org.mediator, other.number, resolved=True)
    with pytest.raises(InvalidInput, match="after today"):
        matters.close_matter(ledger, org.mediator, m.number, resolved=True, closed_on="2026-06-16")
    with pytest.raises(NotFound) as unknown:
        matters.close_matter(ledger, org.mediator, "SQ-2026-0099", resolved=True)
    assert "SQ-2026-0099" in unknown.value.msg.render("zh")
    with pytest.raises(InvalidInput) as future:
        matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="张三", summary="x", raised_on="2026-07-01")
    assert "晚于今天" in future.value.msg.render("zh")
    with pytest.raises(InvalidInput) as empty:
        matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by=" ", summary="x", raised_on="2026-06-01")
    assert empty.value.msg.render("zh") == "「提出人」不能为空"
    with pytest.raises(InvalidInput):
        matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="张三", summary="x", raised_on="2026-06-01",
                           parties=["银行"])
    with pytest.raises(InvalidInput, match="before meeting"):
        meetings.add_measure(ledger, org.mediator, meeting.number, matter=m.number, action="x", owner="y",
                             due_on="2026-06-01")
    with pytest.raises(Conflict):
        meetings.attend(ledger, org.mediator, meeting.number, name="张经理", party="公司")


def test_matters_and_meetings_stay_in_their_units(ledger, org):
    with pytest.raises(PermissionDenied):
        matters.add_matter(ledger, org.mediator, unit="C-T1-V2", raised_by="张三", summary="x", raised_on="2026-06-01")
    with pytest.raises(PermissionDenied):
        matters.add_matter(ledger, org.policy, unit="C-T1-V1", raised_by="张三", summary="x", raised_on="2026-06-01")
    matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by="张三", summary="一村的事", raised_on="2026-06-01")
    theirs = matters.add_matter(ledger, org.clerk, unit="C-T1-V2", raised_by="李四", summary="二村的事",
                                raised_on="2026-06-01")
    assert [line.matter.summary for line in matters.list_matters(ledger, org.mediator)] == ["一村的事"]
    assert len(matters.list_matters(ledger, org.clerk)) == 2
    with pytest.raises(PermissionDenied):
        matters.close_matter(ledger, org.mediator, theirs.number, resolved=True)
    with pytest.raises(NotFound) as unknown:  # a mistyped number is not answered with another village's
        matters.close_matter(ledger, org.mediator, "SQ-2026-0003", resolved=True)
    assert "SQ-2026-0001" in unknown.value.msg.render("zh") and theirs.number not in unknown.value.msg.render("zh")
    meeting = meetings.plan_meeting(ledger, org.clerk, unit="C-T1-V2", held_on="2026-07-05", kind="monthly")
    with pytest.raises(PermissionDenied):
        meetings.attend(ledger, org.mediator, meeting.number, name="张三", party="村")
    assert meetings.list_meetings(ledger, org.mediator) == []
    _, total = matter_stats(ledger, org.mediator)
    assert total.raised == 1


def test_minutes_in_xlsx_and_html_cannot_act_on_their_reader(ledger, org, tmp_path):
    from openpyxl import load_workbook

    m = matters.add_matter(ledger, org.mediator, unit="C-T1-V1", raised_by='=HYPERLINK("http://x")',
                           summary="<script>alert(1)</script> 水渠", raised_on="2026-05-20", parties=["公司"])
    meeting = meetings.plan_meeting(ledger, org.mediator, unit="C-T1-V1", held_on="2026-06-05", kind="monthly")
    meetings.attend(ledger, org.mediator, meeting.number, name="李支书", party="村")
    meetings.decide(ledger, org.mediator, meeting.number, matter=m.number, consensus="@SUM(1) 清淤 & 加固")
    meetings.add_measure(ledger, org.mediator, meeting.number, matter=m.number, action="清淤", owner="李支书",
                         due_on="2026-06-10")
    detail = meetings.meeting_detail(ledger, org.clerk, meeting.number, as_of=dt.date(2026, 6, 15))
    book = load_workbook(export_minutes(ledger, detail, tmp_path / "minutes.xlsx"))
    assert book.sheetnames == ["会议", "出席", "议题与共识", "措施", "上期措施进展"]
    overview = {row[0].value: row[1].value for row in book["会议"].iter_rows(min_row=3)}
    assert overview["会议类型"] == "月度例会" and overview["未到会方"] == "公司、政府、专家"
    assert overview["纪要送达"] == "公司、村、政府、专家"
    agenda = list(book["议题与共识"].iter_rows(min_row=3))
    assert agenda[0][2].value == '=HYPERLINK("http://x")' and agenda[0][2].data_type == "s"
    assert agenda[0][6].value == "@SUM(1) 清淤 & 加固" and agenda[0][6].data_type == "s"
    assert [c.value for c in next(book["措施"].iter_rows(min_row=3))][4:6] == ["2026-06-10", "逾期"]
    page = minutes_html(ledger, detail)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; 水渠" in page
    assert "@SUM(1) 清淤 &amp; 加固" in page and "沙坪村 四方共创月度例会会议纪要" in page
    english = minutes_html(ledger, detail, "en")
    assert "Minutes of the four parties&#x27; monthly meeting" in english and "overdue" in english
    html_out = export_minutes(ledger, detail, tmp_path / "minutes.html", "en")
    assert html_out.read_text(encoding="utf-8") == english
