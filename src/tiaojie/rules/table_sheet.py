"""A decision-table policy (`table`, `reward`) as an XLSX workbook, and back into a rules directory.

The workbook has three sheets: 政策 (which policy and version, for the way back), 规则 (one row
per rule: its id and title, a column per condition field headed by the vocabulary's label, a
column per output), and 示例 (one row per example: what it gives, what it expects). The first
row of 规则 and 示例 says what each column is (规则/条件/结果, 示例/输入/期望), the second names it.
Cells are written and read by `table_cells`; every string is a string cell, never a spreadsheet
formula (as `ledger.exports` writes the ledger's own spreadsheets).

Importing replaces the rows and examples of that policy's file in a rules directory (a draft),
keeping everything else of the file — header, comments, default, caps — and writes it through
the policy writer, only when every cell reads and the file then checks; otherwise nothing is
written and each problem is said by sheet, row and column.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..i18n import Lang, Localized, did_you_mean
from ..vocabulary import FieldDef, Vocabulary
from . import table_cells as cells
from .errors import RuleError
from .kinds import KINDS
from .locations import VOCABULARY_FILE
from .policy import Policy
from .policy_file import read_policy
from .policy_writer import read_layout, write_policy
from .schema import Example, PolicyFile, Row

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


# --- import -----------------------------------------------------------------------------------------


@dataclass
class Imported:
    """What an import wrote."""

    policy: str
    version: str
    path: Path
    rows: int
    examples: int


@dataclass
class _Column:
    index: int  # 1-based
    letter: str
    title: str
    group: str  # rule | condition | output | example | given | expect
    key: str  # the row's key, field, output or expectation


@dataclass
class _Read:
    problems: list[Localized] = field(default_factory=list)
    # where each rule and example came from: sheet row, and column by key
    rule_rows: list[int] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)
    rule_columns: dict[tuple[str, str], _Column] = field(default_factory=dict)
    example_columns: dict[tuple[str, str], _Column] = field(default_factory=dict)


def import_table(workbook: Path | Any, directory: Path) -> Imported:
    """Put the rows and examples of a workbook (a file, or openpyxl's workbook in memory) into
    its policy's file in `directory`."""
    from openpyxl import load_workbook

    from .vocabulary_file import read_vocabulary

    if isinstance(workbook, (str, Path)):
        try:
            book = load_workbook(workbook, data_only=False)
        except Exception as err:  # noqa: BLE001 - not a workbook, unreadable, damaged: said, never a traceback
            raise SheetError([Localized("sheet_not_workbook", path=str(workbook),
                                        detail=str(err) or type(err).__name__)]) from None
    else:
        book = workbook
    sheets = {_sheet_key(name): book[name] for name in book.sheetnames}
    missing = [k for k in SHEET_NAMES if k not in sheets]
    if missing:
        raise SheetError([Localized("sheet_missing", sheet=m, expected="、".join(SHEET_NAMES)) for m in missing])
    policy_id, version = _policy_named(sheets[POLICY_SHEET])
    target = _policy_file(directory, policy_id, version)
    spec, text = read_spec(target)
    vocab, vocab_errors = read_vocabulary(Path(directory) / VOCABULARY_FILE)
    if vocab is None:
        raise SheetError([Localized("sheet_file_problem", detail=e.render()) for e in vocab_errors])
    kind = KINDS[spec.policy.kind]
    if spec.policy.kind not in TABLE_KINDS:
        raise SheetError([Localized("sheet_not_table", policy=policy_id, kind=spec.policy.kind)])
    fields = {**vocab.fields, **{n: f.model_copy(update={"name": n}) for n, f in spec.fields.items()}}
    outputs = dict(kind.outputs) if not kind.declares_outputs else dict(spec.outputs)
    read = _Read()
    rules = _read_rules(sheets[RULES_SHEET], fields, outputs, vocab, read)
    examples = _read_examples(sheets[EXAMPLES_SHEET], fields, outputs, read)
    if read.problems:
        raise SheetError(read.problems)
    new_text = write_policy(spec.model_copy(update={"rule": rules, "example": examples}), read_layout(text))
    _check(new_text, target, vocab, read)
    target.write_text(new_text, encoding="utf-8")
    return Imported(policy_id, version, target, len(rules), len(examples))


def _sheet_key(name: str) -> str:
    for key, names in SHEET_NAMES.items():
        if name.strip().lower() in names:
            return key
    return name


def _policy_named(sheet: Any) -> tuple[str, str]:
    found: dict[str, str] = {}
    for row in sheet.iter_rows(min_row=1, max_col=2, values_only=True):
        label, value = (row + (None, None))[:2]
        for key, names in POLICY_KEYS.items():
            if isinstance(label, str) and label.strip().lower() in names and value is not None:
                found[key] = str(value).strip()
    if "id" not in found or "version" not in found:
        raise SheetError([Localized("sheet_policy_missing", sheet=POLICY_SHEET)])
    return found["id"], found["version"]


def _policy_file(directory: Path, policy_id: str, version: str) -> Path:
    known = []
    for path in sorted(Path(directory).glob("*.toml")):
        if path.name == VOCABULARY_FILE:
            continue
        try:
            header = tomllib.loads(path.read_text(encoding="utf-8").lstrip("\ufeff")).get("policy", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        known.append(str(header.get("id")))
        if header.get("id") == policy_id and str(header.get("version")) == version:
            return path
    raise SheetError([Localized("sheet_no_policy_file", policy=policy_id, version=version, dir=str(directory),
                                hint=did_you_mean(policy_id, known))])


def _headers(sheet: Any, groups: dict[str, tuple[str, str]]) -> list[tuple[int, str, str, str]]:
    """(column, letter, group, title) of each column with a name; a group not known is refused."""
    from openpyxl.utils import get_column_letter

    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    second = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True), ())
    out = []
    group = ""
    for index in range(1, max(len(first), len(second)) + 1):
        top = first[index - 1] if index - 1 < len(first) else None
        name = second[index - 1] if index - 1 < len(second) else None
        if top is not None and str(top).strip():
            said = str(top).strip().lower()
            group = next((key for key, names in groups.items() if said in names), "?" + str(top).strip())
        if name is None or not str(name).strip():
            continue
        out.append((index, get_column_letter(index), group, str(name).strip()))
    return out


