"""Satisfaction review results from a sheet (CSV or XLSX): one row per cadre — unit, cadre, review
date, respondents, dissatisfied (and the half-year when it is not the review date's). Every row is
checked before any is stored; one bad row and nothing is written, every bad row named by its row
and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import User
from ..store.messages import Message
from .context import Ledger
from .errors import InvalidInput
from .import_sheet import PROBLEM_CAP, Problem, SheetUnreadable, norm, read_sheet
from .reviews import EntryRefused, ReviewEntry, ReviewLine, check_entry, field_title, record_reviews

# column → the headings a county's sheet may give it (the vocabulary's titles join these)
HEADINGS: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "村", "村（社区）", "unit", "village"),
    "cadre": ("干部", "姓名", "干部姓名", "cadre", "name"),
    "review_on": ("测评日期", "日期", "review_on", "date"),
    "respondents": ("参评人数", "respondents"),
    "dissatisfied": ("不满意人数", "dissatisfied"),
    "half": ("半年度", "half"),
}
REQUIRED = ("unit", "cadre", "review_on", "respondents", "dissatisfied")


class ReviewImportRefused(InvalidInput):
    """Bad rows: nothing was written; ``problems`` says where."""

    def __init__(self, problems: list[Problem]):
        super().__init__("review_import_refused", count=len(problems))
        self.problems = problems


@dataclass
class _Columns:
    index: dict[str, int]  # column name → its place in a row
    heading: dict[str, str]  # column name → the heading the sheet gave it

    def cell(self, cells: list[Any], name: str) -> Any:
        i = self.index.get(name)
        return cells[i] if i is not None and i < len(cells) else None


def _columns(ledger: Ledger, header: list[str]) -> tuple[_Columns, list[Problem]]:
    known = {norm(h): name for name, headings in HEADINGS.items() for h in headings}
    for name in ("review_on", "respondents", "dissatisfied"):
        title = field_title(ledger, name)
        known.setdefault(norm(title.render("zh")), name)
        known.setdefault(norm(title.render("en")), name)
    columns = _Columns({}, {})
    for i, heading in enumerate(header):
        column = known.get(norm(heading))
        if column is not None and column not in columns.index:
            columns.index[column], columns.heading[column] = i, str(heading).strip()
    missing = [name for name in REQUIRED if name not in columns.index]
    problems = [Problem(None, "—", Message("review_import_missing", column=HEADINGS[name][0])) for name in missing]
    return columns, problems


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text) if text.lstrip("-").isdigit() else None


def import_reviews(ledger: Ledger, by: User, path: Path, encoding: str | None = None) -> list[ReviewLine]:
    """Store every row's result, or none (raising `ReviewImportRefused` with each bad row)."""
    sheet = read_sheet(path, encoding)
    if sheet.problems:
        raise ReviewImportRefused(sheet.problems)
    columns, problems = _columns(ledger, sheet.header)
    if problems:
        raise ReviewImportRefused(problems)
    entries: list[ReviewEntry] = []
    seen: dict[tuple[int, str], int] = {}
    try:
        for row, cells in sheet.rows:
            entry = _entry(ledger, columns, row, cells, problems)
            if entry is None:
                continue
            try:
                key = check_entry(ledger, by, entry)
            except EntryRefused as err:
                problems.append(Problem(row, columns.heading.get(err.field, HEADINGS.get(err.field, (err.field,))[0]), err.msg))
                continue
            if key in seen:
                problems.append(Problem(row, columns.heading["cadre"], Message("review_import_twice", row=seen[key])))
                continue
            seen[key] = row
            entries.append(entry)
            if len(problems) >= PROBLEM_CAP:
                break
    except SheetUnreadable as err:
        raise ReviewImportRefused(err.problems) from None
    if problems:
        raise ReviewImportRefused(problems)
    return record_reviews(ledger, by, entries)


def _entry(ledger: Ledger, columns: _Columns, row: int, cells: list[Any],
           problems: list[Problem]) -> ReviewEntry | None:
    """The row as an entry, or None with its problems added (blank or non-whole counts)."""
    text = {name: columns.cell(cells, name) for name in HEADINGS}
    found: list[Problem] = []
    for name in ("unit", "cadre", "review_on"):
        if text[name] is None or not str(text[name]).strip():
            found.append(Problem(row, columns.heading[name], Message("review_import_blank")))
    counts: dict[str, int] = {}
    for name in ("respondents", "dissatisfied"):
        value = _count(text[name])
        if value is None:
            found.append(Problem(row, columns.heading[name],
                                 Message("review_import_count", value=str(text[name] or ""),
                                         field=field_title(ledger, name))))
        else:
            counts[name] = value
    if found:
        problems.extend(found)
        return None
    half = str(text["half"]).strip().upper() if text["half"] not in (None, "") else None
    if half is not None and not _is_half(half):
        problems.append(Problem(row, columns.heading["half"], Message("review_half", value=half)))
        return None
    review_on: Any = text["review_on"]
    return ReviewEntry(str(text["unit"]).strip(), str(text["cadre"]).strip(),
                       review_on if not isinstance(review_on, str) else review_on.strip(),
                       counts["respondents"], counts["dissatisfied"], half)


def _is_half(text: str) -> bool:
    import re

    return re.fullmatch(r"[0-9]{4}-H[12]", text) is not None


__all__ = ["ReviewImportRefused", "import_reviews"]
