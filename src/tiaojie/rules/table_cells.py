"""A decision table's values as spreadsheet cells, and back — what county staff keep in Excel/WPS.

A condition on one field is one cell, written as policy staff say it: a value (`重大`, the enum's
label), several (`村委会、村小组`), a comparison (`≥ 80`, `< 70`, `≠ 丧事`, `介于 1 至 5`,
`不属于 婚嫁、丧事`, `有值`, `无值`), several comparisons joined by `；`. A condition these
words cannot say exactly (a group `any = [...]`, a value written as a label in the file) goes to
the row's “其他条件” cell as TOML, so nothing is lost: a condition is put in a cell only when the
cell reads back to the very same value (`cell_for_condition` checks).

An output is a number cell (money, a rate, a count), or text: a formula (`amount_involved * 0.01`)
or a text output — always a string cell, never a spreadsheet formula. Yes/no is 是/否.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal, InvalidOperation
from typing import Any

from ..vocabulary import FieldDef
from .policy_writer import inline_table_body, inline_value

LIST_SEP = "、"
OPS_SEP = "；"
YES, NO = "是", "否"
NONE = "无"  # an example that expects no row to fire
_YES = {"是", "yes", "true", "y", "对", "√"}
_NO = {"否", "no", "false", "n", "不", "×"}
# operator → its word in a cell (the first is written; the others are read)
_OPS: dict[str, tuple[str, ...]] = {
    "gte": ("≥", ">=", "＞＝", "大于等于", "不少于"), "lte": ("≤", "<=", "＜＝", "小于等于", "不超过"),
    "ne": ("≠", "!=", "不等于"), "gt": (">", "＞", "大于"), "lt": ("<", "＜", "小于"), "eq": ("等于", "=="),
    "between": ("介于",), "not_in": ("不属于",), "in": ("属于",), "matches": ("匹配",),
}
_EXISTS = {True: ("有值", "已填"), False: ("无值", "未填")}
_BETWEEN = re.compile(r"\s*(.+?)\s*(?:至|~|～|到)\s*(.+?)\s*")


class CellError(ValueError):
    """A cell that cannot be read: the catalog key and its parameters."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


# --- values ------------------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Equal and of the same kind, all the way down (500 is not "500", nor True 1)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, Decimal)) and not isinstance(a, bool) and isinstance(b, (int, Decimal)) \
            and not isinstance(b, bool):
        return type(a) is type(b) and a == b
    return type(a) is type(b) and a == b


def number(text: str) -> int | Decimal | None:
    """A number typed as text (`500`, `0.10`, `１２`), as the file would hold it; None if not one."""
    text = text.strip().replace(",", "").translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and re.fullmatch(r"-?\d*\.\d+|-?\d+\.\d*", text) else None


