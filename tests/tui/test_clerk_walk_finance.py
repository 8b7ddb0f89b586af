"""The finance screen as the clerk types in the period box: a closed period typed and shown
leaves the keys of the screen acting, as a computed one does."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)  # the demo: 2026-01 closed


async def test_after_a_closed_period_is_typed_x_exports_it_rather_than_typing(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_into(app, pilot, "#fin-new", "2026-01")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-01" and app.screen.report.period.status == "closed"
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"
        assert app.screen.query_one("#exp-path", Input).value == "statement-2026-01.xlsx"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_period_box_says_its_hint_whole(demo_ledger, rules_dir, size, lang):
    from rich.cells import cell_len

    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="finance", lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#fin-new", Input)
        assert cell_len(box.placeholder) < box.content_region.width, (box.placeholder, box.content_region)
