"""The demo's households and visits: in two villages, a dozen households each, the party members'
linked households, and a year of visits that leaves the duties partly done — some households
visited twice, some once, some not at all; a first-week work day held in most months, not all."""

from __future__ import annotations

import datetime as dt
import random

from ..models import User
from . import households, people, visits
from .context import Ledger

HOUSEHOLDS_PER_VILLAGE = 12
HEADS = "王李张刘陈杨黄赵吴周"
GIVEN = "大二三四五六七八九十"
PARTY_MEMBERS = ("吴建国", "周秀英")  # a party member of each village who is not on its committees


def demo_visits(ledger: Ledger, clerk: User, mediators: dict[str, User], seed: int, year: int,
                villages: list[tuple[str, str]]) -> tuple[int, int]:
    """Households, links and visits in the first two villages, dated up to today; (households, visits)."""
    rng = random.Random(seed + 9)  # a stream of its own: the rest of the demo stays as it was
    last = min(ledger.date(), dt.date(year, 12, 31))
    kept = logged = 0
    for n, (vcode, _) in enumerate(villages[:2]):
        codes = [f"H{i:02d}" for i in range(1, HOUSEHOLDS_PER_VILLAGE + 1)]
        for i, code in enumerate(codes):
            households.add_household(ledger, clerk, unit=vcode, code=code, head=HEADS[(i + 3 * n) % 10] + GIVEN[(i // 10 + 2 * i + n) % 10],
                                     address=f"{i // 4 + 1}组")
        kept += len(codes)
        members = [p for _, p in people.list_people(ledger, clerk, vcode) if p.party_member]
        extra = people.add_person(ledger, clerk, unit=vcode, name=PARTY_MEMBERS[n % len(PARTY_MEMBERS)], committee=False,
                                  party_member=True)
        members.append(extra)
        for i, code in enumerate(codes):  # each household linked to one party member
            households.link_household(ledger, clerk, unit=vcode, household=code, person=members[i % len(members)].name)
        if last < dt.date(year, 1, 1):
            continue
        committee = [p for _, p in people.list_people(ledger, clerk, vcode) if p.committee]
        entries: list[tuple[str, str, dt.date, str]] = []
        for person in committee:
            for code in codes:
                times = rng.choices((0, 1, 2), weights=(2, 4, 3))[0]  # partly done: a third of them met
                entries += [(person.name, code, _day(rng, dt.date(year, 1, 1), last), "visit") for _ in range(times)]
        quarter = dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
        for i, code in enumerate(codes):
            if rng.random() < 0.5:
                entries.append((members[i % len(members)].name, code, _day(rng, quarter, last), "return_visit"))
        for month in range(1, last.month + 1):  # the first week's work day, skipped now and then
            first = dt.date(year, month, rng.randint(1, 7))
            if first <= last and (n == 0 or month % 3):
                entries.append((committee[month % len(committee)].name, rng.choice(codes), first, "work_day"))
        entries.sort(key=lambda e: e[2])
        logged += len(visits.add_visits(ledger, mediators[vcode], unit=vcode,
                                        entries=[(name, code, day, kind, "") for name, code, day, kind in entries]))
    return kept, logged


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))
