"""Editing a cell of the rules table editor as a person does: the cursor put on the cell, Enter,
then a value typed into the form, or labels ticked among the vocabulary's; reading a table's cells
by column key."""

from __future__ import annotations

from typing import Any

from textual.coordinate import Coordinate
from textual.widgets import DataTable, SelectionList

from .conftest import settle, type_into


async def _open_cell(app, pilot, row: int, title: str) -> None:  # noqa: ANN001
    screen = app.screen
    grid = screen.query_one("#te-grid", DataTable)
    grid.focus()
    grid.move_cursor(row=row, column=screen.grid.titles(screen.sheet).index(title))
    await pilot.press("enter")
    await settle(app, pilot)


async def edit_cell(app, pilot, row: int, title: str, text: str) -> None:  # noqa: ANN001
    """Put the cursor on a cell, press Enter, type the value and confirm."""
    await _open_cell(app, pilot, row, title)
    if type(app.screen).__name__ == "ChoiceDialog":  # an enum condition: typed instead of chosen
        await pilot.click("#te-choices-text")
        await settle(app, pilot)
    assert type(app.screen).__name__ == "FormDialog"
    await type_into(app, pilot, "#dlg-value", text)
    await pilot.press("enter")
    await settle(app, pilot)


async def choose(app, pilot, row: int, title: str, labels: list[str]) -> None:  # noqa: ANN001
    """Put the cursor on an enum condition's cell, press Enter and tick `labels` among the
    vocabulary's labels."""
    await _open_cell(app, pilot, row, title)
    assert type(app.screen).__name__ == "ChoiceDialog"
    choices = app.screen.query_one("#te-choices", SelectionList)
    offered = [choices.get_option_at_index(i).value for i in range(choices.option_count)]
    assert set(labels) <= set(offered)
    choices.deselect_all()
    for label in labels:
        choices.select(label)
    await pilot.click("#te-choices-ok")
    await settle(app, pilot)


def cells_by_key(table: DataTable, row: int) -> dict[str, Any]:
    """A row's cells by column key (the ledger's `number`, `status`, `reward`…), not by place:
    the columns shown, and their order, follow the terminal and the user's units."""
    row_key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key
    return {str(key.value): table.get_cell(row_key, key) for key in table.columns}


def rows_by_key(table: DataTable) -> list[dict[str, str]]:
    """Every row's cells as text, by column key."""
    return [{key: str(cell) for key, cell in cells_by_key(table, row).items()} for row in range(table.row_count)]
