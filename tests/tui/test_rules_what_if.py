"""规则: reloading edited files on a ledger is a what-if until activation — the screen says so, the
ledger refuses writes through the draft, and a fresh reading of the ledger is unchanged; after
activation the ledger writes again, with the new set."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from textual.widgets import Static  # noqa: E402

from tiaojie.ledger import access, periods  # noqa: E402
from tiaojie.ledger import cases as case_service  # noqa: E402
from tiaojie.ledger.bootstrap import create_ledger, open_ledger  # noqa: E402
from tiaojie.ledger.context import RulesNotActivated  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import TODAY, settle  # noqa: E402


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def _raise_major(rules_dir) -> None:  # noqa: ANN001
    path = rules_dir / "mediation-reward-2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }")
                    .replace("amount = 500,", "amount = 600,"), encoding="utf-8")


def _add(ledger, number: str):  # noqa: ANN001, ANN202
    med = access.resolve_user(ledger, "med01")
    return case_service.add_case(ledger, med, "LSJ-01-01", number=number, category="neighbour",
                                 received_on="2026-03-01")


async def test_reload_is_a_what_if_until_activation(tmp_path, rules_dir):
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger, _ = create_ledger(url, rules_dir, today=TODAY)
    build_demo(ledger)
    shown = periods.show(ledger, "2026-02").total
    app = make_app(rules=rules_dir, ledger=ledger, user="policy", today=TODAY, start="rules")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(app, pilot)
            _raise_major(rules_dir)
            await pilot.press("r")
            await settle(app, pilot)
            assert "草稿试算" in str(app.screen.query_one("#rules-output", Static).render())
            assert "草稿试算" in str(app.screen.query_one("#rules-status", Static).render())
            assert ledger.draft is not None
            with pytest.raises(RulesNotActivated) as refused:
                _add(ledger, "W-1")
            assert str(rules_dir) in refused.value.message("zh")
            fresh = open_ledger(url, today=TODAY)  # another station reads the activated set, unchanged
            assert periods.show(fresh, "2026-02").total == shown
            fresh.close()

            from tui import ledger_api

            report = ledger_api.activate(app.backend, "zh", lambda err: [])
            assert report.ok
            await settle(app, pilot)
            assert ledger.draft is None
            assert _add(ledger, "W-2").case.id is not None
            assert periods.show(ledger, "2026-02").total > shown
    finally:
        ledger.close()
