"""The ledger-backed screens, driven through the app factory on a temporary demo database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static

pytest.importorskip("tiaojie.ledger", reason="the ledger is not installed here")
pytest.importorskip("sqlalchemy")

from tiaojie.ledger import periods as period_service  # noqa: E402
from tiaojie.ledger import views  # noqa: E402

from tui.app import make_app  # noqa: E402
from tui.strings import tr  # noqa: E402

from .conftest import fill, settle, sign_in  # noqa: E402
from .table_cells import cells_by_key, rows_by_key  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def ledger(demo_ledger):  # noqa: ANN001, ANN201
    return demo_ledger


def notes(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


def text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_a_settled_major_case_saved_from_the_form_appears_in_the_ledger(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert app.offered == ["entry", "ledger", "banquets", "stats", "village", "claims"]
        screen = app.screen
        await pilot.press(*"TUI-0001")
        fill(screen, parties="[/x]、王五", category="neighbour", severity="major", status="settled",
             settled_by="village_committee", received_on="2026-11-02", settled_on="2026-11-18")
        await settle(app, pilot)
        assert "500.00" in text(app, "#live-reward")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "TUI-0001" in notes(app) and "500.00" in notes(app)
        stored = views.get_case(ledger, ledger_unit(ledger, "med01"), "TUI-0001")
        assert stored.parties == ["[/x]", "王五"] and stored.status == "settled"

        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one("#flt-severity", Select).value = "major"  # find it as a person would
        app.screen.query_one("#flt-category", Select).value = "neighbour"
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        rows = rows_by_key(table)
        mine = next(r for r in rows if r["number"] == "TUI-0001")
        assert mine["parties"] == "[/x]、王五"  # literal, not markup
        assert mine["reward"] == "500.00"
        # the detail opens with the outcome and its explanation
        table.move_cursor(row=rows.index(mine))
        await pilot.press("enter")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        assert "TUI-0001" in detail and "成功调处重大矛盾纠纷" in detail
        assert "人民调解以奖代补 2026.1" in detail and "矛盾纠纷分级处置 2026.1" in detail  # titles, not ids
        await pilot.press("escape")


def ledger_unit(ledger, user_name: str) -> int:  # noqa: ANN001
    with ledger.uow() as uow:
        return uow.users.by_name(user_name).unit_id


async def test_ledger_filters_pages_and_marks_overdue(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="ledger")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        assert app.current_mode == "ledger"
        line = text(app, "#page-line")
        total = int(line.split("共")[1].split("件")[0].strip())
        assert total == len(views.list_cases(ledger))
        first_page = [row["number"] for row in rows_by_key(app.screen.query_one("#cases", DataTable))[:3]]
        oldest = [c.number for c in sorted(views.list_cases(ledger), key=lambda c: (c.received_on, c.id))[:3]]
        assert first_page == oldest  # the ledger reads in order of receipt
        await pilot.press("n")
        await settle(app, pilot)
        assert text(app, "#page-line").startswith("第 2/")
        # a click on a column header sorts by it; again reverses
        await pilot.click("#cases", offset=(2, 0))
        await settle(app, pilot)
        assert text(app, "#page-line").startswith("第 1/")
        app.screen.query_one("#flt-status", Select).value = "failed"
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert table.row_count == len(views.list_cases(ledger, status="failed"))
        assert all(row["status"] == "调解不成" for row in rows_by_key(table))
        # settled cases added in bulk have no stored outcome: the table shows what the rules pay
        app.screen.query_one("#flt-status", Select).value = "settled"
        await settle(app, pilot)
        settled = {c.number: c for c in views.list_cases(ledger, status="settled")}
        codes = views.unit_codes(ledger)
        shown = rows_by_key(table)
        assert shown and all(row["reward"] for row in shown)
        for row in shown:
            case = settled[row["number"]]
            data = ledger.projection.case_input(case, codes.get(case.unit_id), "reward")
            expect = ledger.rules.evaluate("mediation-reward", data, TODAY).outputs["amount"]
            assert row["reward"] == f"{expect:.2f}", row
        assert {"200.00", "500.00"} <= {row["reward"] for row in shown}
        table.move_cursor(row=[row["reward"] for row in shown].index("200.00"))
        await pilot.press("enter")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#detail-text", Static).render())
        assert "未存结果，按现行规则计算" in detail and "奖励金额 200.00 元" in detail
        await pilot.press("escape")
        await settle(app, pilot)
        app.screen.query_one("#flt-status", Select).clear()
        app.screen.query_one("#flt-overdue", Checkbox).value = True
        await settle(app, pilot)
        overdue = views.list_cases(ledger, overdue=True, as_of=TODAY)
        assert table.row_count == min(100, len(overdue))
        assert overdue, "the demo ledger has overdue cases"
        overdue_days = cells_by_key(table, 0)["overdue"]
        assert overdue_days.style == "bold red" and "天" in str(overdue_days)


async def test_closing_a_period_then_editing_one_of_its_cases_is_refused(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="admin", today=TODAY, start="finance")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#fin-new", Input).value = "2026-03"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "2026-03 已计算" in notes(app)
        assert app.screen.query_one("#fin-payees", DataTable).row_count > 1
        await pilot.click("#fin-close")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert "2026-03 已关账" in notes(app)
        assert period_service.show(ledger, "2026-03").period.status == "closed"

        # a case settled in March: open it from the ledger for editing and try to save a change
        march = next(c for c in views.list_cases(ledger, period="2026-03") if c.settled_on
                     and c.settled_on.month == 3 and c.status == "settled")
        await pilot.press("f1")
        await settle(app, pilot)
        entry = app.screen
        entry.load_case(march)
        await settle(app, pilot)
        entry.query_one("#f-summary", Input).value = "改动"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "已关闭" in notes(app) or "closed" in notes(app)
        assert views.get_case(ledger, march.unit_id, march.number).summary == march.summary
        assert app.is_running


async def test_finance_adjustment_and_export_match_the_statement(ledger, rules_dir, tmp_path):
    from openpyxl import load_workbook

    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#fin-period", Select).value = "2026-05"
        await settle(app, pilot)
        payees = screen.query_one("#fin-payees", DataTable)
        assert payees.row_count > 1
        before = period_service.show(ledger, "2026-05").total
        # adjustment on the first case of the first payee paid in January (closed), booked in May, with a reason
        screen.query_one("#fin-period", Select).value = "2026-01"
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        dialog.query_one("#adj-amount", Input).value = "-50"
        dialog.query_one("#adj-reason", Input).value = "回访发现协议未履行"
        dialog.query_one("#adj-period", Input).value = "2026-05"
        await pilot.click("#adj-ok")
        await settle(app, pilot)
        assert period_service.show(ledger, "2026-05").total == before - Decimal(50)
        screen.query_one("#fin-period", Select).value = "2026-05"
        await settle(app, pilot)
        # export to a chosen path
        target = tmp_path / "may.xlsx"
        await pilot.press("x")
        await settle(app, pilot)
        app.screen.query_one("#exp-path", Input).value = str(target)
        await pilot.click("#exp-ok")
        await settle(app, pilot)
        assert target.is_file() and "已导出" in notes(app)
    # the CLI's statement of the same period, from the same database
    from typer.testing import CliRunner

    from tiaojie.cli import app as cli

    reference = tmp_path / "ref.xlsx"
    url = str(ledger.engine.url)
    done = CliRunner().invoke(cli, ["statement", "2026-05", "--format", "xlsx", "-o", str(reference), "--db", url])
    assert done.exit_code == 0, done.output

    def totals(path):  # noqa: ANN001, ANN202
        book = load_workbook(path)
        return [[c for c in row] for sheet in book for row in sheet.iter_rows(values_only=True) if row and row[0] == "合计"]

    assert totals(target) == totals(reference)
    assert any(Decimal(str(row[-1])) == before - Decimal(50) for row in totals(target) if row[-1] is not None)


async def test_statistics_and_chart(ledger, rules_dir):
    from tiaojie.ledger.stats import compute_stats

    app = make_app(rules=rules_dir, ledger=ledger, user="admin", today=TODAY, start="stats")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        total = compute_stats(ledger, by="category")[-1]
        summary = text(app, "#st-summary")
        assert f"共受理 {total.received} 件" in summary and f"{total.rate}%" in summary
        assert f"已发放 {total.paid:.2f} 元" in summary and f"待发放 {total.due:.2f} 元" in summary
        assert total.due > total.paid > 0  # the demo closed one month; the rest is still due
        chart = app.screen.query_one("#st-chart")
        assert len(chart.rows) == len(compute_stats(ledger, by="month")) - 1
        assert "█" in str(chart.render())
        app.screen.query_one("#st-by", Select).value = "unit"
        await settle(app, pilot)
        assert app.screen.query_one("#st-table", DataTable).row_count == len(compute_stats(ledger, by="unit"))


async def test_banquet_filing_is_stored_with_its_violations(ledger, rules_dir):
    from tiaojie.ledger.banquets import list_filings

    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="banquets")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        before = len(list_filings(ledger))
        screen = app.screen
        screen.query_one("#b-household", Input).value = "[b]李四"
        screen.query_one("#b-occasion", Select).value = "birthday"
        screen.query_one("#b-date", Input).value = "2026-12-01"
        screen.query_one("#b-days", Input).value = "2"
        screen.query_one("#b-tables", Input).value = "25"
        screen.query_one("#b-gift", Input).value = "200"
        await settle(app, pilot)
        verdict = text(app, "#banquet-verdict")
        assert "4 项违规" in verdict and "超过上限 100 元" in verdict
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        filings = list_filings(ledger)
        assert len(filings) == before + 1
        mine = next(f for f in filings if f.household == "[b]李四")
        assert len(mine.violations) == 4


async def test_dividend_run_is_stored_and_allocations_sum_to_the_pool(ledger, rules_dir):
    from tiaojie.ledger.dividends import list_runs

    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="dividends")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        code = app.screen.query_one("#div-collective", Select).value
        before = len(list_runs(ledger, code, 2026))
        app.screen.query_one("#div-income", Input).value = "12345.67"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        runs = list_runs(ledger, code, 2026)
        assert len(runs) == before + 1
        run = runs[-1]
        table = app.screen.query_one("#div-allocations", DataTable)
        assert table.row_count == len(run.allocations) + 1
        assert str(table.get_row_at(table.row_count - 1)[2]) == f"{run.pool - run.leftover:.2f}"


async def test_rules_impact_before_reload_then_activation(ledger, rules_dir):
    from tiaojie.ledger.audit import recent
    from tiaojie.ledger.impact import impact
    from tiaojie.rules.service import open_rules

    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        path = rules_dir / "mediation-reward-2026.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }"),
                        encoding="utf-8")
        expected = impact(ledger, open_rules(rules_dir)).policies["mediation-reward"]
        assert expected.changed > 0 and expected.delta == 100 * expected.changed
        await pilot.press("i")
        await settle(app, pilot)
        out = str(app.screen.query_one("#rules-output", Static).render())
        assert f"变化 {expected.changed} 件" in out and f"+{expected.delta:.2f}" in out
        assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "500.00"

        # a draft whose examples fail is refused, and the rules in force stay
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        out = str(app.screen.query_one("#rules-output", Static).render())
        assert "未启用" in out and "mediation-reward-2026.toml:" in out and "示例" in out
        assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "500.00"

        # with its examples brought up to date: activation, behind a confirmation, audited, in force
        path.write_text(path.read_text(encoding="utf-8").replace("expect = { amount = 500", "expect = { amount = 600"),
                        encoding="utf-8")
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        out = str(app.screen.query_one("#rules-output", Static).render())
        assert "已启用规则集" in out, out
        assert app.backend.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "600.00"
        assert ledger.rules.evaluate("mediation-reward", MAJOR).to_json()["outputs"]["amount"] == "600.00"
        assert any(entry.action == "rules_activate" and entry.user_name == "policy" for entry in recent(ledger, 10))


MAJOR = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"}


async def test_sign_in_when_no_user_given(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "clerk")
        assert app.backend.user.name == "clerk"
        assert "finance" in app.offered and "entry" not in app.offered
        assert app.current_mode == "finance"  # a clerk's day starts on the finance screen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_ledger_screen_at_small_and_large_sizes(ledger, rules_dir, size):
    from tui.app import SCREEN_KEYS

    app = make_app(rules=rules_dir, ledger=ledger, user="admin", today=TODAY)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert app.offered == ["entry", "ledger", "finance", "dividends", "banquets", "rules", "stats", "village", "claims"]
        for screen_id in app.offered:
            await pilot.press(SCREEN_KEYS[screen_id])
            await settle(app, pilot, 0.1)
            assert app.current_mode == screen_id and app.is_running
            for widget in app.screen.query("Button, Input, Select, DataTable"):
                if widget.display and widget.region.width:
                    assert widget.region.right <= size[0], (screen_id, widget)  # nothing off to the right


async def test_user_data_with_brackets_in_selects_and_titles(ledger, rules_dir):
    from tiaojie.ledger import access

    admin = access.resolve_user(ledger, "admin")
    access.add_unit(ledger, admin, "X-01", "[/x]村[b]", "village", "LSJ-01")
    access.add_user(ledger, admin, "[b]med", "mediator", "X-01", password="tiaojie-demo")
    app = make_app(rules=rules_dir, ledger=ledger, user="admin", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        unit = app.screen.query_one("#f-unit", Select)
        unit.value = "X-01"
        await settle(app, pilot)
        assert app.is_running
    app = make_app(rules=rules_dir, ledger=ledger, today=TODAY)  # the name is taken as typed
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "[b]med")
        assert app.backend.user.name == "[b]med" and app.is_running
        assert "[/x]村[b]" in app.screen.sub_title


async def test_the_live_panel_shows_what_saving_stores(ledger, rules_dir):
    """Every line of the stored outcomes' explanations — near misses too, e.g. an unchecked box
    read as "no" — is in the live panel the mediator saw before saving."""
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        fill(screen, number="TUI-LIVE", parties="甲、乙", category="contract", severity="difficult",
             status="mediating", received_on="2026-11-02", persons_involved="12")
        await settle(app, pilot)
        live = text(app, "#live-why")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    stored = views.get_case(ledger, ledger_unit(ledger, "med01"), "TUI-LIVE")
    outcomes = views.case_detail(ledger, stored.id).outcomes
    lines = [line["zh"] for outcome in outcomes for line in outcome.explanation]
    assert any("需核实情况为否" in line for line in lines)
    missing = [line for line in lines if line not in live]
    assert not missing, missing


async def test_a_village_mediator_sees_reward_and_overdue_whole_at_80_columns(ledger, rules_dir):
    """At 80 columns, in Chinese and in English (whose titles are wider), the case number, its
    status, the overdue days and the reward are on the screen without scrolling sideways; one
    unit's user has it in the header, so no unit column takes their room."""

    def right_edges(table: DataTable) -> dict[str, int]:
        edges, x = {}, table.scrollable_content_region.x
        for column in table.ordered_columns:
            x += column.get_render_width(table)
            edges[str(column.key.value)] = x
        return edges

    for lang in ("zh", "en"):
        app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            table = app.screen.query_one("#cases", DataTable)
            assert "unit" not in table.columns
            edges, seen = right_edges(table), min(table.scrollable_content_region.right, 80)
            assert all(edges[key] <= seen for key in ("number", "status", "overdue", "reward")), (lang, edges, seen)
            head = table.render_line(0).text
            assert tr("col_overdue", lang) in head and tr("col_reward", lang) in head, (lang, head)
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="ledger")
    async with app.run_test(size=(80, 24)) as pilot:  # who sees several units keeps the column
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        assert "unit" in table.columns
        assert right_edges(table)["reward"] <= min(table.scrollable_content_region.right, 80)


def test_a_long_list_of_parties_is_cut_with_the_count_in_either_language():
    from tui.screens.ledger import short_parties

    names = ["胡桂桂", "谢文", "陈平娟", "董飞"]
    assert short_parties(names, "zh") == "胡桂桂、谢…等4人"
    assert short_parties(["Li Na", "Zhang Wei", "Wang Fang", "Liu Yang"], "en") == "Li Na, Zhan… (4)"
    assert short_parties(["张三", "李四"], "en") == "张三, 李四"
