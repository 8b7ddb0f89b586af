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

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from ..models import AGREEMENT_LABELS, SOURCE_LABELS, URGENCY_LABELS, Case, User
from ..money import MoneyError, exact_fen, parse_yuan
from ..store.messages import Message, did_you_mean
from ..vocabulary import InvalidValue
from .access import check
from .cases import check_dates
from .context import Ledger
from .errors import InvalidInput
from .periods import guard_new_cases

# canonical field → accepted header spellings (compared after _norm)
HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "所属单位", "单位代码", "调解组织", "unit", "unit_code"),
    "number": ("卷号", "案件编号", "案卷号", "number", "case_number", "case_no"),
    "source": ("来源", "案件来源", "source"),
    "category": ("纠纷类型", "纠纷类别", "类别", "category"),
    "severity": ("纠纷程度", "难易程度", "严重程度", "severity"),
    "urgency": ("紧急程度", "urgency"),
    "summary": ("简要案情", "案情摘要", "摘要", "summary"),
    "parties": ("当事人", "parties"),
    "persons_involved": ("涉及人数", "persons_involved", "persons"),
    "amount_involved": ("涉及金额", "涉及金额(元)", "amount_involved", "amount"),
    "received_on": ("受理日期", "登记日期", "received_on", "received"),
    "accepted_on": ("立案日期", "accepted_on", "accepted"),
    "settled_on": ("调处日期", "调处成功日期", "调结日期", "settled_on", "settled"),
    "closed_on": ("结案日期", "closed_on", "closed"),
    "status": ("状态", "案件状态", "调解结果", "status"),
    "settled_by": ("调处主体", "settled_by"),
    "mediators": ("调解员", "mediators"),
    "agreement_kind": ("协议形式", "agreement", "agreement_kind"),
    "agreement_fulfilled": ("协议已履行", "协议履行", "agreement_fulfilled"),
    "follow_up_done": ("已回访", "回访", "follow_up_done", "follow_up"),
    "file_complete": ("卷宗齐全", "file_complete"),
    "needs_verification": ("需核实", "需核实情况", "needs_verification"),
    "level": ("当前层级", "处理层级", "层级", "level"),
}
REQUIRED = ("unit", "number", "category", "received_on")
COLUMN_LABEL = {name: names[0] for name, names in HEADERS.items()}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SPLIT = re.compile(r"[、,，;；/]+")
_TRUE = {"是", "有", "已", "√", "y", "yes", "true", "1"}
_FALSE = {"否", "无", "未", "×", "n", "no", "false", "0", ""}


def _norm(header: str) -> str:
    return (
        str(header).strip().lstrip("\ufeff").lower().replace("（", "(").replace("）", ")").replace(" ", "").replace("_", "_")
    )


_LOOKUP = {_norm(alias): name for name, aliases in HEADERS.items() for alias in aliases}


@dataclass
class Problem:
    """One bad row (or the file as a whole when ``row`` is None)."""

    row: int | None
    column: str
    reason: Message

    def render(self, lang: str = "zh") -> str:
        if self.row is None:
            return Message("import_file", reason=self.reason).render(lang)  # type: ignore[arg-type]
        return Message("import_row", row=self.row, column=self.column, reason=self.reason).render(lang)  # type: ignore[arg-type]


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


@dataclass
class _Sheet:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    problems: list[Problem]


