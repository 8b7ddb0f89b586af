"""One batch of an import's rows: each row validated into a case, checked against the rows before
it (in the batch, and — through the store — in earlier batches), the ledger and its closed
periods. Every bad cell is a problem located by row and by the column as the file spells it.

The importer keeps only one batch in memory; what it reports is bounded too: the first
``PROBLEM_CAP`` problems are listed, the rest counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from ..i18n import Lang
from ..models import Case
from ..store.case_import import CaseImport
from ..store.messages import Message
from ..store.uow import SqlUnitOfWork
from .cases import DateRefused, check_dates
from .context import Ledger
from .export_words import word
from .exports import open_csv, write_csv_rows
from .import_sheet import COLUMN_LABEL, PROBLEM_CAP, Problem, Validator
from .periods import guard_new_cases


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    existing: int = 0
    # the first PROBLEM_CAP problems in row order, then (when there were more) one saying how many
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    bad_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)
    unlisted: int = 0  # problems past the cap: counted, not listed
    bad_row_count: int = 0
    _last_bad_row: int | None = field(default=None, repr=False)

    @property
    def bad_rows(self) -> int:
        return self.bad_row_count

    def report(self, problem: Problem) -> None:
        """Add a problem (problems arrive in row order): listed while under the cap, else counted."""
        if problem.row is not None and problem.row != self._last_bad_row:
            self.bad_row_count += 1
            self._last_bad_row = problem.row
        if len(self.problems) < PROBLEM_CAP:
            self.problems.append(problem)
        else:
            self.unlisted += 1

    def close_report(self) -> None:
        """Say how many problems were left unlisted, once, after the last."""
        if self.unlisted:
            self.problems.append(Problem(None, "—", Message("imp_more_problems", count=self.unlisted, rows=self.bad_row_count)))
            self.unlisted = 0

    def summary(self) -> Message:
        return Message("imp_summary", added=self.added, existing=self.existing, bad=self.bad_rows)


@dataclass
class Batch:
    """A batch's verdict: its cases to insert in file order (the insert skips those the ledger
    has), how many a closed period would refuse but the ledger already has, its problems in row
    order, and the bad rows' cells (for the bad-rows file)."""

    fresh: list[Case]
    existing: int
    problems: list[Problem]
    bad: dict[int, list[Any]]


