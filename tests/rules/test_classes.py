"""Values a policy cannot tell apart (`tiaojie.rules.classes`): any two numbers of one class, and
any two dates of one class, get the same verdict from every row of every version."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tiaojie.rules.classes import date_classes, number_classes
from tiaojie.rules.service import open_rules

POLICY_2026 = """
[policy]
id = "grading"
kind = "table"
title = "分档"
version = "2026.1"
effective_from = 2026-01-01
effective_until = 2026-06-30
source = "test"
hit = "collect-sum"
date_field = "received_on"
inputs = ["persons_involved", "amount_involved", "received_on"]

[outputs.points]
type = "decimal"
title = "分"

[default]
points = 0

[[rule]]
id = "crowd"
title = "人多"
when = { persons_involved = { gte = 30 } }
then = { points = 1 }

[[rule]]
id = "band"
title = "区间"
when = { persons_involved = { between = [5, 9] }, amount_involved = { lt = 1000 } }
then = { points = 2 }

[[rule]]
id = "listed"
title = "列举"
when = { persons_involved = [3, 12], amount_involved = { ne = 500 } }
then = { points = 4 }

[[rule]]
id = "spring"
title = "春季"
when = { amount_involved = { gt = 20000.5 } }
then = { points = 8 }
effective_from = 2026-03-01
effective_until = 2026-04-15
"""

POLICY_LATER = POLICY_2026.replace('version = "2026.1"', 'version = "2026.2"').replace(
    "effective_from = 2026-01-01\neffective_until = 2026-06-30", "effective_from = 2026-07-01").replace(
    "{ gte = 30 }", "{ gt = 40 }")

FORMULA = POLICY_2026.replace('then = { points = 1 }', 'then = { points = "persons_involved" }', 1)


def _versions(make_rules, *texts):  # noqa: ANN001, ANN202
    files = {f"grading-{i}.toml": text for i, text in enumerate(texts)}
    rules = open_rules(make_rules(files))
    return rules, rules.book.versions("grading")


def test_classes_of_numbers_and_dates_give_the_same_verdicts(make_rules):
    rules, versions = _versions(make_rules, POLICY_2026, POLICY_LATER)
    of_persons = number_classes(versions, "persons_involved")
    of_amount = number_classes(versions, "amount_involved")
    of_day = date_classes(versions)
    assert of_persons and of_amount and of_day
    try:
        rng = random.Random(7)
        amounts = [Decimal(v) for v in ("0", "499.99", "500", "500.01", "999.99", "1000", "20000.5", "20000.51")]
        seen: dict[tuple, tuple] = {}
        groups = 0
        for _ in range(3000):
            p = rng.randrange(0, 61)
            a = rng.choice(amounts + [Decimal(rng.randrange(0, 3_000_000)) / 100])
            d = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
            got = rules.evaluate("grading", {"persons_involved": p, "amount_involved": a, "received_on": d}, d)
            verdict = (got.version, got.fired, got.outputs)
            key = (of_persons(p), of_amount(a), of_day(d))
            if key not in seen:
                groups += 1
            assert seen.setdefault(key, verdict) == verdict, (p, a, d)
        assert groups < 1500  # classes were shared: each verdict above stood for others of its class
        # the cuts themselves stand alone; numbers between two cuts share a class
        assert of_persons(30) != of_persons(31) and of_persons(31) == of_persons(35)
        assert of_amount(Decimal("20000.5")) != of_amount(Decimal("20000.51"))
        assert of_day(dt.date(2026, 4, 15)) != of_day(dt.date(2026, 4, 16))  # a row's last day
        assert of_day(dt.date(2026, 5, 1)) == of_day(dt.date(2026, 6, 30))
        # the same classes for money held as integer fen, as the ledger stores it
        of_fen = number_classes(versions, "amount_involved", 100)
        for a1 in amounts:
            for a2 in amounts:
                assert (of_amount(a1) == of_amount(a2)) == (of_fen(int(a1 * 100)) == of_fen(int(a2 * 100)))
    finally:
        rules.close()


def test_a_number_an_output_formula_reads_has_no_classes(make_rules):
    rules, versions = _versions(make_rules, FORMULA)
    try:
        assert number_classes(versions, "persons_involved") is None
        assert number_classes(versions, "amount_involved") is not None
    finally:
        rules.close()