def from_cell_number(value: object) -> object:
    """What a spreadsheet gives back for a number cell, as the file holds numbers: a whole number
    as an int, a fraction as its shortest Decimal (never the float)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return Decimal(repr(value))
    return value


def as_sheet(value: object) -> object:
    """What a spreadsheet keeps of a cell written with `value` (numbers pass through a float)."""
    if isinstance(value, Decimal):
        return from_cell_number(float(value))
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# --- one value of a field ------------------------------------------------------------------------


def _scalar_text(fdef: FieldDef, value: object) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str) and fdef.enum_def is not None and value in fdef.enum_def.labels:
        return fdef.enum_def.labels[value]
    if isinstance(value, (dt.date, Decimal, int)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def _scalar_cell(fdef: FieldDef, value: object) -> object:
    if isinstance(value, (int, Decimal, dt.date)) and not isinstance(value, bool):
        return value
    return _scalar_text(fdef, value)


def _read_scalar(fdef: FieldDef, value: object) -> object:
    """A field's value from a cell: an enum's label as its id, yes/no, a number, a date."""
    value = _date(from_cell_number(value))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if fdef.enum_def is not None:
        return fdef.enum_def.lookup().get(text, text)
    if fdef.type == "bool":
        low = text.lower()
        return True if low in _YES else False if low in _NO else text
    if fdef.type in ("int", "decimal", "money"):
        parsed = number(text)
        return text if parsed is None else parsed
    if fdef.type == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _read_list(fdef: FieldDef, text: str) -> list[object]:
    return [_read_scalar(fdef, part) for part in re.split(r"[、，,]", text) if part.strip()]


# --- conditions ----------------------------------------------------------------------------------


def condition_cell(fdef: FieldDef, raw: object) -> object:
    """A field's condition (`when`'s value for it) as a cell."""
    if isinstance(raw, list):
        return LIST_SEP.join(_scalar_text(fdef, v) for v in raw) + (LIST_SEP if len(raw) == 1 else "")
    if isinstance(raw, dict):
        parts = []
        for op, operand in raw.items():
            if op == "exists":
                parts.append(_EXISTS[bool(operand)][0])
            elif op == "between" and isinstance(operand, list) and len(operand) == 2:
                parts.append(f"介于 {_scalar_text(fdef, operand[0])} 至 {_scalar_text(fdef, operand[1])}")
            elif op in ("in", "not_in") and isinstance(operand, list):
                parts.append(f"{_OPS[op][0]} " + LIST_SEP.join(_scalar_text(fdef, v) for v in operand))
            elif op in _OPS:
                parts.append(f"{_OPS[op][0]} {_scalar_text(fdef, operand)}")
            else:
                parts.append(f"?{op}")
        return OPS_SEP.join(parts)
    return _scalar_cell(fdef, raw)


def read_condition(fdef: FieldDef, value: object) -> object:
    """A condition cell as the value `when` holds for the field; CellError when it reads as none."""
    value = _date(from_cell_number(value))
    if not isinstance(value, str):
        return value
    text = value.strip()
    parts = [p.strip() for p in re.split(r"[；;]", text) if p.strip()]
    if len(parts) > 1 or (parts and _operator(parts[0]) is not None):
        ops: dict[str, object] = {}
        for part in parts:
            read = _operator(part)
            if read is None:
                raise CellError("sheet_bad_operator", value=text)
            op, rest = read
            if op in ops:
                raise CellError("sheet_bad_operator", value=text)
            ops[op] = _operand(fdef, op, rest, text)
        return ops
    # an ASCII comma joins an enum's values only: `1,000` is a number, and text may hold commas
    if LIST_SEP in text or "，" in text or "," in text and fdef.type == "enum":
        return _read_list(fdef, text)
    return _read_scalar(fdef, text)


def _operator(part: str) -> tuple[str, str] | None:
    for flag, words in _EXISTS.items():
        if part in words:
            return "exists", "true" if flag else "false"
    # longest words first: `≥` before `>`, `不属于` before `属于`
    for op, word in sorted(((op, w) for op, ws in _OPS.items() for w in ws), key=lambda p: -len(p[1])):
        if part.startswith(word):
            return op, part[len(word):].strip()
    return None


def _operand(fdef: FieldDef, op: str, rest: str, text: str) -> object:
    if op == "exists":
        return rest == "true"
    if op == "between":
        m = _BETWEEN.fullmatch(rest)
        if not m:
            raise CellError("sheet_bad_operator", value=text)
        return [_read_scalar(fdef, m.group(1)), _read_scalar(fdef, m.group(2))]
    if op in ("in", "not_in"):
        return _read_list(fdef, rest)
    if op == "matches":
        return rest
    if not rest:
        raise CellError("sheet_bad_operator", value=text)
    return _read_scalar(fdef, rest)


def cell_for_condition(fdef: FieldDef, raw: object) -> object | None:
    """The cell for a field's condition, when it reads back to the very same value; else None
    (the condition goes to the “其他条件” cell as TOML)."""
    cell = condition_cell(fdef, raw)
    try:
        back = read_condition(fdef, as_sheet(cell))
    except CellError:
        return None
    return cell if same(back, raw) else None


def other_conditions_cell(when: dict[str, Any]) -> str:
    """Conditions no field's cell can say, as the inside of a TOML inline table."""
    return inline_table_body(when)


def read_other_conditions(value: object) -> dict[str, Any]:
    text = str(value).strip()
    if not text:
        return {}
    try:
        return tomllib.loads("w = { " + text + " }", parse_float=Decimal)["w"]
    except tomllib.TOMLDecodeError as err:
        raise CellError("sheet_bad_toml", value=text, detail=str(err)) from None


# --- outputs and examples -------------------------------------------------------------------------


def output_cell(out_type: str, enum: dict[str, str] | None, raw: object) -> object:
    """A row's output as a cell: numbers as numbers, yes/no as 是/否, an enum by its label, a
    formula or a text as a string."""
    if isinstance(raw, bool):
        return YES if raw else NO
    if out_type == "enum" and isinstance(raw, str) and enum and raw in enum:
        return enum[raw]
    return raw


def read_output(out_type: str, enum_lookup: dict[str, str] | None, value: object) -> object:
    """A cell as a row's output: a number cell a number, text a formula (money, numbers) or text;
    是/否 for yes/no outputs, a label for an enum's id."""
    value = _date(from_cell_number(value))
    if isinstance(value, str):
        text = value.strip()
        if out_type == "bool":
            low = text.lower()
            return True if low in _YES else False if low in _NO else text
        if out_type == "enum" and enum_lookup:
            return enum_lookup.get(text, text)
        return text
    return value


def example_cell(raw: object) -> object:
    """A value an example gives or expects, as a cell: as it is, or as TOML when it is a list or
    a table, or text a reader would take for TOML."""
    if isinstance(raw, (list, dict)) or isinstance(raw, str) and raw[:1] in ("[", "{", '"'):
        return inline_value(raw)
    return raw


def read_example(value: object) -> object:
    value = _date(from_cell_number(value))
    if isinstance(value, str) and value[:1] in ("[", "{", '"'):
        try:
            return tomllib.loads("v = " + value, parse_float=Decimal)["v"]
        except tomllib.TOMLDecodeError as err:
            raise CellError("sheet_bad_toml", value=value, detail=str(err)) from None
    return value


def fired_cell(raw: object) -> object:
    if isinstance(raw, list):
        return LIST_SEP.join(str(v) for v in raw) if raw else NONE
    return example_cell(raw)


def read_fired(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if text in (NONE, "none", "[]"):
            return []
        if not text.startswith("["):
            return [p.strip() for p in re.split(r"[、，,]", text) if p.strip()]
    return read_example(value)


__all__ = ["CellError", "cell_for_condition", "condition_cell", "example_cell", "fired_cell", "other_conditions_cell",
           "output_cell", "read_condition", "read_example", "read_fired", "read_other_conditions", "read_output", "same"]
