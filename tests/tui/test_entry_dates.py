"""案件登记: a date that cannot be is said at its field, by the field's title, before any save."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from tui.app import make_app

from .conftest import TODAY, settle


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_future_out_of_order_and_impossible_dates_are_said_at_the_field(rules_dir):
    assert TODAY.isoformat() == "2026-03-10"
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#f-number", Input).value = "2026-009"
        screen.query_one("#f-category", Select).value = "neighbour"
        screen.query_one("#f-status", Select).value = "settled"
        screen.query_one("#f-settled_by", Select).value = "village_committee"
        settled_on = screen.query_one("#f-settled_on", Input)
        received_on = screen.query_one("#f-received_on", Input)

        settled_on.value = "2026-03-11"  # tomorrow
        await settle(app, pilot)
        assert "调处成功日期（2026-03-11）晚于今天（2026-03-10）" in text_of(app, "#e-settled_on")

        # saving is refused on the form: the problem stays at the field, nothing is stored
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.editing is None
        assert "晚于今天" in text_of(app, "#e-settled_on")

        received_on.value = "2026-04-01"
        settled_on.value = "2026-03-09"
        await settle(app, pilot)
        assert "受理日期（2026-04-01）晚于今天（2026-03-10）" in text_of(app, "#e-received_on")

        received_on.value = "2026-03-05"
        settled_on.value = "2026-03-01"
        await settle(app, pilot)
        assert "调处成功日期（2026-03-01）早于受理日期（2026-03-05）" in text_of(app, "#e-settled_on")
        assert text_of(app, "#e-received_on") == ""

        settled_on.value = "2026-02-30"
        await settle(app, pilot)
        assert "没有 2026-02-30 这一天" in text_of(app, "#e-settled_on")
        settled_on.value = "2026-3-x"
        await settle(app, pilot)
        assert "YYYY-MM-DD" in text_of(app, "#e-settled_on")

        settled_on.value = "2026-03-10"
        await settle(app, pilot)
        assert text_of(app, "#e-settled_on") == "" and text_of(app, "#e-received_on") == ""
        assert "200.00" in text_of(app, "#live-reward")


async def test_the_dates_are_said_in_english_with_the_english_titles(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#f-status", Select).value = "settled"
        screen.query_one("#f-settled_on", Input).value = "2026-12-15"
        await settle(app, pilot)
        shown = text_of(app, "#e-settled_on")
        assert "(2026-12-15) is after today (2026-03-10)" in shown and "晚于" not in shown
