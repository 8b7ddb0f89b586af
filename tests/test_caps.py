"""Reward ceilings over many cases: nobody is paid past a cap, and nothing is lost or invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tiaojie.calc.caps import PayableCase, apply_caps, period_key
from tiaojie.rules.schema import Cap

MONTHLY = Cap(id="monthly", title="每月上限", period="month", per="payee", max=Decimal(1000))


def case(n: int, payee: str, day: dt.date, amount: str) -> PayableCase:
    return PayableCase(f"c{n:04d}", payee, day, Decimal(amount), unit="u1")


def test_period_keys():
    assert period_key(dt.date(2026, 5, 31), "month") == "2026-05"
    assert period_key(dt.date(2026, 5, 31), "quarter") == "2026Q2"
    assert period_key(dt.date(2026, 12, 1), "quarter") == "2026Q4"
    assert period_key(dt.date(2026, 5, 31), "year") == "2026"


def test_the_case_that_crosses_the_ceiling_gets_the_remainder_and_later_ones_nothing():
    cases = [case(i, "村委会A", dt.date(2026, 5, 1 + i), "500") for i in range(4)]
    lines = apply_caps(cases, [MONTHLY])
    assert [line.paid for line in lines] == [Decimal(500), Decimal(500), Decimal(0), Decimal(0)]
    assert lines[2].capped_by == ["monthly"]
    assert "已付 1000.00 元" in lines[2].notes[0].render("zh")


def test_payees_and_months_are_capped_separately_and_order_of_input_does_not_matter():
    cases = [
        case(1, "A", dt.date(2026, 5, 3), "800"),
        case(2, "B", dt.date(2026, 5, 3), "800"),
        case(3, "A", dt.date(2026, 5, 9), "800"),
        case(4, "A", dt.date(2026, 6, 1), "800"),
    ]
    forward = {line.case_id: line.paid for line in apply_caps(cases, [MONTHLY])}
    backward = {line.case_id: line.paid for line in apply_caps(list(reversed(cases)), [MONTHLY])}
    assert forward == backward == {"c0001": Decimal(800), "c0002": Decimal(800), "c0003": Decimal(200), "c0004": Decimal(800)}


def test_count_cap_and_unit_cap_apply_one_after_another():
    per_case_count = Cap(id="three", title="每季最多 3 件", period="quarter", per="payee", max_cases=3)
    unit_year = Cap(id="unit", title="每单位每年", period="year", per="unit", max=Decimal(700))
    cases = [case(i, "A", dt.date(2026, 1, 1 + i), "200") for i in range(5)]
    lines = apply_caps(cases, [per_case_count, unit_year])
    assert [line.paid for line in lines] == [Decimal(200), Decimal(200), Decimal(200), Decimal(0), Decimal(0)]
    lines = apply_caps(cases, [unit_year])
    assert [line.paid for line in lines] == [Decimal(200), Decimal(200), Decimal(200), Decimal(100), Decimal(0)]


amounts = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 120), amounts), max_size=60),
       st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False))
def test_no_payee_ever_exceeds_the_cap_and_paid_plus_reduction_is_computed(rows, ceiling):
    cap = Cap(id="m", title="m", period="month", per="payee", max=ceiling)
    start = dt.date(2026, 1, 1)
    cases = [case(i, p, start + dt.timedelta(days=d), str(a)) for i, (p, d, a) in enumerate(rows)]
    lines = apply_caps(cases, [cap])
    totals: dict = {}
    for line in lines:
        assert Decimal(0) <= line.paid <= line.computed
        key = (line.payee, period_key(line.on, "month"))
        totals[key] = totals.get(key, Decimal(0)) + line.paid
    assert all(total <= ceiling for total in totals.values())
    assert sum((line.paid + line.reduction for line in lines), Decimal(0)) == sum((c.amount for c in cases), Decimal(0))


def test_money_already_paid_fills_its_window_first_whatever_its_settlement_date():
    # 800 paid (a claim) for a case settled on the 20th; a case settled on the 10th, paid later,
    # gets only what is left of the 1000 — not the whole 500 because it was settled earlier.
    paid = PayableCase("!paid", "村委会A", dt.date(2026, 5, 20), Decimal(800), unit="u1", already_paid=True)
    late = case(1, "村委会A", dt.date(2026, 5, 10), "500")
    lines = {line.case_id: line for line in apply_caps([late, paid], [MONTHLY])}
    assert lines["!paid"].paid == Decimal(800) and lines["!paid"].capped_by == []
    assert lines["c0001"].paid == Decimal(200) and lines["c0001"].capped_by == ["monthly"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), amounts, st.booleans()), max_size=40),
       st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False))
def test_what_is_paid_now_never_takes_a_window_past_the_cap_with_what_was_paid_before(rows, ceiling):
    cap = Cap(id="m", title="m", period="month", per="payee", max=ceiling)
    start = dt.date(2026, 1, 1)
    cases = [PayableCase(f"c{i:04d}", "A", start + dt.timedelta(days=d), a, unit="u1", already_paid=before)
             for i, (d, a, before) in enumerate(rows)]
    before_by_window: dict = {}
    now_by_window: dict = {}
    for line, given_case in zip(*_by_id(apply_caps(cases, [cap]), cases)):
        window = period_key(line.on, "month")
        if given_case.already_paid:
            assert line.paid == given_case.amount  # spent: never cut
            before_by_window[window] = before_by_window.get(window, Decimal(0)) + line.paid
        else:
            now_by_window[window] = now_by_window.get(window, Decimal(0)) + line.paid
    for window, now in now_by_window.items():
        assert now <= max(ceiling - before_by_window.get(window, Decimal(0)), Decimal(0))


def _by_id(lines, cases):
    given_by_id = {c.case_id: c for c in cases}
    return lines, [given_by_id[line.case_id] for line in lines]
