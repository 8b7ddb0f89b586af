"""The batch path's caches never let two cases that read differently share a result."""

from __future__ import annotations

import datetime as dt
import random
from collections import OrderedDict
from decimal import Decimal

from tiaojie.rules.errors import EvaluationError

AS_OF = dt.date(2026, 6, 30)


def _result(r):
    if isinstance(r, EvaluationError):
        return ("error", r.key, r.message("en"))
    out = r.to_json("en")
    return ("ok", out["version"], out["outputs"], out["fired"], out["explanation"], out.get("near_misses"))


def _single(rules, policy, case):
    try:
        return rules.evaluate(policy, case, AS_OF)
    except EvaluationError as err:
        return err


def _same_as_single(rules, policy, cases):
    batch = list(rules.evaluate_batch(policy, cases, AS_OF))
    assert len(batch) == len(cases)
    for i, (b, case) in enumerate(zip(batch, cases)):
        assert _result(b) == _result(_single(rules, policy, case)), (i, case)


def test_numbers_and_booleans_of_equal_value_do_not_share(rules):
    ages = [1, True, 1.0, Decimal(1), Decimal("1.0"), "1", "1.0", 65, 65.0, "65", Decimal("65.00"), 65.5, "六十五",
            False, 0, None, [65], {"a": 1}]
    workers = [True, 1, "是", "true", False, 0, "否", None, "maybe", 1.0]
    rng = random.Random(3)
    cases = [{"age": rng.choice(ages), "outside_worker": rng.choice(workers)} for _ in range(600)]
    _same_as_single(rules, "canteen-meal", cases)


def test_dates_of_every_type_pick_like_the_single_path(rules):
    dates = ["2026-03-02", "2025-12-31", "2026-13-01", "", None, 20260302, True, 1, dt.date(2026, 3, 2),
             dt.datetime(2026, 3, 2, 9, 0), ["2026-03-02"]]
    statuses = ["settled", "调解成功", 1, True, None, "settled "]
    rng = random.Random(5)
    cases = [
        {"status": rng.choice(statuses), "severity": rng.choice(["major", "重大", "ordinary", "majr"]),
         "settled_by": rng.choice(["village_committee", "村小组", "township"]), "settled_on": rng.choice(dates)}
        for _ in range(600)
    ]
    _same_as_single(rules, "mediation-reward", cases)


def test_dict_subclasses_missing_fields_and_non_objects(rules):
    cases = [
        OrderedDict(status="settled", severity="major", settled_by="village_committee", settled_on="2026-03-02"),
        {"status": "settled", "settled_by": "village_committee"},
        {"status": "settled", "severity": "major", "settled_by": "village_committee"},
        "not an object", None, [1, 2],
        {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"},
        {},
    ] * 3
    _same_as_single(rules, "mediation-reward", cases)
    _same_as_single(rules, "canteen-meal", [{"age": 70}, "x", {"age": 70}, {}, {"age": None}, {"age": 70}])


def test_the_batch_takes_a_chunk_and_yields_its_results_in_order(rules):
    taken = []

    def cases():
        for i in range(10):
            taken.append(i)
            yield {"age": 60 + i}

    seen = []
    for _ in rules.evaluate_batch("canteen-meal", cases(), AS_OF, chunk=4):
        seen.append(len(taken))
    # a chunk is taken whole before its results are yielded, never more than one chunk ahead
    assert seen == [4, 4, 4, 4, 8, 8, 8, 8, 10, 10]
    seen = [len(taken) - 10 for _ in rules.evaluate_batch("canteen-meal", cases(), AS_OF, chunk=1)]
    assert seen == list(range(1, 11))


def test_results_stay_aligned_with_their_inputs_across_chunks(rules):
    """Bad cases (not objects, missing or unreadable fields) yield their error in place, in
    chunks of every size, mixed with plain cases that hit the whole-projection cache."""
    good = {"status": "settled", "severity": "major", "settled_by": "village_committee", "settled_on": "2026-03-02"}
    variants = [
        good, dict(good, severity="重大"), dict(good, severity="ordinary"), "not an object", None, [1],
        dict(good, severity="majr"), dict(good, settled_on="2026-13-01"), {"status": "settled"},
        OrderedDict(good), dict(good, severity=1), dict(good, severity=["major"]), {},
    ]
    rng = random.Random(17)
    cases = [rng.choice(variants) for _ in range(700)]
    want = [_result(_single(rules, "mediation-reward", case)) for case in cases]
    for chunk in (1, 3, 64, 700, 5000):
        got = [_result(r) for r in rules.evaluate_batch("mediation-reward", cases, AS_OF, chunk=chunk)]
        assert got == want, chunk
    # chunks of plain dicts only: the C-level pass, with missing fields and lists among them
    plain = [c for c in cases if type(c) is dict]
    want_plain = [_result(_single(rules, "mediation-reward", case)) for case in plain]
    for chunk in (2, 64, 5000):
        got = [_result(r) for r in rules.evaluate_batch("mediation-reward", plain + plain, AS_OF, chunk=chunk)]
        assert got == want_plain + want_plain, chunk
    session = rules.batch_session("mediation-reward", AS_OF)
    got = []
    for start in range(0, len(cases), 50):
        got += [_result(r) for r in session.evaluate_many(cases[start:start + 50])]
    assert got == want


CLASSES = """
[policy]
id = "classes"
kind = "reward"
title = "分类"
version = "1"
effective_from = 2026-01-01
source = "test"
inputs = ["category", "severity", "urgency", "persons_involved"]

[default]
amount = 0

[[rule]]
id = "land"
title = "征地或山林"
when = { category = ["land_acquisition", "forest_land"], severity = { ne = "simple" } }
then = { amount = 300 }

[[rule]]
id = "many"
title = "人多"
when = { category = { not_in = ["other", "consumer"] }, persons_involved = { gte = 5 }, urgency = "urgent" }
then = { amount = "20 * persons_involved" }

[[rule]]
id = "any"
title = "其他"
when = { any = [{ category = "labour" }, { severity = "major", urgency = { exists = true } }] }
then = { amount = 50 }
"""


def test_cases_the_engine_cannot_tell_apart_still_get_their_own_outcome(make_rules):
    from tiaojie.rules.service import open_rules

    rules = open_rules(make_rules({"classes.toml": CLASSES}))
    try:
        categories = list(rules.book.vocabulary.enums["category"].labels) + ["婚姻家庭", None, "nope"]
        rng = random.Random(11)
        cases = [
            {"category": rng.choice(categories), "severity": rng.choice(["simple", "major", "一般", None]),
             "urgency": rng.choice(["urgent", "normal", None]), "persons_involved": rng.choice([1, 5, 9, "7", None])}
            for _ in range(1500)
        ]
        _same_as_single(rules, "classes", cases)
        calls = []
        real = rules.engine.match
        rules.engine.match = lambda *a: calls.append(1) or real(*a)
        list(rules.evaluate_batch("classes", cases, AS_OF))
        # 15 categories read by the rows as 6 kinds: far fewer engine runs than distinct cases
        assert 0 < len(calls) < len({tuple(map(repr, c.values())) for c in cases}) / 2
    finally:
        rules.close()
