"""200,000 cases with distinct projections through the engine in one process: RSS stays flat.

Every evaluation asserts a fact under a fresh session id and deletes it afterwards, so neither the
engine's C state nor the Python side may grow with the number of cases.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time

TOTAL = 200_000
WARM_UP = 20_000
BOUND_MB = 20.0


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_memory_stays_flat_over_200k_distinct_cases(rules):
    evaluate = rules.evaluator.evaluate
    as_of = dt.date(2026, 6, 1)
    severities = ["simple", "ordinary", "difficult", "major"]
    categories = ["neighbour", "contract", "land_acquisition", "environment", "labour"]
    samples: list[tuple[int, float]] = []
    fired_major = 0
    started = time.perf_counter()
    for i in range(TOTAL):
        # persons_involved and amount_involved differ on every case: no two projections are equal
        case = {
            "severity": severities[i % 4], "category": categories[i % 5],
            "urgency": "urgent" if i % 7 == 0 else "normal", "needs_verification": i % 3 == 0,
            "received_on": "2026-03-02", "status": "received",
            "persons_involved": i, "amount_involved": f"{i}.{i % 100:02d}",
        }
        outcome = evaluate("escalation", case, as_of)
        fired_major += "major" in outcome.fired
        if i + 1 == WARM_UP or (i + 1) % 45_000 == 0 or i + 1 == TOTAL:
            gc.collect()
            samples.append((i + 1, rss_mb()))
    elapsed = time.perf_counter() - started
    after_warm_up = samples[0][1]
    at_end = samples[-1][1]
    growth = at_end - after_warm_up
    print(f"\nmemory: {TOTAL} cases in {elapsed:.1f} s ({TOTAL / elapsed:.0f}/s); RSS after {WARM_UP} warm-up "
          f"{after_warm_up:.1f} MB, at end {at_end:.1f} MB, growth {growth:+.1f} MB (bound {BOUND_MB} MB); "
          + ", ".join(f"{n}: {mb:.1f}" for n, mb in samples))
    # the engine really decided: persons_involved >= 30 or severity major puts a case at county level
    assert fired_major == sum(1 for i in range(TOTAL) if i % 4 == 3 or i >= 30
                              or (i % 4 == 2 and i % 5 in (2, 3)))
    assert growth < BOUND_MB, samples


def test_engine_match_alone_stays_flat(rules):
    """The engine wrapper on its own, with varying values (no pydantic, no calculator)."""
    policy = rules.book.select("escalation", dt.date(2026, 6, 1))
    match = rules.engine.match
    on = dt.date(2026, 6, 1).toordinal()
    for i in range(5_000):
        match(policy, {"severity": "simple", "persons_involved": i, "amount_involved": i * 100}, on)
    gc.collect()
    before = rss_mb()
    for i in range(50_000):
        fired = match(policy, {"severity": "simple", "persons_involved": i, "amount_involved": i * 100}, on)
        assert ("major" in fired) == (i >= 30)
    gc.collect()
    after = rss_mb()
    print(f"\nengine.match: 50000 cases, RSS {before:.1f} → {after:.1f} MB ({after - before:+.1f} MB)")
    assert after - before < 5.0
