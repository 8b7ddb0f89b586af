"""规则: policy staff open or make a rule draft (a copy of the activated set in their data
directory, never the live rules folder), change it, check it, see its impact and activate it."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, Static  # noqa: E402

from tiaojie.ledger.bootstrap import create_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402
from tiaojie.ledger.drafts import ledger_drafts_dir  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import TODAY, settle, type_into  # noqa: E402
from .table_cells import choose, edit_cell  # noqa: E402

MAJOR = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"}
REWARD = "mediation-reward-2026.toml"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def _text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_a_draft_is_made_changed_checked_measured_and_activated(tmp_path, rules_dir):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    live = (rules_dir / REWARD).read_text(encoding="utf-8")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            assert "按 d 打开或新建规则草稿" in _text(app, "#rules-status")
            await pilot.press("d")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "DraftDialog"
            assert "还没有草稿" in _text(app, "#drafts-list-empty")

            # a name that cannot be a folder is refused in the dialog, and what was typed stays
            await type_into(app, pilot, "#drafts-name", "a/b")
            await pilot.press("enter")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "DraftDialog"
            assert "草稿名「a/b」不可用" in _text(app, "#drafts-error")
            assert app.screen.query_one("#drafts-name", Input).value == "a/b"

            await type_into(app, pilot, "#drafts-name", "raise")
            await pilot.press("enter")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "RulesScreen"
            draft = ledger_drafts_dir(ledger) / "raise"
            assert "草稿「raise」" in _text(app, "#rules-status") and "未改动" in _text(app, "#rules-status")
            assert str(draft) in _text(app, "#rules-status")

            # policy staff raise the major reward in the draft; the live folder is not touched
            path = draft / REWARD
            path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }")
                            .replace("amount = 500,", "amount = 600,"), encoding="utf-8")
            await pilot.press("r")
            await settle(app, pilot)
            assert "已重新读取草稿" in _text(app, "#rules-output")
            assert "已改动 1 个文件" in _text(app, "#rules-status")
            await pilot.press("v")  # what the draft changed, against the activated set
            await settle(app, pilot)
            assert "处差别" in _text(app, "#rules-output") and "600" in _text(app, "#rules-output")
            await pilot.press("c")
            await settle(app, pilot)
            assert "检查通过" in _text(app, "#rules-output")
            await pilot.press("t")
            await settle(app, pilot)
            assert "0 个失败" in _text(app, "#rules-output")
            assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "500.00"

            # activation shows the impact first, then asks
            await pilot.press("a")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "ConfirmDialog"
            question = str(app.screen.query_one(".dialog-body", Static).render())
            assert "启用草稿「raise」" in question and "mediation-reward" in question
            await pilot.click("#confirm-yes")
            await settle(app, pilot)
            assert "已启用草稿「raise」为规则集" in _text(app, "#rules-output")
            assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "600.00"
            assert ledger.draft is None and ledger.is_activated_set()
            assert (rules_dir / REWARD).read_text(encoding="utf-8") == live

            # the draft made is offered the next time
            await pilot.press("d")
            await settle(app, pilot)
            assert "raise" in str(app.screen.query_one("#drafts-list").render_line(0).text)
            await pilot.press("escape")
    finally:
        ledger.close()


async def test_a_broken_draft_shows_its_errors_and_the_rules_in_force_stay(tmp_path, rules_dir):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    from tiaojie.ledger.drafts import new_draft

    draft = new_draft(ledger, "broken")
    path = draft.path / REWARD
    lines = path.read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(lines, 1) if line.startswith("then = { amount = 500 }"))
    lines[line_no - 1] = 'then = { amount = "五百" }'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            before = app.backend.rules
            await pilot.press("d")
            await settle(app, pilot)
            await pilot.press("enter")  # the highlighted draft opens
            await settle(app, pilot)
            shown = _text(app, "#rules-output")
            assert f"{REWARD}:{line_no}" in shown and "草稿有 1 处错误" in shown
            await pilot.press("a")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "RulesScreen"  # nothing to ask: it does not read
            assert app.backend.rules is before
    finally:
        ledger.close()


async def test_a_tier_is_added_in_the_table_editor_and_saved_through_the_writer(tmp_path, rules_dir):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    from tiaojie.ledger.drafts import new_draft
    from tiaojie.rules.table_sheet import read_spec

    draft = new_draft(ledger, "tiers")
    before = (draft.path / REWARD).read_bytes()
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("o")  # no draft open yet: said
            await settle(app, pilot)
            assert type(app.screen).__name__ == "RulesScreen"
            await pilot.press("d")
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            from textual.widgets import DataTable

            policies = app.screen.query_one("#policies", DataTable)
            policies.focus()
            ids = [p.id for p in app.screen._shown_rules().book.all()]
            policies.move_cursor(row=ids.index("mediation-reward"))
            await pilot.press("o")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "TableEditor"
            assert "奖励金额" in str(app.screen.query_one("#te-grid", DataTable).columns[
                list(app.screen.query_one("#te-grid", DataTable).columns)[-1]].label)

            # a bad condition is refused at its cell, and nothing is written
            await edit_cell(app, pilot, 0, "纠纷程度", "特大")
            await pilot.press("s")
            await settle(app, pilot)
            shown = _text(app, "#te-output")
            assert "未保存" in shown and "规则第 1 行「纠纷程度」" in shown and "特大" in shown
            assert (draft.path / REWARD).read_bytes() == before

            # the major reward raised, a tier added above it, the examples following
            await edit_cell(app, pilot, 0, "纠纷程度", "重大")  # a value not among the labels is typed again
            await edit_cell(app, pilot, 0, "奖励金额", "600")
            await pilot.press("n")
            await settle(app, pilot)
            for title, text in (("编号", "difficult"), ("标题", "成功调处疑难矛盾纠纷"), ("奖励金额", "300")):
                await edit_cell(app, pilot, 1, title, text)
            await choose(app, pilot, 1, "案件状态", ["调解成功"])  # conditions chosen from the vocabulary's labels
            await choose(app, pilot, 1, "纠纷程度", ["疑难"])
            await choose(app, pilot, 1, "调处主体", ["村委会", "村小组", "调委会"])
            app.screen.query_one("#te-grid", DataTable).move_cursor(row=1, column=0)
            await pilot.press("ctrl+up")
            await settle(app, pilot)
            await pilot.press("g")
            await settle(app, pilot)
            for row in (0, 2):
                await edit_cell(app, pilot, row, "奖励金额", "600")
            await pilot.press("s")
            await settle(app, pilot)
            assert "已保存到" in _text(app, "#te-output") and "0 个失败" in _text(app, "#te-output")
            spec, text = read_spec(draft.path / REWARD)
            assert [r.id for r in spec.rule] == ["difficult", "major", "settled"]
            assert spec.rule[1].then == {"amount": 600} and spec.rule[0].then == {"amount": 300}
            assert spec.rule[0].when == {"status": "settled", "severity": "difficult",
                                         "settled_by": ["village_committee", "village_group", "mediation_committee"]}
            assert text.startswith("# 人民调解“以奖代补”")
            await pilot.press("escape")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "RulesScreen"
            assert "已改动 1 个文件" in _text(app, "#rules-status")
            reward = next(p for p in app.screen._shown_rules().book.all() if p.id == "mediation-reward")
            assert [r.id for r in reward.rows] == ["difficult", "major", "settled"]

            # unsaved changes: closing asks first
            app.screen.query_one("#policies", DataTable).move_cursor(row=ids.index("mediation-reward"))
            await pilot.press("o")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "TableEditor"
            await settle(app, pilot)
            await pilot.press("n")
            await pilot.press("escape")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "ConfirmDialog"
            await pilot.click("#confirm-no")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "TableEditor"
    finally:
        ledger.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_at_80_columns_the_policy_staffs_draft_keys_are_in_the_footer_and_the_palette(tmp_path, rules_dir, lang):
    """The draft, the table editor and the impact are the policy staff's work on this screen: their
    keys come first, so the footer keeps them on an 80-column terminal, and the palette lists
    every key of the screen."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang=lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            shown = {key for key, active in app.screen.active_bindings.items() if active.binding.show}
            assert {"d", "o", "i"} <= shown, shown
            from tui.strings import tr

            offered = {command.title for command in app._screen_key_commands(app.screen)}
            assert {tr(k, lang) for k in ("r_drafts", "te_open", "r_impact", "r_diff", "r_activate", "r_check")} <= offered

            # the draft chooser's title is read whole: wrapped inside the dialog, never cut at its edge
            await pilot.press("d")
            await settle(app, pilot)
            from rich.cells import cell_len

            title = app.screen.query_one(".dialog-title")
            box = app.screen.query_one("#drafts-box")
            assert title.region.right <= box.content_region.right
            assert title.size.width * title.size.height >= cell_len(tr("r_drafts_title", lang))
    finally:
        ledger.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_table_editors_footer_speaks_the_ui_language_and_fits_80_columns(tmp_path, rules_dir, lang):
    import re

    from textual.widgets import DataTable

    from tiaojie.ledger.drafts import new_draft

    from tui.footer_fit import key_width

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    new_draft(ledger, "narrow")
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules", lang=lang)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("d")
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            ids = [p.id for p in app.screen._shown_rules().book.all()]
            app.screen.query_one("#policies", DataTable).move_cursor(row=ids.index("mediation-reward"))
            await pilot.press("o")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "TableEditor"
            bindings = app.screen.active_bindings
            shown = [(app.get_key_display(a.binding), a.binding.description)
                     for key, a in bindings.items() if a.binding.show or key == app.COMMAND_PALETTE_BINDING]
            assert ("s", "保存" if lang == "zh" else "save") in shown or lang == "en", shown
            if lang == "zh":
                assert not [d for _, d in shown if re.search("[A-Za-z]{3,}", d)], shown  # no "palette"
            assert sum(key_width(k, d) for k, d in shown) + 1 <= 80, shown
            assert "f6" not in [k for k, _ in shown]  # the editor is the rules screen's: its F-key leads nowhere
            # the columns are headed in the UI's language (the workbook's own headings are Chinese)
            labels = [str(c.label) for c in app.screen.query_one("#te-grid", DataTable).columns.values()]
            if lang == "en":
                assert not [h for h in labels if re.search("[\u4e00-\u9fff]", h)], labels
                assert "rule·id" in labels and "output·reward" in labels, labels
            else:
                assert "规则·编号" in labels and "结果·奖励金额" in labels, labels
    finally:
        ledger.close()
