"""The 村务 screen's dialogs in an 80×24 terminal: every field of a long dialog can be reached and
seen, and when the ledger refuses what was typed the reason is on screen, not below its edge."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widget import Widget
from textual.widgets import Input, Static

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def on_screen(widget: Widget) -> bool:
    """Whether the whole widget is drawn: inside the region its containers show, not clipped."""
    geometry = widget.screen.find_widget(widget)
    shown = geometry.region.intersection(geometry.clip)
    return shown.height == geometry.region.height > 0


async def open_village(app, pilot, user: str) -> None:  # noqa: ANN001
    await sign_in(app, pilot, user)
    await pilot.press("f8")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "VillageScreen"


async def test_each_field_of_a_long_dialog_is_seen_when_reached(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        await pilot.press("e")  # a measure: meeting, matter, action, owner, due day
        await settle(app, pilot)
        fields = list(app.screen.query(Input))
        assert len(fields) == 5 and app.screen.focused is fields[0]  # typing goes to the first field
        for field in fields:
            field.focus()
            await settle(app, pilot)  # focus scrolls the dialog a few event-loop turns later
            assert on_screen(field), field.id


async def test_a_refused_measure_comes_back_with_the_reason_in_sight(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_village(app, pilot, "clerk")
        await pilot.press("e")
        await settle(app, pilot)
        await type_into(app, pilot, "#dlg-meeting", "HY-2026-001")
        await type_into(app, pilot, "#dlg-matter", "SQ-2026-0002")
        await type_into(app, pilot, "#dlg-action", "兑付分红")
        await type_into(app, pilot, "#dlg-owner", "周经理")
        await type_into(app, pilot, "#dlg-due_on", "不是日期")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        error = app.screen.query_one("#dlg-error", Static)
        assert str(error.render()).strip() and on_screen(error)
        assert app.screen.query_one("#dlg-due_on", Input).value == "不是日期"
