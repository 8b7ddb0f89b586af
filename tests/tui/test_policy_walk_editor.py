"""The rules table editor as policy staff use it: a refused save names each bad cell as the editor
shows it (its sheet in the UI's language, the row as the cell dialog numbers it, the column by its
title) and puts the cursor on the first one; the footer's keys are all on the screen at 80 columns."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("textual")

from textual.widgets import DataTable, Static  # noqa: E402

from tiaojie.ledger.bootstrap import create_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402
from tiaojie.ledger.drafts import new_draft  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import TODAY, settle  # noqa: E402
from .table_cells import edit_cell  # noqa: E402

REWARD = "mediation-reward-2026.toml"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def ledger(tmp_path, rules_dir):  # noqa: ANN001, ANN201
    led, _ = create_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir, today=TODAY)
    build_demo(led)
    yield led
    led.close()


async def _open_reward_table(app, pilot) -> None:  # noqa: ANN001
    """d, Enter on the draft, the cursor on the 2026 mediation reward, o — as a person does."""
    await settle(app, pilot)
    await pilot.press("d")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    policies = list(app.screen._shown_rules().book.all())
    index = next(i for i, p in enumerate(policies) if p.id == "mediation-reward" and p.version == "2026.1")
    table = app.screen.query_one("#policies", DataTable)
    table.focus()
    table.move_cursor(row=index)
    await pilot.press("o")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "TableEditor"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_refused_save_names_the_cell_as_the_editor_shows_it_and_goes_there(ledger, rules_dir, lang):
    draft = new_draft(ledger, "raise")
    before = (draft.path / REWARD).read_bytes()
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang=lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_reward_table(app, pilot)
        editor = app.screen
        await edit_cell(app, pilot, 0, "奖励金额", "8OO元")  # a money cell with letters
        await pilot.press("g")  # to the examples, where an input is misspelt
        await settle(app, pilot)
        await edit_cell(app, pilot, 1, "案件状态", "成功了")
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        shown = str(editor.query_one("#te-output", Static).render())
        if lang == "zh":
            # the cell dialog called it 第 1 行「奖励金额」: the message says the same, not the workbook's 第 3 行 H 列
            assert "规则第 1 行「奖励金额」" in shown and "8OO元" in shown, shown
            assert "示例第 2 行「案件状态」" in shown and "成功了" in shown, shown
            assert "第 3 行" not in shown and "H 列" not in shown, shown
        else:
            assert "Rules, row 1, reward" in shown and "Examples, row 2, status" in shown, shown
            assert "column H" not in shown and "规则" not in shown and "示例" not in shown, shown
        assert (draft.path / REWARD).read_bytes() == before
        # the cursor waits on the first bad cell, on its sheet
        assert editor.sheet == "规则"
        column = editor.grid.titles("规则").index("奖励金额")
        cursor = editor.query_one("#te-grid", DataTable).cursor_coordinate
        assert (cursor.row, cursor.column) == (0, column)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_key_the_table_editors_footer_shows_is_on_the_screen_at_80_columns(ledger, rules_dir, lang):
    from textual.widgets._footer import FooterKey

    new_draft(ledger, "narrow")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_reward_table(app, pilot)
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert keys
        for key in keys:  # none past the right edge, where Textual's footer cuts it or scrolls it away
            region = key.region
            assert region.width > 0 and region.right <= 80, (key.description, region)
        spans = sorted((key.region.x, key.region.right, key.description) for key in keys)
        for (_, right, said), (left, _, next_said) in zip(spans, spans[1:]):  # none drawn over another
            assert right <= left, (said, next_said, spans)
        shown = [key.description for key in keys]
        assert any(d in ("保存", "Save") for d in shown), shown
        if lang == "zh":
            assert not [d for d in shown if re.search("[A-Za-z]{3,}", d)], shown


async def test_in_english_a_condition_is_chosen_among_english_labels_and_kept_as_the_vocabularys(ledger, rules_dir):
    from textual.widgets import SelectionList

    from tiaojie.rules.table_sheet import read_spec

    draft = new_draft(ledger, "tiers")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_reward_table(app, pilot)
        editor = app.screen
        grid = editor.query_one("#te-grid", DataTable)
        column = editor.grid.titles("规则").index("纠纷程度")
        assert str(grid.get_cell_at((0, column))) == "major"  # the major tier's 重大, said in English
        grid.focus()
        grid.move_cursor(row=0, column=column)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ChoiceDialog"
        choices = app.screen.query_one("#te-choices", SelectionList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert "difficult" in prompts and not [p for p in prompts if re.search("[\u4e00-\u9fff]", p)], prompts
        choices.deselect_all()
        choices.select("疑难")
        await pilot.click("#te-choices-ok")
        await settle(app, pilot)
        assert str(grid.get_cell_at((0, column))) == "difficult"
        assert editor.grid.text("规则", 0, column) == "疑难"
        await pilot.press("s")
        await settle(app, pilot)
        spec, _ = read_spec(draft.path / REWARD)
        assert spec.rule[0].when["severity"] == "difficult"


async def test_escape_in_the_value_chooser_closes_the_chooser_only(ledger, rules_dir):
    new_draft(ledger, "tiers")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_reward_table(app, pilot)
        editor = app.screen
        grid = editor.query_one("#te-grid", DataTable)
        grid.focus()
        grid.move_cursor(row=0, column=editor.grid.titles("规则").index("纠纷程度"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is editor  # still editing, the cell as it was
        assert editor.grid.text("规则", 0, editor.grid.titles("规则").index("纠纷程度")) == "重大"
