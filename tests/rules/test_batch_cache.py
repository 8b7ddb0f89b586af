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


def test_the_batch_takes_one_case_before_yielding_its_result(rules):
    taken = []

    def cases():
        for i in range(5):
            taken.append(i)
            yield {"age": 60 + i}

    seen = []
    for result in rules.evaluate_batch("canteen-meal", cases(), AS_OF):
        seen.append(len(taken))
    assert seen == [1, 2, 3, 4, 5]
