"""The bureau's statistics form on the statistics screen: chosen in the grouping, it lists the
fifteen dispute categories with the figures the core's form counts, fits an 80-column terminal in
both languages, and `x` saves it as XLSX with the bureau's Chinese headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Input, Select, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger.stats_form import compute_form  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 3, 10)  # the demo_ledger fixture dates the demo by this


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_form_shows_every_category_and_fits_80_columns(demo_ledger, lang):
    app = make_app(ledger=demo_ledger, user="clerk", today=TODAY, start="stats", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#st-period", Input).value = "2026Q1"
        screen.query_one("#st-by", Select).value = "form"
        await settle(app, pilot)
        table = screen.query_one("#st-table", DataTable)
        form = compute_form(demo_ledger, period="2026Q1")
        assert table.row_count == 16 == len(form.by_category)
        heads = [str(c.label) for c in table.columns.values()]
        assert heads == (["纠纷类型", "受理", "成功", "成功率", "上报", "防自杀", "防刑事", "防群体"] if lang == "zh"
                         else ["category", "recv.", "settled", "rate", "escal.", "suicide", "crime", "mass"])
        side = 0 if lang == "zh" else 1
        for index, row in enumerate(form.by_category):
            rate = "—" if row.rate is None else f"{row.rate}%"
            assert _cells(table, index) == [row.label[side], str(row.received), str(row.settled), rate,
                                            str(row.escalated), *(f"{c}/{p}" for c, p in row.prevented)]
        assert _cells(table, 15)[0] == ("合计" if lang == "zh" else "total")
        assert table.max_scroll_x == 0  # every column on an 80-column terminal
        summary = str(screen.query_one("#st-summary", Static).render())
        assert str(form.total.received) in summary and ("2026Q1" in summary)

        # back to the everyday statistics: their own columns again
        screen.query_one("#st-by", Select).value = "unit"
        await settle(app, pilot)
        assert len(table.columns) == 9


async def test_x_saves_the_form_as_xlsx(demo_ledger, tmp_path: Path):
    app = make_app(ledger=demo_ledger, user="clerk", today=TODAY, start="stats", lang="zh")
    target = tmp_path / "form.xlsx"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_into(app, pilot, "#st-period", "2026Q1")
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#st-table", DataTable).focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.query_one("#exp-path", Input).value == "stats-form-2026Q1.xlsx"
        await type_into(app, pilot, "#exp-path", str(target))
        await pilot.press("enter")
        await settle(app, pilot)
    book = load_workbook(target)
    sheet = book["按纠纷类型"]
    assert sheet["A1"].value == "人民调解工作统计表（2026Q1，全部单位）"
    assert [c.value for c in sheet[3]][:4] == ["纠纷类型", "受理（件）", "调解成功（件）", "调解成功率（%）"]
    assert sheet.cell(sheet.max_row, 2).value == compute_form(demo_ledger, period="2026Q1").total.received
