"""The finance screen shows the audit chain's head after a close — on screen, not only in a toast —
and the head it shows verifies the ledger."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from textual.widgets import Input, Static

pytest.importorskip("tiaojie.ledger", reason="the ledger is not installed here")
pytest.importorskip("sqlalchemy")

from tiaojie.ledger import audit as audit_service  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)
HEAD = re.compile(r"\d+:[0-9a-f]{64}")


@pytest.fixture
def ledger(demo_ledger):  # noqa: ANN001, ANN201
    return demo_ledger


async def test_closing_a_period_shows_the_chain_head(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="admin", today=TODAY, start="finance")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        status = screen.query_one("#fin-status", Static)
        screen.query_one("#fin-new", Input).value = "2026-03"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert not HEAD.search(str(status.render()))  # computing publishes nothing
        await pilot.click("#fin-close")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)

        shown = HEAD.search(str(status.render()))
        assert shown and "审计链头" in str(status.render())
        toasts = "\n".join(str(n.message) for n in app._notifications)
        assert "2026-03 已关账" in toasts and shown.group(0) in toasts
        assert shown.group(0) == audit_service.head(ledger).text()
        assert audit_service.verify(ledger, [audit_service.parse_head(shown.group(0))]).ok
