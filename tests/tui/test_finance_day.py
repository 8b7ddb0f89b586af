"""The clerk's day on the finance screen: the period box (typed, Enter, Ctrl+R), a screen that
never stays "computing…" or "working…", an export of the period shown that asks before replacing a
file and names a missing folder, and the adjustment dialog that picks the case and keeps what was
typed when the ledger refuses."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger import periods as period_service  # noqa: E402
from tiaojie.ledger import views  # noqa: E402
from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402
from tiaojie.ledger.dividends import collective, list_runs  # noqa: E402
from tiaojie.money import format_yuan  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, sign_in, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)  # the demo: 2026-01 closed, 2026-02 … 2026-11 open, 2026-11 still running


@pytest.fixture
def ledger(demo_ledger):  # noqa: ANN001, ANN201
    return demo_ledger


def status(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#fin-status", Static).render())


def toasts(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


def payee_rows(app) -> int:  # noqa: ANN001
    return app.screen.query_one("#fin-payees", DataTable).row_count


async def open_finance(app, pilot) -> None:  # noqa: ANN001
    await settle(app, pilot)
    assert type(app.screen).__name__ == "FinanceScreen"
    assert app.screen.report.period.key == "2026-11"  # the latest open period, shown first


async def test_enter_in_the_period_box_computes_the_typed_period(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        await type_into(app, pilot, "#fin-new", "2026-05")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-05"
        assert status(app).startswith("2026-05") and "正在计算" not in status(app)
        assert app.screen.query_one("#fin-new", Input).value == ""
        # the keys of the screen act now, not the box: `x` offers the period shown
        await pilot.press("x")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"
        assert app.screen.query_one("#exp-path", Input).value == "statement-2026-05.xlsx"


async def test_a_closed_period_typed_in_the_box_is_shown_as_paid_not_refused(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        await type_into(app, pilot, "#fin-new", "2026-01")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-01" and app.screen.report.period.status == "closed"
        assert "已关闭" not in toasts(app) and type(app.screen).__name__ == "FinanceScreen"
        assert app.screen.query_one("#fin-new", Input).value == ""


async def test_an_earlier_request_answered_late_does_not_replace_the_period_asked_for(ledger, rules_dir,
                                                                                    monkeypatch):
    from tui import ledger_api

    shown = ledger_api.show_period

    def slow_show(backend, key):  # noqa: ANN001, ANN202 - 2026-11 still being read when 2026-05 is asked for
        time.sleep(1.5)
        return shown(backend, key)

    monkeypatch.setattr(ledger_api, "show_period", slow_show)
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)  # the screen is up and reading 2026-11, the first period it shows
        await type_into(app, pilot, "#fin-new", "2026-05")
        await pilot.press("ctrl+r")
        await settle(app, pilot, delay=0.4)
        assert app.screen.report.period.key == "2026-05"
        assert status(app).startswith("2026-05")
        assert not app.screen.query_one("#fin-progress").display


async def test_a_refused_compute_leaves_computing_and_keeps_the_period_shown(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        rows = payee_rows(app)
        await type_into(app, pilot, "#fin-new", "2026-13")  # no such month: computing it is refused
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "2026-13" in toasts(app)
        assert "正在计算" not in status(app) and status(app).startswith("2026-11")
        assert app.screen.report.period.key == "2026-11" and payee_rows(app) == rows
        assert not app.screen.query_one("#fin-progress").display
        await type_into(app, pilot, "#fin-new", "2026-00")  # nor this one, asked with Enter
        await pilot.press("enter")
        await settle(app, pilot)
        assert "正在计算" not in status(app) and status(app).startswith("2026-11")


async def test_a_refused_close_leaves_working(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        await pilot.press("ctrl+l")  # 2026-11 is still running: it cannot be closed yet
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert "2026-11" in toasts(app)
        assert "处理中" not in status(app) and status(app).startswith("2026-11  状态：未关账")
        assert not app.screen.query_one("#fin-progress").display


async def test_an_export_names_a_missing_folder_and_asks_before_replacing(ledger, rules_dir, tmp_path):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        missing = tmp_path / "no-such-folder"
        await pilot.press("x")
        await settle(app, pilot)
        await type_into(app, pilot, "#exp-path", str(missing / "s.xlsx"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ExportDialog"  # still open, the path still there
        error = str(app.screen.query_one("#exp-error", Static).render())
        assert f"文件夹「{missing}」不存在" in error and app.screen.query_one("#exp-error").display
        assert "意外错误" not in error + toasts(app)

        target = tmp_path / "s.xlsx"
        target.write_text("kept")
        await type_into(app, pilot, "#exp-path", str(target))
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.click("#confirm-no")
        await settle(app, pilot)
        assert target.read_text() == "kept"  # not replaced; the dialog is back to choose another
        assert type(app.screen).__name__ == "ExportDialog"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FinanceScreen"
        assert target.read_bytes()[:2] == b"PK"  # an XLSX now
        assert f"已导出：{target.resolve()}" in toasts(app)


async def test_an_export_the_system_refuses_is_named_not_a_traceback(ledger, rules_dir, tmp_path, monkeypatch):
    from tui import ledger_api

    def refused(backend, key, path):  # noqa: ANN001, ANN202 - as a read-only folder or a full disk answers
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(ledger_api, "export_statement", refused)
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await type_into(app, pilot, "#exp-path", str(tmp_path / "s.csv"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"无法写入「{tmp_path / 's.csv'}」：Permission denied" in toasts(app)
        assert "意外错误" not in toasts(app) and "处理中" not in status(app)


async def choose_period(app, pilot, key: str) -> None:  # noqa: ANN001
    await type_into(app, pilot, "#fin-new", key)
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.screen.report.period.key == key


async def test_the_adjustment_dialog_finds_the_case_by_number_and_keeps_input_when_refused(ledger, rules_dir):
    january = period_service.show(ledger, "2026-01")
    numbers = views.case_numbers(ledger, [line.case_id for line in january.lines])
    payee = "南矿社区·村委会"  # three cases in January: the dialog must not take the first of them
    wanted = sorted(line.case_id for line in january.lines if line.payee == payee)[-1]
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        app.screen.query_one("#fin-period", Select).value = "2026-01"  # a closed period, shown as paid
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-01"
        payees = app.screen.query_one("#fin-payees", DataTable)
        payees.move_cursor(row=payees.get_row_index(payee))
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "AdjustDialog"
        assert dialog.query_one("#adj-period", Input).value == "2026-11"  # the latest open period
        await type_into(app, pilot, "#adj-search", numbers[wanted])
        await pilot.press("enter")
        await settle(app, pilot)
        assert dialog.chosen == wanted
        assert numbers[wanted] in str(dialog.query_one("#adj-case", Static).render())
        await type_into(app, pilot, "#adj-amount", "-30")
        await type_into(app, pilot, "#adj-reason", "协议未履行 追回部分奖励")
        await type_into(app, pilot, "#adj-period", "2026-01")  # closed: refused in the ledger's words
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "调整只能登记在未关闭的期间；2026-01 已关闭" in str(dialog.query_one("#adj-error", Static).render())
        assert dialog.values() == {"search": numbers[wanted], "amount": "-30", "reason": "协议未履行 追回部分奖励",
                                   "period": "2026-01"}
        assert dialog.chosen == wanted

        await type_into(app, pilot, "#adj-reason", "")
        await type_into(app, pilot, "#adj-period", "2026-11")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog and "调整必须说明原因" in str(dialog.query_one("#adj-error", Static).render())

        await type_into(app, pilot, "#adj-reason", "协议未履行")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FinanceScreen"
        assert "已记录调整 -30.00 元" in toasts(app)
    november = period_service.show(ledger, "2026-11")
    assert [(a.case_id, a.amount, a.reason) for a in november.adjustments] == [(wanted, Decimal("-30.00"), "协议未履行")]


async def test_on_an_open_period_the_dialog_offers_the_cases_closed_periods_paid(ledger, rules_dir):
    """November is open: an adjustment corrects money paid, so the dialog offers the cases the
    closed period (January) paid, not November's unpaid ones; a number that names none of them
    leaves no case chosen — nothing is booked on the case chosen before."""
    paid = period_service.show(ledger, "2026-01")
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_finance(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "AdjustDialog"
        options = dialog.query_one("#adj-cases")
        offered = {int(str(options.get_option_at_index(i).id)) for i in range(options.option_count)}
        assert offered == {line.case_id for line in paid.lines}
        assert "(2026-01)" in str(options.get_option_at_index(0).prompt)
        assert dialog.query_one("#adj-period", Input).value == "2026-11"
        first = views.case_detail(ledger, next(iter(offered))).case
        await type_into(app, pilot, "#adj-search", first.number)
        assert dialog.chosen == first.id
        await type_into(app, pilot, "#adj-search", first.number + "9")  # names no case paid
        assert dialog.chosen is None
        assert "请先选择要调整的案件" in str(dialog.query_one("#adj-case", Static).render())
        await type_into(app, pilot, "#adj-amount", "-30")
        await type_into(app, pilot, "#adj-reason", "多发")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog and "请先选择要调整的案件" in str(dialog.query_one("#adj-error", Static).render())
        assert dialog.values()["amount"] == "-30" and dialog.values()["reason"] == "多发"
    assert period_service.show(ledger, "2026-11").adjustments == []


@pytest.fixture
def demo_store(db_url: str, rules_dir: Path) -> str:
    led = open_ledger(db_url, rules_dir, today=TODAY)
    build_demo(led)
    led.close()
    return db_url


async def test_the_clerks_day_compute_adjust_close_export(demo_store, rules_dir, tmp_path):
    """Signed in as the clerk: compute October, correct a January case in it, close it, export it;
    then run both collectives' dividends, each under its own policy."""
    app = make_app(store=demo_store, today=TODAY, sign_in_as="clerk")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "clerk")
        await pilot.press("f3")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FinanceScreen"
        await choose_period(app, pilot, "2026-10")
        computed = app.screen.report.total

        app.screen.query_one("#fin-period", Select).value = "2026-01"
        await settle(app, pilot)
        assert app.screen.report.period.key == "2026-01"
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        case_id = dialog.chosen
        assert case_id is not None
        await type_into(app, pilot, "#adj-amount", "-20.50")
        await type_into(app, pilot, "#adj-reason", "更正")
        await type_into(app, pilot, "#adj-period", "2026-10")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FinanceScreen"

        await choose_period(app, pilot, "2026-10")
        assert app.screen.report.total == computed - Decimal("20.50")
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert "2026-10 已关账" in toasts(app)
        assert status(app).startswith("2026-10  状态：已关账") and "处理中" not in status(app)

        await pilot.press("x")
        await settle(app, pilot)
        target = tmp_path / "october.csv"
        await type_into(app, pilot, "#exp-path", str(target))
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"已导出：{target.resolve()}" in toasts(app)

        # the year's dividends: each collective runs under the policy bound to it, to the fen
        await pilot.press("f4")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DividendScreen"
        for code, policy, income in (("YW", "collective-dividend", ""), ("JS", "revenue-share", "200000")):
            app.screen.query_one("#div-collective", Select).value = code
            await settle(app, pilot)
            assert policy in str(app.screen.query_one("#div-policy", Static).render())
            await type_into(app, pilot, "#div-income", income)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            run = app.screen.run_shown
            assert (run.run_no, run.policy_id) == (2, policy)  # the demo made the first
            allocations = app.screen.query_one("#div-allocations", DataTable)
            assert allocations.row_count == len(run.allocations) + 1
            assert str(allocations.get_row_at(allocations.row_count - 1)[-1]) == format_yuan(run.pool)
            assert f"已保存 {code} 2026 年分红，可分配 {format_yuan(run.pool)} 元" in toasts(app)
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("2026-10") and "更正" in text and "-20.50" in text
    led = open_ledger(demo_store, rules_dir, today=TODAY)
    try:
        october = period_service.show(led, "2026-10")
        assert october.period.status == "closed" and october.total == computed - Decimal("20.50")
        assert [(a.case_id, a.amount) for a in october.adjustments] == [(case_id, Decimal("-20.50"))]
        ran = {code: list_runs(led, code, 2026)[-1] for code in ("YW", "JS")}
        assert {code: run.policy_id for code, run in ran.items()} == {
            code: collective(led, code).policy_id for code in ran} == {"YW": "collective-dividend", "JS": "revenue-share"}
        for run in ran.values():
            assert run.run_no == 2 and run.pool > 0 and run.leftover == 0
            assert sum((a.amount for a in run.allocations), Decimal("0.00")) == run.pool  # to the fen
    finally:
        led.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_payee_column_is_on_screen_and_clear_of_the_cases_panel(ledger, rules_dir, size):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=size) as pilot:
        await open_finance(app, pilot)
        screen = app.screen
        table = screen.query_one("#fin-payees", DataTable)
        assert table.max_scroll_x == 0
        inside = table.scrollable_content_region
        x = inside.x
        for key, column in table.columns.items():
            width = column.get_render_width(table)
            assert x + width <= inside.right, f"column {key} cut at {size}"
            shown, _ = screen.get_widget_at(x + width // 2, inside.y)
            assert shown is table, f"{key} at {size} is covered by {shown}"
            x += width
        lines = screen.query_one("#fin-lines", DataTable)
        assert not lines.region.overlaps(table.region) and lines.region.height >= 5


async def test_the_adjustment_dialog_fits_an_80_by_24_terminal(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_finance(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "AdjustDialog"
        first = dialog.query_one("#adj-cases").get_option_at_index(0).prompt
        assert "(2026-01)" in str(first)  # a case the closed period paid
        for selector in ("#adj-search", "#adj-cases", "#adj-amount", "#adj-reason", "#adj-period", "#adj-ok"):
            widget = dialog.query_one(selector)
            region = widget.region
            assert region.bottom <= 24 and region.height >= 1, selector
            shown, _ = dialog.get_widget_at(region.x + region.width // 2, region.y)
            assert shown is widget or widget in shown.ancestors, f"{selector} is not on screen"
