"""The app's frame in the UI's language and on an 80-column terminal: the header's tooltip, the
command palette's "nothing matches", the keys panel (Textual writes all three in English), and
a footer whose every key is on the terminal — the keys it has no room for are in the palette."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from textual.command import CommandList
from textual.widgets import Button, Checkbox, DataTable, Input, Select

from tui.app import SCREEN_KEYS, make_app
from tui.palette import NO_MATCHES_ID

from .conftest import TODAY, settle

LEDGER_DAY = dt.date(2026, 11, 20)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def english_in(texts) -> list[str]:  # noqa: ANN001
    return [text for text in texts if ENGLISH_WORD.search(text)]


@pytest.fixture
def demo(tmp_path, rules_dir, monkeypatch):  # noqa: ANN001, ANN201
    pytest.importorskip("sqlalchemy")
    from tiaojie.ledger.bootstrap import open_ledger
    from tiaojie.ledger.demo import build_demo

    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "ledger.sqlite").touch()
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir, today=LEDGER_DAY)
    build_demo(ledger)
    yield ledger
    ledger.close()


# --- the header and the palette ------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "said"), [("zh", "打开命令面板"), ("en", "Open the command palette")])
async def test_the_header_icons_tooltip_is_in_the_uis_language(rules_dir, lang, said):
    app = make_app(rules=rules_dir, today=TODAY, lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        icon = app.screen.query_one("HeaderIcon")
        assert icon.tooltip == said


@pytest.mark.parametrize(("lang", "said"), [("zh", "没有匹配的命令"), ("en", "No matches found")])
async def test_the_palette_says_nothing_matches_in_the_uis_language(rules_dir, lang, said):
    app = make_app(rules=rules_dir, today=TODAY, lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"qqqqxz")
        await settle(app, pilot, delay=0.3)  # Textual waits half a second before saying it
        results = app.screen.query_one(CommandList)
        assert results.option_count == 1
        option = results.get_option_at_index(0)
        assert option.id == NO_MATCHES_ID
        shown = "".join(segment.text for segment in app.console.render(option.prompt, app.console.options))
        assert said in shown
        if lang == "zh":
            assert not english_in([shown]), shown


# --- the keys panel --------------------------------------------------------------------------------
async def keys_panel_texts(app, pilot) -> list[str]:  # noqa: ANN001
    """Every description and group title the keys panel shows on each screen offered, with each
    kind of widget focused in turn."""
    texts: list[str] = []
    for screen_id in list(app.offered):
        app.action_goto(screen_id)
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert app.t("cmd_keys") in titles
        for _ in range(20):  # a loaded machine may still be switching screens: ask on the one shown
            app.action_show_help_panel()
            await settle(app, pilot)
            if app.screen.query("KeysPanel"):
                break
        panel = app.screen.query_one("KeysPanel")
        kinds_seen: set[type] = set()
        for widget in list(app.screen.query("*")):
            kind = type(widget)
            if not widget.focusable or kind in kinds_seen or not isinstance(widget, (Input, Select, Checkbox, Button,
                                                                                        DataTable)):
                continue
            kinds_seen.add(kind)
            widget.focus()
            await pilot.pause()
            for title, keys in panel.rows():
                texts.extend([title] if title else [])
                texts.extend(said for _, said in keys)
        app.action_hide_help_panel()
        await settle(app, pilot)
    return texts


async def test_the_keys_panel_is_offered_in_chinese_and_says_every_key_in_chinese(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="admin", today=LEDGER_DAY)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        texts = await keys_panel_texts(app, pilot)
        assert "保存" in texts and "光标左移" in texts and "输入框" in texts  # the screen's, an Input's, its group
        assert not english_in(texts), sorted(set(english_in(texts)))


async def test_the_english_keys_panel_says_its_keys_in_english(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, lang="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        texts = await keys_panel_texts(app, pilot)
        assert "Save" in texts and "Move cursor left" in texts and "Input" in texts
        assert not [text for text in texts if re.search(r"[\u4e00-\u9fff]", text)]


# --- the footer at 80 columns ----------------------------------------------------------------------
def footer_off_the_terminal(app) -> list[str]:  # noqa: ANN001
    """The footer's keys not wholly on the terminal: past its right edge, or scrolled off."""
    footer = app.screen.query_one("Footer")
    off = [key.key for key in app.screen.query("FooterKey")
           if key.region.width == 0 or key.region.x < footer.region.x or key.region.right > footer.region.right]
    if footer.virtual_size.width > footer.size.width or footer.scroll_x:
        off.append(f"(the footer scrolls: {footer.virtual_size.width} cells in {footer.size.width})")
    return off


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("user", ["med01", "clerk", "policy", "admin"])
async def test_every_footer_key_is_on_an_80_column_terminal_and_the_rest_are_in_the_palette(demo, rules_dir,
                                                                                            user, lang):
    app = make_app(rules=rules_dir, ledger=demo, user=user, today=LEDGER_DAY, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for size in ((80, 24), (120, 36)):
            await pilot.resize_terminal(*size)
            for screen_id in list(app.offered):
                app.action_goto(screen_id)
                await settle(app, pilot)
                shown = {key.key for key in app.screen.query("FooterKey")}
                assert "ctrl+p" in shown, (size, screen_id, shown)
                assert not footer_off_the_terminal(app), (size, screen_id, footer_off_the_terminal(app))
                # every key of the screen the role may use and that does something now (no 下一页 on a
                # one-page ledger): on the footer, or a palette entry saying its key
                titles = {command.title for command in app.get_system_commands(app.screen)}
                for _keys, action, key in app.screen.KEYS:
                    if app.screen.role_may(action) and app.screen.check_action(action, ()) is not False:
                        assert app.t(key) in titles, (screen_id, key)
                others = [sid for sid in app.offered if sid != screen_id]
                # room for every other screen's F-key — for a role's own screens; an administrator's
                # eight do not all fit beside a screen's keys in English, the rest are in the palette
                if size == (120, 36) and len(app.offered) <= 7:
                    assert {SCREEN_KEYS[sid] for sid in others} <= shown, (screen_id, shown)
