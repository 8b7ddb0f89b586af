"""案件登记: the live panel follows the form as the mediator types."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from tui.app import make_app

from .conftest import TODAY, settle


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_settled_major_case_shows_500_in_live_panel(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EntryScreen"
        # type the way a mediator does: the number, then choose from the selects
        await pilot.click("#f-number")
        await pilot.press(*"2026-001")
        screen = app.screen
        screen.query_one("#f-category", Select).value = "neighbour"
        screen.query_one("#f-severity", Select).value = "major"
        screen.query_one("#f-status", Select).value = "settled"
        await settle(app, pilot)
        # settled without a date and a settler: the form says so beside the fields, reward stays 0
        assert "调处成功日期" in text_of(app, "#e-settled_on")
        assert "0.00" in text_of(app, "#live-reward")
        screen.query_one("#f-settled_by", Select).value = "village_committee"
        settled_on = screen.query_one("#f-settled_on", Input)
        settled_on.focus()
        await pilot.press(*"2026-03-10")  # today: a settlement cannot lie ahead
        await settle(app, pilot)
        reward = text_of(app, "#live-reward")
        assert "500.00" in reward
        assert text_of(app, "#e-settled_on") == ""
        assert "县（市）群众工作部" in text_of(app, "#live-level")
        assert "2026-04-09" in text_of(app, "#live-due")  # county: 30 days from received 2026-03-10
        assert "成功调处重大矛盾纠纷" in text_of(app, "#live-why")


async def test_labels_come_from_the_vocabulary_and_bad_input_is_flagged(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        category = screen.query_one("#f-category", Select)
        labels = [str(prompt) for prompt, _ in category._options]
        assert "邻里" in labels and "征地拆迁" in labels
        screen.query_one("#f-persons_involved", Input).value = "很多"
        screen.query_one("#f-received_on", Input).value = "2026-13-01"
        await settle(app, pilot)
        assert "整数" in text_of(app, "#e-persons_involved")
        assert "没有 2026-13-01 这一天" in text_of(app, "#e-received_on")  # the right shape, no such day
        # the escalation policy cannot run without a received date: the panel says why, no crash
        assert "暂无法计算" in text_of(app, "#live-due")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "卷号" not in text_of(app, "#e-number") and "必填" in text_of(app, "#e-number")


async def test_english_interface(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#f-status", Select).value = "settled"
        screen.query_one("#f-settled_by", Select).value = "mediation_committee"
        screen.query_one("#f-settled_on", Input).value = "2026-03-10"
        await settle(app, pilot)
        assert "Reward" in text_of(app, "#live-reward") and "200.00" in text_of(app, "#live-reward")
        labels = [str(prompt) for prompt, _ in screen.query_one("#f-category", Select)._options]
        assert "neighbours" in labels
