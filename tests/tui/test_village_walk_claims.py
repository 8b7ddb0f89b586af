"""The 申报审核 screen (F9) as a township reviewer moves through it with the arrow keys: a decision's
dialog offers the claim under the cursor, not the one whose detail was opened before."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in  # noqa: E402

TODAY = dt.date(2026, 11, 20)


async def test_the_dialog_offers_the_claim_under_the_cursor(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "review02")
        await pilot.press("f9")
        await settle(app, pilot)
        claims = app.screen.query_one("#cl-claims", DataTable)
        assert claims.row_count > 1 and app.screen.shown == app.screen.numbers[0]
        claims.focus()
        await pilot.press("down")
        await settle(app, pilot)
        under_cursor = app.screen.numbers[claims.cursor_row]
        assert under_cursor != app.screen.numbers[0]
        await pilot.press("a")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        assert app.screen.query_one("#dlg-claim", Input).value == under_cursor
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("r")  # a case of another claim than the one under the cursor is not offered
        await settle(app, pilot)
        assert app.screen.query_one("#dlg-claim", Input).value == under_cursor
        assert app.screen.query_one("#dlg-case", Input).value == ""


def footer_keys(app) -> set[str]:  # noqa: ANN001
    return {key for key, b in app.screen.active_bindings.items() if b.binding.show and b.enabled}


async def test_a_mediator_is_offered_the_claim_but_not_the_reviewers_steps(demo_ledger, rules_dir):
    from tiaojie.rules.review_chain import review_chain

    chain = review_chain(demo_ledger.rules, TODAY)
    reviewing = {s.action for s in chain.steps if "mediator" not in s.roles}
    assert {"review", "notice", "pay"} <= reviewing  # as the shipped chain says
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot, "med01")
        await pilot.press("f9")
        await settle(app, pilot)
        keys = footer_keys(app)
        assert "s" in keys and not {"a", "r", "b", "g", "y"} & keys, keys
        await pilot.press("a")  # refused with why, no dialog
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ClaimsScreen"


async def test_a_township_reviewer_is_offered_the_review_steps(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot, "review02")
        await pilot.press("f9")
        await settle(app, pilot)
        assert {"a", "r"} <= footer_keys(app)
