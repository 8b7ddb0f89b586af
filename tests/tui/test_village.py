"""The 村务 screen (F8) on the demo ledger: residents' matters with the resolution rate counted from
them, meetings' measures with the overdue ones marked, the visits still owed, the cadres' reviews;
a new matter, a visit and a review entered in dialogs that keep what was typed when refused."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def table(app, tab: str) -> DataTable:  # noqa: ANN001
    return app.screen.query_one(f"#vl-{tab}-table", DataTable)


def summary(app, tab: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(f"#vl-{tab}-summary", Static).render())


def cells(app, tab: str) -> list[list[str]]:  # noqa: ANN001
    shown = table(app, tab)
    return [[str(c) for c in shown.get_row_at(i)] for i in range(shown.row_count)]


async def open_village(app, pilot, user: str) -> None:  # noqa: ANN001
    await sign_in(app, pilot, user)
    await pilot.press("f8")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "VillageScreen"


async def test_each_tab_shows_what_the_ledger_holds_with_rates_counted(demo_ledger, rules_dir):
    from tiaojie.ledger import matters, reviews
    from tiaojie.ledger.matter_stats import matter_stats, shown_rate

    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "clerk")
        stored = matters.list_matters(demo_ledger, None)
        assert table(app, "matters").row_count == len(stored) > 0
        _, total = matter_stats(demo_ledger, None, as_of=TODAY)
        assert f"解决率 {shown_rate(total.rate)}" in summary(app, "matters")
        assert "超期" in summary(app, "measures") and table(app, "measures").row_count > 0
        assert any(row[-1] == "超期" for row in cells(app, "measures"))  # the demo's overdue measure
        assert "尚欠走访" in summary(app, "duties") and table(app, "duties").row_count > 0
        results = reviews.list_reviews(demo_ledger, None)
        assert table(app, "reviews").row_count == len(results) > 0
        assert any(row[-2:] == ["否", "是"] for row in cells(app, "reviews"))  # the cadre at 40%


async def test_a_refused_review_comes_back_with_what_was_typed_and_a_good_one_is_listed(demo_ledger, rules_dir):
    from tiaojie.ledger import people

    cadre = next(p for _, p in people.list_people(demo_ledger, None) if p.committee)
    unit = next(u for u, p in people.list_people(demo_ledger, None) if p.id == cadre.id)
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "clerk")
        before = table(app, "reviews").row_count
        await pilot.press("m")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        await type_into(app, pilot, "#dlg-unit", unit)
        await type_into(app, pilot, "#dlg-cadre", cadre.name)
        await type_into(app, pilot, "#dlg-review_on", "2026-12-20")
        await type_into(app, pilot, "#dlg-respondents", "10")
        await type_into(app, pilot, "#dlg-dissatisfied", "11")
        await pilot.press("enter")
        await settle(app, pilot)
        # refused by the ledger: the dialog is back with the typed values and the reason
        assert type(app.screen).__name__ == "FormDialog"
        assert app.screen.query_one("#dlg-dissatisfied", Input).value == "11"
        assert app.screen.query_one("#dlg-cadre", Input).value == cadre.name
        assert "不能多于" in str(app.screen.query_one("#dlg-error", Static).render())
        await type_into(app, pilot, "#dlg-dissatisfied", "5")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "VillageScreen"
        assert table(app, "reviews").row_count == before + 1
        assert any(row[2] == cadre.name and row[0] == "2026-H2" for row in cells(app, "reviews"))


async def test_a_mediator_logs_a_matter_but_is_told_reviews_are_not_theirs(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "med01")
        before = table(app, "matters").row_count
        await pilot.press("m")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "VillageScreen"
        assert any("记测评" in str(n.message) for n in app._notifications)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.query_one("#dlg-unit", Input).value  # the mediator's own village, offered
        await type_into(app, pilot, "#dlg-raised_by", "三组村民")
        await type_into(app, pilot, "#dlg-summary", "灌溉水渠堵塞")
        await type_into(app, pilot, "#dlg-urgency", "紧急")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "VillageScreen"
        assert table(app, "matters").row_count == before + 1
        assert any(row[4] == "灌溉水渠堵塞" and row[3] == "紧急" for row in cells(app, "matters"))


async def test_the_english_screen_speaks_english(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        assert summary(app, "matters").startswith(f"{table(app, 'matters').row_count} matters raised")
        assert "visits still due" in summary(app, "duties")


async def dialog(app, pilot, key: str, **typed: str) -> None:  # noqa: ANN001
    """Press `key` on the 村务 screen, type each field of its dialog, press Enter."""
    await pilot.press(key)
    await settle(app, pilot)
    assert type(app.screen).__name__ == "FormDialog", key
    for name, text in typed.items():
        await type_into(app, pilot, f"#dlg-{name}", text)
    await pilot.press("enter")
    await settle(app, pilot)
    if type(app.screen).__name__ == "FormDialog":  # refused: say why, for the assertion that follows
        print(key, str(app.screen.query_one("#dlg-error", Static).render()))


async def test_an_office_worker_runs_a_meeting_from_the_screen(demo_ledger, rules_dir, tmp_path):
    """Plan a monthly meeting, its attendance, a consensus and a measure, the measure done, a
    matter closed, the minutes written; a wrong kind of meeting comes back with what was typed."""
    from tiaojie.ledger import matters, meetings

    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_village(app, pilot, "med01")
        before = table(app, "meetings").row_count
        await dialog(app, pilot, "p", held_on="2026-11-20", kind="周会")
        assert type(app.screen).__name__ == "FormDialog"  # refused: the kind is not a meeting's
        assert app.screen.query_one("#dlg-held_on", Input).value == "2026-11-20"
        await type_into(app, pilot, "#dlg-kind", "例会")
        await pilot.press("enter")
        await settle(app, pilot)
        assert table(app, "meetings").row_count == before + 1
        planned = max(meetings.list_meetings(demo_ledger, None), key=lambda row: row[0].number)[0]
        assert planned.kind == "monthly" and planned.held_on.isoformat() == "2026-11-20"
        open_matter = next(line.matter for line in matters.list_matters(demo_ledger, None)
                           if line.matter.status == "open")
        await dialog(app, pilot, "t", meeting=planned.number, name="李支书", party="村")
        await dialog(app, pilot, "d", meeting=planned.number, matter=open_matter.number, consensus="公司出机械村组织投工")
        await dialog(app, pilot, "e", meeting=planned.number, matter=open_matter.number, action="清淤",
                     owner="李支书", due_on="2026-12-10")
        detail = meetings.meeting_detail(demo_ledger, None, planned.number, as_of=TODAY)
        assert [a.name for a in detail.attendees] == ["李支书"]
        item = next(i for i in detail.items if i.matter.number == open_matter.number)
        assert item.consensus == "公司出机械村组织投工" and [m.measure.action for m in item.measures] == ["清淤"]
        await dialog(app, pilot, "o", measure=item.measures[0].ref, done_on="2026-11-20")
        await dialog(app, pilot, "c", matter=open_matter.number, resolved="是", reason="")
        assert next(line.matter for line in matters.list_matters(demo_ledger, None)
                    if line.matter.number == open_matter.number).status == "resolved"
        out = tmp_path / "纪要.html"
        await dialog(app, pilot, "w", meeting=planned.number, path=str(out))
        assert type(app.screen).__name__ == "VillageScreen"
    page = out.read_text(encoding="utf-8")
    assert planned.number in page and "李支书" in page and "清淤" in page
