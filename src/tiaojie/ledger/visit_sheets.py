"""Reading a sheet of households or of visits (CSV or XLSX, Chinese or English headers): the
sheet is read with the case import's reader, each row becomes a dict of the canonical columns,
and every bad cell is a `Problem` naming its row and column. Such sheets hold a village's
households or a year of visits — thousands of rows, not millions — so they are read whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..i18n import Localized
from ..models import Unit, User
from ..store.messages import Message, did_you_mean
from ..store.uow import SqlUnitOfWork
from .errors import InvalidInput
from .import_sheet import Problem, SheetUnreadable, norm, read_sheet
from .scope import refused

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SPLIT = re.compile(r"[、,，;；/]+")
_TRUE = {"是", "有", "在册", "√", "y", "yes", "true", "1"}
_FALSE = {"否", "无", "迁出", "注销", "×", "n", "no", "false", "0"}


class SheetRefused(InvalidInput):
    """A sheet with bad rows: nothing was written. ``result.problems`` names each one (the command
    line prints them before the refusal)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("imp_nothing_written")
        self.result = _Problems(problems)


class _Problems:
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    shown = text(value)
    m = _DATE.match(shown)
    if m is None:
        raise ValueError(Message("imp_bad_date", value=shown))
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:  # the shape of a date, a day that does not exist (2026-02-30)
        raise ValueError(Message("imp_impossible_date", value=shown)) from None


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    shown = text(value).lower()
    if shown == "" or shown in _TRUE:
        return True
    if shown in _FALSE:
        return False
    raise ValueError(Message("imp_bad_bool", value=text(value)))


def names(value: Any) -> list[str]:
    return [n.strip() for n in _SPLIT.split(text(value)) if n.strip()]


def read_rows(path: Path, headers: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
              encoding: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: cell}) of every row; raises `SheetRefused` when the file cannot be
    read, a required column is missing or a column is not one of `headers`."""
    sheet = read_sheet(path, encoding)
    problems = list(sheet.problems)
    lookup = {norm(alias): name for name, aliases in headers.items() for alias in aliases}
    columns: list[str | None] = []
    for header in sheet.header:
        name = lookup.get(norm(header))
        if name is None and str(header).strip():
            known = [a for aliases in headers.values() for a in aliases]
            problems.append(Problem(1, str(header), Message("imp_unknown_column", name=header,
                                                            hint=did_you_mean(header, known))))
        elif name is not None and name in columns:
            problems.append(Problem(1, str(header), Message("imp_duplicate_column", name=header)))
        columns.append(name)
    if not problems:
        for name in required:
            if name not in columns:
                problems.append(Problem(1, headers[name][0], Message("imp_missing_column", names="、".join(headers[name]))))
    if problems:
        raise SheetRefused(problems)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, cells in sheet.rows:
            rows.append((number, {c: v for c, v in zip(columns, cells) if c is not None}))
    except SheetUnreadable as err:
        raise SheetRefused(err.problems) from None
    if not rows:
        raise SheetRefused([Problem(None, "—", Message("imp_empty"))])
    return rows


Cell = Callable[[Any], Any]


def cells(number: int, row: dict[str, Any], parsers: Mapping[str, Cell], headers: Mapping[str, tuple[str, ...]],
          required: tuple[str, ...], problems: list[Problem]) -> dict[str, Any] | None:
    """The row's values, each through its parser; None (and its problems added) when a cell is bad."""
    values: dict[str, Any] = {}
    bad = False
    for name, parse in parsers.items():
        raw = row.get(name)
        if name in required and text(raw) == "":
            problems.append(Problem(number, headers[name][0], Message("imp_required")))
            bad = True
            continue
        try:
            values[name] = parse(raw)
        except ValueError as err:
            reason = err.args[0] if err.args and isinstance(err.args[0], Localized) else Localized("label", zh=str(err), en=str(err))
            problems.append(Problem(number, headers[name][0], reason))
            bad = True
        except InvalidInput as err:
            problems.append(Problem(number, headers[name][0], err.msg))
            bad = True
    return None if bad else values


def given_date(value: str, key: str) -> dt.date:
    """A date typed on the command line (2026-06-15, 2026年6月15日); refused with catalog message `key`."""
    try:
        return date(value)
    except ValueError as err:
        raise InvalidInput(key, detail=err.args[0]) from None


class SheetUnits:
    """The units a sheet's rows name (by code or name), each looked up once, and refused where
    the importing user does not act."""

    def __init__(self, uow: SqlUnitOfWork, by: User, own: set[int] | None):
        self.uow, self.by, self.own = uow, by, own
        self.found: dict[str, Unit | None] = {}

    def find(self, number: int, name: str, column: str, problems: list[Problem]) -> Unit | None:
        """The unit named in row `number`; None, with the row's problem added, when there is none
        or it lies outside the user's part of the tree."""
        if name not in self.found:
            self.found[name] = self.uow.units.find(name)
        unit = self.found[name]
        if unit is None:
            hint = did_you_mean(name, [u.code for u in self.uow.units.list()])
            problems.append(Problem(number, column, Message("imp_unknown_unit", value=name, hint=hint)))
            return None
        if self.own is not None and unit.id not in self.own:
            problems.append(Problem(number, column, refused(self.uow, self.by, unit.id).msg))
            return None
        return unit

    def valid_rows(self, rows: list[tuple[int, dict[str, Any]]], parsers: Mapping[str, Cell],
                   headers: Mapping[str, tuple[str, ...]], required: tuple[str, ...],
                   problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any], Unit, int]]:
        """(row number, values, unit, its id) of each row whose cells parse and whose unit (column "unit")
        the user acts for; every other row's problems are added and the row skipped."""
        for number, row in rows:
            values = cells(number, row, parsers, headers, required, problems)
            if values is None:
                continue
            unit = self.find(number, values["unit"], headers["unit"][0], problems)
            if unit is not None and unit.id is not None:
                yield number, values, unit, unit.id