def _cell_problem(read: _Read, sheet: str, row: int, column: _Column, key: str, **params: object) -> None:
    read.problems.append(Localized("sheet_at", sheet=sheet, row=row, column=column.letter, title=column.title,
                                   detail=Localized(key, **params)))


def _find(key: str, names: Mapping[str, tuple[str, ...]]) -> str | None:
    low = key.lower()
    return next((k for k, ns in names.items() if low in (n.lower() for n in ns)), None)


def _field_named(title: str, fields: dict[str, FieldDef]) -> str | None:
    for name, fdef in fields.items():
        if title in (name, fdef.title) or fdef.title_en and title.lower() == fdef.title_en.lower():
            return name
    return None


def _output_named(title: str, outputs: dict) -> str | None:
    for name, out in outputs.items():
        if title in (name, out.title) or out.title_en and title.lower() == out.title_en.lower():
            return name
    return None


def _rule_columns(sheet: Any, fields: dict[str, FieldDef], outputs: dict, read: _Read) -> list[_Column]:
    columns = []
    groups = {"rule": RULE, "condition": CONDITION, "output": OUTPUT}
    for index, letter, group, title in _headers(sheet, groups):
        key: str | None = None
        if group == "rule":
            key = _find(title, ROW_KEYS)
        elif group == "condition":
            key = "" if title.lower() in [n.lower() for n in OTHER_CONDITIONS] else _field_named(title, fields)
        elif group == "output":
            key = _output_named(title, outputs)
        column = _Column(index, letter, title, group, key or "")
        if group.startswith("?"):
            _cell_problem(read, RULES_SHEET, 1, column, "sheet_unknown_group", value=group[1:])
            continue
        if key is None:
            choices = {"rule": [n[0] for n in ROW_KEYS.values()], "condition": [f.title for f in fields.values()],
                       "output": [o.title for o in outputs.values()]}[group]
            _cell_problem(read, RULES_SHEET, 2, column, "sheet_unknown_column", value=title,
                          hint=did_you_mean(title, choices))
            continue
        columns.append(column)
        read.rule_columns[(group, key)] = column
    if ("rule", "id") not in read.rule_columns:
        read.problems.append(Localized("sheet_at_row", sheet=RULES_SHEET, row=2, detail=Localized("sheet_no_id_column")))
    return columns


