"""The policy staff's day in the terminal UI, on each database: signed in, they make a rule draft,
raise the major-dispute reward and add a tier in the table editor, see what it would change,
activate it — and the ledger then pays by the new rules, and the activation is in the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

pytest.importorskip("textual")

from textual.widgets import DataTable, Static  # noqa: E402

from tiaojie.ledger import audit  # noqa: E402
from tiaojie.ledger import periods as period_service  # noqa: E402
from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402
from tiaojie.ledger.drafts import ledger_drafts_dir  # noqa: E402
from tiaojie.ledger.rule_cache import rule_files  # noqa: E402
from tiaojie.rules.table_sheet import read_spec  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402
from .table_cells import choose, edit_cell  # noqa: E402

TODAY = dt.date(2026, 11, 20)  # the demo: 2026-01 closed, 2026-02 … 2026-11 open
REWARD = "mediation-reward-2026.toml"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):  # noqa: ANN001, ANN201 - drafts and the rule cache of this test alone
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def any_ledger(db_url, rules_dir):  # noqa: ANN001, ANN201
    ledger = open_ledger(db_url, rules_dir, today=TODAY)
    build_demo(ledger)
    yield ledger
    ledger.close()


def text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


def major_lines(ledger) -> dict[tuple[str, int], Decimal]:  # noqa: ANN001
    """(period, case) → what the reward policy gives each case its major-dispute tier judges, in
    every open period, as computing the period would pay it before ceilings."""
    found = {}
    for period in ledger_open_periods(ledger):
        for line in period_service.show(ledger, period).lines:
            if line.policy_id == "mediation-reward" and line.gross in (Decimal(500), Decimal(600)):
                found[(period, line.case_id)] = line.gross
    return found


def ledger_open_periods(ledger) -> list[str]:  # noqa: ANN001
    from tiaojie.ledger import views

    return [p.key for p in views.periods(ledger) if p.status != "closed"]


async def test_the_policy_staffs_day_draft_raise_add_a_tier_measure_activate(any_ledger, rules_dir):
    ledger = any_ledger
    before = {key: amount for key, amount in major_lines(ledger).items() if amount == Decimal(500)}
    assert before  # the demo has major disputes settled by the villages in open periods
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await sign_in(app, pilot, "policy")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RulesScreen"  # policy staff start on the rules

        # morning: a draft, made on the rules screen
        await pilot.press("d")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DraftDialog"
        await type_into(app, pilot, "#drafts-name", "2027")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RulesScreen"
        assert "草稿「2027」" in text(app, "#rules-status") and "未改动" in text(app, "#rules-status")
        draft = ledger_drafts_dir(ledger) / "2027"
        assert (draft / REWARD).is_file()

        # the reward table opened from the draft's policies
        policies = app.screen.query_one("#policies", DataTable)
        policies.focus()
        ids = [p.id for p in app.screen._shown_rules().book.all()]
        policies.move_cursor(row=ids.index("mediation-reward"))
        await settle(app, pilot)
        assert "奖励金额 = 500" in text(app, "#rules-detail")  # an output by its title, not its id
        assert str(policies.get_row_at(ids.index("mediation-reward"))[-1]) == REWARD  # a file of the draft
        await pilot.press("o")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TableEditor"

        # the major reward raised to 600, a tier for difficult disputes added above it at 300,
        # and the examples following the new amounts
        await edit_cell(app, pilot, 0, "奖励金额", "600")
        await pilot.press("n")
        await settle(app, pilot)
        for title, value in (("编号", "difficult"), ("标题", "成功调处疑难矛盾纠纷"), ("奖励金额", "300")):
            await edit_cell(app, pilot, 1, title, value)
        await choose(app, pilot, 1, "案件状态", ["调解成功"])
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
        assert "已保存到" in text(app, "#te-output") and "0 个失败" in text(app, "#te-output")
        spec, _ = read_spec(draft / REWARD)
        assert [r.id for r in spec.rule] == ["difficult", "major", "settled"]
        assert spec.rule[1].then == {"amount": 600} and spec.rule[0].then == {"amount": 300}
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RulesScreen"
        assert "已改动 1 个文件" in text(app, "#rules-status")
        assert policies.cursor_row == ids.index("mediation-reward")  # the policy edited stays chosen

        # what changed, and what it would change in the ledger
        await pilot.press("v")
        await settle(app, pilot)
        assert "处差别" in text(app, "#rules-output") and "600" in text(app, "#rules-output")
        await pilot.press("i")
        await settle(app, pilot)
        shown = text(app, "#rules-output")
        assert "mediation-reward" in shown and "草稿「2027」对已存案件的影响" in shown, shown
        assert ledger.is_activated_set()  # measuring changes nothing
        assert major_lines(ledger) == before

        # activation: the impact first, then the question
        await pilot.press("a")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        question = str(app.screen.query_one(".dialog-body", Static).render())
        assert "启用草稿「2027」" in question and "mediation-reward" in question
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert "已启用草稿「2027」为规则集" in text(app, "#rules-output"), text(app, "#rules-output")
        assert ledger.draft is None and ledger.is_activated_set()

    # the ledger pays by the new rules: each major dispute of an open period now earns 600
    after = major_lines(ledger)
    assert {key: after.get(key) for key in before} == {key: Decimal(600) for key in before}
    # and the activation is in the audit log, by the policy staff, with the draft's files
    entry = max((e for e in audit.recent(ledger) if e.action == "rules_activate"), key=lambda e: e.seq)
    assert entry.user_name == "policy"
    assert entry.after is not None
    assert entry.after["files"] == {f["filename"]: f["hash"] for f in rule_files(draft)}
    assert audit.verify(ledger).ok
