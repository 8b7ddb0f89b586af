"""Decision tables to XLSX and back: every shipped table and reward policy round-trips to an
identical content model; cells are never spreadsheet formulas; bad cells are said by sheet, row
and column, in Chinese and in English, and nothing is written."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rules_helpers import FIXTURES, RULES_DIR

from tiaojie.rules.loader import load_rules
from tiaojie.rules.table_import import import_table
from tiaojie.rules.table_sheet import SheetError, export_table, read_spec

TABLES = ["canteen-meal-2026.toml", "mediation-reward-2026.toml", "satisfaction-review-2026.toml"]
ALT = FIXTURES / "rules_alt" / "mediation-subsidy-tiers-2026.toml"


def _draft(tmp_path: Path, *extra: Path) -> Path:
    target = tmp_path / "draft"
    shutil.copytree(RULES_DIR, target)
    for path in extra:
        shutil.copy(path, target / path.name)
    return target


def _policy(directory: Path, filename: str):
    book = load_rules(directory)
    return next(p for p in book.all() if p.path.name == filename)


def _cells(path: Path, sheet: str) -> list[list[object]]:
    ws = load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.mark.parametrize("filename", TABLES + [ALT.name])
def test_export_then_import_gives_the_identical_model(tmp_path, filename):
    draft = _draft(tmp_path, ALT)
    policy = _policy(draft, filename)
    before, text = read_spec(policy.path)
    book = tmp_path / "table.xlsx"
    rows, examples = export_table(policy, book)
    assert (rows, examples) == (len(before.rule), len(before.example))
    done = import_table(book, draft)
    after, text_after = read_spec(policy.path)
    assert done.path == policy.path and after == before
    assert text_after.startswith(text[: text.index("[policy]")])  # the header comments stay
    load_rules(draft)  # and the draft still checks


def test_the_rules_sheet_reads_as_policy_staff_write_it(tmp_path):
    draft = _draft(tmp_path)
    book = tmp_path / "reward.xlsx"
    export_table(_policy(draft, "mediation-reward-2026.toml"), book)
    rows = _cells(book, "规则")
    assert rows[0][:2] == ["规则", "规则"] and "条件" in rows[0] and rows[0][-1] == "结果"
    header = rows[1]
    assert header[:2] == ["编号", "标题"] and {"案件状态", "纠纷程度", "调处主体"} <= set(header)
    assert header[-1] == "奖励金额"
    major = dict(zip(header, rows[2]))
    assert major["纠纷程度"] == "重大" and major["调处主体"] == "村委会、村小组、调委会" and major["奖励金额"] == 500
    assert load_workbook(book)["规则"].cell(3, len(header)).number_format == "0.00"
    canteen = tmp_path / "canteen.xlsx"
    export_table(_policy(draft, "canteen-meal-2026.toml"), canteen)
    rows = _cells(canteen, "规则")
    age_80 = dict(zip(rows[1], rows[3]))
    assert age_80["年龄"] == "≥ 80" and age_80["可在食堂按此价就餐"] == "是" and age_80["每餐价格"] == 6


def test_a_formula_output_is_kept_as_text_and_an_equals_sign_is_never_written(tmp_path):
    directory = _draft(tmp_path)
    (directory / "fee-2026.toml").write_text("""# 测试：按涉及金额计费
[policy]
id = "fee"
kind = "table"
title = "调解费用"
version = "2026.1"
effective_from = 2026-01-01
source = "测试"

[outputs.fee]
type = "money"
title = "费用"

[[rule]]
id = "big"
title = "=SUM(A1)"
when = { amount_involved = { gte = 100000 }, any = [{ severity = "major" }, { persons_involved = { gt = 10 } }] }
then = { fee = "amount_involved * 0.01" }

[[rule]]
id = "label-in-file"
title = "写成标签的条件"
when = { severity = "重大", category = ["邻里"], urgency = { not_in = ["urgent"] }, received_on = { between = [2026-01-01, 2026-06-30] } }
then = { fee = 12.50 }

