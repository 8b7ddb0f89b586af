"""Fixtures for the terminal UI's Pilot tests: a private copy of the shipped rules per test, so a
test may break a file without touching the others."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


@pytest.fixture(autouse=True)
def toasts_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast stays until the test ends: a test reads what it said after the steps that follow, and
    on a loaded machine those take longer than a toast's few seconds on screen."""
    from textual.app import App

    notify = App.notify

    def kept(self: App, message: str, **options: object):  # noqa: ANN202
        return notify(self, message, **{**options, "timeout": 3600})

    monkeypatch.setattr(App, "notify", kept)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[dt.date, Path]:
    """The demo ledger built once per date the tests run on; each test gets a copy of the file.
    Building it (a year of cases, hashed passwords) takes seconds that a hundred tests would repeat."""
    return {}


def _demo_file(files: dict[dt.date, Path], folder: Path, today: dt.date) -> Path:
    from tiaojie.ledger.bootstrap import open_ledger
    from tiaojie.ledger.demo import build_demo

    if today not in files:
        rules = folder / "rules"
        if not rules.exists():
            shutil.copytree(ROOT / "rules", rules)
        path = folder / f"demo-{today.isoformat()}.sqlite"
        path.touch()
        led = open_ledger(f"sqlite:///{path}", rules, today=today)
        try:
            build_demo(led)
        finally:
            led.close()
        files[today] = path
    return files[today]


@pytest.fixture
def demo_ledger(tmp_path: Path, rules_dir: Path, request: pytest.FixtureRequest,  # noqa: ANN201
                demo_files: dict[dt.date, Path], tmp_path_factory: pytest.TempPathFactory):
    """The demo ledger in a SQLite file of the test's own, dated by the test module's `TODAY`,
    opened on the test's own copy of the rules."""
    from tiaojie.ledger.bootstrap import open_ledger

    template = _demo_file(demo_files, tmp_path_factory.getbasetemp(), request.module.TODAY)
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(template, path)
    led = open_ledger(f"sqlite:///{path}", rules_dir, today=request.module.TODAY)
    yield led
    led.close()


def fill(screen, prefix: str = "f-", **values: object) -> None:  # noqa: ANN001
    """Set form fields as a person leaves them: `fill(screen, category="neighbour")` sets the
    widget `#f-category` (an Input takes text, a Select one of its values)."""
    for name, value in values.items():
        screen.query_one(f"#{prefix}{name}").value = value


DEMO_PASSWORD = "tiaojie-demo"  # every demo user's password (tiaojie.ledger.demo.DEMO_PASSWORD)


async def sign_in(app, pilot, name: str, password: str = DEMO_PASSWORD) -> None:  # noqa: ANN001
    """Type `name` and `password` into the sign-in dialog and press Enter, as a person does."""
    assert type(app.screen).__name__ == "LoginDialog"
    await type_into(app, pilot, "#login-name", name)
    await type_into(app, pilot, "#login-password", password)
    await pilot.press("enter")
    await settle(app, pilot)


async def type_into(app, pilot, selector: str, text: str) -> None:  # noqa: ANN001
    """Focus a field, clear it and type `text` key by key (Pilot's `press` takes one character a key)."""
    field = app.screen.query_one(selector)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*text)


async def settle(app, pilot, delay: float = 0.15) -> None:  # noqa: ANN001
    """Let debounce timers fire and every worker finish, then let the UI take their messages."""
    for _ in range(3):
        await pilot.pause(delay)
        await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):  # noqa: ANN001, ANN201
    """Run `async def` tests on a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None
