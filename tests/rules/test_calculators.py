"""Each kind's calculator, through the engine: reward, table, banquet, dividend, escalation; effective
dating across versions; and an alternative reward scheme written as a rule file, no code."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from rules_helpers import FIXTURES, RULES_DIR

from tiaojie.rules.errors import EvaluationError
from tiaojie.rules.examples import run_examples
from tiaojie.rules.service import open_rules

D = dt.date


def reward_case(**kw):
    case = {"status": "settled", "severity": "ordinary", "settled_by": "village_committee", "settled_on": "2026-03-02"}
    case.update(kw)
    return case


# --- shipped examples ---------------------------------------------------------------------------


def test_every_shipped_example_passes_through_the_engine(rules):
    report = run_examples(rules)
    failures = [r.render("en") for r in report.results if not r.passed]
    assert failures == []
    assert report.passed >= 20
    assert report.unreached_rows == []


# --- reward -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case, amount, fired", [
    (reward_case(severity="major"), "500.00", ["major"]),
    (reward_case(severity="ordinary"), "200.00", ["settled"]),
    (reward_case(severity="difficult", settled_by="mediation_committee"), "200.00", ["settled"]),
    (reward_case(severity="major", settled_by="village_group"), "500.00", ["major"]),
    (reward_case(status="调解成功", severity="重大", settled_by="村小组"), "500.00", ["major"]),
    (reward_case(status="调解成功", severity="一般", settled_by="调委会"), "200.00", ["settled"]),
    (reward_case(severity="major", settled_by="township"), "0.00", []),
    (reward_case(severity="major", settled_by="county"), "0.00", []),
    (reward_case(status="failed", severity="major"), "0.00", []),
    (reward_case(status="mediating"), "0.00", []),
    ({"status": "settled", "settled_on": "2026-03-02"}, "0.00", []),  # settled_by missing
])
def test_reward_first_hit(rules, case, amount, fired):
    outcome = rules.evaluate("mediation-reward", case, as_of=D(2026, 6, 30))
    out = outcome.to_json("zh")
    assert out["outputs"]["amount"] == amount
    assert out["fired"] == fired
    assert outcome.amount() == Decimal(amount)
    assert out["policy"] == "mediation-reward" and out["version"] == "2026.1"
    assert out["as_of"] == "2026-06-30"


def test_reward_explanations_zh_and_en(rules):
    outcome = rules.evaluate("mediation-reward", reward_case(severity="major"))
    zh = outcome.to_json("zh")["explanation"]
    en = outcome.to_json("en")["explanation"]
    assert zh == ["命中「成功调处重大矛盾纠纷」：奖励金额 500.00 元"]
    assert en == ["matched 'major dispute settled': reward 500.00 yuan"]


def test_reward_near_miss_names_the_failing_condition(rules):
    outcome = rules.evaluate("mediation-reward", reward_case(severity="major", settled_by="township"))
    out = outcome.to_json("zh")
    assert out["outputs"]["amount"] == "0.00"
    assert out["explanation"] == ["没有规则命中，按默认值：奖励金额 0.00 元"]
    near = out["near_misses"]
    assert near[0].startswith("未命中「成功调处重大矛盾纠纷」")
    assert "调处主体为乡镇" in near[0] and "村委会、村小组、调委会" in near[0]
    near_en = outcome.to_json("en")["near_misses"]
    assert near_en[0].startswith("not matched 'major dispute settled'")
    assert "settled by is township" in near_en[0]
    assert "village committee, village group, mediation committee" in near_en[0]


def test_reward_near_miss_on_severity(rules):
    # ordinary + township: "settled" fails only on settled_by; "major" fails on two conditions.
    outcome = rules.evaluate("mediation-reward", reward_case(settled_by="township"))
    near = outcome.to_json("zh")["near_misses"]
    assert len(near) == 1 and "村委会、村小组、调委会自行成功调处矛盾纠纷" in near[0]


def test_reward_bad_input_is_an_error(rules):
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("mediation-reward", reward_case(severity="很大"))
    assert caught.value.key == "input_invalid"
    assert "severity" in caught.value.message("en")
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("mediation-reward", reward_case(settled_on="2026-02-30"))
    assert caught.value.key == "input_invalid"
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("mediation-rewards", reward_case())
    assert caught.value.key == "unknown_policy" and "mediation-reward" in caught.value.message("en")


def test_reward_caps_are_loaded(rules):
    policy = rules.book.select("mediation-reward", D(2026, 3, 1))
    assert [(c.id, c.period, c.per, c.max) for c in policy.caps] == [("monthly-per-payee", "month", "payee", Decimal(10000))]


# --- effective dating ---------------------------------------------------------------------------


def two_versions(make_rules):
    shipped = (RULES_DIR / "mediation-reward-2026.toml").read_text(encoding="utf-8")
    first = shipped.replace("effective_from = 2026-01-01", "effective_from = 2026-01-01\neffective_until = 2026-12-31")
    second = (shipped.replace('version = "2026.1"', 'version = "2027.1"')
              .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
              .replace("then = { amount = 500 }", "then = { amount = 600 }")
              .replace("expect = { amount = 500", "expect = { amount = 600")
              .replace("2026-03-02", "2027-03-02").replace("2026-05-20", "2027-05-20"))
    assert first != shipped and "amount = 600" in second
    return make_rules({"mediation-reward-2026.toml": first, "mediation-reward-2027.toml": second})


def test_effective_dating_picks_the_version_in_force(make_rules):
    directory = two_versions(make_rules)
    rules = open_rules(directory)
    try:
        old = rules.evaluate("mediation-reward", reward_case(severity="major", settled_on="2026-12-31"), as_of=D(2027, 2, 1))
        new = rules.evaluate("mediation-reward", reward_case(severity="major", settled_on="2027-01-01"), as_of=D(2027, 2, 1))
        assert old.to_json()["outputs"]["amount"] == "500.00"
        assert new.to_json()["outputs"]["amount"] == "600.00"
        assert (old.version, new.version) == ("2026.1", "2027.1")
        for outcome, name in ((old, "mediation-reward-2026.toml"), (new, "mediation-reward-2027.toml")):
            digest = "sha256:" + hashlib.sha256((directory / name).read_bytes()).hexdigest()
            assert outcome.hash == digest
            assert outcome.to_json()["hash"] == digest
            assert rules.book.by_hash("mediation-reward", digest).version == outcome.version
        # ordinary cases are unchanged in both
        assert rules.evaluate("mediation-reward", reward_case(settled_on="2027-06-01")).outputs["amount"] == 200
        # no settlement date: the as-of date picks the version
        undated = reward_case(severity="major")
        del undated["settled_on"]
        assert rules.evaluate("mediation-reward", undated, as_of=D(2026, 6, 1)).outputs["amount"] == 500
        assert rules.evaluate("mediation-reward", undated, as_of=D(2027, 6, 1)).outputs["amount"] == 600
        # before the first version: nothing in force
        with pytest.raises(EvaluationError) as caught:
            rules.evaluate("mediation-reward", reward_case(settled_on="2025-12-31"))
        assert caught.value.key == "no_version_in_force"
        # the batch path picks the same versions, case by case
        cases = [reward_case(severity="major", settled_on=d) for d in ("2026-12-31", "2027-01-01", "2025-12-31", "2026-12-31")]
        results = list(rules.evaluate_batch("mediation-reward", cases))
        assert [r.outputs["amount"] if not isinstance(r, EvaluationError) else r.key for r in results] == [
            500, 600, "no_version_in_force", 500]
        assert [getattr(r, "version", None) for r in results] == ["2026.1", "2027.1", None, "2026.1"]
        # each version's own examples pass
        report = run_examples(rules)
        assert report.failed == 0, [r.render("en") for r in report.results if not r.passed]
    finally:
        rules.close()


def test_row_level_effective_dates(make_rules):
    text = (RULES_DIR / "mediation-reward-2026.toml").read_text(encoding="utf-8").replace(
        "[[rule]]\nid = \"major\"",
        '[[rule]]\nid = "major-bonus"\ntitle = "下半年重大纠纷加奖"\n'
        'when = { status = "settled", severity = "major" }\nthen = { amount = 800 }\n'
        "effective_from = 2026-07-01\neffective_until = 2026-09-30\n\n[[rule]]\nid = \"major\"", 1)
    rules = open_rules(make_rules({"r.toml": text}))
    try:
        for day, amount, fired in (("2026-06-30", 500, "major"), ("2026-07-01", 800, "major-bonus"),
                                   ("2026-09-30", 800, "major-bonus"), ("2026-10-01", 500, "major")):
            outcome = rules.evaluate("mediation-reward", reward_case(severity="major", settled_on=day))
            assert (outcome.outputs["amount"], outcome.fired) == (amount, (fired,)), day
        batch = list(rules.evaluate_batch("mediation-reward", [
            reward_case(severity="major", settled_on=d) for d in ("2026-06-30", "2026-07-01", "2026-10-01", "2026-07-15")]))
        assert [o.outputs["amount"] for o in batch] == [500, 800, 500, 800]
    finally:
        rules.close()


# --- table --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case, price, fired", [
    ({"age": 60}, "8.00", ["age-60"]),
    ({"age": 69, "outside_worker": False}, "8.00", ["age-60"]),
    ({"age": 70}, "7.00", ["age-70"]),
    ({"age": 79}, "7.00", ["age-70"]),
    ({"age": 80}, "6.00", ["age-80"]),
    ({"age": 101}, "6.00", ["age-80"]),
    ({"age": 35, "outside_worker": True}, "10.00", ["outside-worker"]),
    ({"age": 85, "outside_worker": "是"}, "10.00", ["outside-worker"]),
    ({"age": "72"}, "7.00", ["age-70"]),
])
def test_canteen_prices(rules, case, price, fired):
    out = rules.evaluate("canteen-meal", case).to_json("zh")
    assert out["outputs"]["price"] == price
    assert out["fired"] == fired


def test_canteen_outside_the_table(rules):
    outcome = rules.evaluate("canteen-meal", {"age": 59, "outside_worker": False})
    assert outcome.fired == ()
    assert "price" not in outcome.outputs
    assert outcome.outputs.get("eligible", False) is False
    out = outcome.to_json("zh")
    assert "年龄为59，要求不少于 80" in out["near_misses"][1]
    assert out["explanation"] == ["没有规则命中，按默认值：可在食堂按此价就餐 否"]
    assert outcome.to_json("en")["explanation"] == ["no rule matched; defaults apply: eligible at a listed price no"]
    with pytest.raises(EvaluationError):
        rules.evaluate("canteen-meal", {"age": "sixty"})


FEES = """
[policy]
id = "service-fee"
kind = "table"
title = "调解服务收费（测试）"
version = "1"
effective_from = 2026-01-01
source = "测试"
hit = "collect-sum"
inputs = ["persons_involved", "urgency", "amount_involved"]

