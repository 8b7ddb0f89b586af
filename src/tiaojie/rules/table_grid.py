"""A table policy's rows and examples being edited as a grid — the rule editor's model, kept apart
from any screen: the workbook `table_sheet.table_workbook` makes, changed cell by cell (every
text stays a text cell, never a spreadsheet formula), rows added, removed and moved, and saved
into a rules directory through `table_import.import_table` (the policy writer, then the check)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .policy import Policy
from .table_cells import number
from .table_import import Imported, import_table
from .table_sheet import EXAMPLES_SHEET, FIRST_DATA_ROW, RULES_SHEET, table_workbook

SHEETS = (RULES_SHEET, EXAMPLES_SHEET)
# the groups whose typed numbers are numbers (a condition cell reads its own numbers, and a
# rule's id or title stays text)
_NUMBER_GROUPS = {"结果", "输入", "期望"}
_DATE_GROUPS = {"输入", "示例"}


class TableGrid:
    """The rows (`规则`) and examples (`示例`) of one table policy, as header and data rows."""

    def __init__(self, policy: Policy):
        self.policy_id, self.version = policy.id, policy.version
        self.book, _ = table_workbook(policy)
        self.changed = False

    def _sheet(self, which: str) -> Any:
        return self.book[which]

    def groups(self, which: str) -> list[str]:
        return [str(c.value or "") for c in self._sheet(which)[1]]

    def titles(self, which: str) -> list[str]:
        return [str(c.value or "") for c in self._sheet(which)[2]]

    def rows(self, which: str) -> list[list[object]]:
        sheet = self._sheet(which)
        width = len(self.titles(which))
        return [[sheet.cell(r, c).value for c in range(1, width + 1)]
                for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]

    def text(self, which: str, row: int, column: int) -> str:
        """A cell as the editor shows and edits it."""
        value = self._sheet(which).cell(FIRST_DATA_ROW + row, column + 1).value
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def set(self, which: str, row: int, column: int, text: str) -> None:
        """Set a cell from what was typed: empty clears it; a number or a date typed where the
        column holds numbers or dates is one; anything else is text (never a formula)."""
        cell = self._sheet(which).cell(FIRST_DATA_ROW + row, column + 1)
        text = text.strip()
        group = self.groups(which)[column]
        value: object = text or None
        if text and group in _NUMBER_GROUPS and number(text) is not None:
            value = number(text)
        elif text and group in _DATE_GROUPS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                value = dt.date.fromisoformat(text)
            except ValueError:
                value = text  # an impossible day stays as typed, and the check says so at its cell
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        self.changed = True

    def add_row(self, which: str, after: int | None = None) -> int:
        """An empty row after `after` (at the end when None); its index."""
        sheet = self._sheet(which)
        index = len(self.rows(which)) if after is None else after + 1
        sheet.insert_rows(FIRST_DATA_ROW + index)
        self.changed = True
        return index

    def remove_row(self, which: str, row: int) -> None:
        self._sheet(which).delete_rows(FIRST_DATA_ROW + row)
        self.changed = True

    def move_row(self, which: str, row: int, by: int) -> int:
        """Move a row up (-1) or down (+1) among the data rows; its new index."""
        rows = self.rows(which)
        target = row + by
        if not 0 <= row < len(rows) or not 0 <= target < len(rows):
            return row
        sheet = self._sheet(which)
        for column in range(1, len(rows[row]) + 1):
            a, b = sheet.cell(FIRST_DATA_ROW + row, column), sheet.cell(FIRST_DATA_ROW + target, column)
            (a.value, a.data_type), (b.value, b.data_type) = (b.value, b.data_type), (a.value, a.data_type)
            a.number_format, b.number_format = b.number_format, a.number_format
        self.changed = True
        return target

    def save(self, directory: Path) -> Imported:
        """Write the policy into `directory` (raises `SheetError` with each problem at its cell,
        writing nothing)."""
        done = import_table(self.book, directory)
        self.changed = False
        return done


__all__ = ["SHEETS", "TableGrid"]
