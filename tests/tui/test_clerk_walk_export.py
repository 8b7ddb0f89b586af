"""The export dialog as the clerk types a path: a folder that does not exist is named on as few
lines as the dialog's width allows, the buttons still in reach."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_missing_folder_is_named_across_the_dialog(demo_ledger, rules_dir, tmp_path: Path, size, lang):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="finance", lang=lang)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        missing = tmp_path / "statements" / "2026"
        await type_into(app, pilot, "#exp-path", str(missing / "s.xlsx"))
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "ExportDialog"
        error = dialog.query_one("#exp-error", Static)
        assert str(missing) in str(error.render())
        box = dialog.query_one(".dialog-box")
        assert error.size.width >= box.content_region.width - 2
        for widget in (error, dialog.query_one("#exp-ok"), dialog.query_one("#exp-cancel")):
            assert box.region.contains_region(widget.region), widget
