"""Each kind of policy is one strategy, and the table of kinds is handed to the rules where they are
opened: the book checks its files against it, the evaluator decides through it, lint reads it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from rules_helpers import RULES_DIR

from tiaojie.rules.kinds import KINDS, Decision
from tiaojie.rules.kinds.table import RewardKind
from tiaojie.rules.lint import lint_rules
from tiaojie.rules.outcome import Outcome
from tiaojie.rules.service import open_rules

CASE = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"}


class DoubleReward(RewardKind):
    """A reward that pays twice what its rows say."""

    def decide(self, d: Decision) -> Outcome:
        outcome = super().decide(d)
        return dataclasses.replace(outcome, outputs={**outcome.outputs, "amount": outcome.outputs["amount"] * 2})


def test_every_kind_of_the_rule_file_has_its_strategy(rules):
    assert set(KINDS) == {"reward", "table", "banquet", "dividend", "escalation", "chain"}
    assert all(kind.name == name for name, kind in KINDS.items())
    assert rules.book.kinds is KINDS
    for policy in rules.book.all():
        assert rules.book.kind(policy) is KINDS[policy.kind]


def test_the_kinds_are_given_where_the_rules_are_opened(rules):
    doubled = open_rules(RULES_DIR, {**KINDS, "reward": DoubleReward()})
    try:
        as_of = dt.date(2026, 6, 30)
        plain = rules.evaluate("mediation-reward", CASE, as_of)
        assert plain.amount() > 0
        assert doubled.evaluate("mediation-reward", CASE, as_of).amount() == plain.amount() * 2
        batch = list(doubled.evaluate_batch("mediation-reward", [CASE, dict(CASE)], as_of))
        assert [o.amount() for o in batch if isinstance(o, Outcome)] == [plain.amount() * 2] * 2
        assert [f.render() for f in lint_rules(doubled)] == [f.render() for f in lint_rules(rules)]
    finally:
        doubled.close()
