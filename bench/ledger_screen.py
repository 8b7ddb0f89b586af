"""Ledger screen benchmark: paging, sorting and the overdue filter over N cases, beside bare SQL.

    PYTHONPATH=src python bench/ledger_screen.py [--cases N] [--open-share F] [--per-case] [--whole-list]

N cases (default 100,000) across 210 village stations are written straight into a fresh SQLite
file (bulk insert, as bench/impact.py does); by default every case is still open (received,
mediating or escalated), the worst case for the overdue filter. Timed, each the median of
--repeat runs, through the core's `ledger.cases.page_cases` (what the TUI's worker calls) and
through the TUI's `ledger_api.case_page` (the same plus overdue days and rewards of the shown
rows):

  * first page          (received order, 100 rows, with the count)
  * page N              (the middle page)
  * a sort change       (by category, first page)
  * the overdue filter  (first page of the overdue open cases, with their count)

Baselines, in the same run, over the same file:
  * paging / sorting: the bare `SELECT … ORDER BY … LIMIT 100 OFFSET …` plus `SELECT count(*)`
    through the DB-API cursor;
  * overdue: a bare scan of the open cases' columns the escalation policy reads (DB-API cursor,
    every row fetched) — what any judgement of every open case must pay at least.

The screen keeps the overdue judgement (`page_cases(memo=…)`) while only the page or the sort
changes; "(kept)" rows time that. --per-case also times the old definition (each open case's deadline through `overdue_days`, one
by one) and checks that both give the same cases; --whole-list times the old screen's way (list
every matching case, sort in Python, cut a page). Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


from impact import insert_cases, insert_county  # noqa: E402  (bench/ is on sys.path when run as a script)
from tiaojie.ledger import overdue, views  # noqa: E402
from tiaojie.ledger.context import Ledger  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402
from tiaojie.store.case_repository import CaseFilter  # noqa: E402
from tiaojie.store.db import make_engine, upgrade  # noqa: E402

RULES = ROOT / "rules"
TODAY = dt.date(2026, 11, 1)
OPEN = ["received", "mediating", "escalated"]
CLOSED = ["settled"] * 7 + ["failed", "withdrawn"]
SEVERITIES = ["simple"] * 4 + ["ordinary"] * 4 + ["difficult"] * 2 + ["major"]
CATEGORIES = ["neighbour", "marriage_family", "housing_land", "contract", "damages", "forest_land", "labour", "other"]
SETTLED_BY = ["village_committee", "village_group", "mediation_committee", "township"]
LEVELS = ["village"] * 6 + ["township"] * 3 + ["county"]
PAGE = 100


def fill(engine, cases: int, open_share: float, seed: int = 11) -> None:  # noqa: ANN001
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    villages = insert_county(engine)

    def rows():  # noqa: ANN202
        start = dt.date(2026, 1, 1)
        for i in range(1, cases + 1):
            received = start + dt.timedelta(days=rng.randrange(300))
            status = rng.choice(OPEN) if rng.random() < open_share else rng.choice(CLOSED)
            settled = received + dt.timedelta(days=rng.randrange(1, 30)) if status in ("settled", "failed") else None
            # most disputes name no sum or a round one; a few name an exact amount
            amount = rng.choice([0, 0, 0, 50_000, 100_000, 200_000, 500_000, 1_000_000, rng.randrange(0, 5_000_000)])
            yield (i, rng.choice(villages), f"B{i:07d}", "application", rng.choice(CATEGORIES),
                   rng.choice(SEVERITIES), "urgent" if rng.random() < 0.05 else "normal", "", '["甲","乙"]',
                   rng.randint(2, 40), amount, received.isoformat(), settled.isoformat() if settled else None,
                   status, rng.choice(SETTLED_BY) if settled else None, "[]", False, False, True,
                   rng.random() < 0.3, rng.choice(LEVELS), now, now)

    insert_cases(engine, rows())


def best(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def bare_page(engine, order: str, offset: int) -> None:  # noqa: ANN001
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT count(*) FROM cases")
        cur.fetchall()
        cur.execute(f"SELECT * FROM cases ORDER BY {order} LIMIT {PAGE} OFFSET {offset}")
        cur.fetchall()
    finally:
        raw.close()


def bare_open_scan(engine) -> int:  # noqa: ANN001
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT id, unit_id, number, received_on, settled_on, status, level, severity, category, urgency, "
                    "needs_verification, persons_involved, amount_involved_fen FROM cases "
                    "WHERE status IN ('received', 'mediating', 'escalated')")
        n = 0
        while rows := cur.fetchmany(50_000):
            n += len(rows)
        return n
    finally:
        raw.close()


class _Backend:
    """What `tui.ledger_api.case_page` reads from the app's backend."""

    def __init__(self, ledger: Ledger):
        self.ledger, self.user = ledger, None

    def date(self) -> dt.date:
        return TODAY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=1.0, help="share of cases still open (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-case", action="store_true", help="also time the old per-case overdue filter and compare")
    parser.add_argument("--whole-list", action="store_true", help="also time the old screen: list all, sort in Python")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        t = time.perf_counter()
        fill(engine, args.cases, args.open_share)
        print(f"{args.cases:,} cases ({args.open_share:.0%} open) written in {time.perf_counter() - t:.1f} s")
        rules = open_rules(RULES)
        ledger = Ledger(engine=engine, rules=rules, today=TODAY)
        pages = -(-args.cases // PAGE)
        middle = pages // 2
        r = args.repeat

        def page(**kw):  # noqa: ANN003, ANN202
            return views.page_cases(ledger, as_of=TODAY, size=PAGE, **kw)

        rows = []
        b, _ = best(lambda: bare_page(engine, "received_on, id", 0), r)
        o, (_, total) = best(lambda: page(page=1), r)
        rows.append(("first page", o, b, f"{total:,} cases"))
        b, _ = best(lambda: bare_page(engine, "received_on, id", (middle - 1) * PAGE), r)
        o, _ = best(lambda: page(page=middle), r)
        rows.append((f"page {middle} of {pages}", o, b, ""))
        b, _ = best(lambda: bare_page(engine, "category, received_on, id", 0), r)
        o, _ = best(lambda: page(sort="category"), r)
        rows.append(("sort by category", o, b, ""))
        b, _ = best(lambda: bare_page(engine, "severity DESC, received_on, id", (middle - 1) * PAGE), r)
        o, _ = best(lambda: page(sort="severity", descending=True, page=middle), r)
        rows.append((f"severity ↓, page {middle}", o, b, ""))
        b, scanned = best(lambda: bare_open_scan(engine), r)
        o, (_, late) = best(lambda: page(overdue=True), r)
        evaluated = []
        real_batch = rules.evaluate_batch
        rules.evaluate_batch = lambda policy_id, cases, *a, **k: real_batch(policy_id, evaluated.extend(cases) or cases, *a, **k)
        try:
            with ledger.uow() as uow:
                distinct = len({tuple(row[7:]) for row, _ in overdue.overdue_scan(
                    ledger, uow, CaseFilter(statuses=ledger.open_statuses()), TODAY)})
        finally:
            del rules.evaluate_batch
        rows.append(("overdue filter", o, b, f"{late:,} overdue of {scanned:,} open; {distinct:,} distinct readings, "
                                             f"{len(evaluated):,} evaluated (one per class)"))
        memo: dict = {}
        page(overdue=True, memo=memo)  # the screen keeps the judgement while only the page or sort changes
        o2, _ = best(lambda: page(overdue=True, sort="number", descending=True, page=middle // 2, memo=memo), r)
        rows.append(("overdue, number ↓, a later page (kept)", o2, b, ""))

        from tui.ledger_api import CaseFilters, case_page

        backend = _Backend(ledger)
        b, _ = best(lambda: bare_page(engine, "received_on, id", 0), r)
        o, _ = best(lambda: case_page(backend, CaseFilters(), "received", False, 1, PAGE), r)
        rows.append(("TUI page (+ overdue days, rewards)", o, b, ""))
        o, _ = best(lambda: case_page(backend, CaseFilters(overdue=True), "received", False, 1, PAGE), r)
        b, _ = best(lambda: bare_open_scan(engine), r)
        rows.append(("TUI overdue page", o, b, ""))

        print(f"\n{'':36} {'tiaojie':>10} {'baseline':>10} {'ratio':>8}")
        for name, ours, base, note in rows:
            print(f"{name:36} {ours * 1000:8.1f}ms {base * 1000:8.1f}ms {ours / base:7.1f}x  {note}")
        print("baselines: bare SELECT … ORDER BY … LIMIT/OFFSET + count(*) for pages; bare scan of the open "
              "cases' escalation columns for overdue")

        if args.whole_list:
            def whole() -> list:
                found = views.list_cases(ledger, as_of=TODAY)
                found.sort(key=lambda c: c.category)
                return found[:PAGE]

            t = time.perf_counter()
            whole()
            print(f"old screen (list every case, sort in Python): {time.perf_counter() - t:.2f} s")
        if args.per_case:
            t = time.perf_counter()
            codes = views.unit_codes(ledger)
            with ledger.uow() as uow:
                old = {c.id for c in uow.cases.list(CaseFilter(statuses=ledger.open_statuses()))
                       if overdue.overdue_days(ledger, c, codes.get(c.unit_id), TODAY) > 0}
            took = time.perf_counter() - t
            t = time.perf_counter()
            new = {c.id for c in views.list_cases(ledger, overdue=True, as_of=TODAY)}
            print(f"overdue, case by case (old): {took:.2f} s; list_cases(overdue=True) now: "
                  f"{time.perf_counter() - t:.2f} s; same cases: {old == new} ({len(old):,})")
        engine.dispose()
        rules.close()


if __name__ == "__main__":
    main()
