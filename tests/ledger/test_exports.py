"""Exports are inert: a case numbered like a formula comes out of every spreadsheet as text, in
XLSX (a string cell, never a formula) and in CSV (quoted as OWASP advises), on both databases."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tiaojie.ledger import cases, importer
from tiaojie.ledger.exports import csv_cell
from tiaojie.ledger.statements import export_statement

ATTACKS = ['=HYPERLINK("http://example.invalid/x","点我")', "=1+1", "+1+1", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("number", ATTACKS)
def test_a_formula_like_case_number_is_text_in_every_statement(ledger, org, tmp_path, number):
    added = cases.add_case(ledger, org.mediator, "C-T1-V1", number=number, category="neighbour", received_on="2026-05-02")
    cases.settle_case(ledger, org.mediator, added.case.id, settled_on="2026-05-03", settled_by="村委会")

    xlsx = export_statement(ledger, "2026-05", tmp_path / "s.xlsx")
    book = load_workbook(xlsx)
    found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value == number]
    assert found, "the case number is in the detail sheet"
    assert all(cell.data_type == "s" for cell in found)  # a string, never a formula
    money = [cell for row in book["明细"].iter_rows(min_row=3) for cell in row if isinstance(cell.value, (int, float, Decimal))]
    assert any(Decimal(str(cell.value)) == Decimal("200") for cell in money)

    out = export_statement(ledger, "2026-05", tmp_path / "s.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    cells = [c for row in rows for c in row]
    assert "'" + number in cells and number not in cells


def test_csv_cells_keep_money_exact_and_plain_text_untouched():
    assert csv_cell(Decimal("200.10")) == "200.10"
    assert csv_cell("张三") == "张三"
    assert csv_cell("\tcmd") == "'\tcmd"


def test_the_bad_rows_file_is_inert_and_imports_back(ledger, org, tmp_path):
    sheet = tmp_path / "old.csv"
    sheet.write_text("卷号,单位,纠纷类型,受理日期\n=1+1,C-T1-V1,邻里,2026-05-04\n-7,C-T1-V1,不存在,2026-05-04\n",
                     encoding="utf-8")
    result = importer.import_file(ledger, org.clerk, sheet, skip_bad=True)
    assert result.added == 1 and result.bad_file is not None
    bad = list(csv.reader(result.bad_file.open(encoding="utf-8-sig")))
    assert bad[1][1] == "'-7"  # defused in the file a clerk opens
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("卷号,单位,纠纷类型,受理日期\n'-7,C-T1-V1,邻里,2026-05-04\n", encoding="utf-8")
    again = importer.import_file(ledger, org.clerk, fixed)
    assert again.added == 1
    with ledger.uow() as uow:
        numbers = {c.number for c in uow.cases.list()}
    assert numbers == {"=1+1", "-7"}
