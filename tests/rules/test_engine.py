"""The durable-rules wrapper: what it compiles, and that it stays correct under threads."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest

from tiaojie.rules.engine import CATCH_ALL, GUARD, RulesEngine, compile_policy
from tiaojie.rules.errors import EvaluationError


def test_compiled_rules_carry_the_guard_and_a_catch_all(rules):
    for policy in rules.book.all():
        compiled = compile_policy(policy)
        assert list(compiled)[:-1] == [row.id for row in policy.rows]
        assert compiled[CATCH_ALL]["pri"] > max((r["pri"] for k, r in compiled.items() if k != CATCH_ALL), default=0)
        for rule_id, rule in compiled.items():
            match = rule["all"][0]["m"]
            terms = match["$and"] if "$and" in match else [match]
            assert terms[0] == GUARD, (policy.id, rule_id)
            assert "run" not in rule
        # a fresh dict every time: set_rulesets mutates what it is given
        assert compile_policy(policy) == compiled and compile_policy(policy) is not compiled


def test_salience_is_file_order_then_priority(rules):
    policy = rules.book.select("mediation-reward", dt.date(2026, 3, 1))
    compiled = compile_policy(policy)
    assert compiled["major"]["pri"] < compiled["settled"]["pri"]
    fired = rules.engine.match(policy, {"status": "settled", "severity": "major", "settled_by": "village_committee"},
                               dt.date(2026, 3, 1).toordinal())
    assert fired == ["major", "settled"]  # every matching row, in salience order; first hit is Python's job
    assert rules.engine.match(policy, {}, dt.date(2026, 3, 1).toordinal()) == []


def test_threads_share_one_engine_safely(rules):
    policy = rules.book.select("escalation", dt.date(2026, 3, 1))
    plan = rules.evaluator.plan(policy)
    severities = ["simple", "ordinary", "difficult", "major"]
    errors: list[str] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(1500):
            raw = {"severity": rng.choice(severities), "persons_involved": rng.randint(0, 60),
                   "urgency": rng.choice(["normal", "urgent"]), "needs_verification": rng.random() < 0.5,
                   "received_on": "2026-03-02", "status": "received", "level": "village"}
            typed = plan.typed(raw)
            encoded = {k: f.encode(typed[n]) for n, k, f in plan.engine_fields if typed.get(n) is not None}
            on = dt.date(2026, 3, 2)
            got = rules.engine.match(policy, encoded, on.toordinal())
            want = [row.id for row in policy.rows if row.holds(typed, on)]
            if got != want:
                errors.append(f"{raw}: {got} != {want}")

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_closed_engine_is_not_used_by_accident(rules):
    policy = rules.book.select("mediation-reward", dt.date(2026, 3, 1))
    engine = RulesEngine([policy])
    assert engine.knows(policy)
    assert engine.match(policy, {"status": "settled"}, 739000) == []
    engine.close()
    with pytest.raises(KeyError):
        engine.match(policy, {"status": "settled"}, 739000)
    # the shared engine is untouched
    assert rules.engine.knows(policy)


def test_a_state_from_another_session_is_refused(rules, monkeypatch):
    policy = rules.book.select("mediation-reward", dt.date(2026, 3, 1))
    engine = rules.engine
    real = engine._dispatch

    def wrong_session(name, fact, first):
        state, fired = real(name, fact, first)
        return dict(state, sid="someone-else"), fired

    monkeypatch.setattr(engine, "_dispatch", wrong_session)
    for first in (False, True):
        with pytest.raises(EvaluationError) as caught:
            engine.match(policy, {"status": "settled"}, 739000, first)
        assert caught.value.key == "engine_sid_mismatch"
