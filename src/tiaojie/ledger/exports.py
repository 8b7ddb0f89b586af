"""Spreadsheets the ledger hands out — statements, dividend runs, impact reports, rows an import
refused — written so that a cell can never act on its reader.

A value that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
WPS and LibreOffice: a case numbered `=HYPERLINK(…)` would run when the clerk opens the statement.
In XLSX such text is stored as a string cell (never a formula); in CSV it is prefixed with a
single quote, as OWASP's advice on CSV injection says. Money stays exact: Decimal cells with two
places, never floats.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: object) -> bool:
    """Text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A value as a CSV cell: exact decimals as text, formula-like text defused."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if risky(value):
        return "'" + str(value)
    return value


def write_csv_rows(writer: Any, rows: Iterable[Sequence[object]]) -> None:
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])


def open_csv(path: Path) -> tuple[Any, Any]:
    """(file, writer) for a CSV spreadsheet programs read as Chinese text (UTF-8 with a BOM)."""
    fh = path.open("w", encoding="utf-8-sig", newline="")
    return fh, csv.writer(fh)


def append_row(sheet: Any, row: Sequence[object], money_columns: Iterable[int] = ()) -> None:
    """Append a row to an openpyxl sheet: formula-like text stays text, Decimals get two places."""
    sheet.append(list(row))
    cells = sheet[sheet.max_row]
    for cell, value in zip(cells, row):
        if risky(value):
            cell.value = value
            cell.data_type = "s"  # a string cell: shown as typed, never evaluated
        elif isinstance(value, Decimal):
            cell.number_format = "0.00"
    for index in money_columns:
        cells[index].number_format = "0.00"


__all__ = ["risky", "csv_cell", "write_csv_rows", "open_csv", "append_row", "FORMULA_STARTS"]
