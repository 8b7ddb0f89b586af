"""A rule change's impact on the stored ledger, before it takes effect."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tiaojie.ledger import cases as case_service
from tiaojie.ledger.demo import build_demo
from tiaojie.ledger.impact import impact, stored_cases
from tiaojie.rules.service import open_rules

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
VILLAGE_BODIES = {"village_committee", "village_group", "mediation_committee"}


def _draft(tmp_path: Path, edit) -> Path:
    target = tmp_path / "draft"
    shutil.copytree(RULES_DIR, target)
    edit(target)
    return target


def _raise_major(target: Path) -> None:
    path = target / "mediation-reward-2026.toml"
    text = path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }")
    path.write_text(text.replace("amount = 500,", "amount = 600,"), encoding="utf-8")


SEVERITIES = ["simple", "ordinary", "difficult", "major"]
BODIES = ["village_committee", "village_group", "mediation_committee", "township"]


@pytest.fixture
def generated(ledger, org):
    """A ledger of generated cases across two stations, January to May, January closed."""
    import random

    from tiaojie.ledger import periods

    rng = random.Random(5)
    plan = [("major", "village_committee", 1), ("major", "mediation_committee", 3)]  # both sides of the close
    plan += [(rng.choice(SEVERITIES), rng.choice(BODIES), rng.randint(1, 5)) for _ in range(46)]
    for n, (severity, body, month) in enumerate(plan):
        unit = "C-T1-V1" if n % 2 else "C-T1-V2"
        by = org.mediator if n % 2 else org.clerk  # the village's mediator, or the township's clerk
        received = dt.date(2026, month, rng.randint(1, 20))
        result = case_service.add_case(ledger, by, unit, number=f"G{n:03d}", category="neighbour",
                                       severity=severity, received_on=received)
        if rng.random() < 0.8 or n < 2:
            case_service.settle_case(ledger, by, result.case.id, settled_on=received + dt.timedelta(days=5),
                                     settled_by=body, status="settled" if rng.random() < 0.9 or n < 2 else "failed")
    periods.compute(ledger, org.clerk, "2026-01")
    periods.close(ledger, org.clerk, "2026-01")
    return ledger


@pytest.fixture
def demo(ledger):
    build_demo(ledger)
    return ledger


def _settled_major_cases(ledger):
    found = []
    for c in stored_cases(ledger):
        d = c.data
        if d.get("status") == "settled" and d.get("severity") == "major" and d.get("settled_by") in VILLAGE_BODIES:
            found.append(c)
    return found


def _unit_names(ledger) -> dict[str, str]:
    from tiaojie.ledger import views

    return {unit.code: unit.name for unit in views.units(ledger)}


def test_raising_the_major_reward_changes_exactly_the_settled_major_cases_in_open_periods(generated, tmp_path):
    draft = open_rules(_draft(tmp_path, _raise_major))
    try:
        report = impact(generated, draft)
    finally:
        draft.close()
    major = _settled_major_cases(generated)
    open_major = [c for c in major if not c.closed]
    closed_major = [c for c in major if c.closed]
    assert open_major and closed_major, "the demo ledger has settled major cases on both sides of a closed period"
    reward = report.policies["mediation-reward"]
    assert reward.changed == len(open_major)
    assert reward.changed_closed == len(closed_major)
    assert reward.delta == Decimal(100) * len(open_major)
    assert reward.closed_delta == Decimal(100) * len(closed_major)
    assert {c.case_id for c in report.changes if not c.closed} == {c.case_id for c in open_major}
    assert all(c.cause == "major" and c.old == 500 and c.new == 600 for c in report.changes)
    assert sum(report.by_unit.values()) == reward.delta == sum(report.by_payee.values())
    # units by name, their codes after them (two villages may share a name)
    named = _unit_names(generated)
    assert report.by_unit and all(label.split(" ")[0] == named[label.split(" ")[1]] for label in report.by_unit)
    summary = report.summary()
    assert summary["policies"]["mediation-reward"]["delta"] == f"{100 * len(open_major)}.00"


def test_a_draft_effective_next_year_changes_nothing_today(generated, tmp_path):
    def next_year(target: Path) -> None:
        current = target / "mediation-reward-2026.toml"
        text = current.read_text(encoding="utf-8")
        current.write_text(text.replace('source = "', 'effective_until = 2026-12-31\nsource = "', 1), encoding="utf-8")
        future = text.replace('version = "2026.1"', 'version = "2027.1"').replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
        future = future.replace("then = { amount = 500 }", "then = { amount = 600 }").replace("amount = 500,", "amount = 600,")
        (target / "mediation-reward-2027.toml").write_text(future.replace("settled_on = 2026-", "settled_on = 2027-"), encoding="utf-8")

    draft = open_rules(_draft(tmp_path, next_year))
    try:
        report = impact(generated, draft)
    finally:
        draft.close()
    assert report.policies["mediation-reward"].evaluated > 0
    assert report.changes == []
    assert report.total_delta == 0


def test_period_and_unit_filters(demo, tmp_path):
    draft = open_rules(_draft(tmp_path, _raise_major))
    try:
        may = impact(demo, draft, period="2026-05")
    finally:
        draft.close()
    assert all(c.case_id for c in may.changes)
    for change in may.changes:
        case = next(c for c in stored_cases(demo, period="2026-05") if c.case_id == change.case_id)
        assert case.data["settled_on"].month == 5 or case.data["received_on"].month == 5


def test_the_fast_scan_agrees_with_case_by_case_comparison(generated, tmp_path):
    """impact() reads projected rows; compare() takes whole stored cases. Same report."""
    from tiaojie.rules.impact import compare

    draft = open_rules(_draft(tmp_path, _raise_major))
    try:
        fast = impact(generated, draft)
        slow = compare(stored_cases(generated), generated.rules, draft, ["mediation-reward"], as_of=generated.date())
    finally:
        draft.close()
    assert fast.summary() == slow.summary()
    assert [(c.case_id, c.old, c.new, c.closed) for c in fast.changes] == [(c.case_id, c.old, c.new, c.closed) for c in slow.changes]
