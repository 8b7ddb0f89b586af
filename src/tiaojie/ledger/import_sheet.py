"""Reading a historical ledger's sheet (CSV or XLSX): headers in Chinese or English, cells as a
clerk types them (dates as 2026年5月3日, amounts with 元, 是/否), each bad cell a located problem.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..i18n import Localized
from ..models import AGREEMENT_LABELS, SOURCE_LABELS, URGENCY_LABELS
from ..money import MoneyError, exact_fen, parse_yuan
from ..store.messages import Message, did_you_mean
from ..vocabulary import InvalidValue
from .context import Ledger

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


def norm(header: str) -> str:
    return (
        str(header).strip().lstrip("\ufeff").lower().replace("（", "(").replace("）", ")").replace(" ", "").replace("_", "_")
    )


LOOKUP = {norm(alias): name for name, aliases in HEADERS.items() for alias in aliases}


@dataclass
class Problem:
    """One bad row (or the file as a whole when ``row`` is None)."""

    row: int | None
    column: str
    reason: Localized  # a Message of the ledger, or one of the core catalog

    def render(self, lang: str = "zh") -> str:
        if self.row is None:
            return Message("import_file", reason=self.reason).render(lang)  # type: ignore[arg-type]
        return Message("import_row", row=self.row, column=self.column, reason=self.reason).render(lang)  # type: ignore[arg-type]


@dataclass
class Sheet:
    """A sheet as it is read: the header at once, the rows one at a time as ``rows`` is iterated
    (a million-row file is never held in memory). Iterating ``rows`` raises ``SheetUnreadable``
    when the file turns out unreadable part way (a line that is not in its encoding)."""

    header: list[str]
    rows: Iterable[tuple[int, list[Any]]]  # (row number as the user sees it, cells), blank rows left out
    problems: list[Problem]


class SheetUnreadable(Exception):
    """The file could not be read to its end; ``problems`` say where (each line that is not in
    the file's encoding)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


# Problems listed for one file at most; the rest are counted (a million bad rows is one mistake).
PROBLEM_CAP = 1000


def _encoding_problems(path: Path, encoding: str | None) -> list[Problem]:
    """Each line that does not decode, so the user can see where the file is not UTF-8 (or the
    encoding named): the first ``PROBLEM_CAP`` of them, then how many more."""
    problems: list[Problem] = []
    more = 0
    with path.open("rb") as fh:
        for number, raw_line in enumerate(fh, start=1):
            try:
                raw_line.decode(encoding or "utf-8")
            except (UnicodeDecodeError, LookupError):
                if len(problems) < PROBLEM_CAP:
                    problems.append(Problem(number, "—", Message("imp_encoding")))
                else:
                    more += 1
    if more:
        problems.append(Problem(None, "—", Message("imp_more_problems", count=more, rows=len(problems) + more)))
    return problems or [Problem(None, "—", Message("imp_encoding"))]


def _read_csv(path: Path, encoding: str | None) -> Sheet:
    codec = encoding or "utf-8-sig"
    try:
        codecs.lookup(codec)
    except LookupError:  # an encoding nobody knows
        return Sheet([], [], [Problem(None, "—", Localized("unknown_encoding", encoding=encoding))])
    try:
        with path.open(encoding=codec, newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        return Sheet([], [], _encoding_problems(path, encoding))
    if header is None:
        return Sheet([], [], [Problem(None, "—", Message("imp_empty"))])
    return Sheet(header, _csv_rows(path, codec, encoding), [])


def _csv_rows(path: Path, codec: str, encoding: str | None) -> Iterator[tuple[int, list[Any]]]:
    # Row numbers count records as a spreadsheet shows them (a quoted line break stays in its cell).
    try:
        with path.open(encoding=codec, newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)  # the header, read already
            for index, cells in enumerate(reader, start=2):
                if any(c.strip() for c in cells):
                    yield index, cells
    except UnicodeDecodeError:
        raise SheetUnreadable(_encoding_problems(path, encoding)) from None


def _read_xlsx(path: Path) -> Sheet:
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many types for a broken file
        return Sheet([], [], [Problem(None, "—", Message("imp_xlsx", detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))])
    try:
        first = next(book.worksheets[0].iter_rows(values_only=True), None)
    finally:
        book.close()
    if first is None:
        return Sheet([], [], [Problem(None, "—", Message("imp_empty"))])
    return Sheet(["" if c is None else str(c) for c in first], _xlsx_rows(path), [])


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)  # read-only: streamed, row by row
    try:
        iterator = book.worksheets[0].iter_rows(values_only=True)
        next(iterator, None)  # the header, read already
        for index, cells in enumerate(iterator, start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            yield index, list(cells)
    finally:
        book.close()


def read_sheet(path: Path, encoding: str | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return Sheet([], [], [Problem(None, "—", Message("imp_format", suffix=suffix or path.name))])


# --- validating ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if type(value) is str:
        text = value.strip()
        # a cell our own exports defused ('=…): read back as typed, so a corrected bad-rows file imports
        if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
            return text[1:]
        return text
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
        except ValueError:  # the shape of a date, a day that does not exist (2026-02-30)
            raise ValueError(Message("imp_impossible_date", value=text)) from None
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


# The largest count the ledger's integer columns hold on every database (PostgreSQL's INTEGER).
MAX_COUNT = 2**31 - 1


def _int(value: Any) -> int:
    text = _text(value)
    if not text:
        return 0
    if not text.isdecimal():  # digits only (full-width too), not ² or ½
        raise ValueError(Message("imp_bad_int", value=_shown(text)))
    if len(text) > 10 or int(text) > MAX_COUNT:
        raise ValueError(Localized("count_too_large", value=_shown(text), max=MAX_COUNT))
    return int(text)


def _shown(text: str) -> str:
    """A cell's text as a message quotes it: at most 40 characters."""
    return text if len(text) <= 40 else f"{text[:40]}…"


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(Message("imp_bad_bool", value=_text(value)))


class Validator:
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
        extra: dict[str, Any] = {}
        for into, converters in ((values, self.converters), (extra, self.extra)):
            for name, convert in converters:
                try:
                    result = convert(cells[name])
                except ValueError as err:
                    errors.append((name, err.args[0]))
                    continue
                if result is not None:
                    into[name] = result
        if extra:
            values["extra"] = extra
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
