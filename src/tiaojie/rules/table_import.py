"""A workbook of a decision table (`table_sheet`'s layout) back into its policy's file in a rules
directory (a draft): the rows and examples replace the file's, everything else of the file —
header, comments, default, caps — stays, and it is written through the policy writer only when
every cell reads and the file then checks; otherwise nothing is written and each problem is
said by sheet, row and column (a problem the check finds is traced back to the cell it came
from)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..i18n import Localized, did_you_mean
from ..vocabulary import FieldDef, Vocabulary
from . import table_cells as cells
from .errors import RuleError
from .kinds import KINDS
from .locations import VOCABULARY_FILE
from .policy_file import read_policy
from .policy_writer import read_layout, write_policy
from .schema import Example, Row
from .table_sheet import (
    CONDITION,
    ERROR,
    EXAMPLE,
    EXAMPLE_KEYS,
    EXAMPLES_SHEET,
    EXPECT,
    FIRED,
    FIRST_DATA_ROW,
    GIVEN,
    OTHER_CONDITIONS,
    OUTPUT,
    POLICY_KEYS,
    POLICY_SHEET,
    ROW_KEYS,
    RULE,
    RULES_SHEET,
    SHEET_NAMES,
    TABLE_KINDS,
    SheetError,
    read_spec,
)


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


__all__ = ["Imported", "import_table"]
