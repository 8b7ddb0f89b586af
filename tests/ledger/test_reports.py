from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from tiaojie.ledger import (
    banquets,
    cases,
    dividends,
    periods,
    statements,
    stats,
    views,  # noqa: E402
)
from tiaojie.ledger.errors import PermissionDenied


def _settled(ledger, org, unit, number, severity="ordinary", settled_by="village_committee", day=10):
    by = org.mediator if unit == "C-T1-V1" else org.clerk  # the mediator keeps only their own village's cases
    case = cases.add_case(ledger, by, unit, number=number, category="neighbour", severity=severity, received_on="2026-05-01").case
    return cases.settle_case(ledger, by, case.id, settled_on=dt.date(2026, 5, day), settled_by=settled_by).case


def test_statement_balances_and_has_chinese_headers(ledger, org, tmp_path):
    _settled(ledger, org, "C-T1-V1", "S1", "major")
    _settled(ledger, org, "C-T1-V1", "S2", settled_by="mediation_committee")
    _settled(ledger, org, "C-T1-V2", "S3")
    periods.compute(ledger, org.clerk, "2026-05")
    periods.close(ledger, org.clerk, "2026-05")
    case = views.get_case(ledger, "C-T1-V2", "S3")
    periods.adjust(ledger, org.clerk, "2026-06", case.id, Decimal("-0.01"), "多发一分，追回")
    periods.compute(ledger, org.clerk, "2026-06")

    out = statements.export_statement(ledger, "2026-05", tmp_path / "may.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][0].startswith("2026-05") and "已关闭" in rows[0][0]
    assert ["领取人", "单位代码", "单位", "案件数", "应发（封顶前）", "实发", "调整", "合计"] in rows
    totals = [r for r in rows if r and r[0] == "合计"]
    assert totals[0][-1] == "900.00" and totals[1][-1] == "900.00"
    assert ["mediation-reward", "2026.1"] == [r for r in rows if r and r[0] == "mediation-reward"][0][:2]

    from openpyxl import load_workbook

    june = statements.export_statement(ledger, "2026-06", tmp_path / "june.xlsx")
    book = load_workbook(june)
    assert book.sheetnames == ["按领取人", "按单位", "明细", "调整", "政策版本"]
    payee_rows = list(book["按领取人"].iter_rows(min_row=3, values_only=True))
    assert payee_rows[-1][0] == "合计" and Decimal(str(payee_rows[-1][-1])) == Decimal("-0.01")
    adj = list(book["调整"].iter_rows(min_row=3, values_only=True))[0]
    assert adj[0] == "S3" and adj[3] == "2026-05" and adj[4] == "多发一分，追回"


def test_stats_rate_is_computed_from_cases(ledger, org):
    _settled(ledger, org, "C-T1-V1", "A1")
    _settled(ledger, org, "C-T1-V2", "A2", "major")
    failed = cases.add_case(ledger, org.clerk, "C-T1-V2", number="A3", category="contract", received_on="2026-05-03").case
    cases.settle_case(ledger, org.clerk, failed.id, settled_on="2026-05-20", settled_by="village_committee", status="failed")
    cases.add_case(ledger, org.clerk, "C-T1-V2", number="A4", category="contract", received_on="2026-05-04", needs_verification=True)
    periods.close(ledger, org.clerk, "2026-05")
    rows = stats.compute_stats(ledger, by="unit", period="2026-05")
    total = rows[-1]
    assert (total.received, total.settled, total.failed, total.overdue) == (4, 2, 1, 1)
    assert total.rate == Decimal("50.0") and (total.paid, total.due) == (Decimal("700.00"), Decimal("0.00"))
    v2 = next(r for r in rows if r.key == "C-T1-V2")
    assert (v2.received, v2.settled, v2.paid) == (3, 1, Decimal("500.00"))
    assert v2.rate == Decimal("33.3")
    by_cat = {r.key: r.received for r in stats.compute_stats(ledger, by="category")}
    assert by_cat == {"neighbour": 2, "contract": 2, "total": 4}
    # a case settled in an open month is not paid yet: it is due, as the rules in force say
    june_case = cases.add_case(ledger, org.mediator, "C-T1-V1", number="A5", category="neighbour", severity="major",
                               received_on="2026-06-02").case
    cases.settle_case(ledger, org.mediator, june_case.id, settled_on="2026-06-09", settled_by="village_committee")
    june = stats.compute_stats(ledger, period="2026-06")[-1]
    assert (june.settled, june.paid, june.due) == (1, Decimal("0.00"), Decimal("500.00"))
    whole = stats.compute_stats(ledger)[-1]
    assert (whole.paid, whole.due) == (Decimal("700.00"), Decimal("500.00"))


def test_banquet_filing_checked_and_stored(ledger, org):
    filing = banquets.build_filing(ledger, unit="C-T1-V1", household="刘家", occasion="生日", held_on="2026-05-20", days=3,
                                   tables=25, gift="200", filed_on="2026-05-18")
    checked = banquets.file_banquet(ledger, org.mediator, filing)
    assert not checked.compliant
    assert {v["rule"] for v in checked.filing.violations} == {
        "occasion-not-allowed", "gift-over-cap", "too-many-days", "too-many-tables", "filed-late"}
    assert checked.filing.version == "2026.1" and checked.filing.id is not None
    ok = banquets.file_banquet(ledger, org.mediator, banquets.build_filing(
        ledger, unit="C-T1-V1", household="陈家", occasion="婚嫁", held_on="2026-06-20", days=1, tables=10, gift=100, filed_on="2026-06-01"))
    assert ok.compliant and ok.filing.violations == []
    assert [f.household for f in banquets.list_filings(ledger, unit="C-T1", year=2026)] == ["刘家", "陈家"]
    with pytest.raises(PermissionDenied):
        banquets.file_banquet(ledger, org.policy, filing)


def test_dividend_run_allocates_to_the_fen(ledger, org):
    dividends.add_collective(ledger, org.clerk, "YW", "禹王社区集体经济组织", "C-T1-V1", policy_id="collective-dividend")
    dividends.setup_collective(
        ledger, org.clerk, "YW",
        share_classes=[{"code": "member", "name": "成员股", "weight": 1}, {"code": "labour", "name": "劳龄股", "weight": "0.5"}],
        members=[
            {"member_no": "001", "name": "甲", "holdings": {"member": 1}},
            {"member_no": "002", "name": "乙", "holdings": {"member": 1}},
            {"member_no": "003", "name": "丙", "holdings": {"member": 1, "labour": 2}},
        ],
        investments=[{"project": "都江堰项目", "principal": Decimal("1000000"), "rate": Decimal("0.04"), "starts_on": dt.date(2026, 7, 1)}],
    )
    run = dividends.run_dividend(ledger, org.clerk, "YW", 2026)
    # 1,000,000 × 4% × 6/12 = 20,000; 15% retained → 17,000 over 4 weighted shares
    assert run.income == Decimal("20000.00") and run.pool == Decimal("17000.00")
    amounts = [a.amount for a in run.allocations]
    assert amounts == [Decimal("4250.00"), Decimal("4250.00"), Decimal("8500.00")]
    assert sum(amounts) == run.pool
    again = dividends.run_dividend(ledger, org.clerk, "YW", 2026)
    assert again.run_no == 2 and len(dividends.list_runs(ledger, "YW", 2026)) == 2
    with pytest.raises(PermissionDenied):
        dividends.run_dividend(ledger, org.mediator, "YW", 2026)
