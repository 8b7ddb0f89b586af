"""The ledger's file deleted or frozen under a running TUI: saving is refused with a message naming
the file, the form keeps what was typed, nothing crashes, nothing is written into the wrong file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from frozen_files import ledger_files, require_freezing, thawed_afterwards

pytest.importorskip("tiaojie.ledger", reason="the ledger is not installed here")
pytest.importorskip("sqlalchemy")

from tiaojie.ledger.bootstrap import open_ledger  # noqa: E402
from tiaojie.ledger.demo import build_demo  # noqa: E402

from tui.app import make_app  # noqa: E402

from .conftest import fill, settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]

TYPED = {"parties": "张三、李四", "category": "neighbour", "severity": "major", "status": "settled",
         "settled_by": "village_committee", "received_on": "2026-11-02", "settled_on": "2026-11-18"}


@pytest.fixture
def ledger(tmp_path, rules_dir):  # noqa: ANN001, ANN201
    (tmp_path / "county").mkdir()
    (tmp_path / "county" / "ledger.sqlite").touch()
    led = open_ledger(f"sqlite:///{tmp_path / 'county' / 'ledger.sqlite'}", rules_dir, today=TODAY)
    build_demo(led)
    yield led
    led.close()


def notes(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


def form_values(screen) -> dict[str, object]:  # noqa: ANN001
    return {name: screen.query_one(f"#f-{name}").value for name in ["number", *TYPED]}


async def test_a_deleted_ledger_refuses_the_save_and_keeps_the_form(ledger, rules_dir):
    path = Path(ledger.engine.url.database)
    app = make_app(rules=rules_dir, ledger=ledger, user="med01", today=TODAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press(*"TUI-0404")
        fill(screen, **TYPED)
        await settle(app, pilot)
        typed = form_values(screen)
        path.unlink()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        shown = notes(app)
        assert "已被删除" in shown and str(path) in shown, shown
        assert "已保存" not in shown and "意外错误" not in shown
        assert app.screen is screen and form_values(screen) == typed  # what was typed is still there
        await pilot.press("f2")  # the rest of the app goes on
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert form_values(app.screen) == typed
    assert not path.exists()  # no empty ledger made in its place


FROZEN = textwrap.dedent("""
    import asyncio, datetime as dt, json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from tiaojie.ledger.bootstrap import open_ledger
    from tui.app import make_app
    from tests.tui.conftest import fill, settle
    from tests.frozen_files import freeze, ledger_files

    path, rules, typed = Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4])
    today = dt.date(2026, 11, 20)

    async def main():
        ledger = open_ledger(f"sqlite:///{path}", rules, today=today)
        app = make_app(rules=rules, ledger=ledger, user="med01", today=today)
        async with app.run_test(size=(140, 45)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            await pilot.press(*"TUI-0405")
            fill(screen, **typed)
            await settle(app, pilot)
            freeze(ledger_files(path))
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            await pilot.press("f2")
            await settle(app, pilot)
            await pilot.press("f1")
            await settle(app, pilot)
            kept = {name: app.screen.query_one(f"#f-{name}").value for name in typed}
            print(json.dumps({"notes": [str(n.message) for n in app._notifications], "kept": kept},
                             ensure_ascii=False))

    asyncio.run(main())
""")


def test_a_frozen_ledger_refuses_the_save_and_keeps_the_form_instead_of_a_bus_error(ledger, rules_dir, tmp_path):
    """`chattr +i` on the ledger's files under a running TUI used to end it with `Bus error` (SQLite's
    memory-mapped WAL index). Run in a process of its own, so that a crash fails only this test."""
    require_freezing(tmp_path)
    path = Path(ledger.engine.url.database)
    ledger.close()
    with thawed_afterwards(ledger_files(path)):
        run = subprocess.run([sys.executable, "-c", FROZEN, str(ROOT), str(path), str(rules_dir),
                              json.dumps(TYPED, ensure_ascii=False)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.returncode, run.stdout[-2000:], run.stderr[-4000:])
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    shown = "\n".join(seen["notes"])
    assert "不可修改" in shown and str(path) in shown, shown
    assert not any("已保存" in n for n in seen["notes"])
    assert seen["kept"] == TYPED
