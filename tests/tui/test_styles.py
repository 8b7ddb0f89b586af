"""A screen is drawn in the theme in force: when it is first opened after the theme changed, and
when it comes back after the theme changed while another screen was shown. (The app skips
Textual's restyling of a screen that cannot be stale; these hold it to that.)"""

from __future__ import annotations

from textual.color import Color

from tui.app import make_app

from .conftest import TODAY, settle


def _theme_background(app) -> Color:  # noqa: ANN001
    return Color.parse(app.get_css_variables()["background"])


async def test_screens_follow_a_theme_change_made_before_they_open_and_while_they_are_away(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        entry = app.screen
        assert type(entry).__name__ == "EntryScreen"
        assert entry.styles.background == _theme_background(app)

        app.theme = "textual-light"
        await settle(app, pilot)
        await pilot.press("f5")  # first opened after the change
        await settle(app, pilot)
        assert type(app.screen).__name__ == "BanquetScreen"
        assert app.screen.styles.background == _theme_background(app)

        app.theme = "nord"  # the entry screen is away
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert app.screen is entry
        assert entry.styles.background == _theme_background(app) != Color.parse("#ffffff")
