"""Editing a cell of the rules table editor as a person does: the cursor put on the cell, Enter,
then a value typed into the form, or labels ticked among the vocabulary's."""

from __future__ import annotations

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
