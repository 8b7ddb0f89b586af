"""Impact benchmark: `rules impact` over N stored cases beside a plain scan of the same rows.

    PYTHONPATH=src python bench/impact.py [--cases N] [--pg]

N cases (default 1,000,000) across 210 village stations are written straight into a fresh SQLite
file (or a fresh PostgreSQL schema with --pg), January is closed, and a draft that raises the
major-dispute reward from 500 to 600 is compared with the rules in force
(`ledger.policy_changes.impact`, the function behind `tiaojie rules impact`).

Baselines, in the same run, over the same rows:
  * scan: the same SELECT of the same columns through the same SQLAlchemy connection, every row
    read into a tuple — what any report over the ledger must pay at least;
  * raw scan: the same SELECT through the bare DB-API cursor, for reference.
Target: impact within 2× of the scan. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import text  # noqa: E402

from tiaojie.ledger.context import Ledger  # noqa: E402
from tiaojie.ledger.impact import impact  # noqa: E402
from tiaojie.ledger.policy_changes import start_rules  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402
from tiaojie.store.db import make_engine, upgrade  # noqa: E402

RULES = ROOT / "rules"
TARGET = 2.0
STATUSES = (["settled"] * 7) + ["failed", "mediating", "received", "withdrawn"]
SEVERITIES = ["simple"] * 4 + ["ordinary"] * 4 + ["difficult"] * 2 + ["major"]
SETTLED_BY = ["village_committee", "village_group", "mediation_committee", "township"]
CATEGORIES = ["neighbour", "marriage_family", "housing_land", "contract", "damages", "forest_land", "labour", "other"]


def insert_county(engine) -> list[int]:  # noqa: ANN001
    """One county, 16 townships, 210 village stations (冷水江's tiers); returns the village ids."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, level, parent_id) VALUES (1, 'C', '县', 'county', NULL)"))
        for t in range(16):
            conn.execute(text("INSERT INTO units (id, code, name, level, parent_id) VALUES (:i, :c, :n, 'township', 1)"),
                         {"i": 2 + t, "c": f"T{t:02d}", "n": f"乡镇{t:02d}"})
        villages = []
        for v in range(210):
            villages.append(100 + v)
            conn.execute(text("INSERT INTO units (id, code, name, level, parent_id) VALUES (:i, :c, :n, 'village', :p)"),
                         {"i": 100 + v, "c": f"V{v:03d}", "n": f"村{v:03d}", "p": 2 + v % 16})
    return villages


CASE_COLUMNS = ("id, unit_id, number, source, category, severity, urgency, summary, parties, persons_involved, "
                "amount_involved_fen, received_on, settled_on, status, settled_by, mediators, agreement_fulfilled, "
                "follow_up_done, file_complete, needs_verification, level, created_at, updated_at")


def insert_cases(engine, rows) -> None:  # noqa: ANN001
    """Case tuples (CASE_COLUMNS order) straight through the DB-API cursor, 20,000 at a time."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "sqlite":
            cur.execute("PRAGMA synchronous=OFF")  # a throwaway benchmark file: durability is not measured
        style = "?" if engine.dialect.name == "sqlite" else "%s"
        sql = f"INSERT INTO cases ({CASE_COLUMNS}) VALUES ({', '.join([style] * 23)})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 20_000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
        raw.commit()
    finally:
        raw.close()


def fill(engine, cases: int, seed: int = 7) -> None:  # noqa: ANN001
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    villages = insert_county(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO periods (key, kind, starts_on, ends_on, status, closed_by) "
                          "VALUES ('2026-01', 'month', :a, :b, 'closed', 'bench')"),
                     {"a": dt.date(2026, 1, 1), "b": dt.date(2026, 1, 31)})

    def rows():  # noqa: ANN202
        start = dt.date(2026, 1, 1)
        for i in range(1, cases + 1):
            received = start + dt.timedelta(days=rng.randrange(300))
            status = rng.choice(STATUSES)
            settled = received + dt.timedelta(days=rng.randrange(1, 30)) if status in ("settled", "failed") else None
            yield (i, rng.choice(villages), f"B{i:07d}", "application", rng.choice(CATEGORIES),
                   rng.choice(SEVERITIES), "normal", "", "[]", rng.randint(2, 6), rng.randrange(0, 5_000_000),
                   received.isoformat(), settled.isoformat() if settled else None, status,
                   rng.choice(SETTLED_BY) if settled else None, "[]", False, False, True, False, "village", now, now)

    insert_cases(engine, rows())


SCAN = ("SELECT cases.id, cases.unit_id, cases.number, cases.received_on, cases.settled_on, "
        "cases.status, cases.severity, cases.settled_by FROM cases ORDER BY cases.id")


def scan(engine) -> tuple[float, int]:  # noqa: ANN001
    t = time.perf_counter()
    n = 0
    with engine.connect() as conn:
        for part in conn.execute(text(SCAN)).partitions(50_000):
            for row in part:
                tuple(row)
                n += 1
    return time.perf_counter() - t, n


def raw_scan(engine) -> tuple[float, int]:  # noqa: ANN001
    raw = engine.raw_connection()
    try:
        t = time.perf_counter()
        cur = raw.cursor()
        cur.execute(SCAN)
        n = 0
        while rows := cur.fetchmany(50_000):
            n += len(rows)
        return time.perf_counter() - t, n
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL (TIAOJIE_BENCH_PG or 127.0.0.1:5432/test)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tiaojie-impact-"))
    schema = None
    if args.pg:
        base = os.environ.get("TIAOJIE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{base}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{work / 'impact.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    try:
        start_rules(Ledger(engine=engine, rules=open_rules(RULES)))  # the set in force, activated on an empty ledger
        t = time.perf_counter()
        fill(engine, args.cases)
        print(f"tiaojie impact bench — {args.cases:,} stored cases in {engine.dialect.name} "
              f"(written in {time.perf_counter() - t:.1f} s), Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        draft_dir = work / "draft"
        shutil.copytree(RULES, draft_dir)
        path = draft_dir / "mediation-reward-2026.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("then = { amount = 500 }", "then = { amount = 600 }")
                        .replace("amount = 500,", "amount = 600,"), encoding="utf-8")
        ledger = Ledger(engine=engine, rules=open_rules(RULES), today=dt.date(2026, 11, 30))
        draft = open_rules(draft_dir)

        scan(engine)  # warm the page cache for both sides
        scans, raws, impacts = [], [], []
        report = None
        for _ in range(3):
            scans.append(scan(engine)[0])
            raws.append(raw_scan(engine)[0])
            t = time.perf_counter()
            report = impact(ledger, draft)
            impacts.append(time.perf_counter() - t)
        best_scan, best_raw, best_impact = min(scans), min(raws), min(impacts)
        p = report.policies["mediation-reward"]
        print(f"impact: {p.evaluated:,} evaluated, {p.changed:,} change (+{p.delta} yuan), "
              f"{p.changed_closed:,} in the closed period left as paid")
        print(f"{'measure':<44}{'seconds':>10}{'ratio':>10}  target")
        print(f"{'plain scan (SQLAlchemy, same columns)':<44}{best_scan:>10.2f}{1:>10.2f}")
        print(f"{'raw DB-API scan (reference)':<44}{best_raw:>10.2f}{best_raw / best_scan:>10.2f}")
        verdict = "met" if best_impact / best_scan <= TARGET else "NOT MET"
        print(f"{'rules impact':<44}{best_impact:>10.2f}{best_impact / best_scan:>10.2f}  ≤ {TARGET:.0f}× scan: {verdict}")
        print(f"{'rules impact vs raw scan':<44}{'':>10}{best_impact / best_raw:>10.2f}")
        print(f"(best of 3; scans {', '.join(f'{s:.2f}' for s in scans)}; impact {', '.join(f'{s:.2f}' for s in impacts)})")
        draft.close()
    finally:
        engine.dispose()
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
