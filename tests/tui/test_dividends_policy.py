"""The dividends screen shows the policy bound to the chosen collective and runs under it (金胜
under its own revenue share, not 禹王's policy); its CSV export has a header and totals."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from textual.widgets import Input, Select, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger.dividends import list_runs  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

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
