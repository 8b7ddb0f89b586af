"""The ledger in pages (`cases.page_cases`, `CaseRepository.page`) and the overdue filter in bulk,
on a few thousand generated cases, on SQLite and PostgreSQL: every page of every sort, joined,
is the whole filtered ledger in the sort's order, and the overdue filter agrees with the per-case
definition (`cases.overdue_days`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from tiaojie.ledger import (
    overdue,
    views,  # noqa: E402
)
from tiaojie.ledger.errors import InvalidInput
from tiaojie.models import Case, Escalation
from tiaojie.store.case_repository import CaseFilter

SEVERITY_ORDER = ("simple", "ordinary", "difficult", "major")  # fields.toml's order

N = 2500
AS_OF = dt.date(2026, 6, 15)
STATUSES = ["received", "mediating", "escalated", "settled", "settled", "failed", "withdrawn"]
CATEGORIES = ["neighbour", "marriage_family", "housing_land", "contract", "land_acquisition", "environment"]


@pytest.fixture
def many(ledger, org):  # noqa: ANN001, ANN201
    rng = random.Random(4)
    units = [org.v1.id, org.v2.id, org.town.id]
    made = []
    for i in range(N):
        received = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(170))
        status = rng.choice(STATUSES)
        settled = received + dt.timedelta(days=rng.randrange(0, 20)) if status in ("settled", "failed") else None
        made.append(Case(
            unit_id=rng.choice(units), number=f"P{rng.randrange(10_000):04d}-{i}", category=rng.choice(CATEGORIES),
            severity=rng.choice(SEVERITY_ORDER), urgency=rng.choice(["normal", "normal", "urgent"]),
            persons_involved=rng.choice([2, 3, 5, 29, 30, 31, 40]),
            amount_involved=Decimal(rng.choice(["0", "500", "20000", "999999.99", "1000000", "1000000.01", "3000000"])),
            received_on=received, settled_on=settled, status=status,
            settled_by="village_committee" if settled else None, needs_verification=rng.random() < 0.3,
            level=rng.choice(["village", "village", "township", "county"]), parties=["甲", "乙"],
        ))
    with ledger.uow() as uow:
        assert uow.cases.add_many(made) == N
        uow.commit()
    with ledger.uow() as uow:  # a few cases with a history: pages carry it
        for case in uow.cases.list(CaseFilter(statuses=ledger.open_statuses()), limit=15):
            uow.cases.add_escalation(case.id, Escalation(escalated_on=case.received_on, from_level="village",
                                                         to_level="township", reason="test", by_user="admin"))
        uow.commit()
    return ledger


def _python_order(found: list[Case], sort: str, descending: bool, ledger=None) -> list[int]:  # noqa: ANN001
    """By (received, id), then a stable sort on the column: enumerations in the vocabulary's
    order, reward and overdue days as the ledger shows them on each case (absent first going up)."""
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}

    def vocabulary(name: str):  # noqa: ANN202
        order = {s: i for i, s in enumerate(ledger.enum_ids(name))}
        return lambda c: order.get(getattr(c, name), len(order))

    if sort in ("reward", "overdue"):
        with ledger.uow() as uow:
            states = {c.id: s for c, s in zip(found, views.case_states(ledger, uow, found, AS_OF))}
        shown = {c.id: (states[c.id].reward if sort == "reward" else states[c.id].overdue or None) for c in found}
    key = {
        "number": lambda c: c.number, "received": lambda c: c.received_on,
        "settled": lambda c: c.settled_on or dt.date.min, "category": lambda c: vocabulary("category")(c),
        "severity": lambda c: rank.get(c.severity, 9), "status": lambda c: vocabulary("status")(c),
        "level": lambda c: vocabulary("level")(c),
        "reward": lambda c: (shown[c.id] is not None, shown[c.id] or 0),
        "overdue": lambda c: (shown[c.id] is not None, shown[c.id] or 0),
    }[sort]
    ordered = sorted(found, key=lambda c: (c.received_on, c.id))
    ordered.sort(key=key, reverse=descending)
    return [c.id for c in ordered]


def _all_pages(ledger, size: int, **kw) -> tuple[list[Case], int]:  # noqa: ANN001
    shown, total, page = [], None, 1
    while True:
        rows, total = views.page_cases(ledger, as_of=AS_OF, page=page, size=size, **kw)
        shown += rows
        if page * size >= total:
            return shown, total
        page += 1


def test_pages_joined_are_the_whole_ledger_in_every_order(many):
    everything = views.list_cases(many)
    assert len(everything) == N
    for sort in ("number", "received", "settled", "category", "severity", "status", "level", "reward", "overdue"):
        for descending in (False, True):
            shown, total = _all_pages(many, 400, sort=sort, descending=descending)
            assert total == N
            assert [c.id for c in shown] == _python_order(everything, sort, descending, many), (sort, descending)
    with_history = [c for c in _all_pages(many, 1000)[0] if c.escalations]
    assert len(with_history) == 15 and all(c.escalations[0].reason == "test" for c in with_history)


def test_filters_and_page_bounds(many, org):
    everything = views.list_cases(many)
    expect = [c for c in everything if c.severity == "major" and c.status == "received"
              and c.unit_id in (org.v1.id, org.v2.id)]
    shown, total = _all_pages(many, 37, unit="C-T1-V1", severity="重大", status="received", sort="settled")
    assert total == len([c for c in expect if c.unit_id == org.v1.id])
    shown, total = _all_pages(many, 37, severity="major", status="received", category=None)
    assert {c.id for c in shown} == {c.id for c in everything if c.severity == "major" and c.status == "received"}
    in_may = {c.id for c in views.list_cases(many, period="2026-05")}
    assert {c.id for c in _all_pages(many, 100, period="2026-05")[0]} == in_may
    last, total = views.page_cases(many, page=10_000, size=100)  # past the end: the last page
    assert total == N and len(last) == N - (N - 1) // 100 * 100
    assert views.page_cases(many, status="withdrawn", category="environment", severity="simple", page=3)[0] is not None
    with pytest.raises(InvalidInput):
        views.page_cases(many, sort="summary")


def test_overdue_filter_agrees_with_the_per_case_definition(many):
    codes = views.unit_codes(many)
    with many.uow() as uow:
        per_case = [c for c in uow.cases.list(CaseFilter(statuses=many.open_statuses()))
                    if overdue.overdue_days(many, c, codes.get(c.unit_id), AS_OF) > 0]
        days = {c.id: overdue.overdue_days(many, c, codes.get(c.unit_id), AS_OF) for c in per_case}
        scanned = {row[0]: d for row, d in overdue.overdue_scan(many, uow, CaseFilter(), AS_OF) if d > 0}
        page = uow.cases.page(CaseFilter(statuses=many.open_statuses()), sort="received", limit=300)
        assert overdue.overdue_days_many(many, page, codes, AS_OF) == [overdue.overdue_days(many, c, codes.get(c.unit_id), AS_OF) for c in page]
    assert 0 < len(per_case) < N
    assert scanned == days
    listed = views.list_cases(many, overdue=True, as_of=AS_OF)
    assert [c.id for c in listed] == [c.id for c in per_case]  # the same cases, in order of receipt
    assert [c.id for c in views.list_cases(many, overdue=True, as_of=AS_OF, limit=7)] == [c.id for c in per_case[:7]]
    in_q2 = [c.id for c in views.list_cases(many, period="2026Q2") if c.id in days]
    assert [c.id for c in views.list_cases(many, overdue=True, as_of=AS_OF, period="2026Q2")] == in_q2
    memo: dict = {}
    for sort in ("received", "severity", "settled", "number", "category", "overdue"):
        for descending in (False, True):
            shown, total = _all_pages(many, 150, overdue=True, sort=sort, descending=descending, memo=memo)
            assert total == len(per_case)
            assert [c.id for c in shown] == _python_order(per_case, sort, descending, many), (sort, descending)
    only_major = [c.id for c in per_case if c.severity == "major"]
    assert [c.id for c in _all_pages(many, 50, overdue=True, severity="major", memo=memo)[0]] == only_major


def test_statistics_count_the_same_overdue_cases(many):
    from tiaojie.ledger.stats import compute_stats

    codes = views.unit_codes(many)
    with many.uow() as uow:
        per_case = {c.id for c in uow.cases.list(CaseFilter(statuses=many.open_statuses())) if overdue.overdue_days(many, c, codes.get(c.unit_id), AS_OF) > 0}
    assert compute_stats(many, as_of=AS_OF)[-1].overdue == len(per_case)
    by_unit = compute_stats(many, by="unit", as_of=AS_OF)
    assert sum(r.overdue for r in by_unit[:-1]) == len(per_case)
