"""The command palette as the clerk opens it: every screen offered is described in the UI's
language, never by a catalog key."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_screen_in_the_palette_is_described_in_the_uis_language(demo_ledger, rules_dir, lang):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="finance", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        commands = list(app.get_system_commands(app.screen))
        screens = [c for c in commands if c.callback.__class__.__name__ == "partial"]
        assert {"village", "claims"} <= {c.callback.args[0] for c in screens}
        for command in screens:
            assert not command.help.startswith("help_"), command.title
            assert bool(HAN.search(command.help)) == (lang == "zh"), command.help