[outputs.fee]
type = "money"
title = "费用"
title_en = "fee"

[outputs.ratio]
type = "decimal"
title = "比例"

[[rule]]
id = "base"
title = "基本费"
when = {}
then = { fee = 20 }

[[rule]]
id = "per-person"
title = "按人数，最多 500 元"
when = { persons_involved = { gte = 5 } }
then = { fee = "min(500, 20 * persons_involved)" }

[[rule]]
id = "urgent"
title = "加急"
when = { urgency = "urgent" }
then = { fee = "max(50, round(amount_involved * 0.015, 2))" }

[[rule]]
id = "half"
title = "半数，四舍五入到分"
when = { amount_involved = { lt = 1 } }
then = { fee = "round(amount_involved / 2, 2)", ratio = "0.1 + 0.2 - amount_involved / 4" }
"""


def test_collect_sum_table_with_formulas(make_rules):
    rules = open_rules(make_rules({"fees.toml": FEES}))
    try:
        ev = lambda case: rules.evaluate("service-fee", case).to_json("en")  # noqa: E731
        assert ev({"persons_involved": 2})["outputs"]["fee"] == "20.00"
        assert ev({"persons_involved": 2})["fired"] == ["base"]
        assert ev({"persons_involved": 7})["outputs"]["fee"] == "160.00"  # 20 + 140
        assert ev({"persons_involved": 40})["outputs"]["fee"] == "520.00"  # 20 + min(500, 800)
        out = ev({"persons_involved": 7, "urgency": "urgent", "amount_involved": "12345.67"})
        assert out["fired"] == ["base", "per-person", "urgent"]
        assert out["outputs"]["fee"] == "345.19"  # 20 + 140 + round(185.18505, 2)
        assert ev({"urgency": "紧急", "amount_involved": "100"})["outputs"]["fee"] == "70.00"  # 20 + max(50, 1.5)
        out = ev({"amount_involved": "0.25"})
        assert out["outputs"]["fee"] == "20.13"  # 20 + 0.125 → half-up 0.13 (a float would give 0.12)
        assert out["outputs"]["ratio"] == "0.2375"  # exact Decimal: 0.1 + 0.2 - 0.0625
        assert "matched '基本费': fee 20.00 yuan" in out["explanation"]
        # a formula whose input is missing is an evaluation error, not a zero
        with pytest.raises(EvaluationError) as caught:
            rules.evaluate("service-fee", {"urgency": "urgent"})
        assert caught.value.key == "input_invalid" and "amount_involved" in caught.value.message("en")
    finally:
        rules.close()


UNIQUE = """
[policy]
id = "grade"
kind = "table"
title = "人数分级（测试）"
version = "1"
effective_from = 2026-01-01
source = "测试"
hit = "unique"
inputs = ["persons_involved", "severity"]

