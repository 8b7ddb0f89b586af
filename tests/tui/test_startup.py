"""Starting on a ledger (a SQLite file, a PostgreSQL schema): the first screen is painted from a
glance at the database and the ledger opens right after, in a thread. What the user relies on: the screen they are offered, the
rules in force in that ledger, saving once the ledger is open, and an error they can read — not a
traceback — when the full open fails."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger import access, views  # noqa: E402
from tiaojie.ledger.bootstrap import create_ledger, open_ledger  # noqa: E402
from tiaojie.ledger.policy_changes import activate  # noqa: E402
from tiaojie.store.messages import StoreUnavailable  # noqa: E402

from tui.app import make_app  # noqa: E402
from tui.widgets import MessageDialog  # noqa: E402

from .conftest import fill, settle, sign_in  # noqa: E402

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def store(db_url: str, rules_dir: Path) -> str:
    ledger, _ = create_ledger(db_url, rules_dir, today=TODAY)  # its rules activated, as a new ledger's are
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC", password="tiaojie-demo")
    ledger.close()
    return db_url


def _fill_major_settled(screen, number: str) -> None:  # noqa: ANN001
    fill(screen, number=number, category="neighbour", severity="major", status="settled",
         settled_by="village_committee", received_on="2026-11-02", settled_on="2026-11-18")


async def test_the_first_screen_comes_from_a_glance_and_saving_uses_the_ledger_opened_after(store):
    app = make_app(store=store, user="med01", today=TODAY)
    assert not app.backend.ledger_ready  # nothing opened yet: the glance was enough to start
    assert app.offered == ["entry", "ledger", "banquets", "stats", "village", "claims"]
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EntryScreen"
        assert "新建村" in app.screen.sub_title
        _fill_major_settled(app.screen, "GL-0001")
        await settle(app, pilot)
        assert "500.00" in str(app.screen.query_one("#live-reward", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.backend.ledger_ready
        assert type(app.backend.user).__name__ == "User"  # the ledger's own record replaced the glance
    ledger = open_ledger(store, None)
    try:
        unit = access.resolve_user(ledger, "med01").unit_id
        stored = views.get_case(ledger, unit, "GL-0001")
        assert stored.status == "settled"
    finally:
        ledger.close()


async def test_a_set_activated_between_the_glance_and_the_open_is_the_one_in_force(store, rules_dir, tmp_path):
    app = make_app(store=store, user="med01", today=TODAY)
    draft = tmp_path / "draft"
    shutil.copytree(rules_dir, draft)
    reward = draft / "mediation-reward-2026.toml"
    reward.write_text(reward.read_text(encoding="utf-8").replace("amount = 500", "amount = 600"), encoding="utf-8")
    ledger = open_ledger(store, rules_dir)
    activate(ledger, access.resolve_user(ledger, "admin"), draft)
    ledger.close()
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert app.backend.ledger is not None
        _fill_major_settled(app.screen, "GL-0002")
        await settle(app, pilot)
        assert "600.00" in str(app.screen.query_one("#live-reward", Static).render())


async def test_a_ledger_that_fails_to_open_after_the_first_paint_is_reported_not_raised(store, monkeypatch):
    def unreachable(url):  # noqa: ANN001, ANN202
        raise StoreUnavailable("db_unreachable", url=str(url), detail="connection refused")

    monkeypatch.setattr("tiaojie.ledger.bootstrap.open_database", unreachable)
    app = make_app(store=store, user="med01", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "connection refused" in app.screen._body
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EntryScreen"  # still running, the form still there


async def test_signing_in_from_a_list_read_at_a_glance(store):
    app = make_app(store=store, today=TODAY)
    assert not app.backend.ledger_ready
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one("#login-name").value == ""  # nobody is chosen in advance
        await sign_in(app, pilot, "med01")
        assert type(app.screen).__name__ == "EntryScreen" and "新建村" in app.screen.sub_title
        _fill_major_settled(app.screen, "GL-0003")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.backend.user).__name__ == "User" and app.backend.user.name == "med01"
    ledger = open_ledger(store, None)
    try:
        stored = views.get_case(ledger, access.resolve_user(ledger, "med01").unit_id, "GL-0003")
        assert stored.status == "settled"
    finally:
        ledger.close()


def _heavy_modules_after(make_app_args: str, check: str) -> str:
    """Build the app in a fresh process; which of the rules core's and the store's heavy
    dependencies it imported by then."""
    import subprocess
    import sys

    code = ("import sys; from tui.app import make_app; "
            f"app = make_app({make_app_args}); assert {check}; "
            "print(sorted(m for m in ('pydantic', 'durable', 'sqlalchemy', 'tiaojie.rules.service') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_sign_in_dialog_needs_neither_the_rules_core_nor_the_store(store):
    assert _heavy_modules_after(f"store={store!r}", "type(app.backend.sign_in_choices) is list") == "[]"


async def test_a_broken_rule_set_found_after_the_sign_in_dialog_is_shown_with_its_line(store, rules_dir):
    path = rules_dir / "mediation-reward-2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = }"),
                    encoding="utf-8")
    app = make_app(rules=rules_dir, store=store, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "mediation-reward-2026.toml:" in app.screen._body


def _severity_labels(app) -> list[str]:  # noqa: ANN001
    from textual.widgets import Select

    return [str(prompt) for prompt, _ in app.screen.query_one("#f-severity", Select)._options[1:]]


def test_a_mediators_form_needs_no_rules_core_once_its_labels_were_kept(store):
    first = make_app(store=store, user="med01", today=TODAY)  # loads the rules, keeps their labels
    assert first.backend.early_labels is None
    assert _heavy_modules_after(f"store={store!r}, user='med01'", "app.backend.early_labels is not None") == "[]"


async def test_a_form_drawn_from_kept_labels_computes_and_saves_once_the_rules_load(store):
    make_app(store=store, user="med01", today=TODAY)
    app = make_app(store=store, user="med01", today=TODAY)
    assert app.backend.early_labels is not None and app.backend._active is None
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert _severity_labels(app) == ["简易", "一般", "疑难", "重大"]
        _fill_major_settled(app.screen, "GL-0101")
        await settle(app, pilot)
        assert "500.00" in str(app.screen.query_one("#live-reward", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    ledger = open_ledger(store, None)
    try:
        assert views.get_case(ledger, access.resolve_user(ledger, "med01").unit_id, "GL-0101").status == "settled"
    finally:
        ledger.close()


async def test_an_edited_vocabulary_is_shown_as_edited_not_as_kept(store, rules_dir):
    make_app(rules=rules_dir, store=store, user="med01", today=TODAY)  # keeps the labels as they are
    fields = rules_dir / "fields.toml"
    fields.write_text(fields.read_text(encoding="utf-8").replace('difficult = "疑难"', 'difficult = "疑难复杂"'),
                      encoding="utf-8")
    app = make_app(rules=rules_dir, store=store, user="med01", today=TODAY)
    assert app.backend.early_labels is None  # the kept copy is of another file
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert _severity_labels(app) == ["简易", "一般", "疑难复杂", "重大"]


async def test_after_signing_in_the_form_uses_the_kept_labels_too(store):
    make_app(store=store, user="med01", today=TODAY)  # an earlier start kept the labels
    app = make_app(store=store, today=TODAY)
    assert app.backend.early_labels is not None
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "med01")
        assert type(app.screen).__name__ == "EntryScreen"
        assert _severity_labels(app) == ["简易", "一般", "疑难", "重大"]


async def test_the_first_start_on_a_machine_paints_the_sign_in_dialog_before_opening_the_ledger(store, tmp_path,
                                                                                               monkeypatch):
    """Nothing kept yet (the cache is empty): the set activated in the ledger is not written out
    and no labels are kept. The dialog is still painted from a glance, without the rules core or
    the store; the open after it writes the set out, and the form is drawn from those rules."""
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "first-start"))
    assert _heavy_modules_after(f"store={store!r}", "not app.backend.ledger_ready") == "[]"
    app = make_app(store=store, today=TODAY)
    assert not app.backend.ledger_ready and app.backend.early_labels is None
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await sign_in(app, pilot, "med01")
        assert type(app.screen).__name__ == "EntryScreen"
        assert _severity_labels(app) == ["简易", "一般", "疑难", "重大"]
        _fill_major_settled(app.screen, "GL-0201")
        await settle(app, pilot)
        assert "500.00" in str(app.screen.query_one("#live-reward", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    again = make_app(store=store, user="med01", today=TODAY)  # the next start: the set and its labels kept
    assert again.backend.early_labels is not None and not again.backend.ledger_ready
    ledger = open_ledger(store, None)
    try:
        assert views.get_case(ledger, access.resolve_user(ledger, "med01").unit_id, "GL-0201").status == "settled"
    finally:
        ledger.close()


def test_the_command_line_reaches_the_terminal_ui_without_the_rules_core():
    """`tiaojie tui` starts through the command line: loading its commands must not load the
    rules core, pydantic or the store, which the sign-in dialog is painted without."""
    import subprocess
    import sys

    code = ("import sys; import tiaojie.cli; "
            "print(sorted(m for m in ('pydantic', 'durable', 'sqlalchemy', 'tiaojie.rules.book', "
            "'tiaojie.vocabulary', 'textual') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
