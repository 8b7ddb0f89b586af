"""The statistics screen in English: the categories are named in English, as in every other
screen, not in the ledger's Chinese."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from textual.widgets import DataTable

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_categories_are_named_in_the_uis_language(demo_ledger, rules_dir, lang):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="stats", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#st-table", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert len(names) > 5
        assert all(bool(HAN.search(name)) == (lang == "zh") for name in names), names


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_categories_come_in_the_vocabularys_order(demo_ledger, rules_dir, lang):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="stats", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#st-table", DataTable)
        shown = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        vocabulary = [label for label, _ in app.screen.backend.labels().choices("category", lang)]
        assert shown[:-1] == [label for label in vocabulary if label in shown]
        assert shown[-1] == ("合计" if lang == "zh" else "Total") and len(shown) > 10
