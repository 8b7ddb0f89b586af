"""规则: a broken edit shows its errors with file and line; the old rules stay in force."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tui.app import make_app

from .conftest import TODAY, settle

MAJOR = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"}


def output(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#rules-output", Static).render())


async def test_broken_rule_file_reload_keeps_old_rules(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, start="rules")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RulesScreen"
        table = app.screen.query_one("#policies", DataTable)
        assert table.row_count == len(list(app.backend.rules.book.all()))
        assert app.screen.focused is table  # the arrow keys choose a policy at once, no tabbing past buttons
        await pilot.press("down")
        await settle(app, pilot)
        assert table.cursor_row == 1
        before = app.backend.rules

        # policy staff edit the reward file and make a mistake on one line
        path = rules_dir / "mediation-reward-2026.toml"
        lines = path.read_text(encoding="utf-8").splitlines()
        line_no = next(i for i, line in enumerate(lines, 1) if line.startswith("then = { amount = 500 }"))
        lines[line_no - 1] = 'then = { amount = "five hundred" }'
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

        await pilot.press("r")
        await settle(app, pilot)
        shown = output(app)
        assert "mediation-reward-2026.toml:" in shown
        assert f"mediation-reward-2026.toml:{line_no}" in shown
        assert "现行规则保持不变" in shown
        # evaluations still use the old set
        assert app.backend.rules is before
        assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "500.00"

        # the case entry screen keeps computing 500 with the rules in force
        await pilot.press("f1")
        await settle(app, pilot)
        screen = app.screen
        from textual.widgets import Input, Select

        screen.query_one("#f-status", Select).value = "settled"
        screen.query_one("#f-severity", Select).value = "major"
        screen.query_one("#f-settled_by", Select).value = "village_committee"
        screen.query_one("#f-settled_on", Input).value = "2026-03-10"
        await settle(app, pilot)
        assert "500.00" in str(screen.query_one("#live-reward", Static).render())

        # fix the file with a new figure: reload now swaps the set, and the live panel follows
        lines[line_no - 1] = "then = { amount = 600 }"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        await pilot.press("f6")
        await pilot.press("r")
        await settle(app, pilot)
        assert "已重新加载" in output(app)
        assert app.backend.rules is not before
        await pilot.press("f1")
        await settle(app, pilot)
        assert "600.00" in str(app.screen.query_one("#live-reward", Static).render())


async def test_check_test_and_lint_show_results(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, start="rules")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert "检查通过" in output(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert "0 个失败" in output(app)
        await pilot.press("l")
        await settle(app, pilot)
        text = output(app)
        assert "发现" in text or "未发现问题" in text
        # an example that no longer holds is reported with its file and line
        path = rules_dir / "mediation-reward-2026.toml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "expect = { amount = 500, fired = [\"major\"] }", "expect = { amount = 700, fired = [\"major\"] }", 1),
            encoding="utf-8")
        await pilot.press("t")
        await settle(app, pilot)
        text = output(app)
        assert "1 个失败" in text and "mediation-reward-2026.toml:" in text


async def test_the_screen_says_when_its_directory_is_not_the_place_to_edit(rules_dir):
    from tiaojie.rules.service import BUNDLED_RULES

    shipped = make_app(rules=BUNDLED_RULES, today=TODAY, start="rules")
    async with shipped.run_test(size=(140, 40)) as pilot:
        await settle(shipped, pilot)
        assert "随程序发布的规则" in str(shipped.screen.query_one("#rules-status", Static).render())
    own = make_app(rules=rules_dir, today=TODAY, start="rules")
    async with own.run_test(size=(140, 40)) as pilot:
        await settle(own, pilot)
        status = str(own.screen.query_one("#rules-status", Static).render())
        assert str(rules_dir) in status and "随程序发布" not in status and "副本" not in status


def test_an_activated_set_written_out_is_a_copy(tmp_path, monkeypatch, rules_dir):
    from tui.screens.rules import directory_kind

    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    kept = tmp_path / "cache" / "rulesets" / "0123abcd"
    kept.mkdir(parents=True)
    assert directory_kind(kept) == "kept"
    assert directory_kind(rules_dir) is None