[[example]]
given = { amount_involved = 200000, severity = "major" }
expect = { fee = 2000, fired = ["big"] }
""", encoding="utf-8")
    policy = _policy(directory, "fee-2026.toml")
    before, _ = read_spec(policy.path)
    book = tmp_path / "fee.xlsx"
    export_table(policy, book)
    rows = _cells(book, "规则")
    big = dict(zip(rows[1], rows[2]))
    assert big["标题"] == "=SUM(A1)" and big["费用"] == "amount_involved * 0.01"
    assert big["涉及金额"] == "≥ 100000" and big["其他条件"].startswith("any = [")
    labelled = dict(zip(rows[1], rows[3]))
    assert labelled["其他条件"] == 'severity = "重大", category = ["邻里"]'  # as written, so it comes back as written
    assert labelled["紧急程度"] == "不属于 紧急" and labelled["受理日期"] == "介于 2026-01-01 至 2026-06-30"
    for ws in load_workbook(book):  # no cell is a formula a spreadsheet would run
        assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    import_table(book, directory)
    after, _ = read_spec(policy.path)
    assert after == before
    assert after.rule[1].then == {"fee": Decimal("12.50")}


def _edit(book: Path, sheet: str, cell: str, value: object) -> None:
    wb = load_workbook(book)
    wb[sheet][cell] = value
    wb.save(book)


def test_bad_cells_are_said_by_sheet_row_and_column_and_nothing_is_written(tmp_path):
    draft = _draft(tmp_path)
    policy = _policy(draft, "canteen-meal-2026.toml")
    before = policy.path.read_bytes()
    book = tmp_path / "canteen.xlsx"
    export_table(policy, book)
    header = _cells(book, "规则")[1]
    col = {name: "ABCDEFGHIJKLMNOP"[i] for i, name in enumerate(header)}
    _edit(book, "规则", f"{col['年龄']}4", "≥ 八十")  # not a number
    _edit(book, "规则", f"{col['每餐价格']}5", "=A1*2")  # a spreadsheet formula typed in
    _edit(book, "规则", f"{col['外来务工人员']}6", "也许")  # neither yes nor no
    _edit(book, "规则", f"{col['编号']}3", "Outside Worker")  # not an id
    _edit(book, "示例", "B3", "六十五")  # an age that is not a number
    with pytest.raises(SheetError) as refused:
        import_table(book, draft)
    zh = "\n".join(refused.value.lines("zh"))
    en = "\n".join(refused.value.lines("en"))
    assert f"工作表「规则」第 5 行 {col['每餐价格']} 列（每餐价格）" in zh and "电子表格公式" in zh
    assert f"工作表「规则」第 3 行 {col['编号']} 列（编号）" in zh
    assert policy.path.read_bytes() == before
    # the cells that read as values are then checked as the file would be, and said at their cells
    _edit(book, "规则", f"{col['每餐价格']}5", 7)
    _edit(book, "规则", f"{col['编号']}3", "outside-worker")
    with pytest.raises(SheetError) as refused:
        import_table(book, draft)
    zh = "\n".join(refused.value.lines("zh"))
    en = "\n".join(refused.value.lines("en"))
    assert f"工作表「规则」第 4 行 {col['年龄']} 列（年龄）" in zh and "八十" in zh
    assert f"工作表「规则」第 6 行 {col['外来务工人员']} 列（外来务工人员）" in zh and "也许" in zh
    assert "工作表「示例」第 3 行 B 列" in zh and "六十五" in zh
    assert f"sheet '规则', row 4, column {col['年龄']} (年龄)" in en and "工作表" not in en
    assert policy.path.read_bytes() == before


def test_an_unknown_column_and_a_missing_sheet_are_named(tmp_path):
    draft = _draft(tmp_path)
    book = tmp_path / "reward.xlsx"
    export_table(_policy(draft, "mediation-reward-2026.toml"), book)
    _edit(book, "规则", "D2", "纠纷成度")
    with pytest.raises(SheetError) as refused:
        import_table(book, draft)
    text = "\n".join(refused.value.lines("zh"))
    assert "第 2 行 D 列" in text and "纠纷成度" in text and "纠纷程度" in text  # did you mean
    wb = load_workbook(book)
    del wb["示例"]
    wb.save(book)
    with pytest.raises(SheetError) as missing:
        import_table(book, draft)
    assert "示例" in "\n".join(missing.value.lines("zh"))
    (tmp_path / "not.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(SheetError) as broken:
        import_table(tmp_path / "not.xlsx", draft)
    assert "无法读取工作簿" in broken.value.lines("zh")[0]


def test_a_row_added_in_the_spreadsheet_becomes_a_rule(tmp_path):
    draft = _draft(tmp_path)
    policy = _policy(draft, "mediation-reward-2026.toml")
    book = tmp_path / "reward.xlsx"
    export_table(policy, book)
    wb = load_workbook(book)
    ws = wb["规则"]
    header = [c.value for c in ws[2]]
    ws.insert_rows(3)
    values = {"编号": "many-parties", "标题": "涉及 30 人以上", "案件状态": "调解成功", "调处主体": "村委会、村小组",
              "奖励金额": 800}
    for index, name in enumerate(header, start=1):
        if name in values:
            ws.cell(3, index, values[name])
    wb.save(book)
    import_table(book, draft)
    spec, text = read_spec(policy.path)
    assert spec.rule[0].id == "many-parties"
    assert spec.rule[0].when == {"status": "settled", "settled_by": ["village_committee", "village_group"]}
    assert spec.rule[0].then == {"amount": 800}
    assert 'then = { amount = 800 }' in text and "[[cap]]" in text  # the rest of the file stays


def test_only_decision_tables_go_to_a_spreadsheet(tmp_path):
    draft = _draft(tmp_path)
    with pytest.raises(SheetError) as refused:
        export_table(_policy(draft, "banquet-2026.toml"), tmp_path / "b.xlsx")
    assert "banquet" in refused.value.lines("en")[0]
