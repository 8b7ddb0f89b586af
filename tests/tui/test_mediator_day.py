"""The mediator's day in the terminal UI: escalating a case (ledger, palette, case detail), nothing
typed lost (new case, another case, refused saves and dialogs), cases of a closed period read-only,
messages naming units and fields, and the ledger's sort — each as a person does it, through Pilot."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static

pytest.importorskip("tiaojie.ledger", reason="the ledger is not installed here")

from tiaojie.ledger import access, views  # noqa: E402
from tiaojie.ledger import cases as case_service  # noqa: E402
from tiaojie.ledger import periods as period_service  # noqa: E402
from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import fill, settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)


def _demo(url: str, rules_dir):  # noqa: ANN001, ANN202
    led = open_ledger(url, rules_dir, today=TODAY)
    build_demo(led)
    return led


@pytest.fixture
def ledger(tmp_path, rules_dir):  # noqa: ANN001, ANN201
    (tmp_path / "ledger.sqlite").touch()
    led = _demo(f"sqlite:///{tmp_path / 'ledger.sqlite'}", rules_dir)
    yield led
    led.close()


@pytest.fixture
def any_ledger(db_url, rules_dir):  # noqa: ANN001, ANN201
    led = _demo(db_url, rules_dir)
    yield led
    led.close()


def notes(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


def text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


def add_case(ledger, number: str, **values):  # noqa: ANN001, ANN003, ANN201
    med = access.resolve_user(ledger, "med01")
    data = {"category": "neighbour", "received_on": dt.date(2026, 11, 16), "parties": ["张三", "李四"], **values}
    return case_service.add_case(ledger, med, med.unit_id, number=number, **data).case


async def pick(app, pilot, case_id: int) -> DataTable:  # noqa: ANN001
    """Put the ledger's cursor on a case's row, as arrow keys would."""
    table = app.screen.query_one("#cases", DataTable)
    table.move_cursor(row=app.screen.row_ids.index(case_id))
    await pilot.pause()
    return table


def row_of(app, case_id: int) -> dict[str, str]:  # noqa: ANN001
    """A case's row by column key: the columns shown depend on how many units the user sees."""
    table = app.screen.query_one("#cases", DataTable)
    cells = table.get_row_at(app.screen.row_ids.index(case_id))
    return {str(key.value): str(cell) for key, cell in zip(table.columns, cells, strict=True)}


# --- escalation --------------------------------------------------------------------------------
async def test_escalating_from_the_ledger_asks_a_reason_and_moves_the_case_to_the_next_level(ledger, rules_dir):
    case = add_case(ledger, "ESC-1")
    assert case.level == "village"
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert any(b.binding.key == "u" and b.binding.description == "上报" for b in app.active_bindings.values())
        await pick(app, pilot, case.id)
        await pilot.press("u")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalateDialog"
        assert app.screen.query_one("#esc-level", Select).value == "township"  # the next level, unless chosen
        await pilot.click("#esc-ok")  # no reason: refused in the dialog, which stays
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalateDialog" and "上报原因" in text(app, "#esc-error")
        await type_into(app, pilot, "#esc-reason", "村里调不了")
        await pilot.click("#esc-ok")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LedgerScreen"
        assert "已上报至「乡镇群众工作办」" in notes(app)
        stored = views.case_detail(ledger, case.id).case
        assert (stored.level, stored.status) == ("township", "escalated")
        step = stored.escalations[-1]
        assert (step.from_level, step.to_level, step.reason, step.by_user) == ("village", "township", "村里调不了", "med01")
        # the row shows the new level; the detail the same level, due date and the history of levels
        row = row_of(app, case.id)
        assert row["level"] == "乡镇群众工作办" and row["status"] == "已上报"
        state = views.case_page(ledger, None, as_of=TODAY, size=500).rows
        due = next(r.state for r in state if r.case.id == case.id).due_on
        assert app.screen._current_id() == case.id  # the reloaded page keeps the cursor on the case
        await pilot.press("enter")
        await settle(app, pilot)
        detail = text(app, "#detail-text")
        assert "当前层级" in detail or "层级" in detail
        assert "乡镇群众工作办" in detail and due is not None and due.isoformat() in detail
        assert "村（社区）群众工作站 → 乡镇群众工作办  med01：村里调不了" in detail


