"""Activating a rule draft from the rules screen on a small terminal: the question shows the impact
first, and its buttons stay on the screen at 80×24 (the rest of the impact is in the output panel)."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from textual.widgets import Button, Static  # noqa: E402

from tiaojie.ledger.bootstrap import create_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402
from tiaojie.ledger.drafts import new_draft  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import TODAY, settle  # noqa: E402

REWARD = "mediation-reward-2026.toml"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_activation_question_keeps_its_buttons_on_an_80_by_24_screen(tmp_path, rules_dir, lang):
    ledger, _ = create_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir, today=TODAY)
    build_demo(ledger)
    draft = new_draft(ledger, "raise")
    path = draft.path / REWARD
    path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 800 }")
                    .replace("amount = 500,", "amount = 800,"), encoding="utf-8")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang=lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("a")
            await settle(app, pilot)
            dialog = app.screen
            assert type(dialog).__name__ == "ConfirmDialog"
            question = str(dialog.query_one(".dialog-body", Static).render())
            assert "mediation-reward" in question and "+" in question, question  # the impact, before the yes
            for button in dialog.query(Button):
                region = button.region
                assert region.height > 0 and region.bottom <= 24 and region.right <= 80, (button.id, region)
            # what the question leaves out is in the output panel behind it
            rules = app.screen_stack[-2]
            behind = str(rules.query_one("#rules-output", Static).render())
            assert "mediation-reward" in behind and ("LSJ" in behind or "按单位" in behind or "by unit" in behind)
            await pilot.click("#confirm-yes")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "RulesScreen"
            assert ("已启用草稿「raise」" if lang == "zh" else "draft 'raise' activated") in str(
                app.screen.query_one("#rules-output", Static).render())
    finally:
        ledger.close()


async def test_after_activation_the_draft_says_it_is_in_force_and_an_older_draft_says_it_would_undo_it(
        tmp_path, rules_dir):
    from tiaojie.ledger.drafts import open_draft

    ledger, _ = create_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir, today=TODAY)
    build_demo(ledger)
    older = new_draft(ledger, "older")  # copied from the same set, never changed
    draft = new_draft(ledger, "raise")
    path = draft.path / REWARD
    path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 800 }")
                    .replace("amount = 500,", "amount = 800,"), encoding="utf-8")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            screen.open_draft("raise")
            await settle(app, pilot)
            status = str(screen.query_one("#rules-status", Static).render())
            assert "已启用为规则集" not in status and "复制后又启用" not in status, status
            await pilot.press("a")
            await settle(app, pilot)
            await pilot.click("#confirm-yes")
            await settle(app, pilot)
            status = str(screen.query_one("#rules-status", Static).render())
            assert "此草稿已启用为规则集 #2" in status, status

            screen.open_draft("older")  # activating it now would put the 500 back
            await settle(app, pilot)
            status = str(screen.query_one("#rules-status", Static).render())
            assert "草稿「older」" in status and "复制后又启用了规则集 #2" in status, status
            assert open_draft(ledger, "older").base_set == older.base_set
    finally:
        ledger.close()