class RowChecker:
    """Turns batches of (row number, cells) into ``Batch`` verdicts. Built once per import."""

    def __init__(self, ledger: Ledger, uow: SqlUnitOfWork, imports: CaseImport, header: list[str],
                 columns: dict[int, str], validator: Validator, in_scope: Callable[[int], Message | None],
                 *, is_csv: bool):
        self.ledger = ledger
        self.uow = uow
        self.imports = imports
        self.width = len(header)
        self.pairs = list(columns.items())  # (cell index, field)
        self.header_of = {name: str(header[index]) for index, name in columns.items()}
        self.validator = validator
        self.in_scope = in_scope
        self.is_csv = is_csv

    def _column(self, name: str) -> str:
        return self.header_of.get(name) or COLUMN_LABEL.get(name, name)

    def batch(self, rows: list[tuple[int, list[Any]]]) -> Batch:
        problems: list[tuple[int, int, Problem]] = []  # (row, order found, problem): sorted by row at the end
        bad: dict[int, list[Any]] = {}
        good: list[tuple[int, Case]] = []
        first_row_of: dict[tuple[int, str], int] = {}  # within the batch; earlier batches are the store's

        def refuse(row_number: int, column: str, reason: Any) -> None:
            problems.append((row_number, len(problems), Problem(row_number, column, reason)))

        cells_of: dict[int, list[Any]] = {}
        for row_number, cells in rows:
            cells_of[row_number] = cells
            if self.is_csv and len(cells) != self.width:
                refuse(row_number, "—", Message("imp_columns_count", actual=len(cells), expected=self.width))
                bad[row_number] = cells
                continue
            if len(cells) >= self.width:
                named = {name: cells[i] for i, name in self.pairs}
            else:  # a short XLSX row: the cells it has
                named = {name: cells[i] for i, name in self.pairs if i < len(cells)}
            values, errors = self.validator.row(named)
            outside = self.in_scope(values["unit_id"]) if "unit_id" in values else None
            if outside is not None:
                errors.append(("unit", outside))
            case = _case_of(self.ledger, values, errors) if not errors else None
            if case is not None:
                key = (case.unit_id, case.number)
                if key in first_row_of:
                    errors.append(("number", Message("imp_duplicate_in_file", other=first_row_of[key])))
                else:
                    first_row_of[key] = row_number
            if errors or case is None:
                for column, reason in errors:
                    refuse(row_number, self._column(column), reason)
                bad[row_number] = cells
            else:
                good.append((row_number, case))

        # Against earlier rows of the file; a case the ledger already has is skipped by the insert.
        repeated = self.imports.repeats([(case.unit_id, case.number, n) for n, case in good])
        fresh: list[tuple[int, Case]] = []
        for n, case in good:
            if n in repeated:
                refuse(n, self._column("number"), Message("imp_duplicate_in_file", other=repeated[n]))
                bad[n] = cells_of[n]
            else:
                fresh.append((n, case))

        closed = guard_new_cases(self.uow, [case for _, case in fresh])
        # A closed period refuses only new cases: one the ledger has is counted as existing.
        had = self.imports.stored([(fresh[i][1].unit_id, fresh[i][1].number) for i in closed]) if closed else set()
        existing = 0
        for index, period in closed.items():
            n, case = fresh[index]
            if (case.unit_id, case.number) in had:
                existing += 1
                continue
            column = "settled_on" if case.settled_on and period.covers(case.settled_on) else "received_on"
            refuse(n, COLUMN_LABEL[column], Message("imp_period_closed", date=case.booking_date(), period=period.key))
            bad[n] = cells_of[n]
        problems.sort(key=lambda p: (p[0], p[1]))
        return Batch([case for i, (_, case) in enumerate(fresh) if i not in closed], existing,
                     [p for _, _, p in problems], bad)


def _case_of(ledger: Ledger, values: dict[str, Any], errors: list[tuple[str, Message]]) -> Case | None:
    """The row's case, or None with the reason added to `errors`."""
    try:
        case = Case(**values)
        check_dates(ledger, case)
        return case
    except ValidationError as exc:  # report the first field pydantic refused
        first = exc.errors()[0]
        column = str(first["loc"][0]) if first["loc"] else "—"
        errors.append((column, Message("case_field", field=column, detail=first["msg"])))
    except DateRefused as exc:  # after today, or out of order
        errors.append((exc.field, exc.msg))
    return None


class BadRowsFile:
    """The bad rows of a ``skip_bad`` import, written as each batch is judged (so none is kept in
    memory): the row number, its cells as the file had them, and every reason, in the user's
    language. The file is made at the first bad row; an import with none leaves no file."""

    def __init__(self, target: Path, header: list[str], lang: Lang = "zh"):
        self.target = target
        self.header = header
        self.lang = lang
        self._fh: Any = None
        self._writer: Any = None

    def write(self, batch: Batch) -> None:
        if not batch.bad:
            return
        if self._fh is None:
            self._fh, self._writer = open_csv(self.target)
            write_csv_rows(self._writer, [[word("bad_row", self.lang), *self.header, word("bad_errors", self.lang)]])
        reasons: dict[int, list[str]] = {}
        for p in batch.problems:
            if p.row is not None:
                reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason.render(self.lang)}")
        joiner = "; " if self.lang == "en" else "；"
        write_csv_rows(self._writer, ([number, *["" if c is None else c for c in batch.bad[number]],
                                       joiner.join(reasons.get(number, []))] for number in sorted(batch.bad)))

    @property
    def written(self) -> Path | None:
        return self.target if self._fh is not None else None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
