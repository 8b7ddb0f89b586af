"""The mediator's ledger as it is seen and used from the keyboard: a sorted ledger drawn at its
columns' full width, sorting without a mouse, a case's detail read to its end with the keys, and a
palette that names what every screen offered does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from textual.widgets import DataTable, Static

pytest.importorskip("tiaojie.ledger", reason="the ledger is not installed here")

from tiaojie.i18n import tr as core_tr  # noqa: E402
from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402

from tui.app import make_app  # noqa: E402
from tui.strings import tr  # noqa: E402

from .conftest import settle  # noqa: E402
from .table_cells import cells_by_key  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def ledger(tmp_path, rules_dir):  # noqa: ANN001, ANN201
    (tmp_path / "ledger.sqlite").touch()
    led = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir, today=TODAY)
    build_demo(led)
    yield led
    led.close()


def drawn(table: DataTable, y: int) -> str:
    """What the terminal shows on line `y` of the table (0 is the header)."""
    return table.render_line(y).text


def header(table: DataTable, key: str) -> str:
    return str(table.columns[key].label)  # type: ignore[index]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_ledger_sorted_by_a_click_is_drawn_at_its_columns_full_width(ledger, rules_dir, size):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        keys = [str(column.key.value) for column in table.ordered_columns]
        reward_x = sum(column.get_render_width(table) for column in table.ordered_columns[:keys.index("reward")]) + 1
        assert header(table, "reward").startswith("奖励")
        shown = app.screen.show_page

        def show_and_paint(page) -> None:  # noqa: ANN001 - a terminal paints the page before the table's next idle
            shown(page)
            for y in range(table.size.height):
                table.render_line(y)

        app.screen.show_page = show_and_paint
        await pilot.click("#cases", offset=(reward_x, 0))
        await settle(app, pilot)
        assert header(table, "reward").endswith("▲")
        first = str(cells_by_key(table, 0)["number"])
        assert first in drawn(table, 1), drawn(table, 1)  # the whole case number, not its first 4 columns
        assert "奖励 ▲" in drawn(table, 0)


async def test_the_ledger_sorts_from_the_keyboard_and_says_by_what(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        await pilot.press("s")  # a list of the columns to sort by, the one sorted by marked
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SortDialog"
        await choose(app, pilot, "奖励")
        assert type(app.screen).__name__ == "LedgerScreen"
        assert header(table, "reward").endswith("▲") and not header(table, "received").endswith("▲")
        rewards = [float(str(cell)) for cell in table.get_column("reward") if str(cell)]
        assert rewards and rewards == sorted(rewards)
        await pilot.press("s")  # the same column again: the other way
        await settle(app, pilot)
        await choose(app, pilot, "奖励 ▲")
        assert header(table, "reward").endswith("▼")
        rewards = [float(str(cell)) for cell in table.get_column("reward") if str(cell)]
        assert rewards == sorted(rewards, reverse=True)
        await pilot.press("s")
        await settle(app, pilot)
        await choose(app, pilot, "类型")
        order = [str(label) for label, _ in app.backend.choices("category")]
        shown = [str(cell) for cell in table.get_column("category")]
        assert shown == sorted(shown, key=order.index)
        await pilot.press("s", "escape")  # a change of mind leaves the sort as it was
        await settle(app, pilot)
        assert header(table, "category").endswith("▲")


async def choose(app, pilot, label: str) -> None:  # noqa: ANN001
    """Move the sort list's highlight to `label` with the arrow keys and press Enter."""
    from textual.widgets import OptionList

    columns = app.screen.query_one("#sort-columns", OptionList)
    labels = [str(columns.get_option_at_index(i).prompt) for i in range(columns.option_count)]
    target = labels.index(label)
    while columns.highlighted != target:
        await pilot.press("down" if (columns.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_case_detail_scrolls_with_the_keys_to_its_level_history(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CaseDetailScreen"
        body = app.screen.query_one(".detail-body")
        assert body.max_scroll_y > 0  # at 80×24 the history is below the fold
        await pilot.press("end")
        await settle(app, pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("home")
        await settle(app, pilot)
        assert body.scroll_y == 0
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert body.scroll_y > 0
        assert "层级变更" in str(app.screen.query_one("#detail-text", Static).render())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_palette_describes_every_screen_offered_in_the_uis_language(ledger, rules_dir, lang):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        commands = list(app.get_system_commands(app.screen))
        helps = [command.help for command in commands]
        assert helps and not [text for text in helps if text.startswith("help_")], helps


async def test_the_page_keys_are_offered_only_where_there_is_a_page_to_go_to(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.screen.pages == 1  # a village's cases fit one page
        assert "n" not in app.screen.active_bindings and "p" not in app.screen.active_bindings
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.screen.pages > 1 and app.screen.page == 1
        assert "n" in app.screen.active_bindings and "p" not in app.screen.active_bindings
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.page == 2
        assert "p" in app.screen.active_bindings
        for _ in range(app.screen.pages - 2):
            await pilot.press("n")
            await settle(app, pilot)
        assert app.screen.page == app.screen.pages
        assert "n" not in app.screen.active_bindings and "p" in app.screen.active_bindings


@pytest.mark.parametrize(("lang", "words"), [("zh", ("上报", "排序", "修改")), ("en", ("Escalate", "Sort", "Edit"))])
async def test_the_palette_lists_each_ledger_action_once(ledger, rules_dir, lang, words):
    from textual.command import CommandList

    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        for word in words:
            await pilot.press("ctrl+p")
            await settle(app, pilot)
            await pilot.press(*word)
            await settle(app, pilot, 0.4)
            found = app.screen.query_one(CommandList)
            prompts = [str(found.get_option_at_index(i).prompt).splitlines()[0] for i in range(found.option_count)]
            assert [p for p in prompts if p == word] == [word], prompts
            await pilot.press("escape")
            await settle(app, pilot)


async def test_the_palette_offers_no_page_key_on_a_one_page_ledger(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.screen.pages == 1
        names = [str(command.title) for command in app.get_system_commands(app.screen)]
        assert "上报" in names and "下一页" not in names and "上一页" not in names, names


async def test_a_finished_cases_detail_offers_no_escalation_an_open_ones_does(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        statuses = [str(cell) for cell in table.get_column("status")]
        open_labels = {str(app.backend.label("status", status)) for status in app.backend.open_statuses()}
        still_open = next(label for label in statuses if label in open_labels)
        for status, offered in (("调解成功", False), (still_open, True)):
            ledger_screen = app.screen
            table.move_cursor(row=statuses.index(status))
            await pilot.press("enter")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "CaseDetailScreen"
            assert bool(app.screen.query("#detail-escalate")) is offered, status
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is ledger_screen


async def test_a_new_sort_shows_the_top_of_the_ledger_not_where_the_cursor_was(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert table.cursor_row == 0 and header(table, "received").endswith("▲")
        await pilot.press("s")
        await settle(app, pilot)
        await choose(app, pilot, "Received ▲")  # the same column: newest first
        assert header(table, "received").endswith("▼")
        received = [str(cell) for cell in table.get_column("received")]
        assert received == sorted(received, reverse=True)
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert str(cells_by_key(table, 0)["number"]) in drawn(table, 1)  # the newest case is on the screen


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_cases_earlier_outcomes_are_said_in_words_not_ids(ledger, rules_dir, lang):
    from tiaojie.ledger import access
    from tiaojie.ledger import cases as case_service

    med = access.resolve_user(ledger, "med01")
    case = case_service.add_case(ledger, med, med.unit_id, number="WALK-1", category="neighbour",
                                 received_on=dt.date(2026, 11, 16), parties=["张三", "李四"]).case
    case_service.escalate_case(ledger, med, case.id, reason="跨村纠纷", to_level="county")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        table.move_cursor(row=app.screen.row_ids.index(case.id))
        await pilot.press("enter")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        replaced = detail.split(tr("detail_replaced", lang))[1]
        for raw in ("case.escalate", "=", "due_on", "days_overdue", "answer_days"):
            assert raw not in replaced, (raw, replaced)
        assert core_tr("case_action_case.escalate", lang) in replaced and app.backend.label("level", "village") in replaced
        if lang == "zh":
            assert not re.search("[a-z]{4,}", replaced), replaced  # no field or output ids in the Chinese UI
        if lang == "en":
            assert not [ch for ch in "（）、：，" if ch in replaced], replaced
