"""The resolution rate is counted, never typed: a ledger whose office registered 374 matters and
resolved 260 of them shows 69.5% (not the 74.9% a report once printed) on the 村务 screen (F8), in
Chinese and English, and in `tiaojie matter stats` — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest
from textual.widgets import DataTable, Static

pytest.importorskip("sqlalchemy")

from typer.testing import CliRunner  # noqa: E402

from tiaojie.cli import app as cli  # noqa: E402
from tiaojie.ledger import access, matters  # noqa: E402
from tiaojie.ledger.bootstrap import create_ledger  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import settle  # noqa: E402

TODAY = dt.date(2026, 6, 15)
RAISED, RESOLVED = 374, 260


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def store(db_url: str, rules_dir: Path) -> str:
    """Two villages' matters over three months, registered and closed as the office would."""
    ledger, _ = create_ledger(db_url, rules_dir, today=TODAY)
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "C", "冷水江市", "county")
    access.add_unit(ledger, admin, "C-T1", "沙坪乡", "township", "C")
    access.add_unit(ledger, admin, "C-T1-V1", "沙坪村", "village", "C-T1")
    access.add_unit(ledger, admin, "C-T1-V2", "白层村", "village", "C-T1")
    clerk = access.add_user(ledger, admin, "clerk", "clerk", "C", password="tiaojie-demo")
    for i in range(RAISED):
        m = matters.add_matter(ledger, clerk, unit="C-T1-V1" if i % 2 else "C-T1-V2", raised_by=f"群众{i}",
                               summary=f"诉求{i}", raised_on=dt.date(2026, 3 + i % 3, 1 + i % 28))
        if i < RESOLVED:
            matters.close_matter(ledger, clerk, m.number, resolved=True, closed_on="2026-06-10")
    ledger.close()
    return db_url


def matters_summary(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#vl-matters-summary", Static).render()).replace("\n", "")


async def test_the_village_screen_counts_260_of_374_as_69_5_percent(store, rules_dir):
    shown_as: list[tuple[Literal["zh", "en"], tuple[int, int], str]] = [
        ("zh", (80, 24), f"诉求 {RAISED} 件，已解决 {RESOLVED} 件，解决率 69.5%"),
        ("en", (120, 36), f"{RAISED} matters raised, {RESOLVED} resolved, rate 69.5%"),
    ]
    for lang, size, expected in shown_as:
        app = make_app(rules=rules_dir, store=store, user="clerk", lang=lang, today=TODAY)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "VillageScreen"
            shown = matters_summary(app)
            assert expected in shown and "74.9" not in shown, shown
            assert app.screen.query_one("#vl-matters-table", DataTable).row_count == RAISED


def test_matter_stats_prints_69_5_percent(store, monkeypatch):
    for name in ("TIAOJIE_DB", "TIAOJIE_RULES", "TIAOJIE_LANG", "TIAOJIE_USER"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["matter", "stats", "--db", store, "--user", "clerk"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    total = next(line for line in lines if line.lstrip().startswith("合计"))
    assert total.split()[1:3] == [str(RAISED), str(RESOLVED)] and "69.5%" in total.split(), total
    by_village = [line.split() for line in lines if line.lstrip().startswith(("沙坪村", "白层村"))]
    assert sorted(row[:3] for row in by_village) == [["沙坪村", "187", "130"], ["白层村", "187", "130"]]
    assert all("69.5%" in row for row in by_village)
