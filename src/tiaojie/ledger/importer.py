"""Import historical ledgers (CSV or XLSX, Chinese or English headers).

All or nothing: every bad row is reported with its row number, column and reason, and nothing is
written unless every row is good — or, with ``skip_bad``, the good rows are written and the bad
ones saved to a file for correction. The whole import is one transaction, so a process killed
half-way leaves the database as it was. Importing the same file again adds nothing: rows whose
unit and number (卷号) are already in the ledger are counted as existing, not added.

The file is read, validated and written a batch at a time (``BATCH`` rows), so the memory an
import takes does not grow with the file: a batch's rows become cases, are checked (see
`import_batch`), given their starting level and inserted — in the one transaction — before the
next batch is read. Once a bad row is found nothing more is inserted, but every later row is
still checked, so the user hears of every bad row at once; the transaction is then rolled back.
Outcomes for imported settled cases are evaluated when their period is computed, not here.
"""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator

from ..i18n import Lang
from ..models import Case, User
from ..store.messages import Message, did_you_mean
from .access import check
from .context import Ledger
from .errors import InvalidInput
from .import_batch import BadRowsFile, ImportResult, RowChecker
from .import_sheet import (
    COLUMN_LABEL,
    HEADERS,
    LOOKUP,
    REQUIRED,
    Problem,
    Sheet,
    SheetUnreadable,
    Validator,
    norm,
    read_sheet,
)
from .scope import own_units, refused

_KNOWN_CLASSES = 50_000  # start levels kept across an import's batches, at most
BATCH = 5000  # rows read, checked and inserted at a time: large enough that a batch's SQL round trips are noise

__all__ = ["BATCH", "ImportRefused", "ImportResult", "import_file", "start_levels"]


class ImportRefused(InvalidInput):
    """Bad rows and no ``skip_bad``: nothing was written. ``result.problems`` has them (the first
    ``PROBLEM_CAP``, then how many more)."""

    def __init__(self, result: ImportResult):
        super().__init__("imp_nothing_written")
        result.close_report()
        self.result = result


def import_file(
    ledger: Ledger,
    by: User,
    path: Path | str,
    *,
    skip_bad: bool = False,
    bad_path: Path | str | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
    lang: Lang = "zh",
) -> ImportResult:
    """Import a sheet; `progress` hears how many cases have been sent to the database after each
    batch written."""
    check(by, "import")
    path = Path(path)
    result = ImportResult()
    sheet = read_sheet(path, encoding)
    for problem in sheet.problems:
        result.report(problem)
    if sheet.problems and not sheet.header:
        raise ImportRefused(result)
    columns = _map_columns(ledger, sheet, result)
    with _fewer_collections(), ledger.uow() as uow:
        units_listed = [u for u in uow.units.list() if u.id is not None]
        codes = {u.id: u.code for u in units_listed if u.id is not None}
        units = {**{u.name: u.id for u in units_listed if u.id is not None}, **{c: i for i, c in codes.items()}}
        uow.lock_periods(exclusive=False)  # held from the first insert: no period closes under the import
        ledger.keep_rules_in(uow)  # the levels are the activated set's, or nothing is imported
        imports = uow.cases.importing()
        imports.start()
        checker = RowChecker(ledger, uow, imports, sheet.header, columns, Validator(ledger, units, columns.values()),
                             _scope_check(uow, by), is_csv=path.suffix.lower() == ".csv")
        bad_file = BadRowsFile(Path(bad_path) if bad_path else path.with_suffix(".bad.csv"), sheet.header, lang) if skip_bad else None
        levels_known: dict[tuple[str, tuple], Any] = {}
        sent = 0
        rows = iter(sheet.rows)
        try:
            while chunk := list(islice(rows, batch)):
                result.rows += len(chunk)
                judged = checker.batch(chunk)
                result.existing += judged.existing
                for problem in judged.problems:
                    result.report(problem)
                if bad_file is not None:
                    bad_file.write(judged)
                if result.bad_row_count and not skip_bad:
                    continue  # refused already: check the rest, write nothing more
                adding = start_levels(ledger, judged.fresh, codes, known=levels_known)
                added = imports.add(adding)
                result.added += added
                result.existing += len(adding) - added  # the ledger had them: the same file twice adds nothing
                sent += len(adding)
                if progress is not None and adding:
                    progress(sent)
        except SheetUnreadable as err:  # not in its encoding part way: that is all the user hears
            result = ImportResult(problems=err.problems, bad_row_count=len({p.row for p in err.problems if p.row is not None}))
            raise ImportRefused(result) from None
        finally:
            if bad_file is not None:
                bad_file.close()
        if not result.rows:
            result.report(Problem(None, "—", Message("imp_empty")))
            raise ImportRefused(result)
        if result.bad_row_count and not skip_bad:
            raise ImportRefused(result)
        result.close_report()
        result.bad_file = bad_file.written if bad_file is not None else None
        imports.finish()
        uow.audit(by.name, "import", "cases", path.name, None, {
            "file": path.name, "sha256": _sha256(path), "rows": result.rows, "added": result.added,
            "existing": result.existing, "bad": result.bad_rows,
        })
        uow.commit()
        result.written = True
        return result


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A batch makes a few hundred thousand short-lived objects (cells, values, cases) that die
    together; with the interpreter's default threshold the cyclic collector runs every 700
    allocations, a third of the import's time. Collect less often for its length."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


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
            result.report(Problem(1, str(header), Message("imp_duplicate_column", name=header)))
            continue
        seen[name] = index
        columns[index] = name
    missing = [name for name in REQUIRED if name not in seen]
    for name in missing:
        result.report(Problem(1, COLUMN_LABEL[name], Message("imp_missing_column", names="、".join(HEADERS[name]))))
    wanted = [alias for name in missing for alias in HEADERS[name]]
    for header in result.ignored_columns:
        hint = did_you_mean(header, wanted)
        if hint:
            result.report(Problem(1, header, Message("imp_unknown_column", name=header, hint=hint)))
    if any(p.row in (None, 1) for p in result.problems):
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


