"""Activating a draft rule set: refused unless it checks, tests and lints clean; recorded with its
hashes and the impact the officer saw; old versions kept so old outcomes stay explainable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiaojie.ledger import audit as audit_service
from tiaojie.ledger import cases as case_service
from tiaojie.ledger.context import Ledger
from tiaojie.ledger.errors import PermissionDenied
from tiaojie.ledger.policy_changes import (
    ActivationRefused,
    activate,
    history,
    keep_rules,
    kept_version,
    rule_files,
    rules_in_force_dir,
)
from tiaojie.rules.service import open_rules

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
MAJOR = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-05-02"}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TIAOJIE_CACHE", str(tmp_path / "cache"))


def _draft(tmp_path: Path, amount: int = 600, break_example: bool = False, shadow: bool = False) -> Path:
    target = tmp_path / f"draft-{amount}-{break_example}-{shadow}"
    shutil.copytree(RULES_DIR, target)
    path = target / "mediation-reward-2026.toml"
    text = path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = %d }" % amount)
    if not break_example:
        text = text.replace("amount = 500,", f"amount = {amount},")
    if shadow:
        text = text.replace("[[cap]]", '[[rule]]\nid = "never"\ntitle = "被遮蔽"\nwhen = { status = "settled", settled_by = "village_group" }\nthen = { amount = 1 }\n\n[[cap]]')
    path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def kept(ledger):
    """A ledger with its starting set activated (the fixture's) and the files of ./rules kept."""
    keep_rules(ledger, RULES_DIR)
    return ledger


def _activations(ledger):
    return [e for e in audit_service.recent(ledger, limit=1000) if e.action == "rules_activate"]


def test_a_draft_with_a_failing_example_is_refused_and_nothing_changes(kept, org, tmp_path):
    before = kept.rules
    with pytest.raises(ActivationRefused) as refused:
        activate(kept, org.policy, _draft(tmp_path, break_example=True))
    assert "期望 500.00，实际 600.00" in refused.value.message("zh")
    assert kept.rules is before
    assert len(history(kept)) == 1 and len(_activations(kept)) == 1  # the starting set alone
    assert kept.rules.evaluate("mediation-reward", MAJOR).outputs["amount"] == 500


def test_lint_findings_refuse_unless_accepted(kept, org, tmp_path):
    draft = _draft(tmp_path, shadow=True)
    with pytest.raises(ActivationRefused) as refused:
        activate(kept, org.policy, draft)
    assert "never" in refused.value.message("en") and "--accept-warnings" in refused.value.message("en")
    done = activate(kept, org.policy, draft, accept_warnings=True)
    assert done.warnings and history(kept)[-1]["accepted_warnings"]


def test_only_policy_staff_and_admins_activate(kept, org, tmp_path):
    with pytest.raises(PermissionDenied):
        activate(kept, org.clerk, _draft(tmp_path))
    assert len(history(kept)) == 1


def test_activation_is_recorded_with_hashes_and_impact_and_takes_effect(kept, org, tmp_path):
    result = case_service.add_case(kept, org.mediator, "C-T1-V1", number="A1", category="neighbour",
                                   severity="major", received_on="2026-04-20")
    case_service.settle_case(kept, org.mediator, result.case.id, settled_on="2026-05-02", settled_by="village_committee")
    draft = _draft(tmp_path)
    done = activate(kept, org.policy, draft)
    expected = {f["filename"]: f["hash"] for f in rule_files(draft)}
    assert done.files == expected
    entry = _activations(kept)[-1]
    assert entry.user_name == org.policy.name
    assert entry.after["files"] == expected
    assert entry.after["impact"]["policies"]["mediation-reward"]["delta"] == "100.00"
    assert audit_service.verify(kept).ok
    # the ledger swapped its rules; a fresh process on the same database reads the activated set
    assert kept.rules.evaluate("mediation-reward", MAJOR).outputs["amount"] == 600
    reopened = Ledger(engine=kept.engine, rules=open_rules(rules_in_force_dir(kept.engine)), today=kept.today)
    assert reopened.rules.evaluate("mediation-reward", MAJOR).outputs["amount"] == 600


def test_an_outcome_stored_under_an_older_version_is_explained_with_that_version(kept, org, tmp_path):
    result = case_service.add_case(kept, org.mediator, "C-T1-V1", number="B1", category="neighbour",
                                   severity="major", received_on="2026-04-20")
    settled = case_service.settle_case(kept, org.mediator, result.case.id, settled_on="2026-05-02", settled_by="village_committee")
    old = next(o for o in settled.outcomes if o.policy_id == "mediation-reward")
    activate(kept, org.policy, _draft(tmp_path))
    assert kept.rules.book.by_hash("mediation-reward", old.hash) is None  # no longer in force
    explained = kept_version(kept, "mediation-reward", old.hash)
    try:
        again = explained.evaluate("mediation-reward", MAJOR)
    finally:
        explained.close()
    assert again.hash == old.hash and again.version == old.version
    assert str(again.outputs["amount"]) == "500.00" == old.outputs["amount"]
    assert again.fired == tuple(old.fired)


def test_activation_judges_again_what_is_stored_of_every_case_not_in_a_closed_period(kept, org, tmp_path):
    """A screen reads the stored reward: after the major reward is raised it must say 600, as the
    open period pays; a case paid in a closed period keeps the 500 it was paid."""
    from tiaojie.ledger import periods

    def case(number: str, received: str, settled: str):
        added = case_service.add_case(kept, org.mediator, "C-T1-V1", number=number, category="neighbour",
                                      severity="major", received_on=received)
        return case_service.settle_case(kept, org.mediator, added.case.id, settled_on=settled,
                                        settled_by="village_committee").case

    def reward(case_id: int) -> str:
        with kept.uow() as uow:
            current = [o for o in uow.outcomes.current(case_id) if o.policy_id == "mediation-reward"]
        return current[0].outputs["amount"]

    paid = case("P1", "2026-03-02", "2026-03-20")
    periods.close(kept, org.clerk, "2026-03")
    live = case("L1", "2026-04-20", "2026-05-02")
    assert reward(paid.id) == reward(live.id) == "500.00"
    activate(kept, org.policy, _draft(tmp_path))
    assert reward(live.id) == "600.00"
    assert reward(paid.id) == "500.00"  # a closed period stays as it was paid
    with kept.uow() as uow:
        replaced = [o for o in uow.outcomes.for_case(live.id)
                    if o.policy_id == "mediation-reward" and o.replaced_at is not None]
    assert [o.outputs["amount"] for o in replaced] == ["500.00"]  # kept as history, with why
    assert '"rules_activate"' in (replaced[0].replaced_reason or "")
    rejudged = [e for e in audit_service.recent(kept, limit=1000) if e.action == "outcomes_rejudged"]
    assert rejudged and "L1" in rejudged[-1].after["numbers"] and "P1" not in rejudged[-1].after["numbers"]
    assert audit_service.verify(kept).ok
