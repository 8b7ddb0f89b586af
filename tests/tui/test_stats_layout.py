"""The statistics screen at the terminal sizes people use (80×24, 120×36), in both languages: every
column of the table is on screen — 待发放 last of all — and not under the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Select

pytest.importorskip("sqlalchemy")

from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):  # noqa: ANN001, ANN201 - one demo ledger, only read by these tests
    path = tmp_path_factory.mktemp("stats") / "ledger.sqlite"
    path.touch()
    led = open_ledger(f"sqlite:///{path}", None, today=TODAY)
    build_demo(led)
    led.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("by", ["category", "unit", "month"])
async def test_every_column_is_on_screen_and_clear_of_the_chart(demo_url, size, lang, by):
    ledger = open_ledger(demo_url, None, today=TODAY)
    app = make_app(ledger=ledger, user="clerk", today=TODAY, start="stats", lang=lang)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#st-by", Select).value = by
            await settle(app, pilot)
            table = screen.query_one("#st-table", DataTable)
            chart = screen.query_one("#stats-chart-box")
            assert table.row_count > 3
            assert table.max_scroll_x == 0  # nothing to scroll to: every column fits
            inside = table.scrollable_content_region
            x = inside.x
            header_y = inside.y
            for key, column in table.columns.items():
                width = column.get_render_width(table)
                assert x + width <= inside.right, f"column {key} cut at {size}"
                # what is drawn at the middle of the header cell is the table, not the chart
                shown, _ = screen.get_widget_at(x + width // 2, header_y)
                assert shown is table, f"{key} at {size} is covered by {shown}"
                x += width
            due = str(table.columns[list(table.columns)[-1]].label)
            assert due == ("待发放" if lang == "zh" else "due")
            assert not chart.region.overlaps(table.region)
            # the chart is there to read too: beside the table, or under it with lines to spare
            assert chart.region.width >= 30 and chart.region.height >= 6
            assert table.region.height >= 6
    finally:
        ledger.close()
