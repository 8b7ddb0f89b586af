"""Ledger benchmark: import and period computation, each beside a baseline run in the same process.

    PYTHONPATH=src python bench/ledger.py [--import-cases N [N ...]] [--stored-cases N] [--pg URL] [--no-pg]
        [--no-sqlite] [--only import|period]

(a) import: a generated CSV of N cases for each N given (default 100,000 and 1,000,000; Chinese
    headers, labels as a clerk types them) through `tiaojie import` (`ledger.importer.import_file`:
    read, validate every cell, check closed periods and duplicates, insert in one transaction)
    into a fresh SQLite file and a fresh PostgreSQL schema; baseline: a raw DB-API `executemany`
    INSERT of the same rows, already typed, into a fresh copy of the same table. Target: within
    3× of the raw insert. Each size runs in a fresh interpreter whose peak resident memory
    (`ru_maxrss`) is read right after the import: the import reads and writes a batch at a time,
    so the largest size's peak must be within 1.5× of the smallest's.
(b) period: N stored cases (default 1,000,000, settled across 2026 by village bodies of 210
    villages) and the period computation — each payee's reward with the monthly ceiling applied
    (`periods.compute(..., with_lines=False)`, what `tiaojie period compute` prints; the per-case
    lines are the drill-down) — for one month and for the whole year; baseline: a bare SQL
    `GROUP BY` sum of the same rewards (the 金平 amounts as a CASE expression) over the same cases.
    Target: within 3× of the bare SQL sum.

Numbers are printed, never asserted. PostgreSQL runs on TIAOJIE_BENCH_PG or
postgresql://postgres@127.0.0.1:5432/test in a schema created and dropped here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import create_engine, text  # noqa: E402

from tiaojie.ledger import access, importer, periods  # noqa: E402
from tiaojie.ledger.context import Ledger  # noqa: E402
from tiaojie.ledger.demo import DEMO_PASSWORD  # noqa: E402
from tiaojie.ledger.policy_changes import start_rules  # noqa: E402
from tiaojie.rules.service import open_rules  # noqa: E402
from tiaojie.store.db import make_engine, upgrade  # noqa: E402

RULES = ROOT / "rules"
CATEGORIES = {"neighbour": "邻里", "marriage_family": "婚姻家庭", "housing_land": "房屋宅基地", "contract": "合同", "damages": "损害赔偿"}
SEVERITIES = {"simple": "简易", "ordinary": "一般", "difficult": "疑难", "major": "重大"}
SETTLED_BY = {"village_committee": "村委会", "village_group": "村小组", "mediation_committee": "调委会", "township": "乡镇"}
TARGET = 3.0
MEMORY_TARGET = 1.5  # peak memory of the largest import against the smallest
TODAY = dt.date(2026, 12, 31)  # after every generated date, whenever the bench runs


def pg_base() -> str:
    return os.environ.get("TIAOJIE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Database:
    """A fresh SQLite file or PostgreSQL schema at the current migration, with the demo org."""

    def __init__(self, kind: str, workdir: Path, pg: str | None):
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"
            self.schema = None
        else:
            self.schema = "bench_" + uuid.uuid4().hex[:10]
            admin = create_engine(pg)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            admin.dispose()
            self.admin_url = pg
            self.url = f"{pg}?options={quote(f'-csearch_path={self.schema}')}"
        self.engine = make_engine(self.url)
        upgrade(self.engine)

    def drop(self) -> None:
        self.engine.dispose()
        if self.schema:
            admin = create_engine(self.admin_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            admin.dispose()


def make_org(ledger: Ledger, villages: int) -> list[tuple[int, str]]:
    admin = access.add_user(ledger, None, "admin", "admin", password=DEMO_PASSWORD)
    access.add_unit(ledger, admin, "C", "冷水江市", "county")
    access.add_user(ledger, admin, "clerk", "clerk", "C", password=DEMO_PASSWORD)
    out = []
    for t in range(16):
        access.add_unit(ledger, admin, f"T{t:02d}", f"乡镇{t:02d}", "township", "C")
    with ledger.uow() as uow:
        towns = {u.code: u.id for u in uow.units.list()}
        from tiaojie.models import Unit

        for v in range(villages):
            unit = uow.units.add(Unit(code=f"T{v % 16:02d}-V{v:03d}", name=f"村{v:03d}", level="village", parent_id=towns[f"T{v % 16:02d}"]))
            out.append((unit.id, unit.code))
        uow.commit()
    return out


def generate(n: int, units: list[tuple[int, str]], seed: int = 7) -> Iterator[dict]:
    """The rows one at a time: a million of them are never held at once."""
    rng = random.Random(seed)
    start = dt.date(2026, 1, 1)
    for i in range(n):
        unit_id, code = units[i % len(units)]
        received = start + dt.timedelta(days=rng.randint(0, 340))
        settled = received + dt.timedelta(days=rng.randint(0, 20))
        yield {
            "unit_id": unit_id, "unit": code, "number": f"B{i:07d}",
            "category": rng.choice(list(CATEGORIES)), "severity": rng.choice(list(SEVERITIES)),
            "settled_by": rng.choice(list(SETTLED_BY)), "received_on": received, "settled_on": settled,
            "amount_fen": rng.choice((0, 50000, 120000, 800000)), "parties": ["张三", "李四"],
        }


def write_csv(rows: Iterable[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位", "卷号", "纠纷类型", "纠纷程度", "受理日期", "调处日期", "案件状态", "调处主体", "涉及金额", "当事人"])
        for r in rows:
            w.writerow([r["unit"], r["number"], CATEGORIES[r["category"]], SEVERITIES[r["severity"]], r["received_on"].isoformat(),
                        r["settled_on"].isoformat(), "调解成功", SETTLED_BY[r["settled_by"]], f"{r['amount_fen'] / 100:.2f}", "张三、李四"])


COLUMNS = ("unit_id", "number", "source", "category", "severity", "urgency", "summary", "parties", "persons_involved",
           "amount_involved_fen", "received_on", "accepted_on", "settled_on", "closed_on", "status", "settled_by", "mediators",
           "agreement_kind", "agreement_fulfilled", "follow_up_done", "file_complete", "needs_verification", "level",
           "created_at", "updated_at")


def typed_tuples(rows: Iterable[dict]) -> Iterator[tuple]:
    now = dt.datetime.now(dt.timezone.utc)
    return (
        (r["unit_id"], r["number"], "application", r["category"], r["severity"], "normal", "", '["张三", "李四"]', 0,
         r["amount_fen"], r["received_on"], None, r["settled_on"], None, "settled", r["settled_by"], "[]", None,
         False, False, False, False, "village", now, now)
        for r in rows
    )


def raw_insert(db: Database, tuples: Iterable[tuple], chunk: int = 50_000) -> float:
    """The baseline: one transaction, `executemany` through the driver itself, of rows already
    typed (made a chunk at a time, outside the timing, so a million need not be held at once)."""
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        marks = ", ".join(["?" if db.kind == "sqlite" else "%s"] * len(COLUMNS))
        sql = f"INSERT INTO cases ({', '.join(COLUMNS)}) VALUES ({marks})"
        took = 0.0
        rows = iter(tuples)
        t = time.perf_counter()
        if db.kind == "sqlite":
            cur.execute("BEGIN")  # the connection runs in autocommit; one transaction, like the import
        took += time.perf_counter() - t
        while part := list(islice(rows, chunk)):
            t = time.perf_counter()
            cur.executemany(sql, part)
            took += time.perf_counter() - t
        t = time.perf_counter()
        raw.commit()
        return took + time.perf_counter() - t
    finally:
        raw.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def import_once(kind: str, n: int, workdir: Path, pg: str | None, rules) -> dict:
    """In a process of its own: import n generated rows, then the baseline. The peak memory is
    read right after the import, before the baseline (which holds a chunk of typed rows) runs."""
    base = Database(kind, workdir, pg)
    subject = Database(kind, workdir, pg)
    try:
        units = make_org(Ledger(base.engine, rules, today=TODAY), 210)
        ledger = Ledger(subject.engine, rules, today=TODAY)
        start_rules(ledger)  # a new ledger's starting set, activated: the import writes through it
        make_org(ledger, 210)
        path = workdir / f"import-{kind}-{n}.csv"
        write_csv(generate(n, units), path)
        clerk = access.resolve_user(ledger, "clerk")
        gc.collect()
        before = peak_rss_mb()
        t = time.perf_counter()
        result = importer.import_file(ledger, clerk, path)
        took = time.perf_counter() - t
        peak = peak_rss_mb()
        assert result.added == n, result.summary().render("en")
        path.unlink()
        baseline = raw_insert(base, typed_tuples(generate(n, units)))
        return {"kind": kind, "n": n, "took": took, "baseline": baseline, "peak_mb": peak, "before_mb": before}
    finally:
        base.drop()
        subject.drop()


def bench_import(kind: str, sizes: list[int], pg: str) -> None:
    """Each size in a fresh interpreter, so one run's peak memory cannot hide in another's."""
    peaks = []
    for n in sizes:
        done = subprocess.run([sys.executable, __file__, "--import-worker", kind, str(n), "--pg", pg],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(f"import of {n:,} rows on {kind} failed")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        ratio = r["took"] / r["baseline"]
        peaks.append(r["peak_mb"])
        print(f"import {n:>9,} cases  {kind:<10}  tiaojie import {r['took']:7.2f}s   raw executemany {r['baseline']:6.2f}s   "
              f"ratio {ratio:5.2f}×  (target ≤ {TARGET:.0f}×) {'ok' if ratio <= TARGET else 'MISSED'}   "
              f"peak memory {r['peak_mb']:6.0f} MB (before the import {r['before_mb']:.0f} MB)", flush=True)
    if len(peaks) > 1:
        growth = max(peaks) / min(peaks)
        print(f"  peak memory, {max(sizes):,} rows against {min(sizes):,}: {growth:4.2f}×  "
              f"(target ≤ {MEMORY_TARGET}×) {'ok' if growth <= MEMORY_TARGET else 'MISSED'}", flush=True)


def bench_period(kind: str, n: int, workdir: Path, pg: str | None, rules) -> None:
    db = Database(kind, workdir, pg)
    try:
        ledger = Ledger(db.engine, rules, today=TODAY)
        start_rules(ledger)  # a new ledger's starting set, activated: periods are computed with it
        units = make_org(ledger, 210)
        t = time.perf_counter()
        raw_insert(db, typed_tuples(generate(n, units, seed=11)))
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE") if kind == "postgresql" else text("ANALYZE"))
        print(f"period {n:>9,} stored   {kind:<10}  (loaded in {time.perf_counter() - t:.1f}s)")
        clerk = access.resolve_user(ledger, "clerk")
        for key in ("2026-06", "2026"):
            p = periods.parse_period(key)
            sql = text("""
                SELECT u.name, c.settled_by, sum(CASE WHEN c.severity = 'major' THEN 50000 ELSE 20000 END), count(*)
                FROM cases c JOIN units u ON u.id = c.unit_id
                WHERE c.status = 'settled' AND c.settled_on BETWEEN :a AND :b
                  AND c.settled_by IN ('village_committee', 'village_group', 'mediation_committee')
                GROUP BY u.name, c.settled_by
            """)
            t = time.perf_counter()
            with db.engine.connect() as conn:
                groups = conn.execute(sql, {"a": p.starts_on, "b": p.ends_on}).all()
            baseline = time.perf_counter() - t
            t = time.perf_counter()
            report = periods.compute(ledger, clerk, key, with_lines=False)
            took = time.perf_counter() - t
            gross = sum(r[2] for r in groups)
            assert sum(x.gross for x in report.payees) * 100 == gross, (sum(x.gross for x in report.payees), gross)
            ratio = took / baseline
            print(f"  compute {key:<8} {sum(r[3] for r in groups):>9,} paid cases  tiaojie {took:7.2f}s   bare SQL GROUP BY sum {baseline:6.3f}s   "
                  f"ratio {ratio:6.2f}×  (target ≤ {TARGET:.0f}×) {'ok' if ratio <= TARGET else 'MISSED'}")
            # the year includes June: recomputing it must not pay June's cases twice
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--import-cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--stored-cases", type=int, default=1_000_000)
    parser.add_argument("--pg", default=None)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--only", choices=("import", "period"), default=None)
    parser.add_argument("--import-worker", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    pg = args.pg or pg_base()
    rules = open_rules(RULES)
    if args.import_worker:
        kind, n = args.import_worker
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(import_once(kind, int(n), Path(tmp), pg, rules)))
        return
    kinds = ([] if args.no_sqlite else ["sqlite"]) + ([] if args.no_pg else ["postgresql"])
    for kind in kinds:
        if args.only in (None, "import"):
            bench_import(kind, sorted(args.import_cases), pg)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            if args.only in (None, "period"):
                bench_period(kind, args.stored_cases, Path(tmp), pg, rules)


if __name__ == "__main__":
    main()
