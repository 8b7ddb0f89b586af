"""A decision-table policy (`table`, `reward`) as an XLSX workbook, and back into a rules directory.

The workbook has three sheets: 政策 (which policy and version, for the way back), 规则 (one row
per rule: its id and title, a column per condition field headed by the vocabulary's label, a
column per output), and 示例 (one row per example: what it gives, what it expects). The first
row of 规则 and 示例 says what each column is (规则/条件/结果, 示例/输入/期望), the second names it.
Cells are written and read by `table_cells`; every string is a string cell, never a spreadsheet
formula (as `ledger.exports` writes the ledger's own spreadsheets).

The way back into a rules directory (a draft) is `table_import`.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import Lang, Localized
from ..vocabulary import FieldDef, Vocabulary
from . import table_cells as cells
from .policy import Policy
from .schema import PolicyFile

TABLE_KINDS = ("table", "reward")
POLICY_SHEET, RULES_SHEET, EXAMPLES_SHEET = "政策", "规则", "示例"
SHEET_NAMES = {POLICY_SHEET: ("政策", "policy"), RULES_SHEET: ("规则", "rules"), EXAMPLES_SHEET: ("示例", "examples")}
# column groups (first header row) and the row's own keys (second header row), zh first
RULE, CONDITION, OUTPUT = ("规则", "rule"), ("条件", "condition"), ("结果", "output")
EXAMPLE, GIVEN, EXPECT = ("示例", "example"), ("输入", "given"), ("期望", "expect")
ROW_KEYS = {"id": ("编号", "id"), "title": ("标题", "title"), "title_en": ("英文标题", "title_en"),
            "priority": ("优先级", "priority"), "effective_from": ("生效日期", "effective_from"),
            "effective_until": ("失效日期", "effective_until"), "note": ("备注", "note")}
OTHER_CONDITIONS = ("其他条件", "other conditions")
EXAMPLE_KEYS = {"title": ("标题", "title"), "as_of": ("计算日期", "as_of")}
FIRED, ERROR = ("命中规则", "fired"), ("出错", "error")
POLICY_KEYS = {"id": ("政策编号", "policy"), "version": ("版本", "version"), "title": ("标题", "title"),
               "kind": ("类型", "kind"), "hit": ("命中方式", "hit"), "source": ("出处", "source")}
FIRST_DATA_ROW = 3


class SheetError(Exception):
    """Problems in a workbook (or the file it would make), each located; nothing was written."""

    def __init__(self, problems: list[Localized]):
        super().__init__("; ".join(p.render("en") for p in problems))
        self.problems = problems

    def lines(self, lang: Lang = "zh") -> list[str]:
        return [p.render(lang) for p in self.problems]


# --- export ----------------------------------------------------------------------------------------


def read_spec(path: Path) -> tuple[PolicyFile, str]:
    text = Path(path).read_text(encoding="utf-8")
    return PolicyFile.model_validate(tomllib.loads(text.lstrip("\ufeff"), parse_float=Decimal)), text


def export_table(policy: Policy, target: Path) -> tuple[int, int]:
    """Write a checked table policy's rows and examples to an XLSX workbook; (rows, examples)."""
    book, counts = table_workbook(policy)
    book.save(target)
    return counts


