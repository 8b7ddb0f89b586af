"""Import historical ledgers (CSV or XLSX, Chinese or English headers).

All or nothing: every bad row is reported with its row number, column and reason, and nothing is
written unless every row is good — or, with ``skip_bad``, the good rows are written and the bad
ones saved to a file for correction. The whole import is one transaction, so a process killed
half-way leaves the database as it was. Importing the same file again adds nothing: rows whose
unit and number (卷号) are already in the ledger are counted as existing, not added.

Rows are validated in Python and written with chunked ``executemany`` inserts; outcomes for
imported settled cases are evaluated when their period is computed, not row by row here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from ..models import Case, User
from ..store.messages import Message, did_you_mean
from .access import check
from .cases import DateRefused, check_dates
from .context import Ledger
from .errors import InvalidInput
from .exports import open_csv, write_csv_rows
from .import_sheet import COLUMN_LABEL, HEADERS, LOOKUP, REQUIRED, Problem, Sheet, Validator, norm, read_sheet
from .periods import guard_new_cases
from .scope import own_units, refused


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    existing: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    bad_file: Path | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> Message:
        return Message("imp_summary", added=self.added, existing=self.existing, bad=self.bad_rows)


class ImportRefused(InvalidInput):
    """Bad rows and no ``skip_bad``: nothing was written. ``result.problems`` has them all."""

    def __init__(self, result: ImportResult):
        super().__init__("imp_nothing_written")
        self.result = result


# --- reading ---------------------------------------------------------------------------------


def import_file(
    ledger: Ledger,
    by: User,
    path: Path | str,
    *,
    skip_bad: bool = False,
    bad_path: Path | str | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    check(by, "import")
    path = Path(path)
    result = ImportResult()
    sheet = read_sheet(path, encoding)
    result.problems.extend(sheet.problems)
    if sheet.problems and not sheet.header:
        raise ImportRefused(result)
    columns = _map_columns(ledger, sheet, result)
    with ledger.uow() as uow:
        codes = {u.id: u.code for u in uow.units.list() if u.id is not None}
        units = {**{u.name: u.id for u in uow.units.list() if u.id is not None}, **{c: i for i, c in codes.items()}}
        in_scope = _scope_check(uow, by)
        good, bad_rows = _validate(ledger, path, sheet, columns, Validator(ledger, units, columns.values()), result,
                                   in_scope)
        result.rows = len(sheet.rows)

        # Rows already in the ledger are not new: the same file twice adds nothing.
        existing = uow.cases.existing_numbers((c.unit_id, c.number) for _, c, _ in good)
        fresh = [(n, c, cells) for n, c, cells in good if (c.unit_id, c.number) not in existing]
        result.existing = len(good) - len(fresh)
        uow.lock_periods(exclusive=False)
        refused = guard_new_cases(uow, [c for _, c, _ in fresh])
        for index, period in refused.items():
            n, case, cells = fresh[index]
            result.problems.append(Problem(n, COLUMN_LABEL["settled_on" if case.settled_on and period.covers(case.settled_on) else "received_on"],
                                           Message("imp_period_closed", date=case.booking_date(), period=period.key)))
            bad_rows[n] = cells
        fresh = [item for i, item in enumerate(fresh) if i not in refused]
        result.problems.sort(key=lambda p: (p.row or 0))

        if result.problems and not skip_bad:
            raise ImportRefused(result)
        if result.problems:
            result.bad_file = _write_bad(Path(bad_path) if bad_path else path.with_suffix(".bad.csv"), sheet.header, bad_rows, result.problems)

        ledger.keep_rules_in(uow)  # the levels are the activated set's, or nothing is imported
        adding = start_levels(ledger, [c for _, c, _ in fresh], codes)
        result.added = uow.cases.add_many(adding, progress=progress)
        result.existing += len(fresh) - result.added  # a concurrent import added them first
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        uow.audit(by.name, "import", "cases", path.name, None, {
            "file": path.name, "sha256": digest, "rows": result.rows, "added": result.added,
            "existing": result.existing, "bad": result.bad_rows,
        })
        uow.commit()
        result.written = True
        return result


def _map_columns(ledger: Ledger, sheet: Sheet, result: ImportResult) -> dict[int, str]:
    """Column index → field, from the headers; refused (nothing read further) when a required
    column is missing, named twice, or a header looks like a misspelt one."""
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    lookup = _header_lookup(ledger)
    for index, header in enumerate(sheet.header):
        name = lookup.get(norm(header))
        if name is None:
            if norm(header):
                result.ignored_columns.append(str(header))
            continue
        if name in seen:
            result.problems.append(Problem(1, str(header), Message("imp_duplicate_column", name=header)))
            continue
        seen[name] = index
        columns[index] = name
    missing = [name for name in REQUIRED if name not in seen]
    for name in missing:
        result.problems.append(Problem(1, COLUMN_LABEL[name], Message("imp_missing_column", names="、".join(HEADERS[name]))))
    wanted = [alias for name in missing for alias in HEADERS[name]]
    for header in result.ignored_columns:
        hint = did_you_mean(header, wanted)
        if hint:
            result.problems.append(Problem(1, header, Message("imp_unknown_column", name=header, hint=hint)))
    if any(p.row in (None, 1) for p in result.problems):
        raise ImportRefused(result)
    if not sheet.rows:
        result.problems.append(Problem(None, "—", Message("imp_empty")))
        raise ImportRefused(result)
    return columns


def _scope_check(uow: Any, by: User) -> Callable[[int], Message | None]:
    """For a row's unit id: why `by` may not import into it (a unit outside their part of the
    tree, by name), or None. Each unit is named once however many rows it has."""
    own = own_units(uow, by)
    said: dict[int, Message | None] = {}

    def check_unit(unit_id: int) -> Message | None:
        if own is None or unit_id in own:
            return None
        if unit_id not in said:
            said[unit_id] = refused(uow, by, unit_id).msg
        return said[unit_id]

    return check_unit


def _validate(ledger: Ledger, path: Path, sheet: Sheet, columns: dict[int, str], validator: Validator,
              result: ImportResult, in_scope: Callable[[int], Message | None] = lambda _unit: None,
              ) -> tuple[list[tuple[int, Case, list[Any]]], dict[int, list[Any]]]:
    """(good rows as cases, bad rows' cells by row number); each bad cell a problem in `result`,
    named by the column as the file spells it. A row of a unit `in_scope` refuses is bad."""
    header_of = {name: str(sheet.header[index]) for index, name in columns.items()}
    good: list[tuple[int, Case, list[Any]]] = []
    bad_rows: dict[int, list[Any]] = {}
    first_row_of: dict[tuple[int, str], int] = {}
    is_csv = path.suffix.lower() == ".csv"
    for row_number, cells in sheet.rows:
        if is_csv and len(cells) != len(sheet.header):
            result.problems.append(Problem(row_number, "—", Message("imp_columns_count", actual=len(cells), expected=len(sheet.header))))
            bad_rows[row_number] = cells
            continue
        values, errors = validator.row({columns[i]: cells[i] for i in columns if i < len(cells)})
        outside = in_scope(values["unit_id"]) if "unit_id" in values else None
        if outside is not None:
            errors.append(("unit", outside))
        case = _case_of(ledger, values, errors) if not errors else None
        if case is not None:
            key = (case.unit_id, case.number)
            if key in first_row_of:
                errors.append(("number", Message("imp_duplicate_in_file", other=first_row_of[key])))
            else:
                first_row_of[key] = row_number
        if errors or case is None:
            for column, reason in errors:
                result.problems.append(Problem(row_number, header_of.get(column) or COLUMN_LABEL.get(column, column), reason))
            bad_rows[row_number] = cells
        else:
            good.append((row_number, case, cells))
    return good, bad_rows


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


def _header_lookup(ledger: Ledger) -> dict[str, str]:
    """Accepted headers → field: the fixed columns, and every extra case field of the vocabulary
    by its id, Chinese title or English title."""
    lookup = dict(LOOKUP)
    for fdef in ledger.projection.extra_fields():
        for alias in (fdef.name, fdef.title, fdef.title_en):
            if alias:
                lookup.setdefault(norm(alias), fdef.name)
    return lookup


def start_levels(ledger: Ledger, cases: list[Case], unit_codes: dict[int, str]) -> list[Case]:
    """The cases at the level the escalation policy starts each at (raised, never lowered, by a
    level the file gives), as a case added alone would be. Judged in bulk: cases the policy
    cannot tell apart (amounts on the same side of every value its conditions compare with,
    dates under the same version) share one evaluation."""
    from ..rules.classes import date_classes, number_classes
    from .overdue import escalation_fields

    read = tuple(escalation_fields(ledger))  # a hundred thousand rows: only what the policies read
    reader = ledger.projection.reader("escalation", read)
    inputs = [reader(case, unit_codes.get(case.unit_id)) for case in cases]
    levels: dict[int, str] = {}
    pending = list(range(len(cases)))
    for policy_id in ledger.escalation_policies():
        if not pending:
            break
        versions = ledger.rules.book.versions(policy_id)
        numeric = {name for name in read if (f := ledger.vocabulary.fields.get(name)) and f.type in ("int", "decimal", "money")}
        classify = {name: number_classes(versions, name) for name in numeric}
        if versions and versions[-1].date_field:
            classify[versions[-1].date_field] = date_classes(versions)

        index_of: dict[tuple, int] = {}
        readings: list[dict[str, Any]] = []
        picks = []
        for i in pending:
            k = _class_key(inputs[i], classify)
            found = index_of.get(k)
            if found is None:
                found = index_of[k] = len(readings)
                readings.append(inputs[i])
            picks.append(found)
        starts = [None if isinstance(outcome, Exception) else outcome.details.get("start_level")
                  for outcome in ledger.rules.evaluate_batch(policy_id, readings, ledger.date())]
        still = []
        for i, found in zip(pending, picks):
            start = starts[found]
            if start is None:
                still.append(i)
            else:
                levels[i] = start
        pending = still
    order = ledger.enum_ids("level")

    def higher(start: str | None, given: str) -> str:
        if start is None or (given in order and start in order and order.index(given) > order.index(start)):
            return given
        return start

    out = []
    for i, case in enumerate(cases):
        level = higher(levels.get(i), case.level)
        out.append(case if level == case.level else case.model_copy(update={"level": level}))
    return out


def _class_key(data: dict[str, Any], classify: dict[str, Any]) -> tuple:
    """A reading as the policy can tell it apart: each classified value by its class."""
    out = []
    for name, value in data.items():
        of = classify.get(name)
        out.append((name, of(value) if of is not None else value))
    return tuple(out)


def _write_bad(target: Path, header: list[str], rows: dict[int, list[Any]], problems: Iterable[Problem]) -> Path:
    reasons: dict[int, list[str]] = {}
    for p in problems:
        if p.row is not None:
            reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason.render('zh')}")
    fh, writer = open_csv(target)
    with fh:
        write_csv_rows(writer, [["原行号", *header, "错误"]])
        write_csv_rows(writer, ([number, *["" if c is None else c for c in rows[number]], "；".join(reasons.get(number, []))]
                                for number in sorted(rows)))
    return target
