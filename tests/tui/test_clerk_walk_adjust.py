"""The adjustment dialog as a clerk types in it: a case number typed fast never leaves a case the
search no longer offers chosen, and a case not paid yet, found by its number, is refused in the
ledger's words with everything typed kept."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, OptionList, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger import periods as period_service  # noqa: E402
from tiaojie.ledger import views  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle, type_into  # noqa: E402

TODAY = dt.date(2026, 11, 20)  # the demo: 2026-01 closed, 2026-02 … 2026-11 open


@pytest.fixture
def ledger(demo_ledger):  # noqa: ANN001, ANN201
    return demo_ledger


async def open_dialog(app, pilot):  # noqa: ANN001, ANN201
    await settle(app, pilot)
    assert app.screen.report.period.key == "2026-11"
    await pilot.press("a")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "AdjustDialog"
    return app.screen


async def test_a_number_typed_fast_leaves_no_case_the_search_no_longer_offers(ledger, rules_dir):
    """The clerk types on past the paid cases' common prefix into a number that names none: the
    highlight of the longer list, arriving after the search narrowed it, chooses nothing."""
    january = period_service.show(ledger, "2026-01")
    numbers = views.case_numbers(ledger, [line.case_id for line in january.lines])
    prefix = min(numbers.values())[:-2]  # several January cases share it
    assert sum(n.startswith(prefix) for n in numbers.values()) > 1
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(app, pilot)
        search = dialog.query_one("#adj-search", Input)
        search.focus()
        for typed in (prefix[:4], prefix, prefix + "x", prefix + "xq"):  # as keys arrive in one burst
            search.value = typed
        await settle(app, pilot)
        assert dialog.query_one("#adj-cases", OptionList).option_count == 0
        assert dialog.chosen is None
        assert "请先选择要调整的案件" in str(dialog.query_one("#adj-case", Static).render())
        await type_into(app, pilot, "#adj-amount", "-10")
        await type_into(app, pilot, "#adj-reason", "多发")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog
    assert period_service.show(ledger, "2026-11").adjustments == []


async def test_a_case_not_paid_yet_found_by_number_is_refused_in_the_ledgers_words(ledger, rules_dir):
    november = period_service.show(ledger, "2026-11")
    line = november.lines[0]
    case = views.case_detail(ledger, line.case_id, TODAY).case
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(app, pilot)
        offered = dialog.query_one("#adj-cases", OptionList)
        assert "未发放" not in " ".join(str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count))
        await type_into(app, pilot, "#adj-search", case.number)
        await pilot.press("enter")
        await settle(app, pilot)
        assert dialog.chosen == case.id
        assert "(2026-11 未发放)" in str(offered.get_option_at_index(0).prompt)
        await type_into(app, pilot, "#adj-amount", "-30")
        await type_into(app, pilot, "#adj-reason", "多发")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#adj-error", Static).render())
        # the ledger's own words: the case has not been paid; its own period pays it when it closes
        assert case.number in error and "奖励尚未发放" in error and "2026-11 关账时发放，无需调整" in error
        assert dialog.values() == {"search": case.number, "amount": "-30", "reason": "多发", "period": "2026-11"}
    assert period_service.show(ledger, "2026-11").adjustments == []


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_long_refusal_reads_across_the_dialog_with_ok_in_reach(ledger, rules_dir, size):
    november = period_service.show(ledger, "2026-11")
    case = views.case_detail(ledger, november.lines[0].case_id, TODAY).case
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=size) as pilot:
        dialog = await open_dialog(app, pilot)
        await type_into(app, pilot, "#adj-search", case.number)
        await pilot.press("enter")
        await type_into(app, pilot, "#adj-amount", "-30")
        await type_into(app, pilot, "#adj-reason", "多发")
        await pilot.press("enter")
        await settle(app, pilot)
        error = dialog.query_one("#adj-error", Static)
        assert "无需调整" in str(error.render())
        box = dialog.query_one("#adj-box")
        assert error.size.width >= box.content_region.width - 4  # the dialog's width (less its scrollbar), not a column
        for widget in (error, dialog.query_one("#adj-ok")):
            assert box.region.contains_region(widget.region), widget  # on screen without scrolling


async def test_enter_in_the_empty_search_chooses_no_case(ledger, rules_dir):
    """Keys typed before the dialog is up go elsewhere; the Enter that follows, in the empty search,
    leaves the clerk to choose — the amount typed next is not booked on the list's first case."""
    app = make_app(rules=rules_dir, ledger=ledger, user="clerk", today=TODAY, start="finance")
    async with app.run_test(size=(120, 36)) as pilot:
        dialog = await open_dialog(app, pilot)
        assert dialog.query_one("#adj-search", Input).has_focus
        await pilot.press("enter")
        await settle(app, pilot)
        assert dialog.chosen is None
        await type_into(app, pilot, "#adj-amount", "-30")
        await type_into(app, pilot, "#adj-reason", "多发")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog and "请先选择要调整的案件" in str(dialog.query_one("#adj-error", Static).render())
    assert period_service.show(ledger, "2026-11").adjustments == []
