"""The 村务 screen works from the row selected: a write's dialog starts with the matter, meeting or
measure that row names (what was typed still wins), and Enter on a meeting shows its agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, TabbedContent

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


async def open_village(app, pilot, user: str) -> None:  # noqa: ANN001
    await sign_in(app, pilot, user)
    await pilot.press("f8")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "VillageScreen"


async def pick(app, pilot, tab: str, row: int) -> list[str]:  # noqa: ANN001
    """Show `tab` by the number its label carries, move its table's cursor down to `row` by keys;
    the row's cells."""
    from tui.screens.village import TABS

    number = TABS.index(tab) + 1
    assert str(app.screen.query_one("#vl-tabs", TabbedContent).get_tab(f"vl-{tab}").label).startswith(f"{number} ")
    await pilot.press(str(number))
    await settle(app, pilot)
    assert app.screen.query_one("#vl-tabs", TabbedContent).active == f"vl-{tab}"
    table = app.screen.query_one(f"#vl-{tab}-table", DataTable)
    assert app.screen.focused is table  # the arrow keys go to its rows
    for _ in range(row):
        await pilot.press("down")
    await settle(app, pilot)
    assert table.cursor_row == row
    return [str(c) for c in table.get_row_at(row)]


async def dialog_values(app, pilot, key: str) -> dict[str, str]:  # noqa: ANN001
    await pilot.press(key)
    await settle(app, pilot)
    assert type(app.screen).__name__ == "FormDialog"
    return {str(i.id).removeprefix("dlg-"): i.value for i in app.screen.query(Input)}


async def test_a_dialog_starts_with_what_the_selected_row_names_and_typing_wins(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "clerk")
        matter = await pick(app, pilot, "matters", 1)
        assert (await dialog_values(app, pilot, "c"))["matter"] == matter[0]
        await pilot.press("escape")
        await settle(app, pilot)
        meeting = await pick(app, pilot, "meetings", 0)
        shown = await dialog_values(app, pilot, "d")
        assert shown["meeting"] == meeting[0] and shown["matter"] == ""
        await pilot.press("escape")
        await settle(app, pilot)
        measure = await pick(app, pilot, "measures", 1)
        shown = await dialog_values(app, pilot, "o")
        assert shown["measure"] == measure[0]
        await pilot.press("escape")
        await settle(app, pilot)
        shown = await dialog_values(app, pilot, "e")  # another measure: for the same meeting and matter
        assert (shown["meeting"], shown["matter"]) == (measure[0].rpartition("/")[0], measure[1])
        # a refused dialog comes back with what was typed, not with the row selected
        await type_into(app, pilot, "#dlg-matter", "SQ-2026-0099")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        assert app.screen.query_one("#dlg-matter", Input).value == "SQ-2026-0099"


async def test_enter_on_a_meeting_shows_its_agenda_scrolled_at_80x24(demo_ledger, rules_dir):
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    from tiaojie.ledger.meetings import meeting_detail

    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        meeting = await pick(app, pilot, "meetings", 0)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "AgendaDialog"
        text = str(app.screen.query_one("#vl-agenda-text", Static).render())
        detail = meeting_detail(demo_ledger, None, meeting[0], as_of=TODAY)
        for item in detail.items:  # each matter with its summary, consensus and measures' owners
            assert item.matter.number in text and item.matter.summary in text and item.consensus in text
            for line in item.measures:
                assert line.ref in text and line.measure.owner in text
        assert all(a.name in text for a in detail.attendees) and "超期" in text
        body = app.screen.query_one("#vl-agenda-body", VerticalScroll)
        assert app.screen.focused is body and body.max_scroll_y > 0  # longer than the box: it scrolls
        await pilot.press("end")
        await settle(app, pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "VillageScreen"


def test_a_new_matter_typed_on_the_screen_names_its_parties_and_the_minutes_show_them(demo_ledger):
    """The new-matter dialog has a parties field; what is typed there (村、公司 or 村 公司) is kept
    with the matter and fills the minutes' 涉及方 column."""
    from types import SimpleNamespace

    from tiaojie.ledger import matters, meetings
    from tiaojie.ledger.minutes import minutes_tables
    from tiaojie.ledger.views import users

    from tui import village_api
    from tui.screens.village import FORMS

    assert "parties" in [name for name, _, _ in FORMS["new_matter"][0]]
    clerk = next(u for u in users(demo_ledger) if u.name == "clerk")
    session = SimpleNamespace(ledger=demo_ledger, user=clerk, lang="zh", date=lambda: TODAY,
                              label=lambda enum, v: demo_ledger.label(enum, v, "zh"))
    unit = matters.list_matters(demo_ledger, None)[0].unit
    said = village_api.add_matter(session, {"unit": unit, "raised_by": "五组村民", "summary": "村道塌方",
                                            "urgency": "", "parties": "村、 公司 政府", "raised_on": ""})
    number = said.split("，")[0]
    matter = next(line.matter for line in matters.list_matters(demo_ledger, None) if line.matter.number == number)
    assert matter.parties == matters.parties_of(demo_ledger, ["村", "公司", "政府"])
    planned = meetings.plan_meeting(demo_ledger, clerk, unit=unit, held_on=matter.meeting_by, kind=matter.meeting_kind)
    detail = meetings.meeting_detail(demo_ledger, clerk, planned.number)
    agenda = next(t for t in minutes_tables(demo_ledger, detail, "zh") if t.title == "议题与共识")
    assert [row[5] for row in agenda.rows if row[0] == number] == ["村、公司、政府"]


async def test_a_cadre_is_added_on_the_screen_and_a_wrong_answer_comes_back(demo_ledger, rules_dir):
    from tiaojie.i18n import tr
    from tiaojie.ledger import people

    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        shown = await dialog_values(app, pilot, "a")
        assert (shown["committee"], shown["party_member"]) == ("是", "否")
        await type_into(app, pilot, "#dlg-unit", "新建村")
        await type_into(app, pilot, "#dlg-name", "赵新")
        await type_into(app, pilot, "#dlg-post", "村委委员")
        await type_into(app, pilot, "#dlg-party_member", "也许")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"  # refused: the answer is not yes or no
        assert "也许" in str(app.screen.query_one("#dlg-error").render())
        await type_into(app, pilot, "#dlg-party_member", "是")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "VillageScreen"
    added = [(u, p) for u, p in people.list_people(demo_ledger, None) if p.name == "赵新"]
    assert [(u, p.post, p.committee, p.party_member) for u, p in added] == [("新建村", "村委委员", True, True)]
    # who is told to register a person first is told how, on the screen and on the command line
    for key in ("visit_unknown_person", "review_unknown_cadre"):
        said = tr(key, "zh", unit="新建村", person="某", cadre="某", known="—")
        assert "村务界面按 a" in said and "tiaojie person add" in said