def _read_rules(sheet: Any, fields: dict[str, FieldDef], outputs: dict, vocab: Vocabulary, read: _Read) -> list[Row]:
    columns = _rule_columns(sheet, fields, outputs, read)
    rows: list[Row] = []
    for number, values, formulas in _data_rows(sheet):
        data: dict[str, Any] = {"when": {}, "then": {}}
        for column in columns:
            value = values[column.index - 1] if column.index - 1 < len(values) else None
            if value is None or isinstance(value, str) and not value.strip():
                continue
            if column.index in formulas:
                _cell_problem(read, RULES_SHEET, number, column, "sheet_formula_cell", value=value)
                continue
            try:
                if column.group == "rule":
                    data[column.key] = _row_value(column.key, value)
                elif column.group == "condition" and not column.key:
                    data["when"].update(cells.read_other_conditions(value))
                elif column.group == "condition":
                    data["when"][column.key] = cells.read_condition(fields[column.key], value)
                else:
                    out = outputs[column.key]
                    enum = vocab.enums.get(out.enum) if out.enum else None
                    data["then"][column.key] = cells.read_output(out.type, enum.lookup() if enum else None, value)
            except cells.CellError as err:
                _cell_problem(read, RULES_SHEET, number, column, err.key, **err.params)
        try:
            rows.append(Row.model_validate(data))
        except ValidationError as err:
            _validation(read, RULES_SHEET, number, err, read.rule_columns, "rule")
            continue
        read.rule_rows.append(number)
    return rows


def _data_rows(sheet: Any) -> Iterator[tuple[int, list[object], set[int]]]:
    """(sheet row, values, columns holding a spreadsheet formula) of each row that is not blank.
    A text cell that starts with `=` is text (the export writes such titles so); a formula cell
    is one the spreadsheet would compute, and is refused."""
    for number, row in enumerate(sheet.iter_rows(min_row=FIRST_DATA_ROW), start=FIRST_DATA_ROW):
        values = [cell.value for cell in row]
        if all(v is None or isinstance(v, str) and not v.strip() for v in values):
            continue
        yield number, values, {i for i, cell in enumerate(row, start=1) if cell.data_type == "f"}


def _row_value(key: str, value: object) -> object:
    value = cells.read_example(value)
    if key in ("id", "title", "title_en", "note"):
        return str(value).strip() if not isinstance(value, str) else value.strip()
    return value


def _example_columns(sheet: Any, fields: dict[str, FieldDef], outputs: dict, read: _Read) -> list[_Column]:
    columns = []
    groups = {"example": EXAMPLE, "given": GIVEN, "expect": EXPECT}
    for index, letter, group, title in _headers(sheet, groups):
        if group.startswith("?"):
            _cell_problem(read, EXAMPLES_SHEET, 1, _Column(index, letter, title, group, ""), "sheet_unknown_group",
                          value=group[1:])
            continue
        if group == "example":
            key = _find(title, EXAMPLE_KEYS) or ""
        elif group == "given":
            key = _field_named(title, fields) or title  # a key the policy does not read is said by the check
        else:
            key = _output_named(title, outputs) or _find(title, {"fired": FIRED, "error": ERROR}) or title
        if not key:
            _cell_problem(read, EXAMPLES_SHEET, 2, _Column(index, letter, title, group, ""), "sheet_unknown_column",
                          value=title, hint=did_you_mean(title, [n[0] for n in EXAMPLE_KEYS.values()]))
            continue
        column = _Column(index, letter, title, group, key)
        columns.append(column)
        read.example_columns[(group, key)] = column
    return columns


