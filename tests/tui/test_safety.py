"""User text is never markup; the app works at 80×24 and 200×50; the launcher stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.widgets import Input, Static

from tui.app import make_app

from .conftest import TODAY, settle

NASTY = ["[/x]", "[b]", "[bold red]x[/]", "[link=file:///]y", "\\[", "[@click=app.quit]q[/]"]


async def test_markup_looking_text_is_shown_literally(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        for nasty in NASTY:
            screen.query_one("#f-parties", Input).value = nasty
            screen.query_one("#f-number", Input).value = nasty
            screen.query_one("#f-summary", Input).value = nasty
            await settle(app, pilot, 0.05)
        await pilot.press("ctrl+s")  # no ledger: a warning, not a crash
        await settle(app, pilot)
        assert app.is_running
        # banquet household names go through the same path
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#b-household", Input).value = "[/x]"
        await settle(app, pilot)
        assert app.is_running


async def test_rule_file_text_with_brackets_is_literal(rules_dir):
    path = rules_dir / "mediation-reward-2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "成功调处重大矛盾纠纷"',
                                                              'title = "[/x] 成功调处重大矛盾纠纷 [b]"'),
                    encoding="utf-8")
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        from textual.widgets import Select

        screen.query_one("#f-status", Select).value = "settled"
        screen.query_one("#f-severity", Select).value = "major"
        screen.query_one("#f-settled_by", Select).value = "village_committee"
        screen.query_one("#f-settled_on", Input).value = "2026-03-10"
        await settle(app, pilot)
        assert "[/x] 成功调处重大矛盾纠纷 [b]" in str(screen.query_one("#live-why", Static).render())
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.is_running


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_screen_at_small_and_large_sizes(rules_dir, size):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for screen_id in app.offered:
            await pilot.press({"entry": "f1", "rules": "f6", "banquets": "f5"}.get(screen_id, "f1"))
            await settle(app, pilot, 0.05)
            assert app.is_running
            # nothing is laid out off-screen to the right
            for widget in app.screen.query("Button, Input, Select"):
                if widget.display and widget.region.width:
                    assert widget.region.right <= size[0]


async def test_command_palette_offers_every_screen(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        titles = [cmd.title for cmd in app.get_system_commands(app.screen)]
        for screen_id in app.offered:
            assert any(app.t(f"screen_{screen_id}") in title for title in titles)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"规则")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "rules"


def test_launcher_does_not_import_textual():
    code = ("import sys, typer; import tui.launcher as l; app = typer.Typer(); l.register(app); "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_tui_command_takes_db_and_user_and_reports_a_bad_database_without_traceback(tmp_path):
    exe = [sys.executable, "-c", "from tiaojie.cli import main; main()"]
    shown = subprocess.run([*exe, "tui", "--help"], capture_output=True, text=True, timeout=60)
    assert "--db" in shown.stdout and "--user" in shown.stdout
    bad = subprocess.run([*exe, "tui", "--db", "postgresql://nobody@127.0.0.1:1/none"], capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and "数据库" in bad.stderr


async def test_vocabulary_labels_with_brackets_are_literal(rules_dir):
    fields = rules_dir / "fields.toml"
    fields.write_text(fields.read_text(encoding="utf-8").replace('initiative = "主动"', 'initiative = "[/x]主动"'),
                      encoding="utf-8")
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        from textual.widgets import Select

        source = app.screen.query_one("#f-source", Select)
        assert "[/x]主动" in [str(label) for label, _ in source._options]
        source.value = "initiative"
        await settle(app, pilot)
        await pilot.click("#f-source")
        await settle(app, pilot)
        assert app.is_running
