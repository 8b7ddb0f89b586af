"""A table and its side panel on terminals from 80 columns up: the panel beside the table when the
whole table fits beside it, else under it — never a column of the table hidden behind the panel."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import DataTable

SCROLLBAR = 2  # cells a table's vertical scrollbar takes


def columns_width(table: DataTable) -> int:
    """Cells the table's columns take, as drawn (padding included)."""
    return sum(column.get_render_width(table) for column in table.columns.values())


def side_or_under(body: Widget, table: DataTable, side: Widget, side_min: int, available: int) -> bool:
    """Lay out `body` (holding `table` then `side`) in `available` cells; True when side by side."""
    columns = columns_width(table)
    beside = available >= columns + SCROLLBAR + side_min
    body.styles.layout = "horizontal" if beside else "vertical"
    # Under the panel the table has the whole width; a one-cell scrollbar leaves its columns the
    # last cell of an 80-column terminal.
    table.styles.scrollbar_size_vertical = SCROLLBAR if beside else 1
    table.styles.width = columns + SCROLLBAR if beside else "1fr"
    side.styles.width = "1fr"
    return beside
