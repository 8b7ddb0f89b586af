"""The 申报审核 screen (F9) on the demo ledger: a station claims last month, its township rejects
one case with a reason and passes the claim on, the county passes it, publishes the notice,
exports it, takes an objection and resolves it; payment waits for the notice to end. Each step is
taken by whom the chain names — anyone else is refused in the dialog, with what was typed kept."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

pytest.importorskip("sqlalchemy")

from tui.app import make_app  # noqa: E402

from .conftest import DEMO_PASSWORD, settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)
UNIT = "LSJ-01-01"  # med01's village station
TOWNSHIP = "LSJ-01"


def rows(app, selector: str) -> list[list[str]]:  # noqa: ANN001
    shown = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in shown.get_row_at(i)] for i in range(shown.row_count)]


def state_of(app, number: str) -> str:  # noqa: ANN001
    return next(row[2] for row in rows(app, "#cl-claims") if row[0] == number)


def error(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#dlg-error", Static).render())


async def open_claims(app, pilot, user: str) -> None:  # noqa: ANN001
    await sign_in(app, pilot, user)
    await pilot.press("f9")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "ClaimsScreen"


async def decide(app, pilot, key: str, **typed: str) -> str | None:  # noqa: ANN001
    """Press `key`, type each field of its dialog, press Enter; the refusal's words, if refused."""
    await pilot.press(key)
    await settle(app, pilot)
    assert type(app.screen).__name__ == "FormDialog", key
    for name, text in typed.items():
        await type_into(app, pilot, f"#dlg-{name}", text)
    await pilot.press("enter")
    await settle(app, pilot)
    if type(app.screen).__name__ == "FormDialog":
        return error(app)
    return None


@pytest.fixture
def reviewers(demo_ledger):  # noqa: ANN001, ANN201
    """A township clerk for 初审 and a second county clerk for 公示: the demo's clerk, who works for
    the county, takes 复核, and nobody acts at two steps of one claim."""
    from tiaojie.ledger import access

    admin = access.resolve_user(demo_ledger, "admin")
    access.add_user(demo_ledger, admin, "town01", "clerk", TOWNSHIP, password=DEMO_PASSWORD)
    access.add_user(demo_ledger, admin, "county2", "clerk", "LSJ", password=DEMO_PASSWORD)
    return demo_ledger


async def test_a_claim_runs_through_the_chain_on_the_screen(reviewers, rules_dir, tmp_path):
    from tiaojie.ledger import access, claims

    ledger = reviewers
    admin = access.resolve_user(ledger, "admin")
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_claims(app, pilot, "med01")
        await pilot.press("s")
        await settle(app, pilot)
        assert app.screen.query_one("#dlg-period", Input).value == "2026-10"  # last month, offered
        assert app.screen.query_one("#dlg-unit", Input).value  # the station's own unit
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ClaimsScreen"
        [claim] = [v for v in claims.list_claims(ledger, admin) if v.unit.code == UNIT]
        number = claim.claim.number
        assert rows(app, "#cl-claims")[0][0] == number
        lines = rows(app, "#cl-lines")
        assert sorted(row[0] for row in lines) == sorted(case.number for _, case in claim.lines) and lines
        # the claimant cannot review their own claim: the chain names no mediator at a review step, so
        # the key is not offered, and pressed anyway it says why without a dialog
        await pilot.press("a")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ClaimsScreen"
        assert "通过本步" in "\n".join(str(n.message) for n in app._notifications)

    rejected = claim.lines[0][1].number
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_claims(app, pilot, "town01")
        assert await decide(app, pilot, "r", case=rejected, reason="") is not None  # a reason is required
        assert app.screen.query_one("#dlg-case", Input).value == rejected
        await type_into(app, pilot, "#dlg-reason", "调解协议书缺失")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ClaimsScreen"
        line = next(row for row in rows(app, "#cl-lines") if row[0] == rejected)
        assert line[5] == "不予核定" and "调解协议书缺失" in line[6]
        assert await decide(app, pilot, "a") is None
        assert "待复核" in state_of(app, number)

    notice = tmp_path / "公示.html"
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_claims(app, pilot, "clerk")  # the county sees every township's claims: it names ours
        assert await decide(app, pilot, "a", claim=number) is None
        assert "待公示" in state_of(app, number)
        said = await decide(app, pilot, "g", claim=number)
        assert said and "不同的人" in said  # who took 复核 does not publish
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_claims(app, pilot, "county2")
        assert await decide(app, pilot, "g", claim=number) is None
        assert "公示至" in str(app.screen.query_one("#cl-title", Static).render())
        assert await decide(app, pilot, "x", path=str(notice)) is None
        kept = next(case.number for _, case in claim.lines if case.number != rejected)
        assert await decide(app, pilot, "o", case=kept, raised_by="村民张某", text="调解未成功") is None
        objection = claims.show(ledger, admin, number).objections[0].number
        said = await decide(app, pilot, "y")  # the notice runs and an objection is open: not paid
        assert said is not None
        await pilot.press("escape")
        await settle(app, pilot)
        assert await decide(app, pilot, "v", objection=objection, upheld="不成立") is None
        history = str(app.screen.query_one("#cl-history", Static).render())
        assert "town01" in history and "调解协议书缺失" in history and "不成立" in history
    page = notice.read_text(encoding="utf-8")
    assert kept in page and rejected not in page
    view = claims.show(ledger, admin, number)
    assert [o.status for o in view.objections] == ["dismissed"]
    assert [case.number for _, case in view.rejected] == [rejected]


async def test_the_claims_fit_80_columns_in_either_language(demo_ledger, rules_dir):
    """The demo's claims of 2026Q3 as its township reviewer sees them: every column of the claims
    table on the terminal, the returned one and the one in its notice saying so, in either language."""
    for lang, returned, notice in (("zh", "已退回", "待公示"), ("en", "returned", "public notice")):
        app = make_app(rules=rules_dir, ledger=demo_ledger, today=TODAY, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_claims(app, pilot, "review02")
            table = app.screen.query_one("#cl-claims", DataTable)
            shown = rows(app, "#cl-claims")
            assert shown and any(row[2] == returned for row in shown), shown
            assert any(row[2] == notice for row in shown), shown  # published, an objection still open
            width = sum(column.get_render_width(table) for column in table.columns.values())
            assert width <= table.size.width, (lang, width, table.size.width)
            title = app.screen.query_one("#cl-title", Static)  # the first claim's, shown under the table
            said = str(title.render())
            assert title.size.height == 1 and said.count("2026Q3") == 1, (lang, said, title.size)