def _header_lookup(ledger: Ledger) -> dict[str, str]:
    """Accepted headers → field: the fixed columns, and every extra case field of the vocabulary
    by its id, Chinese title or English title."""
    lookup = dict(LOOKUP)
    for fdef in ledger.projection.extra_fields():
        for alias in (fdef.name, fdef.title, fdef.title_en):
            if alias:
                lookup.setdefault(norm(alias), fdef.name)
    return lookup


def start_levels(ledger: Ledger, cases: list[Case], unit_codes: dict[int, str], *,
                 known: dict[tuple[str, tuple], str | None] | None = None) -> list[Case]:
    """The cases at the level the escalation policy starts each at (raised, never lowered, by a
    level the file gives), as a case added alone would be. Judged in bulk: cases the policy
    cannot tell apart (amounts on the same side of every value its conditions compare with,
    dates under the same version) share one evaluation. `known` keeps those evaluations from
    one call to the next (an import's batches): a class judged once is not judged again."""
    from ..rules.classes import date_classes, number_classes
    from .overdue import escalation_fields

    if known is None:
        known = {}
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

        keys = [(policy_id, _class_key(inputs[i], classify)) for i in pending]
        judged = {key: known[key] for key in set(keys) if key in known}
        unjudged: dict[tuple[str, tuple], dict[str, Any]] = {}
        for i, key in zip(pending, keys):
            if key not in judged:
                unjudged.setdefault(key, inputs[i])
        if unjudged:
            outcomes = ledger.rules.evaluate_batch(policy_id, list(unjudged.values()), ledger.date())
            for key, outcome in zip(unjudged, outcomes):
                judged[key] = None if isinstance(outcome, Exception) else outcome.details.get("start_level")
            if len(known) + len(unjudged) > _KNOWN_CLASSES:
                known.clear()  # classes that never repeat (a value the policy reads raw): memory stays bounded
            known.update((key, judged[key]) for key in unjudged)
        still = []
        for i, key in zip(pending, keys):
            start = judged[key]
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
    get = classify.get
    return tuple((name, value) if (of := get(name)) is None else (name, of(value)) for name, value in data.items())
