"""案件登记 from the vocabulary: a field declared only in fields.toml is on the form, read by the
live panel through the projection, saved with the case and loaded back; and the panel shows a
stored case as the ledger shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select, Static

pytest.importorskip("sqlalchemy")

from tiaojie.ledger import access, views  # noqa: E402
from tiaojie.ledger import cases as case_service  # noqa: E402
from tiaojie.ledger.bootstrap import create_ledger, open_ledger  # noqa: E402
from tiaojie.ledger.projection import BUILT_IN  # noqa: E402
from tiaojie.store.case_inputs import Column  # noqa: E402
from tiaojie.vocabulary import LEDGER_SET_FIELDS  # noqa: E402

from tui.app import make_app  # noqa: E402
from tui.backend import LEDGER_COMPUTED  # noqa: E402
from tui.screens.entry import EntryScreen  # noqa: E402

from .conftest import fill, settle  # noqa: E402

TODAY = dt.date(2026, 11, 20)

NEW_FIELDS = """
[fields.online_mediation]
type = "bool"
title = "线上调解"
title_en = "mediated online"

[fields.hearings]
type = "int"
title = "听证次数"
title_en = "hearings"
"""

ONLINE_RULE = """[[rule]]
id = "online"
title = "线上成功调处矛盾纠纷"
title_en = "dispute settled online"
when = { status = "settled", online_mediation = true }
then = { amount = 300 }

"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def online_rules(rules_dir: Path) -> Path:
    """The shipped rules with a yes/no case field `online_mediation` (线上调解) and a reward rule
    that pays 300 for a dispute settled online; and an int field `hearings` nothing reads."""
    fields = rules_dir / "fields.toml"
    text = fields.read_text(encoding="utf-8")
    at = text.index("\n[[form]]")  # case fields go before the form's layout
    fields.write_text(text[:at] + NEW_FIELDS + "\n" + text[at:], encoding="utf-8")
    reward = rules_dir / "mediation-reward-2026.toml"
    text = reward.read_text(encoding="utf-8")
    text = text.replace('inputs = ["status", "severity", "settled_by", "settled_on"]',
                        'inputs = ["status", "severity", "settled_by", "settled_on", "online_mediation"]')
    at = text.index("[[rule]]")
    reward.write_text(text[:at] + ONLINE_RULE + text[at:], encoding="utf-8")
    return rules_dir


@pytest.fixture
def store(db_url: str, online_rules: Path) -> str:
    ledger, _ = create_ledger(db_url, online_rules, today=TODAY)  # its rules activated, as a new ledger's are
    admin = access.add_user(ledger, None, "admin", "admin", password="tiaojie-demo")
    access.add_unit(ledger, admin, "XJC", "新建村", "village")
    access.add_user(ledger, admin, "med01", "mediator", "XJC", password="tiaojie-demo")
    ledger.close()
    return db_url


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


def panel(app) -> tuple[str, str]:  # noqa: ANN001
    return text_of(app, "#live-level"), text_of(app, "#live-due")


