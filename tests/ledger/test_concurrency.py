"""8 processes adding and settling 500 cases each against one PostgreSQL database at once, then 8
processes closing (paying) overlapping periods at once: nothing is lost and no case is paid twice
(the database enforces it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from tiaojie.ledger import audit
from tiaojie.store.schema import AuditRow, CaseRow, OutcomeRow, PayoutLineRow

WORKERS = 8
CASES = 500
RULES = Path(__file__).resolve().parents[2] / "rules"


def test_eight_processes_lose_nothing_and_pay_no_case_twice(pg_schema_url, rules, make_org, tmp_path):
    from activated_rules import activated

    from tiaojie.ledger.context import Ledger
    from tiaojie.store.db import open_database

    ledger = activated(Ledger(open_database(pg_schema_url), rules))  # the workers open the same files
    make_org(ledger)
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(f"""
        import datetime as dt, sys
        from tiaojie.ledger.context import Ledger
        from tiaojie.ledger import access, cases, periods
        from tiaojie.rules.service import open_rules
        from tiaojie.store.db import open_database
        worker = int(sys.argv[1])
        ledger = Ledger(open_database({pg_schema_url!r}), open_rules({str(RULES)!r}))
        mediator = access.resolve_user(ledger, "李调解")
        clerk = access.resolve_user(ledger, "王财务")
        for j in range({CASES}):
            unit = "C-T1-V1" if j % 2 else "C-T1-V2"
            writer = mediator if j % 2 else clerk  # the village's mediator, or the township's clerk
            res = cases.add_case(ledger, writer, unit, number=f"P{{worker}}-{{j:04d}}", category="neighbour",
                                 severity="major" if j % 10 == 0 else "ordinary", received_on=dt.date(2026, 5, 1 + j % 20))
            cases.settle_case(ledger, writer, res.case.id, settled_on=dt.date(2026, 5, 1 + j % 20 + j % 7),
                              settled_by="village_committee" if j % 3 else "mediation_committee")
        print("OK", worker, flush=True)
    """))
    closer = tmp_path / "closer.py"
    closer.write_text(textwrap.dedent(f"""
        import sys
        from tiaojie.ledger.context import Ledger
        from tiaojie.ledger import access, periods
        from tiaojie.rules.service import open_rules
        from tiaojie.store.db import open_database
        from tiaojie.ledger.errors import PeriodClosed
        worker = int(sys.argv[1])
        import datetime
        # a day after all three periods are over: each may be closed
        ledger = Ledger(open_database({pg_schema_url!r}), open_rules({str(RULES)!r}), today=datetime.date(2027, 1, 5))
        clerk = access.resolve_user(ledger, "王财务")
        try:
            periods.close(ledger, clerk, ["2026-05", "2026Q2", "2026"][worker % 3])
            print("CLOSED", worker, flush=True)
        except PeriodClosed:
            print("REFUSED", worker, flush=True)
    """))
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, str(script), str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)
        for i in range(WORKERS)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-3000:]
        assert out.startswith("OK")
    procs = [
        subprocess.Popen([sys.executable, str(closer), str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)
        for i in range(WORKERS)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-3000:]
    # each of the three periods is closed exactly once; the other attempts are refused
    assert sorted(out.split()[0] for out, _ in outputs) == ["CLOSED"] * 3 + ["REFUSED"] * 5

    with ledger.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(CaseRow)).scalar_one()
        n_settled = conn.execute(select(func.count()).select_from(CaseRow).where(CaseRow.status == "settled")).scalar_one()
        n_reward = conn.execute(
            select(func.count(func.distinct(OutcomeRow.case_id))).where(OutcomeRow.policy_id == "mediation-reward")
        ).scalar_one()
        n_lines = conn.execute(select(func.count()).select_from(PayoutLineRow)).scalar_one()
        n_paid_cases = conn.execute(select(func.count(func.distinct(PayoutLineRow.case_id)))).scalar_one()
        n_audit = conn.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    total = WORKERS * CASES
    assert n_cases == n_settled == n_reward == total
    # every case settled by a village body earns a line; each case is paid exactly once
    assert n_lines == n_paid_cases == total
    # the starting set's activation, 8 org-setup entries, 2 per case, one per closed period — and the chain is intact
    assert n_audit == 1 + 8 + 2 * total + 3
    report = audit.verify(ledger)
    assert report.ok, report.render("en")
    ledger.close()
