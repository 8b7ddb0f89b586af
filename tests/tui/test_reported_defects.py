"""Defects reported of the terminal UI that no other test walked as reported: the rules screen's
check, test and lint read the open draft (not the rules in force), and a period computed with
Ctrl+R is the one `x` offers to export."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger.drafts import new_draft  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)
REWARD = "mediation-reward-2026.toml"
SHADOWED = '''
[[rule]]
id = "major-again"
title = "重大纠纷（重复）"
when = { status = "settled", severity = "major", settled_by = ["village_committee"] }
then = { amount = 800 }
'''


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):  # noqa: ANN001, ANN201 - drafts and the rule cache of this test alone
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def output(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#rules-output", Static).render())


async def test_check_test_and_lint_read_the_open_draft_not_the_rules_in_force(demo_ledger, rules_dir):
    draft = new_draft(demo_ledger, "lint")
    path = draft.path / REWARD
    text = path.read_text(encoding="utf-8")
    text = text.replace("[[cap]]", SHADOWED.lstrip() + "\n[[cap]]", 1)  # a row the major row always hides
    text = text.replace("expect = { amount = 500, fired = [\"major\"] }", "expect = { amount = 700, fired = [\"major\"] }", 1)
    path.write_text(text, encoding="utf-8")
    live = (rules_dir / REWARD).read_text(encoding="utf-8")
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="policy", today=TODAY, start="rules")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        # the rules in force first: their examples hold and nothing hides a row
        await pilot.press("t")
        await settle(app, pilot)
        assert "0 个失败" in output(app)
        await pilot.press("l")
        await settle(app, pilot)
        assert "major-again" not in output(app)

        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("enter")  # the highlighted draft opens
        await settle(app, pilot)
        assert "草稿「lint」" in str(app.screen.query_one("#rules-status", Static).render())
        await pilot.press("c")
        await settle(app, pilot)
        assert "检查通过" in output(app)
        await pilot.press("t")
        await settle(app, pilot)
        shown = output(app)
        assert "1 个失败" in shown and f"{REWARD}:" in shown, shown
        await pilot.press("l")
        await settle(app, pilot)
        shown = output(app)
        assert "规则「major-again」被前面的规则「major」完全遮蔽" in shown, shown
    assert (rules_dir / REWARD).read_text(encoding="utf-8") == live


async def test_a_period_computed_with_ctrl_r_is_the_one_x_offers_to_export(demo_ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo_ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-11"
        await type_into(app, pilot, "#fin-new", "2026-05")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        status = str(app.screen.query_one("#fin-status", Static).render())
        assert app.screen.report.period.key == "2026-05"
        assert status.startswith("2026-05") and "正在计算" not in status
        app.screen.query_one("#fin-payees").focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"
        assert app.screen.query_one("#exp-path", Input).value == "statement-2026-05.xlsx"


async def test_an_overdue_case_shows_one_level_due_date_and_overdue_days_on_every_screen(demo_ledger, rules_dir):
    from textual.widgets import Checkbox, DataTable

    from tiaojie.ledger import views

    app = make_app(rules=rules_dir, ledger=demo_ledger, user="admin", today=TODAY, start="ledger")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#flt-overdue", Checkbox).value = True
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert table.row_count > 0
        case_id = app.screen.row_ids[0]
        state = views.case_detail(demo_ledger, case_id, TODAY).state
        assert state.overdue > 0 and state.due_on is not None
        level = app.backend.label("level", state.level)
        row = {str(key.value): str(cell) for key, cell in zip(table.columns, table.get_row_at(0), strict=True)}
        assert row["overdue"] == f"{state.overdue} 天"
        if "level" in row:
            assert row["level"] == level
        await pilot.press("enter")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        assert f"已超期 {state.overdue} 天" in detail and state.due_on.isoformat() in detail and level in detail
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EntryScreen" and app.screen.editing.id == case_id
        assert level in str(app.screen.query_one("#live-level", Static).render())
        due = str(app.screen.query_one("#live-due", Static).render())
        assert state.due_on.isoformat() in due and f"已超期 {state.overdue} 天" in due, due
