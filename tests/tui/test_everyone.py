"""What every user of the terminal UI meets: toasts whose Chinese is whole, keys offered by role
(a key the role lacks says why), each role's own first screen, no English in the Chinese UI, and
quitting that asks before throwing typed text away."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.cells import get_character_cell_size
from rich.console import Console
from rich.segment import ControlType, Segment
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from tui.app import SCREEN_KEYS, make_app
from tui.wide_cells import keep_wide_characters_whole
from tui.widgets import ConfirmDialog

from .conftest import TODAY, settle, sign_in

LEDGER_DAY = dt.date(2026, 11, 20)
REFUSAL = "调整只能登记在未关闭的期间：2026-05 已关账，请选择一个未关闭的期间再登记这笔调整"


def notes(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


def footer_keys(app) -> dict[str, str]:  # noqa: ANN001
    """The keys the footer shows, as drawn: {key: description}."""
    return {key.key: key.description for key in app.screen.query("FooterKey")}


# --- toasts ----------------------------------------------------------------------------------------
class Terminal:
    """What a terminal shows after the app's updates, full and partial, are written to it: a grid
    of cells where a double-width character takes two and a character written over half of one
    blanks the other half, as terminals do."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]
        self.console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                               color_system="truecolor", legacy_windows=False)

    def write(self, update) -> None:  # noqa: ANN001 - a Textual compositor update
        x = y = 0
        for segment in update.__rich_console__(self.console, self.console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            for char in segment.text:
                if char == "\n":
                    continue
                width = get_character_cell_size(char)
                if 0 <= y < self.height and 0 <= x and x + width <= self.width:
                    row = self.cells[y]
                    if row[x] == "" and x > 0:  # over the right half of a wide character
                        row[x - 1] = " "
                    if x + width < self.width and row[x + width] == "":  # over its left half
                        row[x + width] = " "
                    row[x] = char
                    if width == 2:
                        row[x + 1] = ""
                x += width

    def text(self, y: int, x0: int = 0, x1: int | None = None) -> str:
        return "".join(self.cells[y][x0:x1])


def watch(app) -> Terminal:  # noqa: ANN001
    """A terminal that every frame the app draws is written to."""
    terminal = Terminal(*app.size)
    draw = app._display

    def display(screen, renderable):  # noqa: ANN001, ANN202
        if renderable is not None and hasattr(renderable, "__rich_console__"):
            terminal.write(renderable)
        return draw(screen, renderable)

    app._display = display
    return terminal


def toast_text(app, terminal: Terminal) -> list[str]:  # noqa: ANN001
    from textual.widgets._toast import Toast

    out = []
    for toast in app.screen.query(Toast):
        region = toast.content_region
        out.append("".join(terminal.text(y, region.x, region.right).strip() for y in range(region.y, region.bottom)))
    return out


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_a_toast_over_the_result_panel_keeps_every_chinese_character(rules_dir, size):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=size, notifications=True) as pilot:
        terminal = watch(app)
        await settle(app, pilot)
        app.notify(REFUSAL, severity="error", timeout=30, markup=False)
        app.notify("当前角色不能使用「财务结算」", severity="warning", timeout=30, markup=False)
        await settle(app, pilot)
        expected = [REFUSAL.replace(" ", ""), "当前角色不能使用「财务结算」"]
        assert toast_text(app, terminal) == expected
        # the panel under the toasts changes: partial updates keep them whole too
        app.screen.query_one("#f-severity", Select).value = "major"
        app.screen.query_one("#f-category", Select).value = "neighbour"
        await settle(app, pilot)
        assert toast_text(app, terminal) == expected
        full = Terminal(*app.size)
        full.write(app.screen._compositor.render_update(full=True))
        assert [full.text(y) for y in range(full.height)] == [terminal.text(y) for y in range(terminal.height)]


class Over(Widget):
    """One line of Chinese drawn over two widgets, its text changed and only a part of it redrawn."""

    DEFAULT_CSS = "Over { layer: over; width: 20; height: 1; offset: 5 0; }"
    text = "一二三四五六七八九十"

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(self.text)])


class Layered(App[None]):
    CSS = "Screen { layers: base over; } Static { width: 10; height: 1; }"

    def compose(self) -> ComposeResult:
        yield Over()
        with Horizontal():
            yield Static("a" * 10)
            yield Static("b" * 10)


async def test_a_part_of_a_joined_line_redrawn_alone_reaches_the_terminal():
    """三 straddles the second widget's edge (column 10) and 八 its end (20): the line is drawn in
    one piece, and a redraw of only its right part must still be written out."""
    assert keep_wide_characters_whole()
    app = Layered()
    async with app.run_test(size=(30, 3)) as pilot:
        terminal = watch(app)
        app.screen.refresh()
        await pilot.pause(0.2)
        assert terminal.text(0) == "aaaaa一二三四五六七八九十     "
        over = app.query_one(Over)
        over.text = "十九八七六五四三二一"
        over.refresh(Region(8, 0, 12, 1))  # columns 13 to 24 of the screen
        await pilot.pause(0.2)
        assert terminal.text(0)[9:] == "六五四三二一     "


# --- a demo ledger, every role ---------------------------------------------------------------------
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


@pytest.mark.parametrize(("user", "home"), [("med01", "entry"), ("clerk", "finance"), ("policy", "rules"),
                                            ("admin", "entry")])
async def test_each_role_starts_on_its_own_main_screen(demo, rules_dir, user, home):
    app = make_app(rules=rules_dir, ledger=demo, today=LEDGER_DAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, user)
        assert app.current_mode == home
        assert getattr(app.screen, "SCREEN_ID", None) == home


