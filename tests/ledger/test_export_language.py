"""The ledger's spreadsheets follow the user's language: English sheet names, headers and totals
rows when English was chosen (the API's `lang`, the CLI's global --lang), Chinese exactly as before
otherwise; the money, the stored names and the defused formula-like cells are the same in both.
One database is enough here: the words do not depend on it."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tiaojie.cli import app
from tiaojie.ledger import access, cases, claim_steps, claims, dividends
from tiaojie.ledger.dividend_export import export_run
from tiaojie.ledger.statements import export_statement

ONE_DATABASE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
PASSWORD = "tiaojie-demo"  # every test user's (conftest.TEST_PASSWORD)


def _settled(ledger, org, number, settled_on, severity="ordinary"):
    case = cases.add_case(ledger, org.admin, "C-T1-V1", number=number, category="neighbour", severity=severity,
                          received_on=settled_on, parties=["张三", "李四"]).case
    cases.settle_case(ledger, org.admin, case.id, settled_on=settled_on, settled_by="mediation_committee")


def _sheets(path):
    book = load_workbook(path)
    return book, {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _numbers(rows):
    return [[c for c in row if isinstance(c, (int, float, Decimal))] for row in rows]


@ONE_DATABASE
def test_the_statement_and_its_claim_sheets_follow_the_language(ledger, org, db_url, tmp_path):
    ledger.today = dt.date(2026, 9, 30)
    _settled(ledger, org, "=1+1", "2026-07-10", severity="major")  # a case number a spreadsheet would evaluate
    _settled(ledger, org, "Q3-002", "2026-08-11")
    town = access.add_user(ledger, org.admin, "赵初审", "clerk", "C-T1", password=PASSWORD)
    ledger.today = dt.date(2026, 10, 5)
    claim = claims.submit(ledger, org.mediator, "C-T1-V1", "2026Q3")
    ledger.today = dt.date(2026, 10, 8)
    claim_steps.reject_line(ledger, town, claim.number, "Q3-002", "卷宗缺调解协议书")
    claim_steps.accept(ledger, town, claim.number)

    zh_book, zh = _sheets(export_statement(ledger, "2026Q3", tmp_path / "zh.xlsx"))
    en_book, en = _sheets(export_statement(ledger, "2026Q3", tmp_path / "en.xlsx", lang="en"))
    # Chinese: every word as it always was
    assert list(zh) == ["按领取人", "按单位", "明细", "调整", "申报审核", "核减", "已拨付", "政策版本"]
    assert zh["按领取人"][0][0] == "2026Q3 奖补发放表（未关闭）"
    assert zh["按领取人"][1] == ("领取人", "单位代码", "单位", "案件数", "应发（封顶前）", "实发", "调整", "合计")
    assert zh["按领取人"][-1][0] == zh["核减"][-1][0] == "合计" and zh["政策版本"][-1][:2] == ("审计链头", "导出时")
    assert ("申报", "提交申报") == zh["申报审核"][2][2:4]
    # English: sheet names, headers, totals rows, step titles and decisions; stored names as stored
    assert list(en) == ["By payee", "By unit", "Lines", "Adjustments", "Claim reviews", "Rejected lines", "Paid claims",
                        "Policy versions"]
    assert en["By payee"][0][0] == "2026Q3 reward statement (open)"
    assert en["By payee"][1] == ("Payee", "Unit code", "Unit", "Cases", "Due (before caps)", "Paid", "Adjustments",
                                 "Total")
    assert en["Lines"][1][:5] == ("Case no.", "Unit", "Payee", "Settled on", "Severity")
    assert en["Claim reviews"][1] == ("Claim no.", "Unit", "Step", "Decision", "Case no.", "By", "Date", "Reason")
    assert [row[2:4] for row in en["Claim reviews"][2:]] == [("claim", "submitted"), ("first review", "line rejected"),
                                                           ("first review", "accepted")]
    assert en["Rejected lines"][2][1:] == ("Q3-002", "沙坪村", "沙坪村·调委会", 200, "first review", "赵初审",
                                           "卷宗缺调解协议书")
    assert en["By payee"][-1][0] == en["Rejected lines"][-1][0] == en["Lines"][-1][0] == "Total"
    assert en["Policy versions"][-1][:2] == ("Audit chain head", "at export")
    # the same money in the same cells, and the totals still add up to the fen
    for zh_name, en_name in zip(zh, en):
        assert _numbers(zh[zh_name]) == _numbers(en[en_name]), en_name
    payees = en["By payee"][2:-1]
    assert sum(Decimal(str(r[-1])) for r in payees) == Decimal(str(en["By payee"][-1][-1])) == Decimal("700.00")
    # the formula-like case number is a string cell, never a formula, in both languages
    for book in (zh_book, en_book):
        found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value == "=1+1"]
        assert found and all(cell.data_type == "s" for cell in found)

    # the CLI's global --lang chooses the same words; its CSV defuses the number as before
    out = tmp_path / "en.csv"
    made = CliRunner().invoke(app, ["--lang", "en", "statement", "2026Q3", "--format", "csv", "-o", str(out)],
                              env={"TIAOJIE_DB": db_url})
    assert made.exit_code == 0, made.output
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["2026Q3 reward statement (open)"] and ["[By payee]"] in rows and ["[Claim reviews]"] in rows
    cells = [c for row in rows for c in row]
    assert "'=1+1" in cells and "=1+1" not in cells and "合计" not in cells and "Total" in cells


@ONE_DATABASE
def test_a_dividend_run_follows_the_language_and_still_adds_up_to_the_pool(ledger, org, db_url, tmp_path):
    dividends.add_collective(ledger, org.clerk, "YW", "禹王社区集体经济组织", "C-T1-V1", policy_id="collective-dividend")
    dividends.setup_collective(
        ledger, org.clerk, "YW", share_classes=[{"code": "member", "name": "成员股", "weight": 1}],
        members=[{"member_no": "001", "name": "甲", "holdings": {"member": 1}},
                 {"member_no": "002", "name": "=SUM(A1)", "holdings": {"member": 1}},
                 {"member_no": "003", "name": "丙", "holdings": {"member": 1}}],
    )
    run = dividends.run_dividend(ledger, org.clerk, "YW", 2026, income=Decimal("100.00"))
    members = dividends.members_by_id(ledger, run.collective_id)

    zh = list(csv.reader(export_run(run, members, tmp_path / "zh.csv").open(encoding="utf-8-sig")))
    assert zh[0] == ["成员号", "姓名", "户", "加权股", "分红（元）"]
    assert [r[0] for r in zh[-2:]] == ["未分配", "合计"]
    made = CliRunner().invoke(app, ["--lang", "en", "dividend", "show", "YW", "-o", str(tmp_path / "en.csv")],
                              env={"TIAOJIE_DB": db_url})
    assert made.exit_code == 0, made.output
    en = list(csv.reader((tmp_path / "en.csv").open(encoding="utf-8-sig")))
    assert en[0] == ["Member no.", "Name", "Household", "Weighted shares", "Dividend (yuan)"]
    assert [r[0] for r in en[-2:]] == ["Unallocated", "Total"]
    assert [r[1:] for r in en[1:]] == [r[1:] for r in zh[1:]]  # the same names (defused) and the same money
    assert "'=SUM(A1)" in en[2]
    assert sum(Decimal(r[-1]) for r in en[1:-1]) == Decimal(en[-1][-1]) == run.pool

    book = load_workbook(export_run(run, members, tmp_path / "en.xlsx", "en"))
    assert book.sheetnames == ["Allocations", "Summary", "Policy versions"]
    assert book["Allocations"]["A1"].value == "2026 dividends (run 1)"
    summary = {row[0]: Decimal(str(row[1])) for row in book["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Income"] - summary["Costs"] - summary["Retained"] == summary["Distributable"] == run.pool
    assert [cell.data_type for cell in book["Allocations"][4]][1] == "s"  # =SUM(A1) stays text
    assert load_workbook(export_run(run, members, tmp_path / "zh.xlsx")).sheetnames == ["分红明细", "汇总", "政策版本"]