async def test_escalation_is_in_the_command_palette(ledger, rules_dir):
    case = add_case(ledger, "ESC-P")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, case.id)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"上报")
        await settle(app, pilot)
        from textual.command import CommandList

        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("上报" in line for line in shown), shown
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalateDialog"


async def test_escalating_from_the_case_detail_to_a_chosen_level_and_a_refusal_keeps_the_dialog(ledger, rules_dir):
    first, second = add_case(ledger, "ESC-2"), add_case(ledger, "ESC-3")
    med = access.resolve_user(ledger, "med01")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, first.id)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.click("#detail-escalate")
        await settle(app, pilot)
        app.screen.query_one("#esc-level", Select).value = "county"
        await type_into(app, pilot, "#esc-reason", "涉及多个乡镇")
        # meanwhile the case is settled elsewhere: the ledger refuses, the dialog keeps what was typed
        case_service.settle_case(ledger, med, first.id, settled_on=TODAY, settled_by="village_committee")
        await pilot.click("#esc-ok")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EscalateDialog"
        assert "不能再" in text(app, "#esc-error")
        assert app.screen.query_one("#esc-reason", Input).value == "涉及多个乡镇"
        assert app.screen.query_one("#esc-level", Select).value == "county"
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(app, pilot)
        # another case: escalated straight to the county from its detail, which then shows the step
        await pick(app, pilot, second.id)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        app.screen.query_one("#esc-level", Select).value = "county"
        await type_into(app, pilot, "#esc-reason", "涉及多个乡镇")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CaseDetailScreen"
        assert "村（社区）群众工作站 → 县（市）群众工作部  med01：涉及多个乡镇" in text(app, "#detail-text")
        assert views.case_detail(ledger, second.id).case.level == "county"
        await pilot.press("escape")
        await settle(app, pilot)
        assert row_of(app, second.id)["level"] == "县（市）群众工作部"
        # at the top level, or finished: said at once, no dialog
        await pick(app, pilot, second.id)
        await pilot.press("u")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "LedgerScreen" and "已在最高层级" in notes(app)


async def test_status_escalated_typed_into_the_form_is_refused_with_a_pointer_to_escalation(ledger, rules_dir):
    case = add_case(ledger, "ESC-F")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        app.screen.load_case(case)
        await settle(app, pilot)
        app.screen.query_one("#f-status", Select).value = "escalated"
        await settle(app, pilot)
        assert "上报" in text(app, "#e-status")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        stored = views.case_detail(ledger, case.id).case
        assert (stored.status, stored.level) == ("received", "village")
        assert app.screen.query_one("#f-status", Select).value == "escalated"  # kept, for the mediator to change