async def test_a_start_screen_asked_for_still_wins(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="clerk", today=LEDGER_DAY, start="stats")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.current_mode == "stats"


async def test_the_clerk_is_offered_no_edit_key_and_pressing_it_says_why(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="clerk", today=LEDGER_DAY, start="ledger")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.current_mode == "ledger"
        shown = footer_keys(app)
        assert "e" not in shown and "修改" not in shown.values()
        assert shown.get("n") == "下一页" and shown.get("u") == "上报"  # what the clerk may do is still there
        await pilot.press("e")
        await settle(app, pilot)
        assert "当前角色「财务」不能使用「修改」" in notes(app)
        assert app.current_mode == "ledger"


async def test_the_mediator_keeps_the_edit_key(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="med01", today=LEDGER_DAY, start="ledger")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert footer_keys(app).get("e") == "修改"


async def test_policy_staff_are_not_offered_saving_a_case_and_are_told_why(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="policy", today=LEDGER_DAY, start="entry")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.current_mode == "entry"
        shown = footer_keys(app)
        assert "ctrl+s" not in shown and "ctrl+n" in shown
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "当前角色「政策」不能使用「保存」" in notes(app)


async def test_an_f_key_of_a_screen_the_role_lacks_says_why(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="clerk", today=LEDGER_DAY)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        shown = footer_keys(app)
        assert "f1" not in shown and "f6" not in shown and shown.get("f2") == "台账"  # F-keys short in the footer
        await pilot.press("f1")
        await settle(app, pilot)
        assert "当前角色「财务」不能使用「案件登记」" in notes(app)
        await pilot.press("f6")
        await settle(app, pilot)
        assert "当前角色「财务」不能使用「规则」" in notes(app)
        assert app.current_mode == "finance"


async def test_the_refusal_is_said_in_english_in_the_english_ui(demo, rules_dir):
    app = make_app(rules=rules_dir, ledger=demo, user="clerk", today=LEDGER_DAY, lang="en", start="ledger")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.press("e")
        await settle(app, pilot)
        assert "the finance clerk role cannot use 'Case entry'" in notes(app)
        assert "the finance clerk role cannot use 'Edit'" in notes(app)


async def test_a_screen_that_needs_the_ledger_says_so_on_rules_alone(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert "「财务结算」需要连接台账数据库（--db）" in notes(app)
        assert app.current_mode == "entry"


def test_the_keys_offered_by_role_follow_the_ledgers_permissions():
    pytest.importorskip("pydantic")
    from tiaojie.ledger.access import PERMISSIONS

    from tui.screens.base import KEY_NEEDS, WRITERS

    assert {name: set(PERMISSIONS[name]) for name in WRITERS} == {name: set(roles) for name, roles in WRITERS.items()}
    needed = {need for needs in KEY_NEEDS.values() for need in needs if not need.startswith("screen:")}
    assert needed <= set(WRITERS)
    assert {need.removeprefix("screen:") for needs in KEY_NEEDS.values() for need in needs
            if need.startswith("screen:")} <= set(SCREEN_KEYS)
    # every write a screen's dialog makes is a key some roles lack, so theirs is not offered
    from tui.screens.village import FORMS

    assert {action for action in FORMS} <= {action for screen, action in KEY_NEEDS if screen == "village"}


# --- no English in the Chinese UI ------------------------------------------------------------------
async def test_the_command_palette_and_footer_speak_chinese(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#f-number", Input).focus()  # a field that may be maximized
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        helps = [command.help for command in app.get_system_commands(app.screen)]
        english = [text for text in titles + helps if any(word in text for word in
                   ("Keys", "Maximize", "Quit", "Theme", "Screenshot", "Change", "Save", "Show"))]
        assert not english, english
        assert titles.count("截图") == 1
        assert {"配色主题", "最大化", "截图", "退出"} <= set(titles)
        assert footer_keys(app).get("ctrl+p") == "命令"

        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert app.screen.query_one(Input).placeholder == "搜索命令…"
        await pilot.press("escape")
        await settle(app, pilot)

        app.screen.query_one("#f-category", Select).focus()
        await pilot.press("enter")  # the list opens: its Esc is described in Chinese
        await settle(app, pilot)
        assert footer_keys(app).get("escape") == "收起列表"


async def test_the_english_ui_keeps_textuals_commands_in_english_once_each(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Theme", "Keys", "Screenshot", "Quit"} <= set(titles)
        assert titles.count("Screenshot") == 1
        assert footer_keys(app).get("ctrl+p") == "palette"


async def test_ctrl_c_outside_a_field_says_how_to_quit_in_chinese(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        app.screen.set_focus(None)
        await pilot.press("ctrl+c")
        await settle(app, pilot)
        assert "按 Ctrl+Q 退出" in notes(app) and "Press" not in notes(app)


# --- quitting with typed text ----------------------------------------------------------------------
async def test_ctrl_q_asks_before_throwing_away_a_half_typed_case(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        number = app.screen.query_one("#f-number", Input)
        number.focus()
        await pilot.press(*"XJ-77")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and app.is_running
        assert "案件登记" in app.screen._question
        await pilot.press("escape")  # keep working
        await settle(app, pilot)
        assert app.is_running and number.value == "XJ-77"

        await pilot.press("f5")  # the form left for another screen is kept, typed text and all
        await settle(app, pilot)
        assert app.current_mode == "banquets"
        await pilot.press("ctrl+q")  # quitting from there still asks for the form
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and "案件登记" in app.screen._question
        await pilot.press("escape")
        await pilot.press("f1")
        await settle(app, pilot)
        assert app.screen.query_one("#f-number", Input).value == "XJ-77"

        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert not app.is_running


async def test_ctrl_q_on_a_clean_form_quits_at_once(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not app.is_running
