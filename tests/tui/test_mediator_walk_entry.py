"""案件登记 as a mediator sees it on a small terminal: what was typed stays readable beside the
message that says what is wrong with it."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tui.app import make_app

from .conftest import TODAY, settle, type_into


@pytest.mark.parametrize(("lang", "size"), [("zh", (80, 24)), ("en", (80, 24)), ("zh", (120, 36))])
async def test_a_wrong_date_or_number_stays_readable_beside_its_message(rules_dir, lang, size):
    app = make_app(rules=rules_dir, today=TODAY, lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for name, typed in (("received_on", "2026-02-30"), ("amount_involved", "12.345")):
            field = app.screen.query_one(f"#f-{name}", Input)
            field.scroll_visible(animate=False)
            await type_into(app, pilot, f"#f-{name}", typed)
            await settle(app, pilot)
            error = app.screen.query_one(f"#e-{name}", Static)
            assert str(error.render()), name  # the message is there...
            field.cursor_position = 0  # ...and the value as typed, whole, as the person reads it back
            await pilot.pause()
            assert typed in field.render_line(0).text, (name, field.render_line(0).text)
