"""Visit-duty benchmark: `tiaojie visit duty` for a whole county beside a bare SQL count of the same
visits, run in the same process.

    PYTHONPATH=src python bench/visit_duty.py [--villages N] [--households N] [--repeat N]

A fresh SQLite ledger holds N villages (default 200), each with H households (default 200), three
committee members and two party members linked to a fifth of the households each, and a year of
visits (every committee member visits each household 0–2 times, each party member each linked
household once a quarter, about half of them). Timed: `ledger.visit_duty.visit_duty` for the whole
county as of 2026-06-15 (the duty policy evaluated, households, links and the period's visits
read, every person's and village's line counted). Baseline: one SQL `GROUP BY` counting each
person's visits to each household since 1 January — the count the report's coverage rests on,
without the duties. Best of --repeat runs each. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tiaojie.ledger import access  # noqa: E402
from tiaojie.ledger.context import Ledger  # noqa: E402
from tiaojie.ledger.visit_duty import visit_duty  # noqa: E402
from tiaojie.models import Household, HouseholdLink, Person, Visit  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402
from tiaojie.store.db import open_database  # noqa: E402

AS_OF = dt.date(2026, 6, 15)


def build(ledger: Ledger, villages: int, households: int, rng: random.Random) -> int:
    admin = access.add_user(ledger, None, "admin", "admin", password="bench-password")
    access.add_unit(ledger, admin, "C", "冷水江市", "county")
    access.add_unit(ledger, admin, "C-T", "沙坪乡", "township", "C")
    for v in range(villages):
        access.add_unit(ledger, admin, f"C-T-{v:03d}", f"村{v:03d}", "village", "C-T")
    with ledger.uow() as uow:
        units = [u for u in uow.units.list() if u.level == "village"]
        logged = 0
        for unit in units:
            assert unit.id is not None
            cadres = [uow.people.add(Person(unit_id=unit.id, name=f"干部{i}", committee=True)) for i in range(3)]
            members = [uow.people.add(Person(unit_id=unit.id, name=f"党员{i}", committee=False, party_member=True))
                       for i in range(2)]
            homes = uow.households.add_many([Household(unit_id=unit.id, code=f"H{i:04d}", head=f"户主{i}")
                                             for i in range(households)])
            uow.households.link_many([HouseholdLink(unit_id=unit.id, household_id=h.id, person_id=members[i % 2].id)
                                      for i, h in enumerate(homes[: households // 5])])  # type: ignore[arg-type]
            visits: list[Visit] = []
            for person in cadres:
                for home in homes:
                    for _ in range(rng.choice((0, 1, 1, 2))):
                        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, (AS_OF - dt.date(2026, 1, 1)).days))
                        visits.append(Visit(unit_id=unit.id, person_id=person.id, household_id=home.id,  # type: ignore[arg-type]
                                            visit_on=day, kind="visit", by_user="admin"))
            for i, home in enumerate(homes[: households // 5]):
                if rng.random() < 0.5:
                    visits.append(Visit(unit_id=unit.id, person_id=members[i % 2].id, household_id=home.id,  # type: ignore[arg-type]
                                        visit_on=dt.date(2026, 4, rng.randint(1, 30)), kind="return_visit", by_user="admin"))
            uow.visits.add_many(visits)
            logged += len(visits)
        uow.commit()
    return logged


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=200)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rules = open_rules(ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        path.touch()
        engine = open_database(f"sqlite:///{path}", create=True)
        ledger = Ledger(engine=engine, rules=rules, today=AS_OF)
        logged = build(ledger, args.villages, args.households, random.Random(2026))

        def report() -> None:
            visit_duty(ledger, None, AS_OF)

        def bare() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT person_id, household_id, count(*) FROM visits WHERE visit_on BETWEEN "
                                  ":a AND :b GROUP BY person_id, household_id"),
                             {"a": dt.date(2026, 1, 1), "b": AS_OF}).fetchall()

        lines = visit_duty(ledger, None, AS_OF)
        duty_s, bare_s = best(report, args.repeat), best(bare, args.repeat)
        print(f"{args.villages} villages × {args.households} households, {logged} visits; "
              f"{len(lines.people)} person lines, {len(lines.villages)} village lines")
        print(f"visit duty (whole county): {duty_s:.3f} s   bare SQL count: {bare_s:.3f} s   "
              f"ratio {duty_s / bare_s:.1f}×")
        engine.dispose()
    rules.close()


if __name__ == "__main__":
    main()