# --- nothing typed is lost ----------------------------------------------------------------------------
async def test_a_new_case_asks_before_throwing_away_what_was_typed(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        entry = app.screen
        assert entry.has_unsaved_changes() is False
        await pilot.press("ctrl+n")  # a clean form: no question
        await settle(app, pilot)
        assert app.screen is entry
        fill(entry, number="HALF-1", parties="王五")
        await settle(app, pilot)
        assert entry.has_unsaved_changes() is True
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "UnsavedDialog"
        await pilot.press("escape")  # no: the form stays as typed
        await settle(app, pilot)
        assert app.screen is entry and entry.query_one("#f-number", Input).value == "HALF-1"
        entry.query_one("#entry-new").scroll_visible(animate=False)  # below the case file's checklist
        await settle(app, pilot)
        await pilot.click("#entry-new")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert entry.query_one("#f-number", Input).value == "" and not entry.has_unsaved_changes()
        # saved: clean again
        fill(entry, number="HALF-2", parties="王五", category="neighbour", received_on="2026-11-18")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "HALF-2" in notes(app) and entry.has_unsaved_changes() is False


async def test_editing_another_case_from_the_ledger_asks_first(ledger, rules_dir):
    case = add_case(ledger, "OTHER-1")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        entry = app.screen
        fill(entry, number="HALF-3", summary="说到一半")
        await pilot.press("f2")
        await settle(app, pilot)
        await pick(app, pilot, case.id)
        await pilot.press("e")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "UnsavedDialog"
        await pilot.click("#confirm-no")
        await settle(app, pilot)
        assert app.screen is entry and entry.editing is None
        assert entry.query_one("#f-summary", Input).value == "说到一半"
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert entry.editing.id == case.id and entry.query_one("#f-number", Input).value == "OTHER-1"
        assert entry.has_unsaved_changes() is False


async def test_a_refused_save_keeps_the_form_and_names_the_unit_not_its_id(ledger, rules_dir):
    add_case(ledger, "DUP-1")
    unit = next(u for u in views.units(ledger) if u.id == access.resolve_user(ledger, "med01").unit_id)
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        entry = app.screen
        fill(entry, number="DUP-1", parties="赵六", category="contract", received_on="2026-11-18", summary="欠款")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        said = notes(app)
        assert f"单位「{unit.name}」已有卷号「DUP-1」" in said and f"「{unit.id}」" not in said
        values = {name: entry.query_one(f"#f-{name}").value for name in ("number", "parties", "summary", "received_on")}
        assert values == {"number": "DUP-1", "parties": "赵六", "summary": "欠款", "received_on": "2026-11-18"}
        assert entry.query_one("#f-category", Select).value == "contract" and entry.has_unsaved_changes()


async def test_a_case_of_a_closed_period_opens_read_only_and_says_why_at_once(ledger, rules_dir):
    admin = access.resolve_user(ledger, "admin")
    period_service.compute(ledger, admin, "2026-10")
    period_service.close(ledger, admin, "2026-10")
    case = add_case(ledger, "LOCK-0", received_on=dt.date(2026, 11, 2))  # an open one, for contrast
    october = next(c for c in views.list_cases(ledger, user=access.resolve_user(ledger, "med01"), period="2026-10")
                   if c.settled_on and c.settled_on.month == 10)
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, october.id)
        await pilot.press("e")
        await settle(app, pilot)
        entry = app.screen
        assert type(entry).__name__ == "EntryScreen" and entry.editing.id == october.id
        assert "只读" in text(app, "#entry-title") and "2026-10 已关闭" in text(app, "#entry-title")
        assert "只读" in notes(app)  # said on opening, not on saving
        assert entry.query_one("#f-summary", Input).disabled and entry.query_one("#entry-save").disabled
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert views.case_detail(ledger, october.id).case == october
        # an open case opens editable
        await pilot.press("f2")
        await settle(app, pilot)
        await pick(app, pilot, case.id)
        await pilot.press("e")
        await settle(app, pilot)
        assert entry.editing.id == case.id and entry.locked is None
        assert not entry.query_one("#f-summary", Input).disabled and "只读" not in text(app, "#entry-title")


# --- messages ---------------------------------------------------------------------------------------
async def test_a_mistyped_date_is_named_by_its_title_in_the_live_panel(rules_dir):
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        fill(app.screen, received_on="2026-13-01")
        await settle(app, pilot)
        due, why = text(app, "#live-due"), text(app, "#live-why")
        assert "received_on" not in due + why and "（未填）" not in due
        assert "暂无法计算：受理日期：没有 2026-13-01 这一天" in due, due
        fill(app.screen, received_on="")
        await settle(app, pilot)
        due = text(app, "#live-due")
        assert "received_on" not in due and "受理日期" in due and "（未填）" in due