async def test_a_field_declared_in_fields_toml_is_entered_judged_saved_and_loaded(store, online_rules):
    app = make_app(rules=online_rules, store=store, user="med01", today=TODAY)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        box = screen.query_one("#f-online_mediation", Checkbox)
        assert "线上调解" in str(box.label)
        groups = [str(s.render()) for s in screen.query(".form-group")]
        assert groups == ["案件", "调处", "卷宗", "其他"]  # the new field is in 其他: no group lists it
        # nobody types what the ledger computes or a formula derives
        assert not screen.query("#f-sessions") and not screen.query("#f-days_to_settle")

        fill(screen, number="ON-001", category="neighbour", received_on="2026-11-02", status="settled",
             settled_by="village_committee", settled_on="2026-11-18")
        await settle(app, pilot)
        assert "200.00" in text_of(app, "#live-reward")
        assert "调处天数  16" in text_of(app, "#live-derived")  # the derived field, computed
        box.value = True
        await settle(app, pilot)
        assert "300.00" in text_of(app, "#live-reward")
        assert "线上成功调处矛盾纠纷" in text_of(app, "#live-why")

        # a value of the wrong type is named by the field's title
        screen.query_one("#f-hearings", Input).value = "很多"
        await settle(app, pilot)
        assert text_of(app, "#e-hearings") == "听证次数应为非负整数"
        screen.query_one("#f-hearings", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.editing is not None and screen.editing.extra == {"online_mediation": True, "hearings": 2}

        screen.action_new_case()
        await settle(app, pilot)
        assert screen.query_one("#f-online_mediation", Checkbox).value is False
        assert screen.query_one("#f-hearings", Input).value == ""

        ledger = open_ledger(store, None, today=TODAY)
        try:
            stored = views.get_case(ledger, "XJC", "ON-001")
        finally:
            ledger.close()
        assert stored.extra["online_mediation"] is True and stored.extra["hearings"] == 2
        screen.load_case(stored)
        await settle(app, pilot)
        assert screen.query_one("#f-online_mediation", Checkbox).value is True
        assert screen.query_one("#f-hearings", Input).value == "2"
        assert "300.00" in text_of(app, "#live-reward")

        # unticked and emptied on the form: saved as a "no", the emptied field removed
        screen.query_one("#f-online_mediation", Checkbox).value = False
        screen.query_one("#f-hearings", Input).value = ""
        await settle(app, pilot)
        assert "200.00" in text_of(app, "#live-reward")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.editing.extra == {"online_mediation": False}


async def test_a_form_drawn_from_kept_labels_has_the_new_field_before_the_rules_load(store, online_rules):
    make_app(rules=online_rules, store=store, user="med01", today=TODAY)  # keeps the labels
    app = make_app(rules=online_rules, store=store, user="med01", today=TODAY)
    assert app.backend.early_labels is not None and app.backend._active is None
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        # the first screen, drawn before anything loaded the rules, already has the field
        assert app.screen.query("#f-online_mediation")
        await settle(app, pilot)
        fill(app.screen, number="ON-002", category="neighbour", status="settled", settled_by="village_group",
             settled_on="2026-11-18", online_mediation=True)
        await settle(app, pilot)
        assert "300.00" in text_of(app, "#live-reward")


async def test_the_panel_shows_a_stored_edited_case_as_the_ledger_does(store, online_rules):
    ledger = open_ledger(store, None, today=TODAY)
    try:
        admin = access.resolve_user(ledger, "admin")
        added = case_service.add_case(ledger, admin, "XJC", number="ES-001", category="neighbour",
                                      received_on="2026-10-01", status="mediating").case
        # sent up by hand: held at the township, whatever the rules would start it at
        case_service.escalate_case(ledger, admin, added.id, on=dt.date(2026, 10, 3), to_level="township")
        before = views.case_detail(ledger, added.id, TODAY)
    finally:
        ledger.close()
    assert before.state.level == "township" and before.state.overdue > 0

    app = make_app(rules=online_rules, store=store, user="med01", today=TODAY)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        screen.load_case(before.case)
        await settle(app, pilot)

        def shows(state) -> None:  # noqa: ANN001
            level, due = panel(app)
            assert app.backend.label("level", state.level) in level
            assert state.due_on.isoformat() in due
            assert f"已超期 {state.overdue} 天" in due

        shows(before.state)
        # edited and saved: the panel before saving says what the ledger says after
        screen.query_one("#f-persons_involved", Input).value = "4"
        screen.query_one("#f-severity", Select).value = "major"
        await settle(app, pilot)
        shown = panel(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        ledger = open_ledger(store, None, today=TODAY)
        try:
            after = views.case_detail(ledger, added.id, TODAY)
        finally:
            ledger.close()
        assert after.case.persons_involved == 4 and after.state.level == "county"
        assert panel(app) == shown
        shows(after.state)


def test_the_form_leaves_out_every_field_the_ledger_computes():
    """The form never offers what a write refuses: the projection's sources that are no column."""
    computed = {name for name, source in BUILT_IN.items() if not isinstance(source, Column)}
    assert computed | {"level"} <= LEDGER_COMPUTED
    assert not set(case_service._COMPUTED) - LEDGER_COMPUTED
    assert set(LEDGER_SET_FIELDS) == LEDGER_COMPUTED  # the vocabulary's list, kept light for the first paint


async def test_rules_reloaded_with_a_new_field_redraw_the_form_keeping_what_was_typed(rules_dir, online_rules):
    fields = rules_dir / "fields.toml"
    with_field = fields.read_text(encoding="utf-8")
    reward = rules_dir / "mediation-reward-2026.toml"
    with_rule = reward.read_text(encoding="utf-8")
    fields.write_text(with_field.replace(NEW_FIELDS, ""), encoding="utf-8")  # start without them
    reward.write_text(with_rule.replace(ONLINE_RULE, "").replace(', "online_mediation"]', "]"), encoding="utf-8")
    app = make_app(rules=rules_dir, today=TODAY)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert not screen.query("#f-online_mediation")
        fill(screen, number="RL-001", category="neighbour", received_on="2026-11-02", status="settled",
             settled_by="village_committee", settled_on="2026-11-18")
        await settle(app, pilot)
        assert "200.00" in text_of(app, "#live-reward")

        fields.write_text(with_field, encoding="utf-8")
        reward.write_text(with_rule, encoding="utf-8")
        app.backend.reload()
        app.rules_changed()
        await settle(app, pilot)
        assert screen.query_one("#f-number", Input).value == "RL-001"
        assert screen.query_one("#f-settled_by", Select).value == "village_committee"
        fill(screen, online_mediation=True)
        await settle(app, pilot)
        assert "300.00" in text_of(app, "#live-reward")