[outputs.grade]
type = "text"
title = "等级"

[outputs.points]
type = "int"
title = "分值"

[[rule]]
id = "small"
title = "10 人以下"
when = { persons_involved = { lt = 10 } }
then = { grade = "small", points = 1 }

[[rule]]
id = "large"
title = "10 人及以上"
when = { persons_involved = { gte = 10 } }
then = { grade = "large", points = "persons_involved / 10" }

[[rule]]
id = "major"
title = "重大"
when = { severity = "major" }
then = { grade = "major", points = 50 }
"""


def test_unique_table_and_not_unique_error(make_rules):
    rules = open_rules(make_rules({"grade.toml": UNIQUE}))
    try:
        small = rules.evaluate("grade", {"persons_involved": 3})
        assert small.outputs == {"grade": "small", "points": 1} and small.fired == ("small",)
        large = rules.evaluate("grade", {"persons_involved": 25})
        assert large.outputs == {"grade": "large", "points": 3}  # int output: 2.5 → 3, half-up like money
        assert rules.evaluate("grade", {"severity": "major"}).fired == ("major",)
        assert rules.evaluate("grade", {}).fired == ()
        with pytest.raises(EvaluationError) as caught:
            rules.evaluate("grade", {"persons_involved": 30, "severity": "major"})
        assert caught.value.key == "not_unique"
        assert "large, major" in caught.value.message("en")
        assert "唯一命中表同时命中多条规则" in caught.value.message("zh")
        batch = list(rules.evaluate_batch("grade", [
            {"persons_involved": 3}, {"persons_involved": 30, "severity": "重大"}, {"persons_involved": 30}]))
        assert batch[0].outputs["grade"] == "small"
        assert isinstance(batch[1], EvaluationError) and batch[1].key == "not_unique"
        assert batch[2].outputs["grade"] == "large"
    finally:
        rules.close()


# --- banquet ------------------------------------------------------------------------------------


def banquet(**kw):
    case = {"occasion": "wedding", "date": "2026-05-01", "days": 1, "tables": 15, "gift": 100, "filed_days_before": 10}
    case.update(kw)
    return case


def test_banquet_compliant(rules):
    outcome = rules.evaluate("banquet", banquet())
    out = outcome.to_json("zh")
    assert out["outputs"] == {"violations": 0, "compliant": True}
    assert out["violations"] == [] and out["explanation"] == ["未发现违规"]


def test_banquet_violations_with_messages(rules):
    outcome = rules.evaluate("banquet", banquet(occasion="升学", days=3, tables=40, gift="400", filed_days_before=0))
    zh = outcome.to_json("zh")
    en = outcome.to_json("en")
    assert zh["fired"] == ["occasion-not-allowed", "gift-over-cap", "too-many-days", "too-many-tables", "filed-late"]
    assert zh["outputs"] == {"violations": 5, "compliant": False}
    messages = {v["rule"]: v["message"] for v in zh["violations"]}
    assert messages["occasion-not-allowed"].startswith("「升学」不在村规民约允许办酒的事由之内")
    assert messages["gift-over-cap"] == "每人礼金 400.00 元，超过上限 100 元"
    assert messages["too-many-days"] == "办酒 3 天，超过 1 天"
    assert messages["too-many-tables"] == "办酒 40 桌，超过 20 桌"
    assert messages["filed-late"] == "提前 0 天报备，应至少提前 7 天（丧事除外）"
    en_messages = {v["rule"]: v["message"] for v in en["violations"]}
    assert en_messages["occasion-not-allowed"].startswith("'school' is not an occasion the village code allows")
    assert en_messages["gift-over-cap"] == "gift of 400.00 yuan per guest exceeds the 100 yuan cap"
    assert en["explanation"][0].startswith("violation 'occasion not allowed': ")


@pytest.mark.parametrize("case, fired", [
    (banquet(gift="100.00"), []),
    (banquet(gift="100.01"), ["gift-over-cap"]),
    (banquet(occasion="funeral", filed_days_before=0), []),
    (banquet(occasion="wedding", filed_days_before=6), ["filed-late"]),
    (banquet(occasion="wedding", filed_days_before=7), []),
    (banquet(occasion="longevity", host_age=59), ["longevity-under-60"]),
    (banquet(occasion="寿宴（60岁以上）", host_age=60), []),
    (banquet(occasion="longevity"), []),  # no age given: the under-60 rule cannot hold
    (banquet(occasion="birthday", tables=21), ["occasion-not-allowed", "too-many-tables"]),
    (banquet(days=2), ["too-many-days"]),
])
def test_banquet_rows(rules, case, fired):
    outcome = rules.evaluate("banquet", case)
    assert list(outcome.fired) == fired
    assert outcome.outputs["compliant"] is (not fired)


def test_banquet_message_fills_in_the_age(rules):
    outcome = rules.evaluate("banquet", banquet(occasion="longevity", host_age=50))
    assert outcome.to_json("zh")["violations"][0]["message"] == "寿宴的寿星 50 岁，未满 60 岁"


# --- dividend -----------------------------------------------------------------------------------


def dividend_case(**kw):
    case = {"year": 2026, "investments": [], "members": [{"id": "a", "shares": 1}, {"id": "b", "shares": 1}, {"id": "c", "shares": 1}]}
    case.update(kw)
    return case


def allocations(outcome):
    return {a["member"]: a["amount"] for a in outcome.to_json()["allocations"]}


def test_fixed_return_prorated_by_months(rules):
    for months, fixed in ((12, "360000.00"), (6, "180000.00"), (1, "30000.00"), (0, "0.00")):
        outcome = rules.evaluate("collective-dividend", dividend_case(investments=[{"principal": 9000000, "months": months}]))
        assert outcome.to_json()["outputs"]["fixed_return"] == fixed
    # 4% of 12345.67 for 7 months = 288.0656… → 288.07 (half-up to the fen)
    outcome = rules.evaluate("collective-dividend", dividend_case(investments=[{"principal": "12345.67", "months": 7}]))
    assert outcome.outputs["fixed_return"] == Decimal("288.07")
    # an investment's own rate overrides the policy's
    outcome = rules.evaluate("collective-dividend", dividend_case(investments=[
        {"principal": 100000}, {"principal": 100000, "rate": "0.05", "months": 6}]))
    assert outcome.outputs["fixed_return"] == Decimal("6500.00")


def test_retentions_and_pool(rules):
    outcome = rules.evaluate("collective-dividend", dividend_case(investments=[{"principal": 9000000}]))
    out = outcome.to_json("zh")
    assert out["fired"] == ["accumulation", "welfare"]
    assert [(r["rule"], r["amount"]) for r in out["retentions"]] == [("accumulation", "36000.00"), ("welfare", "18000.00")]
    assert out["outputs"]["retained"] == "54000.00" and out["outputs"]["pool"] == "306000.00"
    assert allocations(outcome) == {"a": "102000.00", "b": "102000.00", "c": "102000.00"}
    assert out["explanation"][0] == "固定收益：本金 9000000.00 元 × 0.04 × 12/12 = 360000.00 元"


def test_largest_remainder_sums_exactly_to_the_pool(rules):
    outcome = rules.evaluate("collective-dividend", dividend_case(investments=[{"principal": 1000000, "months": 6}]))
    assert allocations(outcome) == {"a": "5666.67", "b": "5666.67", "c": "5666.66"}
    members = [{"id": f"m{i}", "shares": i % 4, "class": "labour" if i % 3 == 0 else "member"} for i in range(1, 24)]
    outcome = rules.evaluate("collective-dividend", dividend_case(income="1234567.89", costs="1000.01", members=members))
    alloc = outcome.details["allocations"]
    assert sum(a["amount"].amount for a in alloc) == outcome.outputs["pool"]
    assert outcome.outputs["leftover"] == 0
    assert all(a["amount"].amount == 0 for a in alloc if a["shares"] == "0")


def test_share_class_weights(rules):
    outcome = rules.evaluate("collective-dividend", dividend_case(
        investments=[{"principal": 100000}], members=[{"id": "x", "shares": 2}, {"id": "y", "shares": 2, "class": "labour"}]))
    assert allocations(outcome) == {"x": "2266.67", "y": "1133.33"}
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("collective-dividend", dividend_case(members=[{"id": "z", "shares": 1, "class": "founder"}]))
    assert caught.value.key == "input_invalid"


def test_losses_allocate_nothing(rules):
    outcome = rules.evaluate("collective-dividend", dividend_case(income=1000, costs=5000))
    out = outcome.to_json("zh")
    assert out["outputs"]["gross"] == "-4000.00"
    assert out["outputs"]["pool"] == "0.00" and out["outputs"]["retained"] == "0.00"
    assert out["fired"] == []
    assert set(allocations(outcome).values()) == {"0.00"}
    assert "本年不分配" in out["explanation"][-1]


def test_no_weighted_shares_leaves_the_pool_over(rules):
    outcome = rules.evaluate("collective-dividend", dividend_case(income=1000, members=[{"id": "z", "shares": 0}]))
    assert outcome.outputs["pool"] == Decimal("850.00")
    assert outcome.outputs["allocated"] == 0 and outcome.outputs["leftover"] == Decimal("850.00")


@pytest.mark.parametrize("bad", [
    {"year": 2026, "investments": [{"principal": 1000, "months": 13}]},
    {"year": 2026, "investments": [{"principal": "10.001"}]},
    {"year": 2026, "costs": -5},
    {"year": 2026, "members": [{"id": "a", "shares": -1}]},
    {"investments": []},
    {"year": 2026, "bonus": 1},
])
def test_dividend_bad_input(rules, bad):
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("collective-dividend", bad)
    assert caught.value.key == "input_invalid"


def test_revenue_share(rules):
    outcome = rules.evaluate("revenue-share", {"year": 2026, "income": 200000, "members": [
        {"id": "h1", "shares": 3}, {"id": "h2", "shares": 2}, {"id": "h3", "shares": 1}]})
    assert outcome.to_json()["outputs"]["pool"] == "160000.00"
    assert allocations(outcome) == {"h1": "80000.00", "h2": "53333.33", "h3": "26666.67"}


# --- escalation ---------------------------------------------------------------------------------


def matter(**kw):
    case = {"severity": "simple", "category": "neighbour", "urgency": "normal", "received_on": "2026-03-02", "status": "received"}
    case.update(kw)
    return case


def esc(rules, case, as_of):
    return rules.evaluate("escalation", case, as_of=as_of).to_json("zh")


def test_on_the_spot(rules):
    out = esc(rules, matter(), D(2026, 3, 2))
    assert (out["level"], out["due_on"], out["days_overdue"], out["fired"]) == ("village", "2026-03-02", 0, ["on-the-spot"])
    assert out["outputs"]["answer_days"] == 0
    assert "当场答复" in out["explanation"][1]


def test_on_the_spot_not_answered_goes_up(rules):
    out = esc(rules, matter(), D(2026, 3, 3))
    assert (out["start_level"], out["level"], out["due_on"], out["days_overdue"]) == ("village", "township", "2026-03-17", 0)
    assert [p["level"] for p in out["path"]] == ["village", "township"]
    assert out["path"][1]["from"] == "2026-03-03"


def test_within_a_week_then_overdue_through_every_level(rules):
    case = matter(severity="ordinary", needs_verification=True, status="mediating")
    assert esc(rules, case, D(2026, 3, 9))["due_on"] == "2026-03-09"
    assert esc(rules, case, D(2026, 3, 9))["level"] == "village"
    assert esc(rules, case, D(2026, 3, 10))["level"] == "township"
    out = esc(rules, case, D(2026, 3, 25))
    assert (out["level"], out["due_on"]) == ("county", "2026-04-23")
    out = esc(rules, case, D(2026, 5, 3))
    assert (out["level"], out["due_on"], out["days_overdue"], out["overdue"]) == ("county", "2026-04-23", 10, True)
    assert out["outputs"]["days_overdue"] == 10
    assert any("超期 10 天" in line for line in out["explanation"])
    en = rules.evaluate("escalation", case, as_of=D(2026, 5, 3)).to_json("en")["explanation"]
    assert any("10 days overdue" in line for line in en)


def test_major_matters_start_at_county(rules):
    for case in (matter(severity="major"), matter(persons_involved=30), matter(amount_involved="1000000"),
                 matter(category="environment", severity="difficult")):
        out = esc(rules, case, D(2026, 3, 2))
        assert (out["level"], out["due_on"], out["fired"]) == ("county", "2026-04-01", ["major"]), case
    out = esc(rules, matter(persons_involved=29, amount_involved="999999.99"), D(2026, 3, 2))
    assert out["level"] == "village"
    out = esc(rules, matter(category="environment", severity="ordinary"), D(2026, 3, 2))
    assert out["level"] == "village"


def test_difficult_goes_to_township(rules):
    out = esc(rules, matter(severity="疑难"), D(2026, 3, 2))
    assert (out["level"], out["due_on"]) == ("township", "2026-03-17")


@pytest.mark.parametrize("status", ["settled", "failed", "withdrawn", "调解成功"])
def test_closed_statuses_do_not_run_deadlines(rules, status):
    out = esc(rules, matter(severity="difficult", status=status), D(2026, 12, 31))
    assert (out["level"], out["days_overdue"], out["overdue"]) == ("township", 0, False)
    assert len(out["path"]) == 1
    assert any("不再计算超期" in line for line in out["explanation"])


def test_urgent_goes_to_an_emergency_meeting(rules):
    out = esc(rules, matter(urgency="urgent", received_on="2026-01-10"), D(2026, 1, 10))
    assert out["meeting"] == "emergency" and out["meeting_by"] == "2026-01-12"
    assert out["fired"] == ["urgent", "on-the-spot"]
    assert any("紧急会议" in line and "2026-01-12" in line for line in out["explanation"])


@pytest.mark.parametrize("received, meeting", [
    ("2026-03-02", "2026-03-05"), ("2026-03-05", "2026-03-05"), ("2026-03-06", "2026-04-05"), ("2026-12-20", "2027-01-05"),
])
def test_monthly_meeting_date(rules, received, meeting):
    out = esc(rules, matter(received_on=received), D.fromisoformat(received))
    assert out["meeting"] == "monthly" and out["meeting_by"] == meeting


def test_recorded_level_above_the_rules_start(rules):
    # sent to the county by hand: the county's own 30 days, from the day it was sent there
    out = esc(rules, matter(level="county", escalated_on="2026-03-10"), D(2026, 3, 12))
    assert (out["start_level"], out["level"], out["due_on"], out["days_overdue"]) == (
        "county", "county", "2026-04-09", 0)
    # with no day of sending known, from receipt
    out = esc(rules, matter(level="county"), D(2026, 3, 2))
    assert (out["start_level"], out["level"], out["due_on"]) == ("county", "county", "2026-04-01")


def test_escalation_needs_received_on(rules):
    case = matter()
    del case["received_on"]
    with pytest.raises(EvaluationError) as caught:
        rules.evaluate("escalation", case, as_of=D(2026, 3, 2))
    assert caught.value.key == "input_invalid" and "received_on" in caught.value.message("en")


# --- another place's reward scheme, as a rule file ------------------------------------------------


ALT = FIXTURES / "rules_alt" / "mediation-subsidy-tiers-2026.toml"


def tiers_case(**kw):
    case = {"status": "settled", "severity": "major", "file_complete": True, "agreement_fulfilled": True,
            "follow_up_done": True, "settled_on": "2026-05-01"}
    case.update(kw)
    return case


@pytest.fixture(scope="module")
def alt_rules(tmp_path_factory):
    from rules_helpers import write_rules

    directory = write_rules(tmp_path_factory.mktemp("alt"), {ALT.name: ALT.read_text(encoding="utf-8")})
    loaded = open_rules(directory)
    yield loaded
    loaded.close()


@pytest.mark.parametrize("case, amount", [
    (tiers_case(severity="major"), "300.00"),
    (tiers_case(severity="重大", sessions=5), "300.00"),  # paid once however many sessions
    (tiers_case(severity="difficult"), "200.00"),
    (tiers_case(severity="一般"), "100.00"),
    (tiers_case(severity="simple"), "0.00"),
    (tiers_case(file_complete=False), "0.00"),
    (tiers_case(agreement_fulfilled=False), "0.00"),
    (tiers_case(follow_up_done=False), "0.00"),
    (tiers_case(follow_up_done=None), "0.00"),
    (tiers_case(status="failed"), "0.00"),
])
def test_alternative_tier_scheme(alt_rules, case, amount):
    outcome = alt_rules.evaluate("mediation-subsidy-tiers", case)
    assert outcome.to_json()["outputs"]["amount"] == amount


def test_alternative_scheme_examples_and_explanation(alt_rules):
    report = run_examples(alt_rules)
    assert report.failed == 0 and report.passed == 4
    outcome = alt_rules.evaluate("mediation-subsidy-tiers", tiers_case(follow_up_done=False))
    near = outcome.to_json("zh")["near_misses"]
    assert near and "已回访为否" in near[0]
