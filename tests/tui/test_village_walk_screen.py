"""The 村务 screen read as the office reads it, in an 80-column terminal and in either language:
each tab has its own name, the visits tab names the duty policy by its title and shows the
counts before the long duty text, only the cadres the review policy refuses are counted and
marked, and a write's message names what was made (the measure's number, the matter's meeting)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Static, TabbedContent

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def summary(app, tab: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(f"#vl-{tab}-summary", Static).render()).replace("\n", "")


def header(app, tab: str) -> list[str]:  # noqa: ANN001
    return [str(c.label) for c in app.screen.query_one(f"#vl-{tab}-table", DataTable).columns.values()]


def notes(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


async def open_village(app, pilot, user: str) -> None:  # noqa: ANN001
    await sign_in(app, pilot, user)
    await pilot.press("f8")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "VillageScreen"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_tabs_have_distinct_names_and_the_duty_policy_is_named_by_its_title(demo_ledger, rules_dir, lang):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "med01")
        tabs = app.screen.query_one(TabbedContent)
        names = [str(tabs.get_tab(pane.id).label) for pane in tabs.query("TabPane")]
        assert len(set(names)) == len(names) == 5, names
        policy = demo_ledger.rules.book.versions("visit-duty")[-1]
        assert policy.title(lang) in summary(app, "duties")
        assert "visit-duty" not in summary(app, "duties")
        # the counts a person looks for come before the long duty text, within the first 80 columns
        columns = header(app, "duties")
        assert columns[-1] == ("职责" if lang == "zh" else "duty")


async def test_only_the_cadres_the_policy_refuses_are_counted_and_marked(demo_ledger, rules_dir):
    from tiaojie.ledger import reviews

    lines = reviews.list_reviews(demo_ledger, None)
    refused = [line for line in lines if line.outputs[0][1] is False]  # 可予提拔: 否
    assert 0 < len(refused) < len(lines)
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "clerk")
        assert f"{len(refused)} 名干部可予提拔为否" in summary(app, "reviews")


async def test_a_new_measure_is_named_by_its_number_and_a_new_matter_by_its_meeting(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "med01")
        await pilot.press("n")
        await settle(app, pilot)
        await type_into(app, pilot, "#dlg-unit", "新建村")
        await type_into(app, pilot, "#dlg-raised_by", "张三")
        await type_into(app, pilot, "#dlg-summary", "村口路灯不亮")
        await type_into(app, pilot, "#dlg-urgency", "紧急")
        await type_into(app, pilot, "#dlg-raised_on", "2026-11-20")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "紧急会议" in notes(app) and "2026-11-22" in notes(app)  # the escalation rule's two days

        await pilot.press("e")
        await settle(app, pilot)
        await type_into(app, pilot, "#dlg-meeting", "HY-2026-002")
        await type_into(app, pilot, "#dlg-matter", "SQ-2026-0003")
        await type_into(app, pilot, "#dlg-action", "加固挡土墙")
        await type_into(app, pilot, "#dlg-owner", "李支书")
        await type_into(app, pilot, "#dlg-due_on", "2026-12-10")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "HY-2026-002/3" in notes(app) and "加固挡土墙" in notes(app)


@pytest.mark.parametrize(("lang", "refused", "promoted"), [
    ("zh", "{}：可予提拔 否，诫勉谈话 是", "{}：可予提拔 是，诫勉谈话 否"),
    ("en", "{}: eligible for promotion no, warning talk yes", "{}: eligible for promotion yes, warning talk no"),
])
async def test_a_review_at_40_of_100_is_not_promoted_and_39_is_said_in_words(demo_ledger, rules_dir, lang, refused,
                                                                             promoted):
    from tiaojie.ledger import people

    unit = "新建村"
    first, second = [p.name for u, p in people.list_people(demo_ledger, None) if p.committee and u == unit][:2]
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        said = ""
        for cadre, dissatisfied in ((first, "40"), (second, "39")):
            await pilot.press("m")
            await settle(app, pilot)
            await type_into(app, pilot, "#dlg-unit", unit)
            await type_into(app, pilot, "#dlg-cadre", cadre)
            await type_into(app, pilot, "#dlg-review_on", "2026-11-20")
            await type_into(app, pilot, "#dlg-respondents", "100")
            await type_into(app, pilot, "#dlg-dissatisfied", dissatisfied)
            await pilot.press("enter")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "VillageScreen", str(app.screen.query_one("#dlg-error").render())
            said += notes(app)  # read at once: a toast leaves after a few seconds, a slow machine's included
        assert refused.format(first) in said and promoted.format(second) in said, said
        assert "True" not in said and "False" not in said


@pytest.mark.parametrize(("user", "offered"), [("policy", False), ("med01", True)])
async def test_the_meeting_keys_are_named_only_to_whom_may_use_them(demo_ledger, rules_dir, user, offered):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, user)
        assert summary(app, "meetings").startswith("会议 ")
        assert ("p 安排会议" in summary(app, "meetings")) is offered


async def test_the_visits_tab_says_the_missed_visits_and_names_the_unvisited_households(demo_ledger, rules_dir):
    from tiaojie.ledger.visit_duty import visit_duty

    report = visit_duty(demo_ledger, None, TODAY)
    line = next(line for line in report.villages if line.unvisited)
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "clerk")
        table = app.screen.query_one("#vl-duties-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        columns = header(app, "duties")
        assert "已错过" in columns
        shown = next(row for row in rows if row[columns.index("职责")] == line.duty.title.render("zh")
                     and row[1] == "（全村）")
        assert shown[columns.index("已错过")] == str(line.missed)
        assert shown[columns.index("未访户")].startswith(f"{line.unvisited[0].code} {line.unvisited[0].head}")
        # the village's own rows are told apart without scrolling to the duty's text: by what each requires
        required = [(row[0], row[columns.index("要求")]) for row in rows if row[1] == "（全村）"]
        assert len(set(required)) == len(required) == len(report.villages)
        per = {"year": "每年", "half": "每半年", "quarter": "每季", "month": "每月"}[line.duty.per]
        assert (line.unit, f"{per} {line.duty.times} 次") in required


async def test_a_new_matter_is_said_in_plain_english(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "med01")
        await pilot.press("n")
        await settle(app, pilot)
        await type_into(app, pilot, "#dlg-unit", "新建村")
        await type_into(app, pilot, "#dlg-raised_by", "张三")
        await type_into(app, pilot, "#dlg-summary", "street light out")
        await type_into(app, pilot, "#dlg-urgency", "urgent")
        await type_into(app, pilot, "#dlg-raised_on", "2026-11-20")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "matter registered: SQ-2026-0004, for the emergency meeting by 2026-11-22" in notes(app), notes(app)
