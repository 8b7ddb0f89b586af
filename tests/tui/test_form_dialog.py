"""The small form dialog says what is wrong with what was typed on its own error line, keeps the
dialog and the text open, and clears the line once the text is right."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, Static

from tui.widgets import FormDialog

from .conftest import settle, type_into


class _Host(App):
    CSS_PATH = "../../tui/tiaojie.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[dict | None] = []

    def on_mount(self) -> None:
        def check(values: dict) -> str | None:
            return None if values["year"].strip().isdigit() else f"年份「{values['year']}」应为数字"

        self.push_screen(FormDialog("年份", [("year", "年份", "")], "zh", check), self.answers.append)


def error_line(app: App) -> Static:
    return app.screen.query_one("#dlg-error", Static)


async def test_a_refused_value_is_said_on_the_error_line_and_the_dialog_stays():
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_into(app, pilot, "#dlg-year", "二〇二六")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog" and app.answers == []
        line = error_line(app)
        assert line.display and line.region.height >= 1  # on screen, not a hidden widget
        shown, _ = app.screen.get_widget_at(line.region.x, line.region.y)
        assert shown is line
        assert str(line.render()) == "年份「二〇二六」应为数字"
        assert app.screen.query_one("#dlg-year", Input).value == "二〇二六"

        await type_into(app, pilot, "#dlg-year", "2026")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.answers == [{"year": "2026"}]
