"""Each collective is bound to its own dividend policy: chosen when it is made, shown before a
run, used by every run, changed only by policy staff (audited); the dividend CSV has a header
row and totals that add up to the pool."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import dividends
from tiaojie.ledger.access import resolve_user
from tiaojie.ledger.demo import build_demo
from tiaojie.ledger.errors import InvalidInput, PermissionDenied

runner = CliRunner()


@pytest.fixture
def demo(ledger):
    build_demo(ledger)
    return ledger


def test_demo_binds_each_collective_to_its_own_policy_and_runs_under_it(demo):
    bound = {c.code: c.policy_id for c in dividends.collectives(demo)}
    assert bound == {"YW": "collective-dividend", "JS": "revenue-share"}
    clerk = resolve_user(demo, "clerk")
    run = dividends.run_dividend(demo, clerk, "JS", 2026, income=Decimal("200000"))
    # 金胜's own policy keeps 10% + 10%, not the 5% 公益金 of 禹王's
    assert run.policy_id == "revenue-share" and run.retained == Decimal("40000.00") and run.pool == Decimal("160000.00")


def test_a_different_policy_for_a_run_is_refused_naming_both(demo):
    clerk = resolve_user(demo, "clerk")
    with pytest.raises(InvalidInput) as err:
        dividends.run_dividend(demo, clerk, "JS", 2026, policy_id="collective-dividend", income=Decimal("200000"))
    text = err.value.message("zh")
    assert "revenue-share" in text and "collective-dividend" in text
    assert len(dividends.list_runs(demo, "JS", 2026)) == 1  # only the demo's own run


def test_only_policy_staff_change_the_binding_and_it_is_audited(demo):
    from tiaojie.ledger.audit import recent

    clerk, policy = resolve_user(demo, "clerk"), resolve_user(demo, "policy")
    with pytest.raises(PermissionDenied):
        dividends.set_policy(demo, clerk, "JS", "collective-dividend")
    with pytest.raises(InvalidInput):
        dividends.set_policy(demo, policy, "JS", "banquet")  # not a dividend policy
    changed = dividends.set_policy(demo, policy, "JS", "collective-dividend")
    assert changed.policy_id == "collective-dividend"
    assert dividends.collective(demo, "JS").policy_id == "collective-dividend"
    entry = next(e for e in recent(demo, 5) if e.action == "collective.set_policy")
    assert entry.user_name == "policy" and entry.before == {"policy_id": "revenue-share"}
    assert entry.after == {"policy_id": "collective-dividend"}


def test_a_collective_is_made_with_a_dividend_policy(demo):
    clerk = resolve_user(demo, "clerk")
    with pytest.raises(InvalidInput):
        dividends.add_collective(demo, clerk, "XN", "新农合作社", policy_id="mediation-reward")
    made = dividends.add_collective(demo, clerk, "XN", "新农合作社", policy_id="revenue-share")
    assert dividends.collective(demo, "XN").policy_id == made.policy_id == "revenue-share"


def _cli(db_url, *args):
    return runner.invoke(app, ["--db", db_url, *args])


def test_cli_shows_the_bound_policy_before_a_run_and_refuses_another(db_url, demo):
    shown = _cli(db_url, "--user", "clerk", "dividend", "run", "JS", "2026", "--income", "200000")
    assert shown.exit_code == 0, shown.output
    first = shown.output.splitlines()[0]
    assert "JS" in first and "revenue-share" in first
    assert "revenue-share" in shown.output.splitlines()[1]
    refused = _cli(db_url, "--user", "clerk", "dividend", "run", "JS", "2026", "--policy", "collective-dividend")
    assert refused.exit_code == 1
    assert "revenue-share" in refused.output and "collective-dividend" in refused.output
    listed = _cli(db_url, "collective", "list")
    assert listed.exit_code == 0 and "revenue-share" in listed.output and "collective-dividend" in listed.output


def test_cli_set_policy_by_policy_staff_only(db_url, demo):
    denied = _cli(db_url, "--user", "clerk", "collective", "set-policy", "JS", "collective-dividend")
    assert denied.exit_code == 1 and "无权" in denied.output
    done = _cli(db_url, "--user", "policy", "collective", "set-policy", "JS", "collective-dividend")
    assert done.exit_code == 0, done.output
    assert dividends.collective(demo, "JS").policy_id == "collective-dividend"
    added = _cli(db_url, "--user", "clerk", "collective", "add", "XN", "新农合作社", "--policy", "revenue-share")
    assert added.exit_code == 0, added.output and "revenue-share" in added.output


@pytest.mark.parametrize("code", ["YW", "JS"])
def test_dividend_csv_has_a_header_and_totals_summing_to_the_pool(db_url, demo, tmp_path, code):
    out = tmp_path / f"{code}.csv"
    exported = _cli(db_url, "dividend", "show", code, "--year", "2026", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["成员号", "姓名", "户", "加权股", "分红（元）"]
    run = dividends.list_runs(demo, code, 2026)[-1]
    body, leftover, total = rows[1:-2], rows[-2], rows[-1]
    assert len(body) == len(run.allocations)
    assert leftover[0] == "未分配" and total[0] == "合计"
    assert Decimal(total[4]) == run.pool
    assert sum(Decimal(r[4]) for r in body) + Decimal(leftover[4]) == Decimal(total[4])
    assert all(len(r[4].split(".")[1]) == 2 for r in rows[1:])  # to the fen


def test_migration_binds_an_older_ledgers_collectives_to_their_latest_runs_policy(db_url):
    from sqlalchemy import text

    from tiaojie.store import db as store_db

    engine = store_db.make_engine(db_url)
    store_db.upgrade(engine, "0005")
    run = ("INSERT INTO distribution_runs (collective_id, year, run_no, policy_id, version, hash, income_fen, retained_fen,"
           " pool_fen, leftover_fen, detail, by_user, computed_at) VALUES (:c, :y, :n, :p, '1', 'h', 0, 0, 0, 0, '{}', 'x',"
           " CURRENT_TIMESTAMP)")
    with engine.begin() as conn:
        for cid, code in ((1, "JS"), (2, "YW"), (3, "NEW")):
            conn.execute(text("INSERT INTO collectives (id, code, name) VALUES (:i, :c, :c)"), {"i": cid, "c": code})
        conn.execute(text(run), {"c": 1, "y": 2025, "n": 1, "p": "collective-dividend"})
        conn.execute(text(run), {"c": 1, "y": 2026, "n": 1, "p": "revenue-share"})
        conn.execute(text(run), {"c": 2, "y": 2026, "n": 2, "p": "collective-dividend"})
    store_db.upgrade(engine)
    with engine.connect() as conn:
        bound = dict(conn.execute(text("SELECT code, policy_id FROM collectives")).all())
    engine.dispose()
    assert bound == {"JS": "revenue-share", "YW": "collective-dividend", "NEW": None}


def test_a_collective_bound_to_no_policy_is_not_run_under_another(demo):
    from tiaojie.models import Collective

    with demo.uow() as uow:  # as migration 0006 leaves a collective of an older ledger never run
        uow.collectives.add(Collective(code="OLD", name="旧合作社"))
        uow.commit()
    with pytest.raises(InvalidInput) as err:
        dividends.run_dividend(demo, resolve_user(demo, "clerk"), "OLD", 2026)
    assert err.value.key == "collective_unbound" and "set-policy" in err.value.message("zh")
    dividends.set_policy(demo, resolve_user(demo, "policy"), "OLD", "revenue-share")
    assert dividends.run_dividend(demo, resolve_user(demo, "clerk"), "OLD", 2026).policy_id == "revenue-share"


def test_the_xlsx_summary_balances_income_less_costs_and_retentions_to_the_pool(demo, tmp_path):
    from openpyxl import load_workbook

    from tiaojie.ledger.dividend_export import export_run

    clerk = resolve_user(demo, "clerk")
    run = dividends.run_dividend(demo, clerk, "JS", 2026, income=Decimal("12345.67"), costs=Decimal("345.60"))
    book = load_workbook(export_run(run, dividends.members_by_id(demo, run.collective_id), tmp_path / "js.xlsx"))
    rows = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0] and row[1] is not None}
    money = {k: Decimal(str(v)) for k, v in rows.items() if k in ("收入", "成本", "提取", "可分配", "未分配")}
    assert money["成本"] == Decimal("345.60")
    assert money["收入"] - money["成本"] - money["提取"] == money["可分配"] == run.pool
