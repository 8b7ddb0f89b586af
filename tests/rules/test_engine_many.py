"""Many cases asked of the engine in one session give, case by case, the rows one case alone
matches: for a first-hit table (each case an event that fires its first row) and for a policy
whose every matching row counts (each case a fact)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tiaojie.rules import engine as engine_module

AS_OF = dt.date(2026, 6, 30)


def encoded_cases(rules, policy: str, n: int, seed: int) -> tuple[object, list[dict]]:
    """The policy's latest version, and `n` cases of ids drawn from its enumerations as the
    engine is shown them."""
    version = rules.book.versions(policy)[-1]
    plan = rules.evaluator.plan(version)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        case: dict = {}
        for name in plan.names:
            fdef = rules.book.vocabulary.fields[name]
            if fdef.type == "enum" and rng.random() > 0.1:
                case[name] = rng.choice(list(fdef.enum_def.labels))
        typed = plan.typed(case)
        out.append({key: fdef.encode(typed[name]) for name, key, fdef in plan.engine_fields
                    if typed.get(name) is not None})
    return version, out


@pytest.mark.parametrize("first", [True, False])
def test_many_cases_in_one_session_match_as_each_alone(rules, first: bool, monkeypatch):
    monkeypatch.setattr(engine_module, "MANY", 97)  # several sessions, the last one short
    version, cases = encoded_cases(rules, "mediation-reward", 400, seed=1)
    engine = rules.evaluator.engine
    on = AS_OF.toordinal()
    alone = [engine.match(version, case, on, first) for case in cases]
    together = engine.match_many(version, cases, on, first)
    assert together == alone
    assert any(alone) and not all(alone)  # some cases match rows, some none
    if not first:
        assert any(len(rows) > 1 for rows in alone)  # facts fire every row that holds


def test_a_batch_evaluated_after_priming_is_the_batch_evaluated_case_by_case(rules, monkeypatch):
    rng = random.Random(4)
    plan = rules.evaluator.plan(rules.book.versions("mediation-reward")[-1])
    vocabulary = rules.book.vocabulary.fields
    cases = [{name: rng.choice([*vocabulary[name].enum_def.labels, *vocabulary[name].enum_def.labels.values()])
              for name in plan.names if vocabulary[name].type == "enum"} for _ in range(300)]
    primed = rules.batch_session("mediation-reward", AS_OF)
    primed.prime(cases)
    engine = rules.evaluator.engine
    alone: list[object] = []
    match = engine.match

    def asked_alone(*args: object) -> list[str]:
        alone.append(args)
        return match(*args)

    monkeypatch.setattr(engine, "match", asked_alone)
    got = primed.evaluate_many(cases)
    assert not alone  # every case found the engine's answer, asked before any was evaluated
    monkeypatch.undo()
    want = [rules.evaluate("mediation-reward", case, AS_OF) for case in cases]
    assert [(r.outputs, r.fired) for r in got] == [(r.outputs, r.fired) for r in want]