def _read_csv(path: Path, encoding: str | None) -> _Sheet:
    data = path.read_bytes()
    problems: list[Problem] = []
    try:
        text = data.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError):
        # Find each undecodable line so the user can see where the file is not UTF-8.
        for number, raw_line in enumerate(data.split(b"\n"), start=1):
            try:
                raw_line.decode(encoding or "utf-8")
            except (UnicodeDecodeError, LookupError):
                problems.append(Problem(number, "—", Message("imp_encoding")))
        return _Sheet([], [], problems or [Problem(None, "—", Message("imp_encoding"))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return _Sheet([], [], [Problem(None, "—", Message("imp_empty"))])
    rows = []
    for index, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append((index, cells))
    return _Sheet(header, rows, problems)


def _read_xlsx(path: Path) -> _Sheet:
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many types for a broken file
        return _Sheet([], [], [Problem(None, "—", Message("imp_xlsx", detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))])
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = ["" if c is None else str(c) for c in next(iterator)]
    except StopIteration:
        book.close()
        return _Sheet([], [], [Problem(None, "—", Message("imp_empty"))])
    rows = []
    for index, cells in enumerate(iterator, start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((index, list(cells)))
    book.close()
    return _Sheet(header, rows, [])


def read_sheet(path: Path, encoding: str | None = None) -> _Sheet:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _Sheet([], [], [Problem(None, "—", Message("imp_format", suffix=suffix or path.name))])


# --- validating ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(Message("imp_bad_date", value=text))


def _amount(value: Any) -> Decimal:
    text = _text(value).replace("元", "").replace("¥", "").replace("￥", "")
    if not text:
        return Decimal("0")
    try:
        amount = parse_yuan(value if isinstance(value, (int, Decimal)) else text)
    except MoneyError:
        raise ValueError(Message("imp_bad_amount", value=_text(value))) from None
    if amount < 0:
        raise ValueError(Message("imp_negative", value=_text(value)))
    if exact_fen(amount) is None:
        raise ValueError(Message("imp_bad_amount", value=_text(value)))
    return amount


def _int(value: Any) -> int:
    text = _text(value)
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(Message("imp_bad_int", value=text))
    return int(text)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(Message("imp_bad_bool", value=_text(value)))


class _Validator:
    """Converters for the columns present, built once per import: the per-row work is a loop of
    dictionary lookups, not a walk over every possible field."""

    def __init__(self, ledger: Ledger, units: dict[str, int], present: Iterable[str]):
        self.ledger = ledger
        self.units = units
        self.extra: list[tuple[str, Callable[[Any], Any]]] = []
        fixed = {
            "source": {**{v: k for k, v in SOURCE_LABELS.items()}, **{k: k for k in SOURCE_LABELS}},
            "urgency": {**{v: k for k, v in URGENCY_LABELS.items()}, **{k: k for k in URGENCY_LABELS}},
            "agreement_kind": {**{v: k for k, v in AGREEMENT_LABELS.items()}, **{k: k for k in AGREEMENT_LABELS}, "口头": "oral", "书面": "written"},
        }
        self.converters: list[tuple[str, Callable[[Any], Any]]] = []
        for name in present:
            if name in ("unit", "number"):
                continue
            if name in ("source", "category", "severity", "urgency", "status", "settled_by", "level", "agreement_kind"):
                self.converters.append((name, self._enum(name, fixed.get(name))))
            elif name in ("received_on", "accepted_on", "settled_on", "closed_on"):
                self.converters.append((name, _date_or_none))
            elif name == "amount_involved":
                self.converters.append((name, _amount))
            elif name == "persons_involved":
                self.converters.append((name, _int))
            elif name in ("agreement_fulfilled", "follow_up_done", "file_complete", "needs_verification"):
                self.converters.append((name, _bool))
            elif name in ("parties", "mediators"):
                self.converters.append((name, _names))
            elif name == "summary":
                self.converters.append((name, _text))
            elif ledger.projection.is_extra(name):
                self.extra.append((name, self._extra(name)))

    def _extra(self, name: str) -> Callable[[Any], Any]:
        """A vocabulary field kept in `extra`: typed by the vocabulary, kept in its stored form."""
        fdef = self.ledger.vocabulary.fields[name]
        projection = self.ledger.projection

        def convert(value: Any) -> Any:
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            if fdef.type == "date":
                value = _date(value)
            elif fdef.type == "bool" and not isinstance(value, bool):
                value = _bool(value)
            try:
                return projection.encode_extra(name, fdef.coerce(value.strip() if isinstance(value, str) else value))
            except InvalidValue as err:
                raise ValueError(err.detail) from None

        return convert

    def _enum(self, name: str, fixed: dict[str, str] | None) -> Callable[[Any], str | None]:
        vocab_name = "agreement" if name == "agreement_kind" else name
        fdef = self.ledger.vocabulary.fields.get(vocab_name)
        if fdef is not None and fdef.enum_def is not None:
            table = fdef.enum_def.lookup()

            def convert(value: Any) -> str | None:
                text = _text(value)
                if not text:
                    return None
                found = table.get(text) or table.get(text.lower())
                if found:
                    return found
                try:
                    return fdef.coerce(text)
                except InvalidValue as err:
                    raise ValueError(err.detail) from None

            return convert
        table = fixed or {}

        def convert_fixed(value: Any) -> str | None:
            text = _text(value)
            if not text:
                return None
            if text in table:
                return table[text]
            raise ValueError(Message("imp_bad_enum", value=text, field=name, hint=did_you_mean(text, table), choices="、".join(table)))

        return convert_fixed

    def row(self, cells: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Message]]]:
        values: dict[str, Any] = {}
        errors: list[tuple[str, Any]] = []
        for name in REQUIRED:
            if name in cells and not _text(cells[name]):
                errors.append((name, Message("imp_required")))
        unit_ref = _text(cells.get("unit"))
        if unit_ref:
            unit_id = self.units.get(unit_ref)
            if unit_id is None:
                errors.append(("unit", Message("imp_unknown_unit", value=unit_ref, hint=did_you_mean(unit_ref, self.units))))
            else:
                values["unit_id"] = unit_id
        number = _text(cells.get("number"))
        if number:
            values["number"] = number
        for name, convert in self.converters:
            try:
                result = convert(cells[name])
            except ValueError as err:
                errors.append((name, err.args[0]))
                continue
            if result is not None:
                values[name] = result
        for name, convert in self.extra:
            try:
                result = convert(cells[name])
            except ValueError as err:
                errors.append((name, err.args[0]))
                continue
            if result is not None:
                values.setdefault("extra", {})[name] = result
        return values, errors


def _date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) or (value is not None and str(value).strip()):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        return _date(value)
    return None


