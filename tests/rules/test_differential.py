"""The compiled durable-rules conditions against the plain-Python reading of the same rule files.

Cases are generated (seeded): each field's enumeration ids (and sometimes their Chinese labels),
boundary values around every constant the conditions compare with, and missing fields. For every
case the rows the engine matched must equal `[row.id for row in policy.rows if row.holds(typed, on)]`,
in the same order. Then the batch path is compared with per-case evaluation, bad rows included.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from rules_helpers import write_rules

from tiaojie.rules.conditions import Atom
from tiaojie.rules.errors import EvaluationError
from tiaojie.rules.service import open_rules

SEED = 20260101
CASES_PER_SHIPPED_POLICY = 1_500
CASES_GENERATED_POLICY = 8_000

PATTERNS = {
    "digits6": r"\d{6}",
    "code": r"[A-Z]{2}-\d+",
    "prefix": r"^TJ\d{2,4}$",
    "dot": r"a.c",
    "notdigits": r"[^0-9]+",
    "word-email": r"\w+@\w+\.com",
    "month": r"2026-0[1-9]-\d\d",
    "star": r"x*",
    "lazy": r"ab+?c",
    "percent": r"%\d",
    "opt": r"colou?r",
    "space": r"\s*ok\s*",
    "range-class": r"[a-f0-9]{4}",
    "neg-class": r"\D+",
    "alternation": r"ab|cd",
    "group": r"(ab|cd)+x?",
    "repeat": r"a{2,3}",
    "chinese": r"调解.*",
}
TEXT_SAMPLES = [
    "", "123456", "12345", "1234567", "AB-12", "AB-", "ab-12", "TJ12", "TJ1234", "TJ12345", "TJ1", "abc", "a-c", "ac",
    "abbbc", "abc", "ac", "xyz", "x", "xxxx", "xxy", "li_si@village.com", "a@b.com", "a@b.org", "2026-03-15",
    "2026-10-15", "2026-3-15", "%5", "%", "5", "color", "colour", "colouur", "ok", "  ok ", "okay", "beef", "BEEF",
    "12ab", "abcd", "abab", "abcdx", "cd", "aa", "aaa", "aaaa", "调解书", "调", "张三", "a|b", "a.c", "(x)", "[AB]", "\\d", "line\nbreak", 'a"c', "a\\c", "a\tc", "a\x01c", "ok\n", " ok\t",
    "AB-1\n", "TJ12\r",
]

GENERATED = r'''
[policy]
id = "gen"
kind = "table"
title = "每种运算符（测试）"
version = "1"
effective_from = 2020-01-01
source = "测试"
hit = "collect-sum"

[fields."applicant.age"]
type = "int"
title = "当事人年龄"

[fields."applicant.kind"]
type = "enum"
enum = "source"
title = "当事人来源"

[fields.ratio]
type = "decimal"
title = "比例"

[outputs.n]
type = "int"
title = "计数"

[[rule]]
id = "eq-enum"
title = "eq enum"
when = { severity = "major" }
then = { n = 1 }

[[rule]]
id = "eq-enum-label"
title = "eq enum by Chinese label"
when = { severity = "疑难" }
then = { n = 1 }

[[rule]]
id = "ne-enum"
title = "ne enum"
when = { severity = { ne = "simple" } }
then = { n = 1 }

[[rule]]
id = "in-enum"
title = "in enum (list)"
when = { category = ["neighbour", "contract", "labour"] }
then = { n = 1 }

[[rule]]
id = "in-enum-op"
title = "in enum (operator, one member)"
when = { category = { in = ["other"] } }
then = { n = 1 }

[[rule]]
id = "not-in-enum"
title = "not_in enum"
when = { category = { not_in = ["other", "medical"] } }
then = { n = 1 }

[[rule]]
id = "gt-int"
title = "gt int"
when = { persons_involved = { gt = 10 } }
then = { n = 1 }

[[rule]]
id = "gte-int"
title = "gte int"
when = { persons_involved = { gte = 10 } }
then = { n = 1 }

[[rule]]
id = "lt-int-negative"
title = "lt int negative"
when = { persons_involved = { lt = -1 } }
then = { n = 1 }

[[rule]]
id = "ne-int"
title = "ne int"
when = { persons_involved = { ne = 0 } }
then = { n = 1 }

[[rule]]
id = "eq-int"
title = "eq int"
when = { sessions = 3 }
then = { n = 1 }

[[rule]]
id = "in-int"
title = "in int"
when = { sessions = { in = [1, 4, 7] } }
then = { n = 1 }

[[rule]]
id = "not-in-int"
title = "not_in int"
when = { sessions = { not_in = [1, 4] } }
then = { n = 1 }

[[rule]]
id = "between-int"
title = "between int"
when = { sessions = { between = [2, 5] } }
then = { n = 1 }

[[rule]]
id = "lt-money"
title = "lt money"
when = { amount_involved = { lt = 5000 } }
then = { n = 1 }

[[rule]]
id = "lte-money"
title = "lte money with fen"
when = { amount_involved = { lte = 5000.50 } }
then = { n = 1 }

[[rule]]
id = "between-money"
title = "between money"
when = { amount_involved = { between = [100, 200.99] } }
then = { n = 1 }

[[rule]]
id = "gte-money-big"
title = "gte money large"
when = { amount_involved = { gte = 1000000 } }
then = { n = 1 }

[[rule]]
id = "gt-decimal"
title = "gt decimal"
when = { ratio = { gt = 0.333333 } }
then = { n = 1 }

[[rule]]
id = "lte-decimal"
title = "lte decimal"
when = { ratio = { lte = 0.5 } }
then = { n = 1 }

[[rule]]
id = "eq-bool-true"
title = "eq true"
when = { needs_verification = true }
then = { n = 1 }

[[rule]]
id = "eq-bool-false"
title = "eq false"
when = { file_complete = false }
then = { n = 1 }

[[rule]]
id = "ne-bool"
title = "ne true"
when = { follow_up_done = { ne = true } }
then = { n = 1 }

[[rule]]
id = "exists-true"
title = "exists true"
when = { number = { exists = true } }
then = { n = 1 }

[[rule]]
id = "exists-false"
title = "exists false"
when = { unit = { exists = false } }
then = { n = 1 }

[[rule]]
id = "exists-false-and-eq"
title = "exists false and eq"
when = { agreement = { exists = false }, status = "settled" }
then = { n = 1 }

[[rule]]
id = "gt-date"
title = "gt date"
when = { received_on = { gt = 2026-03-01 } }
then = { n = 1 }

[[rule]]
id = "between-date"
title = "between dates"
when = { settled_on = { between = [2026-01-01, 2026-06-30] } }
then = { n = 1 }

[[rule]]
id = "eq-date"
title = "eq date"
when = { closed_on = 2026-12-31 }
then = { n = 1 }

[[rule]]
id = "eq-text"
title = "eq text"
when = { unit = "张三" }
then = { n = 1 }

[[rule]]
id = "in-text"
title = "in text"
when = { unit = ["abc", "ok", ""] }
then = { n = 1 }

[[rule]]
id = "matches-enum"
title = "matches on an enum id"
when = { severity = { matches = "ma.*" } }
then = { n = 1 }

[[rule]]
id = "nested-table"
title = "nested field by table"
when = { applicant = { age = { gte = 60 } } }
then = { n = 1 }

[[rule]]
id = "nested-quoted"
title = "nested field by dotted key"
when = { "applicant.kind" = "transfer" }
then = { n = 1 }

[[rule]]
id = "nested-in"
title = "nested in, and a top-level field"
when = { applicant = { kind = ["application", "assigned"], age = { lt = 18 } }, urgency = "urgent" }
then = { n = 1 }

[[rule]]
id = "any"
title = "any"
when = { any = [ { severity = "major" }, { persons_involved = { gte = 30 } } ] }
then = { n = 1 }

[[rule]]
id = "any-all-nested"
title = "any of all"
when = { any = [ { all = [ { severity = "difficult" }, { category = ["land_acquisition", "environment"] } ] }, { amount_involved = { gte = 1000000 } } ] }
then = { n = 1 }

[[rule]]
id = "all-any-nested"
title = "all of any, plus a plain condition"
when = { all = [ { any = [ { urgency = "urgent" }, { needs_verification = true } ] }, { status = { ne = "withdrawn" } } ], level = { exists = true } }
then = { n = 1 }

[[rule]]
id = "multi"
title = "several conditions"
when = { status = "settled", settled_by = ["village_committee", "village_group", "mediation_committee"], severity = { in = ["major", "difficult"] }, sessions = { lte = 3 } }
then = { n = 1 }

[[rule]]
id = "dated-from"
title = "dated from"
when = { severity = "major" }
then = { n = 1 }
effective_from = 2026-07-01

[[rule]]
id = "dated-until"
title = "dated until"
when = { severity = { ne = "major" } }
then = { n = 1 }
effective_until = 2026-06-30

[[rule]]
id = "dated-window"
title = "dated window, no conditions"
then = { n = 1 }
effective_from = 2026-03-01
effective_until = 2026-03-31

[[rule]]
id = "priority-first"
title = "explicit priority"
when = { status = "received" }
then = { n = 1 }
priority = -1

[[rule]]
id = "always"
title = "no conditions"
then = { n = 1 }
'''

MATCH_ROWS = "".join(
    f'\n[[rule]]\nid = "matches-{name}"\ntitle = "matches {name}"\nwhen = {{ number = {{ matches = \'{pattern}\' }} }}\nthen = {{ n = 1 }}\n'
    for name, pattern in PATTERNS.items()
)


@pytest.fixture(scope="module")
def gen_rules(tmp_path_factory):
    directory = write_rules(tmp_path_factory.mktemp("gen"), {"gen.toml": GENERATED + MATCH_ROWS})
    loaded = open_rules(directory)
    yield loaded
    loaded.close()


# --- case generation ----------------------------------------------------------------------------


def _step(fdef) -> Any:
    return {"int": 1, "money": Decimal("0.01"), "decimal": Decimal("0.000001"), "date": dt.timedelta(days=1)}[fdef.type]


def candidates(policy) -> dict[str, list]:
    """Per field: raw values worth trying (typed domain, and some spellings a user would type)."""
    boundary: dict[str, set] = {name: set() for name in policy.fields}
    for row in policy.rows:
        for atom in row.condition.atoms():
            assert isinstance(atom, Atom)
            name, v = atom.field.name, atom.value
            if atom.op in ("exists", "matches"):
                continue
            values = list(v) if atom.op in ("in", "not_in", "between") else [v]
            for value in values:
                boundary[name].add(value)
                if atom.field.type in ("int", "money", "decimal", "date"):
                    boundary[name].add(value - _step(atom.field))
                    boundary[name].add(value + _step(atom.field))
    out: dict[str, list] = {}
    for name, fdef in policy.fields.items():
        kind = fdef.type
        values = sorted(boundary[name], key=repr)
        if kind == "enum":
            ids = list(fdef.enum_def.labels)
            out[name] = ids + [fdef.enum_def.labels[i] for i in ids[:3]]
        elif kind == "bool":
            out[name] = [True, False, "是", "否"]
        elif kind == "int":
            out[name] = values + [0, -1, 1, 1000, -1000]
        elif kind == "money":
            out[name] = values + [Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal("99999999.99"), "123.45"]
        elif kind == "decimal":
            out[name] = values + [Decimal(0), Decimal("0.333333"), Decimal("0.333334"), Decimal("1"), Decimal("-0.5")]
        elif kind == "date":
            out[name] = values + [dt.date(2026, 3, 1), dt.date(2026, 7, 1), dt.date(2025, 12, 31), "2026-06-30"]
        else:  # text
            out[name] = values + TEXT_SAMPLES
    return out


def on_dates(policy) -> list[dt.date]:
    dates = {policy.effective_from, dt.date(2026, 6, 30), dt.date(2026, 7, 1)}
    for row in policy.rows:
        for d in (row.effective_from, row.effective_until):
            if d:
                dates |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(d for d in dates if d >= policy.effective_from)


def generate(policy, rng: random.Random, n: int):
    pools = candidates(policy)
    dates = on_dates(policy)
    for _ in range(n):
        raw: dict[str, Any] = {}
        for name, pool in pools.items():
            if rng.random() < 0.18:
                continue  # missing
            value = rng.choice(pool)
            if rng.random() < 0.05 and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                value = value + rng.choice([-7, 13, 250])
            if "." in name and rng.random() < 0.5:
                head, tail = name.split(".", 1)
                raw.setdefault(head, {})[tail] = value
            else:
                raw[name] = value
        yield raw, rng.choice(dates)


def engine_and_reference(rules, policy, raw, on):
    plan = rules.evaluator.plan(policy)
    typed = plan.typed(raw)
    encoded = {key: fdef.encode(typed[name]) for name, key, fdef in plan.engine_fields if typed.get(name) is not None}
    engine = rules.engine.match(policy, encoded, on.toordinal())
    reference = [row.id for row in policy.rows if row.holds(typed, on)]
    # asked for the first hit only (posted as an event), the engine names the first row that holds
    first = rules.engine.match(policy, encoded, on.toordinal(), first=True)
    if first != reference[:1]:
        engine = ("first only", first)
    return engine, reference, typed


def run_differential(rules, policy, n, seed):
    rng = random.Random(seed)
    mismatches = []
    fired_counts = {row.id: 0 for row in policy.rows}
    cases = 0
    for raw, on in generate(policy, rng, n):
        engine, reference, typed = engine_and_reference(rules, policy, raw, on)
        cases += 1
        for rid in reference:
            fired_counts[rid] += 1
        if engine != reference:
            mismatches.append((raw, on, engine, reference))
    return cases, mismatches, fired_counts


SHIPPED = ["mediation-reward", "banquet", "canteen-meal", "escalation", "collective-dividend", "revenue-share"]


@pytest.mark.parametrize("policy_id", SHIPPED)
def test_shipped_policies_engine_agrees_with_python(rules, policy_id):
    policy = rules.book.versions(policy_id)[0]
    cases, mismatches, fired = run_differential(rules, policy, CASES_PER_SHIPPED_POLICY, SEED + SHIPPED.index(policy_id))
    assert cases == CASES_PER_SHIPPED_POLICY
    assert not mismatches, f"{len(mismatches)} mismatches; first: {mismatches[:3]}"
    # the generator reaches every row, and no row matches every case
    assert all(count > 0 for count in fired.values()), fired
    assert all(count < cases for rid, count in fired.items() if policy.row(rid).condition.fields()), fired


def test_generated_policy_every_operator_engine_agrees_with_python(gen_rules):
    policy = gen_rules.book.versions("gen")[0]
    ops = {atom.op for row in policy.rows for atom in row.condition.atoms()}
    assert ops == {"eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "exists", "matches"}
    cases, mismatches, fired = run_differential(gen_rules, policy, CASES_GENERATED_POLICY, SEED)
    assert cases == CASES_GENERATED_POLICY
    report = [f"{m[2]} != {m[3]} for {m[0]} on {m[1]}" for m in mismatches[:5]]
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(report)
    never = [rid for rid, count in fired.items() if count == 0]
    assert never == [], f"rows the generator never reached: {never}"
    assert fired["always"] == cases
    # the order is salience order: explicit priority first
    assert policy.rows[0].id == "priority-first"


def test_total_generated_cases_at_least_10000():
    assert CASES_PER_SHIPPED_POLICY * len(SHIPPED) + CASES_GENERATED_POLICY >= 10_000


def test_translated_patterns_match_like_python(gen_rules):
    """Each pattern, on every sample string: the engine's `$mt` against Python's fullmatch."""
    policy = gen_rules.book.versions("gen")[0]
    disagreements = []
    for text in TEXT_SAMPLES:
        engine, reference, _ = engine_and_reference(gen_rules, policy, {"number": text}, dt.date(2026, 1, 1))
        e = {r for r in engine if r.startswith("matches-")}
        p = {r for r in reference if r.startswith("matches-")}
        if e != p:
            disagreements.append((text, sorted(e ^ p)))
    assert disagreements == []
    # and the samples do discriminate: every pattern matches some sample and misses another
    for name, pattern in PATTERNS.items():
        import re
        hits = [t for t in TEXT_SAMPLES if re.fullmatch(pattern, t, re.ASCII)]
        assert hits and len(hits) < len(TEXT_SAMPLES), name


# --- batch against one-by-one -------------------------------------------------------------------


def _result(r):
    if isinstance(r, EvaluationError):
        return ("error", r.key, r.message("en"))
    out = r.to_json("en")
    return ("ok", out["version"], out["outputs"], out["fired"], out["explanation"], out.get("near_misses"))


def bad_rows(rng: random.Random):
    yield "not an object"
    yield ["a", "list"]
    yield None
    yield {"status": "settled", "severity": "majr", "settled_by": "village_committee"}
    yield {"status": ["settled"], "severity": "major", "settled_by": "village_committee"}
    yield {"status": {"x": 1}, "severity": "major"}
    yield {"status": "settled", "severity": 5, "settled_by": "village_committee"}
    yield {"status": "settled", "settled_on": "2026-02-30"}
    yield {"status": "settled", "settled_on": "yesterday"}
    yield {"status": "settled", "settled_on": "2025-06-01"}  # no version in force
    yield {"status": "settled", "settled_on": ["2026-01-01"]}


def test_batch_equals_one_by_one_shipped(rules):
    rng = random.Random(SEED + 99)
    as_of = dt.date(2026, 12, 31)
    for policy_id in ("mediation-reward", "banquet", "canteen-meal", "escalation"):
        policy = rules.book.versions(policy_id)[0]
        cases: list[Any] = [raw for raw, _ in generate(policy, rng, 600)]
        # repeats (the cache path), and bad rows spread through the batch
        cases += [dict(c) for c in cases[:100]]
        bad = list(bad_rows(rng))
        for i, row in enumerate(bad):
            cases.insert(37 * (i + 1), row)
        batch = list(rules.evaluate_batch(policy_id, cases, as_of=as_of))
        assert len(batch) == len(cases)
        one_by_one = []
        for case in cases:
            try:
                one_by_one.append(rules.evaluate(policy_id, case, as_of=as_of))
            except EvaluationError as err:
                one_by_one.append(err)
        for i, (b, s) in enumerate(zip(batch, one_by_one)):
            assert _result(b) == _result(s), (policy_id, i, cases[i])
        errors = sum(isinstance(b, EvaluationError) for b in batch)
        assert errors >= 3 and errors < len(cases) // 2


def test_batch_equals_one_by_one_generated_policy(gen_rules):
    rng = random.Random(SEED + 7)
    policy = gen_rules.book.versions("gen")[0]
    cases = [raw for raw, _ in generate(policy, rng, 700)]
    cases += cases[:150]
    for i, row in enumerate(bad_rows(rng)):
        cases.insert(50 * (i + 1), row)
    for as_of in (dt.date(2026, 3, 15), dt.date(2026, 8, 1)):
        batch = list(gen_rules.evaluate_batch("gen", cases, as_of=as_of))
        for i, (b, case) in enumerate(zip(batch, cases)):
            try:
                single = gen_rules.evaluate("gen", case, as_of=as_of)
            except EvaluationError as err:
                single = err
            assert _result(b) == _result(single), (i, case)


def test_true_and_one_are_not_confused(rules, make_rules):
    """True == 1 == Decimal(1) in Python, and the engine once matched 1 against True: the batch
    cache must not hand one's result to the other, and neither may the engine."""
    cases = [{"age": 1}, {"age": True}, {"age": 1}, {"age": "1"}, {"age": Decimal(1)}, {"age": 1.0},
             {"age": 70, "outside_worker": True}, {"age": 70, "outside_worker": 1}, {"age": 70, "outside_worker": True},
             {"age": 70, "outside_worker": "1"}, {"age": 70, "outside_worker": 0}, {"age": 70, "outside_worker": False}]
    batch = [_result(r) for r in rules.evaluate_batch("canteen-meal", cases)]
    single = []
    for case in cases:
        try:
            single.append(_result(rules.evaluate("canteen-meal", case)))
        except EvaluationError as err:
            single.append(_result(err))
    assert batch == single
    assert batch[0][0] == "ok" and batch[1][0] == "error"  # age=True is not an age
    assert batch[6][3] == ["outside-worker"]
    assert batch[7][0] == "error"  # outside_worker=1 is not a yes/no
    assert batch[9][3] == ["outside-worker"]  # "1" is accepted as yes, like "是"
    assert batch[10][0] == "error"
    assert batch[11][3] == ["age-70"]
    # a policy with a money field: 1, "1", Decimal("1.00") and True
    text = """
[policy]
id = "tc"
kind = "reward"
title = "类型混淆"
version = "1"
effective_from = 2026-01-01
source = "测试"
inputs = ["amount_involved", "needs_verification"]

[[rule]]
id = "one"
title = "金额为 1 元"
when = { amount_involved = 1 }
then = { amount = 1 }

[[rule]]
id = "flag"
title = "需核实"
when = { needs_verification = true }
then = { amount = 2 }
"""
    tc = open_rules(make_rules({"tc.toml": text}))
    try:
        cases = [{"amount_involved": 1}, {"amount_involved": True}, {"amount_involved": "1.00"},
                 {"needs_verification": True}, {"needs_verification": 1}, {"amount_involved": Decimal("1.00")},
                 {"needs_verification": True, "amount_involved": True}]
        batch = [_result(r) for r in tc.evaluate_batch("tc", cases, as_of=dt.date(2026, 5, 1))]
        single = []
        for case in cases:
            try:
                single.append(_result(tc.evaluate("tc", case, as_of=dt.date(2026, 5, 1))))
            except EvaluationError as err:
                single.append(_result(err))
        assert batch == single
        assert [b[0] for b in batch] == ["ok", "error", "ok", "ok", "error", "ok", "error"]
        assert batch[0][3] == ["one"] and batch[2][3] == ["one"] and batch[3][3] == ["flag"]
    finally:
        tc.close()


def test_a_row_with_any_fires_once(make_rules):
    """The engine splits an `$or` into one rule per branch; when several branches hold, the row
    must still count once (collect-sum would add it twice, a banquet would list it twice)."""
    text = """
[policy]
id = "once"
kind = "table"
title = "或条件只计一次"
version = "1"
effective_from = 2026-01-01
source = "测试"
hit = "collect-sum"
inputs = ["severity", "persons_involved", "amount_involved"]

[outputs.points]
type = "int"
title = "分值"

[[rule]]
id = "big"
title = "重大或人多或金额大"
when = { any = [ { severity = "major" }, { persons_involved = { gte = 30 } }, { amount_involved = { gte = 1000000 } } ] }
then = { points = 10 }

[[rule]]
id = "base"
title = "基础分"
then = { points = 1 }
"""
    rules = open_rules(make_rules({"once.toml": text}))
    try:
        case = {"severity": "major", "persons_involved": 50, "amount_involved": 2000000}
        outcome = rules.evaluate("once", case)
        assert outcome.fired == ("big", "base")
        assert outcome.outputs["points"] == 11
        assert [o.outputs["points"] for o in rules.evaluate_batch("once", [case, {"severity": "simple"}])] == [11, 1]
    finally:
        rules.close()