def table_workbook(policy: Policy) -> tuple[Any, tuple[int, int]]:
    """A checked table policy as a workbook (openpyxl's, in memory), and (rows, examples): what
    `export_table` saves and the rule editor edits."""
    from openpyxl import Workbook

    if policy.kind not in TABLE_KINDS:
        raise SheetError([Localized("sheet_not_table", policy=policy.id, kind=policy.kind)])
    spec, _ = read_spec(policy.path)
    fields = _fields(policy)
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = POLICY_SHEET
    header = policy.header
    for key, (zh, _en) in POLICY_KEYS.items():
        _append(info, [zh, getattr(header, key)])
    _append(info, [])
    _append(info, ["导入：tiaojie rules import-table 本文件 --draft 草稿名（只替换规则与示例）"])

    # the rules: conditions on the fields the rows read first, then the other fields it may read
    used = [k for row in spec.rule for k in row.when]
    condition_fields = list(dict.fromkeys([k for k in used if k in fields] + list(policy.fields)))
    condition_cells: list[dict[str, object]] = []
    others: list[dict[str, Any]] = []
    for row in spec.rule:
        simple, other = {}, {}
        for key, raw in row.when.items():
            cell = cells.cell_for_condition(fields[key], raw) if key in fields else None
            if cell is None:
                other[key] = raw
            else:
                simple[key] = cell
        condition_cells.append(simple)
        others.append(other)
    row_keys = ["id", "title"] + [k for k in ROW_KEYS if k not in ("id", "title", "note")
                                  and any(getattr(r, k) is not None for r in spec.rule)]
    outputs = policy.outputs
    columns = ([(RULE, ROW_KEYS[k]) for k in row_keys]
               + [(CONDITION, (fields[name].title, name)) for name in condition_fields]
               + ([(CONDITION, OTHER_CONDITIONS)] if any(others) else [])
               + [(OUTPUT, (out.title, name)) for name, out in outputs.items()]
               + ([(RULE, ROW_KEYS["note"])] if any(r.note for r in spec.rule) else []))
    money = frozenset(i for i, (group, name) in enumerate(columns)
                      if group == OUTPUT and outputs[name[1]].type == "money")
    sheet = book.create_sheet(RULES_SHEET)
    _append(sheet, [group[0] for group, _ in columns])
    _append(sheet, [name[0] for _, name in columns])
    for row, simple, other in zip(spec.rule, condition_cells, others):
        values: list[object] = [getattr(row, k) for k in row_keys]
        values += [simple.get(name) for name in condition_fields]
        if any(others):
            values.append(cells.other_conditions_cell(other) if other else None)
        for name, out in outputs.items():
            enum = _enum_labels(policy.vocabulary, out.enum)
            values.append(cells.output_cell(out.type, enum, row.then[name]) if name in row.then else None)
        if any(r.note for r in spec.rule):
            values.append(row.note)
        _append(sheet, values, money)
    _widths(sheet, [6 if g == CONDITION else 4 for g, _ in columns])

    ex = book.create_sheet(EXAMPLES_SHEET)
    given_keys = list(dict.fromkeys(k for e in spec.example for k in e.given))
    expect_keys = list(dict.fromkeys(k for e in spec.example for k in e.expect))
    expect_keys = [k for k in outputs if k in expect_keys] + [k for k in expect_keys if k not in outputs]
    ex_keys = ["title"] + (["as_of"] if any(e.as_of for e in spec.example) else [])
    ex_columns = ([(EXAMPLE, EXAMPLE_KEYS[k]) for k in ex_keys]
                  + [(GIVEN, (fields[k].title if k in fields else k, k)) for k in given_keys]
                  + [(EXPECT, _expect_title(k, outputs)) for k in expect_keys])
    _append(ex, [group[0] for group, _ in ex_columns])
    _append(ex, [name[0] for _, name in ex_columns])
    for example in spec.example:
        values = [getattr(example, k) for k in ex_keys]
        values += [cells.example_cell(example.given[k]) if k in example.given else None for k in given_keys]
        for k in expect_keys:
            if k not in example.expect:
                values.append(None)
            elif k == "fired":
                values.append(cells.fired_cell(example.expect[k]))
            elif k in outputs and outputs[k].type == "bool" and isinstance(example.expect[k], bool):
                values.append(cells.output_cell("bool", None, example.expect[k]))
            else:
                values.append(cells.example_cell(example.expect[k]))
        _append(ex, values)
    _widths(ex, [4] * len(ex_columns))
    return book, (len(spec.rule), len(spec.example))


def _fields(policy: Policy) -> dict[str, FieldDef]:
    """The fields a row of the policy may name: the vocabulary's and the file's own, with the
    ones it reads first."""
    named = {**policy.fields}
    for name, fdef in policy.vocabulary.fields.items():
        named.setdefault(name, fdef)
    return named


def _enum_labels(vocab: Vocabulary, enum: str | None) -> dict[str, str] | None:
    enum_def = vocab.enums.get(enum) if enum else None
    return dict(enum_def.labels) if enum_def is not None else None


def _expect_title(key: str, outputs: dict) -> tuple[str, str]:
    if key in outputs:
        return (outputs[key].title, key)
    return {"fired": FIRED, "error": ERROR}.get(key, (key, key))


def _append(sheet: Any, values: list[object], money: frozenset[int] = frozenset()) -> None:
    """A row whose text cells are text (a value starting with `=` is never a formula), dates
    shown as dates, money (the columns `money`) with its two places."""
    import datetime as dt

    sheet.append(values)
    for index, (cell, value) in enumerate(zip(sheet[sheet.max_row], values)):
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif index in money and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            cell.number_format = "0.00"


def _widths(sheet: Any, units: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, unit in enumerate(units, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = unit * 4


__all__ = ["SheetError", "TABLE_KINDS", "export_table", "read_spec", "table_workbook"]