def _names(value: Any) -> list[str]:
    return [p.strip() for p in _SPLIT.split(_text(value)) if p.strip()]


# --- the import ------------------------------------------------------------------------------


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

    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    lookup = _header_lookup(ledger)
    for index, header in enumerate(sheet.header):
        name = lookup.get(_norm(header))
        if name is None:
            if _norm(header):
                result.ignored_columns.append(str(header))
            continue
        if name in seen:
            result.problems.append(Problem(1, str(header), Message("imp_duplicate_column", name=header)))
            continue
        seen[name] = index
        columns[index] = name
    header_of = {name: str(sheet.header[index]) for index, name in columns.items()}  # as the file spells it
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

    with ledger.uow() as uow:
        units: dict[str, int] = {}
        codes: dict[int, str] = {}
        for unit in uow.units.list():
            if unit.id is None:
                continue
            codes[unit.id] = unit.code
            units[unit.code] = unit.id
            units.setdefault(unit.name, unit.id)
        validator = _Validator(ledger, units, columns.values())

        good: list[tuple[int, Case, list[Any]]] = []
        bad_rows: dict[int, list[Any]] = {}
        first_row_of: dict[tuple[int, str], int] = {}
        is_csv = path.suffix.lower() == ".csv"
        for row_number, cells in sheet.rows:
            if is_csv and len(cells) != len(sheet.header):
                result.problems.append(Problem(row_number, "—", Message("imp_columns_count", actual=len(cells), expected=len(sheet.header))))
                bad_rows[row_number] = cells
                continue
            named = {columns[i]: cells[i] for i in columns if i < len(cells)}
            values, errors = validator.row(named)
            case = None
            if not errors:
                try:
                    case = Case(**values)
                    check_dates(case)
                except ValidationError as exc:  # report the first field pydantic refused
                    first = exc.errors()[0]
                    column = str(first["loc"][0]) if first["loc"] else "—"
                    errors.append((column, Message("case_field", field=column, detail=first["msg"])))
                    case = None
                except InvalidInput as exc:  # dates out of order
                    errors.append((exc.msg.params.get("later", "—"), exc.msg))  # type: ignore[arg-type]
                    case = None
            if case is not None:
                key = (case.unit_id, case.number)
                if key in first_row_of:
                    errors.append(("number", Message("imp_duplicate_in_file", other=first_row_of[key])))
                else:
                    first_row_of[key] = row_number
            if errors:
                for column, reason in errors:
                    result.problems.append(Problem(row_number, header_of.get(column) or COLUMN_LABEL.get(column, column), reason))
                bad_rows[row_number] = cells
            else:
                good.append((row_number, case, cells))  # type: ignore[arg-type]
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


def _header_lookup(ledger: Ledger) -> dict[str, str]:
    """Accepted headers → field: the fixed columns, and every extra case field of the vocabulary
    by its id, Chinese title or English title."""
    lookup = dict(_LOOKUP)
    for fdef in ledger.projection.extra_fields():
        for alias in (fdef.name, fdef.title, fdef.title_en):
            if alias:
                lookup.setdefault(_norm(alias), fdef.name)
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

        def key(data: dict[str, Any]) -> tuple:
            return tuple((name, f(value) if (f := classify.get(name)) else value) for name, value in data.items())

        index_of: dict[tuple, int] = {}
        readings: list[dict[str, Any]] = []
        picks = []
        for i in pending:
            k = key(inputs[i])
            found = index_of.get(k)
            if found is None:
                found = index_of[k] = len(readings)
                readings.append(inputs[i])
            picks.append(found)
        starts = [None if isinstance(outcome, Exception) else outcome.details.get("start_level")
                  for outcome in ledger.rules.evaluate_batch(policy_id, readings, ledger.date())]
        still = []
        for i, found in zip(pending, picks):
            if starts[found] is None:
                still.append(i)
            else:
                levels[i] = starts[found]
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


def _write_bad(target: Path, header: list[str], rows: dict[int, list[Any]], problems: Iterable[Problem]) -> Path:
    reasons: dict[int, list[str]] = {}
    for p in problems:
        if p.row is not None:
            reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason.render('zh')}")
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["原行号", *header, "错误"])
        for number in sorted(rows):
            writer.writerow([number, *["" if c is None else c for c in rows[number]], "；".join(reasons.get(number, []))])
    return target