def _read_examples(sheet: Any, fields: dict[str, FieldDef], outputs: dict, read: _Read) -> list[Example]:
    columns = _example_columns(sheet, fields, outputs, read)
    examples: list[Example] = []
    for number, values, formulas in _data_rows(sheet):
        data: dict[str, Any] = {"given": {}, "expect": {}}
        for column in columns:
            value = values[column.index - 1] if column.index - 1 < len(values) else None
            if value is None or isinstance(value, str) and not value.strip():
                continue
            if column.index in formulas:
                _cell_problem(read, EXAMPLES_SHEET, number, column, "sheet_formula_cell", value=value)
                continue
            try:
                if column.group == "example":
                    data[column.key] = cells.read_example(value)
                elif column.group == "given":
                    data["given"][column.key] = cells.read_example(value)
                elif column.key == "fired":
                    data["expect"]["fired"] = cells.read_fired(value)
                elif column.key in outputs and outputs[column.key].type == "bool":
                    data["expect"][column.key] = cells.read_output("bool", None, value)
                else:
                    data["expect"][column.key] = cells.read_example(value)
            except cells.CellError as err:
                _cell_problem(read, EXAMPLES_SHEET, number, column, err.key, **err.params)
        try:
            examples.append(Example.model_validate(data))
        except ValidationError as err:
            _validation(read, EXAMPLES_SHEET, number, err, read.example_columns, "example")
            continue
        read.example_rows.append(number)
    return examples


def _validation(read: _Read, sheet: str, row: int, err: ValidationError,
                columns: dict[tuple[str, str], _Column], group: str) -> None:
    """A row the schema refused (an id that is no id, a title missing), at the cell when its
    column is there, else at the row, naming the column."""
    from ..validation_messages import explain
    from .schema import PATTERNS

    for item in err.errors():
        key = str(item["loc"][0]) if item["loc"] else ""
        column = columns.get((group, key))
        names = ROW_KEYS if group == "rule" else EXAMPLE_KEYS
        title = column.title if column else Localized("label", zh=names.get(key, (key, key))[0], en=names.get(key, (key, key))[1])
        detail = explain(item, title, PATTERNS)
        if column is None:
            read.problems.append(Localized("sheet_at_row", sheet=sheet, row=row, detail=detail))
        else:
            read.problems.append(Localized("sheet_at", sheet=sheet, row=row, column=column.letter, title=column.title,
                                           detail=detail))


def _check(text: str, target: Path, vocab: Vocabulary, read: _Read) -> None:
    """The file the workbook makes must read as a checked policy; each problem at its cell."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tiaojie-import-") as staging:
        path = Path(staging) / target.name
        path.write_text(text, encoding="utf-8")
        policy, errors = read_policy(path, vocab, KINDS, display=target)
    if policy is not None:
        return
    raise SheetError([_located(error, read) for error in errors])


def _located(error: RuleError, read: _Read) -> Localized:
    """A problem of the file as the cell it came from, when it came from one."""
    loc = error.loc
    detail = error.text or Localized(error.key, **error.params)
    if len(loc) >= 2 and loc[0] in ("rule", "example") and isinstance(loc[1], int):
        rows = read.rule_rows if loc[0] == "rule" else read.example_rows
        sheet = RULES_SHEET if loc[0] == "rule" else EXAMPLES_SHEET
        columns = read.rule_columns if loc[0] == "rule" else read.example_columns
        row = rows[loc[1]] if loc[1] < len(rows) else FIRST_DATA_ROW
        column = _column_of(loc[2:], columns, loc[0])
        if column is not None:
            return Localized("sheet_at", sheet=sheet, row=row, column=column.letter, title=column.title, detail=detail)
        return Localized("sheet_at_row", sheet=sheet, row=row, detail=detail)
    return Localized("sheet_file_problem", detail=Localized("label", zh=error.render("zh"), en=error.render("en")))


def _column_of(rest: tuple, columns: dict[tuple[str, str], _Column], what: str) -> _Column | None:
    if not rest:
        return None
    head = rest[0]
    if what == "rule":
        if head == "when" and len(rest) > 1:
            return columns.get(("condition", str(rest[1]))) or columns.get(("condition", ""))
        if head == "then" and len(rest) > 1:
            return columns.get(("output", str(rest[1])))
        return columns.get(("rule", str(head)))
    if head in ("given", "expect") and len(rest) > 1:
        return columns.get((head, str(rest[1])))
    return columns.get(("example", str(head)))


__all__ = ["Imported", "SheetError", "TABLE_KINDS", "export_table", "import_table", "read_spec", "table_workbook"]
