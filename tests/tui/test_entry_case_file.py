"""案件登记: the case file's checklist (卷宗材料) ticked on the form. Under the 2027 reward policy
the live panel pays nothing for an incomplete file and names the missing items, follows each tick,
and the ticks are saved with the case and loaded back — in an 80-column terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import SelectionList, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger import access, views  # noqa: E402
from tiaojie.ledger.bootstrap import create_ledger, open_ledger  # noqa: E402

from tui.app import make_app  # noqa: E402
from tui.screens.entry import EntryScreen  # noqa: E402

from .conftest import fill, settle  # noqa: E402

TODAY = dt.date(2027, 3, 10)  # the 2027 reward terms are in force
REQUIRED = ["申请书或受理登记表", "权利义务告知书", "当事人身份证明", "调解记录", "调解协议书", "封底"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def store(db_url: str, rules_dir: Path) -> str:
    ledger, _ = create_ledger(db_url, rules_dir, today=TODAY)
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC", password="tiaojie-demo")
    ledger.close()
    return db_url


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def tick(pilot, items: SelectionList, *indices: int) -> None:  # noqa: ANN001
    """Move to each item and press the space bar, as a mediator ticks a box."""
    items.focus()
    await pilot.pause()
    for index in indices:
        items.highlighted = index
        await pilot.pause()
        await pilot.press("space")
    await pilot.pause()


async def test_ticking_the_case_file_moves_the_reward_and_is_saved(store, rules_dir):
    app = make_app(rules=rules_dir, store=store, user="med01", today=TODAY)
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        items = screen.query_one("#f-case_file", SelectionList)
        labels = [str(items.get_option_at_index(i).prompt) for i in range(items.option_count)]
        assert labels[:6] == REQUIRED and "司法确认材料" in labels and items.selected == []
        # the list sits beside its label inside the form, not past the terminal's right edge
        assert items.region.width >= 20 and items.region.right <= screen.query_one("#live").region.x

        fill(screen, number="JZ-001", category="neighbour", severity="difficult", received_on="2027-03-01",
             status="settled", settled_by="village_committee", settled_on="2027-03-08")
        await settle(app, pilot)
        assert "0.00" in text_of(app, "#live-reward")
        why = text_of(app, "#live-why")
        assert "卷宗缺少必备材料，不予奖补" in why
        assert "卷宗材料缺少必备项：" + "、".join(REQUIRED) in why.replace("\n", "")

        await tick(pilot, items, 0, 1, 2, 3, 4)  # all but 封底
        await settle(app, pilot)
        assert "0.00" in text_of(app, "#live-reward")
        assert "卷宗材料缺少必备项：封底" in text_of(app, "#live-why")

        await tick(pilot, items, 5, 8)  # 封底, and 证据材料 as needed
        await settle(app, pilot)
        assert "200.00" in text_of(app, "#live-reward")
        assert "卷宗材料必备项齐全" in text_of(app, "#live-why")

        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.editing is not None
        assert screen.editing.extra["case_file"] == [
            "application", "rights_notice", "identity", "record", "agreement", "back_cover", "evidence"]

        screen.action_new_case()
        await settle(app, pilot)
        assert screen.query_one("#f-case_file", SelectionList).selected == []

        ledger = open_ledger(store, None, today=TODAY)
        try:
            stored = views.get_case(ledger, "XJC", "JZ-001")
        finally:
            ledger.close()
        screen.load_case(stored)
        await settle(app, pilot)
        assert set(items.selected) == set(stored.extra["case_file"])
        assert "200.00" in text_of(app, "#live-reward")

        await tick(pilot, items, 4)  # 调解协议书 taken out again: nothing paid, and the panel says why
        await settle(app, pilot)
        assert "0.00" in text_of(app, "#live-reward")
        assert "卷宗材料缺少必备项：调解协议书" in text_of(app, "#live-why")