# --- the ledger's sort ------------------------------------------------------------------------------
async def test_the_ledger_sorts_by_the_vocabulary_and_by_reward_and_overdue_and_marks_the_sort(ledger, rules_dir):
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)

        def header(key: str) -> str:
            return str(table.columns[key].label)  # type: ignore[index]

        def column(key: str) -> list[str]:
            return [str(cell) for cell in table.get_column(key)]

        assert header("received").endswith("▲")
        await pilot.click("#cases", offset=(2, 0))  # a click on a header sorts by it, marked
        await settle(app, pilot)
        assert header("number").endswith("▲") and not header("received").endswith("▲")
        await pilot.click("#cases", offset=(2, 0))
        await settle(app, pilot)
        assert header("number").endswith("▼")
        numbers = column("number")
        assert numbers == sorted(numbers, reverse=True)
        order = [str(label) for label, _ in app.backend.choices("category")]
        for key, labels in (("category", order), ("status", [str(t) for t, _ in app.backend.choices("status")])):
            app.screen.on_data_table_header_selected(DataTable.HeaderSelected(table, table.columns[key].key, 0, table.columns[key].label))  # type: ignore[index]
            await settle(app, pilot)
            shown = column(key)
            assert shown == sorted(shown, key=labels.index), (key, shown)
            assert header(key).endswith("▲") and not header("received").endswith("▲")
        for key in ("reward", "overdue"):
            for arrow in ("▲", "▼"):
                app.screen.on_data_table_header_selected(DataTable.HeaderSelected(table, table.columns[key].key, 0, table.columns[key].label))  # type: ignore[index]
                await settle(app, pilot)
                numbers = [float(cell.rstrip("天")) for cell in column(key) if cell]
                assert numbers and numbers == sorted(numbers, reverse=arrow == "▼"), (key, arrow, numbers)
                assert header(key).endswith(arrow)
                present = [bool(cell) for cell in column(key)]
                assert present == sorted(present, reverse=arrow == "▼")  # none first going up, last going down


# --- the whole day ----------------------------------------------------------------------------------
async def test_the_mediators_day_enter_settle_escalate_edit(any_ledger, rules_dir):
    ledger = any_ledger
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        entry = app.screen
        # morning: two cases come in
        for number, parties in (("DAY-1", "钱一、孙二"), ("DAY-2", "周三、吴四")):
            fill(entry, number=number, parties=parties, category="neighbour", received_on="2026-11-19", summary="宅基地边界")
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert number in notes(app)
            await pilot.press("ctrl+n")
            await settle(app, pilot)
        unit = access.resolve_user(ledger, "med01").unit_id
        one, two = (views.get_case(ledger, unit, n) for n in ("DAY-1", "DAY-2"))
        # noon: the first is settled from the ledger's edit
        await pilot.press("f2")
        await settle(app, pilot)
        await pick(app, pilot, one.id)
        await pilot.press("e")
        await settle(app, pilot)
        fill(entry, status="settled", settled_by="village_committee", settled_on="2026-11-20", severity="major")
        await settle(app, pilot)
        assert "500.00" in text(app, "#live-reward")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert views.case_detail(ledger, one.id).case.status == "settled"
        # afternoon: the second goes up to the township, with a reason
        await pilot.press("f2")
        await settle(app, pilot)
        assert row_of(app, one.id)["reward"] == "500.00"
        await pick(app, pilot, two.id)
        await pilot.press("u")
        await settle(app, pilot)
        await type_into(app, pilot, "#esc-reason", "需乡镇协调")
        await pilot.press("enter")
        await settle(app, pilot)
        stored = views.case_detail(ledger, two.id, TODAY)
        assert stored.case.level == "township" and stored.case.escalations[-1].reason == "需乡镇协调"
        row = row_of(app, two.id)
        assert row["level"] == "乡镇群众工作办"
        # evening: the escalated case is edited; the form shows the level the ledger holds
        await pick(app, pilot, two.id)
        await pilot.press("e")
        await settle(app, pilot)
        assert "乡镇群众工作办" in text(app, "#live-level")
        due = stored.state.due_on
        assert due is not None and due.isoformat() in text(app, "#live-due")
        fill(entry, summary="宅基地边界，乡镇已受理")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        after = views.case_detail(ledger, two.id).case
        assert after.summary == "宅基地边界，乡镇已受理" and after.level == "township" and after.status == "escalated"
        assert entry.has_unsaved_changes() is False


async def test_the_escalation_dialog_and_case_detail_fit_an_80_by_24_terminal(ledger, rules_dir):
    case = add_case(ledger, "ESC-S")
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY, start="ledger", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pick(app, pilot, case.id)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one("#detail-escalate").region.bottom <= 24
        await pilot.press("u")
        await settle(app, pilot)
        for selector in ("#esc-level", "#esc-reason", "#esc-ok", "#esc-cancel"):
            region = app.screen.query_one(selector).region
            assert region.width and region.right <= 80 and region.bottom <= 24, selector
        assert "Escalate case ESC-S" in str(app.screen.query_one(".dialog-title").render())
