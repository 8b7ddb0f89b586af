"""Property tests: largest-remainder allocation, alone and through the dividend calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiaojie.calc.allocation import largest_remainder

weights_st = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**6),
        st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False, allow_infinity=False),
    ),
    min_size=1, max_size=60,
)
pool_st = st.integers(min_value=0, max_value=10**12)


def exact(w) -> Fraction:
    return Fraction(str(w)) if isinstance(w, Decimal) else Fraction(w)


@settings(max_examples=400, deadline=None)
@given(pool=pool_st, weights=weights_st)
def test_largest_remainder_properties(pool, weights):
    parts = largest_remainder(pool, weights)
    assert len(parts) == len(weights)
    assert all(isinstance(p, int) and p >= 0 for p in parts)
    total = sum(exact(w) for w in weights)
    if total == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == pool
    for part, w in zip(parts, weights):
        share = pool * exact(w) / total
        assert abs(part - share) < 1  # within one fen of the exact share
        if w == 0:
            assert part == 0


@settings(max_examples=200, deadline=None)
@given(pool=pool_st, weights=weights_st, k=st.integers(min_value=2, max_value=5))
def test_scaling_the_weights_changes_nothing(pool, weights, k):
    assert largest_remainder(pool, weights) == largest_remainder(pool, [w * k for w in weights])


@settings(max_examples=200, deadline=None)
@given(pool=pool_st, n=st.integers(min_value=1, max_value=40))
def test_equal_weights_differ_by_at_most_one_fen_earlier_first(pool, n):
    parts = largest_remainder(pool, [1] * n)
    assert max(parts) - min(parts) <= 1
    assert parts == sorted(parts, reverse=True)  # ties go to the earlier entry


def test_edge_cases():
    assert largest_remainder(100, []) == []
    assert largest_remainder(0, [1, 2]) == [0, 0]
    assert largest_remainder(-5, [1, 2]) == [0, 0]
    assert largest_remainder(100, [0, 0]) == [0, 0]
    assert largest_remainder(1, [1, 1, 1]) == [1, 0, 0]
    assert largest_remainder(10, [1, 2, 3]) == [2, 3, 5]  # 1.67, 3.33, 5 → remainders .67 first
    with pytest.raises(ValueError):
        largest_remainder(10, [1, -1])


# --- end to end through the dividend calculator ------------------------------------------------

members_st = st.lists(
    st.fixed_dictionaries(
        {"shares": st.one_of(st.integers(min_value=0, max_value=500),
                             st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False))},
        optional={"class": st.sampled_from(["member", "labour"])},
    ),
    min_size=0, max_size=30,
)
investments_st = st.lists(
    st.fixed_dictionaries(
        {"principal": st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)},
        optional={"months": st.integers(min_value=0, max_value=12),
                  "rate": st.decimals(min_value=0, max_value=Decimal("0.2"), places=4, allow_nan=False, allow_infinity=False)},
    ),
    max_size=4,
)
money_st = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=members_st, investments=investments_st, income=money_st, costs=money_st,
       policy=st.sampled_from(["collective-dividend", "revenue-share"]))
def test_dividend_allocations_sum_exactly_to_the_pool(rules, members, investments, income, costs, policy):
    members = [dict(m, id=f"m{i}") for i, m in enumerate(members)]
    if policy == "revenue-share":
        members = [{k: v for k, v in m.items() if k != "class"} for m in members]
    case = {"year": 2026, "investments": [{k: str(v) if isinstance(v, Decimal) else v for k, v in inv.items()} for inv in investments],
            "income": str(income), "costs": str(costs), "members": [
                {k: str(v) if isinstance(v, Decimal) else v for k, v in m.items()} for m in members]}
    outcome = rules.evaluate(policy, case, as_of=dt.date(2026, 12, 31))
    out = outcome.outputs
    parts = [a["amount"].amount for a in outcome.details["allocations"]]
    assert len(parts) == len(members)
    assert all(p >= 0 for p in parts)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)
    # fixed return: each investment rate × principal × months/12, half-up to the fen, summed
    section = rules.book.select(policy, dt.date(2026, 12, 31)).dividend
    expected_fixed = sum(
        ((Decimal(str(inv["principal"])) * Decimal(str(inv.get("rate", section.fixed_rate))) * inv.get("months", 12) / 12)
         .quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") for inv in investments), Decimal(0))
    assert out["fixed_return"] == expected_fixed
    assert out["gross"] == expected_fixed + income - costs
    if out["gross"] <= 0:
        assert out["pool"] == 0 and sum(parts) == 0 and outcome.fired == ()
        return
    assert out["retained"] + out["pool"] == out["gross"]
    assert 0 <= out["retained"] <= out["gross"]
    assert sum(parts) == out["allocated"]
    assert out["allocated"] + out["leftover"] == out["pool"]
    weights = [Decimal(str(m["shares"])) * (Decimal("0.5") if m.get("class") == "labour" else 1) for m in members]
    if sum(weights) > 0:
        assert sum(parts) == out["pool"] and out["leftover"] == 0
        total = sum(weights)
        for part, w in zip(parts, weights):
            assert abs(part - out["pool"] * w / total) < Decimal("0.01")
    else:
        assert sum(parts) == 0 and out["leftover"] == out["pool"]
