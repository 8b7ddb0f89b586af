"""The dividends screen as the clerk uses it: the income and costs labels read whole at 80 and 120
columns in either language; a run shown is always the chosen collective's, and what was typed for
one collective is not carried to the next."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from textual.widgets import Input, Label, Select, Static

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


async def open_dividends(app, pilot, code: str = "YW") -> None:  # noqa: ANN001
    await settle(app, pilot)
    assert type(app.screen).__name__ == "DividendScreen"
    app.screen.query_one("#div-collective", Select).value = code
    await settle(app, pilot)
    assert app.screen.run_shown is not None  # the demo ran both collectives' 2026 dividends once


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_income_and_costs_labels_read_whole_on_one_line(demo_ledger, rules_dir, lang, size):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="dividends", lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_dividends(app, pilot)
        screen = app.screen
        for label in screen.query("Horizontal.filters Label").results(Label):
            text = str(label.render())
            assert label.size.height == 1 and cell_len(text) <= label.content_region.width, (text, label.size)
        for selector in ("#div-income", "#div-costs", "#div-run", "#div-export"):
            widget = screen.query_one(selector)
            assert widget.region.right <= size[0] and widget.region.width >= 4, selector


async def test_a_blank_collective_shows_no_run_and_exports_nothing(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dividends(app, pilot)
        app.screen.query_one("#div-collective", Select).clear()  # the prompt chosen in the list
        await settle(app, pilot)
        assert app.screen.run_shown is None
        assert str(app.screen.query_one("#div-summary", Static).render()) == ""
        app.screen.query_one("#div-allocations").focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"  # no export of a run not shown


async def test_the_export_is_named_after_the_run_shown(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dividends(app, pilot, "JS")
        await type_into(app, pilot, "#div-year", "2025")  # typed, not yet asked for with Enter
        app.screen.query_one("#div-allocations").focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"
        assert app.screen.query_one("#exp-path", Input).value == "dividend-JS-2026.csv"


async def test_income_typed_for_one_collective_is_not_carried_to_another(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dividends(app, pilot, "JS")
        await type_into(app, pilot, "#div-income", "150000")
        await type_into(app, pilot, "#div-costs", "1000")
        app.screen.query_one("#div-collective", Select).value = "YW"
        await settle(app, pilot)
        assert app.screen.query_one("#div-income", Input).value == ""
        assert app.screen.query_one("#div-costs", Input).value == ""
