"""The dividends screen shows the policy bound to the chosen collective and runs under it (金胜
under its own revenue share, not 禹王's policy); its CSV export has a header and totals."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input, OptionList, Select, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger.dividends import dividend_policies, list_runs  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def ledger(demo_ledger):  # noqa: ANN001, ANN201
    return demo_ledger


async def test_jinsheng_runs_under_its_own_policy_shown_before_the_run(ledger, rules_dir, tmp_path):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#div-collective", Select).value = "JS"
        await settle(app, pilot)
        shown = str(app.screen.query_one("#div-policy", Static).render())
        assert "revenue-share" in shown and "集体企业合作经营收益分成" in shown
        app.screen.query_one("#div-income", Input).value = "200000"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        run = list_runs(ledger, "JS", 2026)[-1]
        assert run.run_no == 2 and run.policy_id == "revenue-share"
        assert run.retained == Decimal("40000.00")  # 10% + 10%, not 禹王's 10% + 5%
        app.screen.query_one("#div-collective", Select).value = "YW"
        await settle(app, pilot)
        assert "collective-dividend" in str(app.screen.query_one("#div-policy", Static).render())
        out = tmp_path / "js.csv"
        app.screen.write_export(out, run)
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][0] == "成员号" and rows[-1][0] == "合计"
    assert Decimal(rows[-1][4]) == run.pool == sum(Decimal(r[4]) for r in rows[1:-1])


async def test_the_run_says_which_box_is_which_and_every_term_of_its_sum(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        labels = [str(label.render()) for label in app.screen.query(".field-label")]
        assert "其他收入（元）" in labels and "成本（元）" in labels  # still said once the boxes are filled
        app.screen.query_one("#div-collective", Select).value = "YW"
        await settle(app, pilot)
        app.screen.query_one("#div-income", Input).value = "300000"
        app.screen.query_one("#div-costs", Input).value = "20000"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        run = list_runs(ledger, "YW", 2026)[-1]
        said = str(app.screen.query_one("#div-summary", Static).render())
        assert "成本 20000.00" in said
        assert run.income - Decimal("20000") - run.retained == run.pool  # the sum the screen shows


def toasts(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


async def test_an_export_names_a_missing_folder_and_asks_before_replacing_a_file(ledger, rules_dir, tmp_path):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#div-collective", Select).value = "YW"
        await settle(app, pilot)
        run = app.screen.run_shown
        assert run is not None and run.policy_id == "collective-dividend"
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"
        assert app.screen.query_one("#exp-path", Input).value == "dividend-YW-2026.csv"
        missing = tmp_path / "no-such-folder"
        await type_into(app, pilot, "#exp-path", str(missing / "yw.csv"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"  # still open, the path still there
        error = app.screen.query_one("#exp-error", Static)
        assert f"文件夹「{missing}」不存在" in str(error.render()) and error.display
        assert not missing.exists()

        target = tmp_path / "yw.csv"
        target.write_text("kept")
        await type_into(app, pilot, "#exp-path", str(target))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.click("#confirm-no")
        await settle(app, pilot)
        assert target.read_text() == "kept" and type(app.screen).__name__ == "ExportDialog"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"
        assert f"已导出：{target.resolve()}" in toasts(app)
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][0] == "成员号" and rows[-1][0] == "合计" and Decimal(rows[-1][4]) == run.pool


async def test_an_export_the_system_refuses_is_named_not_a_traceback(ledger, rules_dir, tmp_path, monkeypatch):
    from tiaojie.ledger import dividend_export

    def refused(run, members, path, lang="zh"):  # noqa: ANN001, ANN202 - as a read-only folder or a full disk answers
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(dividend_export, "export_run", refused)
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await type_into(app, pilot, "#exp-path", str(tmp_path / "d.csv"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"无法写入「{tmp_path / 'd.csv'}」：Permission denied" in toasts(app)
        assert "意外错误" not in toasts(app) and type(app.screen).__name__ == "DividendScreen"


def footer_keys(app) -> dict[str, str]:  # noqa: ANN001
    return {key.key: key.description for key in app.screen.query("FooterKey")}


def policy_shown(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#div-policy", Static).render())


async def test_policy_staff_rebind_a_collective_and_the_screen_shows_the_new_policy(ledger, rules_dir):
    from tiaojie.ledger.audit import recent
    from tiaojie.ledger.dividends import collective

    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"
        assert footer_keys(app).get("p") == "更改分红政策" and "ctrl+r" not in footer_keys(app)  # they bind, not run
        app.screen.query_one("#div-collective", Select).value = "JS"
        await settle(app, pilot)
        assert "revenue-share" in policy_shown(app)
        await pilot.press("p")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "BindPolicyDialog"
        choices = dialog.query_one("#bind-policies", OptionList)
        offered = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert set(offered) == set(dividend_policies(ledger)) and {"collective-dividend", "revenue-share"} <= set(offered)
        assert "当前" in str(choices.get_option_at_index(offered.index("revenue-share")).prompt)
        choices.highlighted = offered.index("collective-dividend")
        await pilot.click("#bind-ok")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"
        assert "collective-dividend" in policy_shown(app) and "revenue-share" not in policy_shown(app)
        assert "金胜社区集体经济组织" in toasts(app) and "collective-dividend" in toasts(app)
    assert collective(ledger, "JS").policy_id == "collective-dividend"
    entry = next(e for e in recent(ledger, 5) if e.action == "collective.set_policy")
    assert entry.user_name == "policy"


async def test_a_clerk_is_told_why_the_binding_is_not_theirs_to_change(ledger, rules_dir):
    from tiaojie.ledger.dividends import collective

    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert "p" not in footer_keys(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"
        assert "当前角色「财务」不能使用「更改分红政策」" in toasts(app)
    assert collective(ledger, "JS").policy_id == "revenue-share"
