"""The statistics form as the justice bureau asks for it (人民调解工作统计表): for a period and a
unit (with the units under it), every dispute category of the vocabulary — the Ministry of
Justice's fifteen — with the cases received, settled, failed and escalated, the settlement rate,
and the 防激化 figures (cases in which a suicide, a criminal case or a mass incident was prevented,
and the persons concerned); then the same per unit.

Every figure is counted from the cases: the rate is settled ÷ received over the same cases, never
a typed-in number, as `ledger.stats` does for the everyday statistics. The grouping and counting
is SQL (`store.stats_form_queries`); a category with no case still has its row, since the bureau's
form lists all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..i18n import Lang
from ..models import User
from ..store.case_inputs import Source
from ..store.messages import tr
from ..store.stats_form_queries import form_counts
from .context import Ledger
from .errors import InvalidInput
from .exports import append_row
from .periods import parse_period
from .views import visible_units

# The case fields the form counts as 防激化, each a count of persons per case (fields.toml).
PREVENTION_FIELDS = ("prevented_suicides", "prevented_criminal", "mass_incidents_stopped")
CATEGORY = "category"
SETTLED, FAILED, ESCALATED = "settled", "failed", "escalated"


@dataclass(frozen=True)
class Prevention:
    """A 防激化 field the form counts, with the column titles of its two figures."""

    field: str
    cases: tuple[str, str]  # (zh, en) title of the count of cases
    persons: tuple[str, str]  # … of the persons in them


@dataclass
class FormRow:
    key: str  # category id, unit code, or "total"
    label: tuple[str, str]  # (zh, en)
    received: int = 0
    settled: int = 0
    failed: int = 0
    escalated: int = 0
    prevented: list[list[int]] = field(default_factory=list)  # per Prevention: [cases, persons]

    @property
    def rate(self) -> Decimal | None:
        """Settled ÷ received, in percent to one decimal; None when nothing was received."""
        if not self.received:
            return None
        return (Decimal(self.settled) * 100 / Decimal(self.received)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def add(self, received: int, settled: int, failed: int, escalated: int, counted: tuple[tuple[int, int], ...]) -> None:
        self.received += received
        self.settled += settled
        self.failed += failed
        self.escalated += escalated
        for pair, (cases, persons) in zip(self.prevented, counted):
            pair[0] += cases
            pair[1] += persons


@dataclass
class StatsForm:
    period: str | None  # canonical key (2026Q3), None: every case
    starts_on: dt.date | None
    ends_on: dt.date | None
    unit: str | None  # the unit asked for, by name; None: every unit the reader sees
    preventions: list[Prevention]
    by_category: list[FormRow]  # every category, then the total
    by_unit: list[FormRow]  # every unit with a case, then the total

    @property
    def total(self) -> FormRow:
        return self.by_category[-1]


def _titles(key: str, fallback: tuple[str, str]) -> tuple[str, str]:
    """(zh, en) of a catalog key, or the fallback for a field the catalog does not name."""
    from ..store.stats_form_messages import STATS_FORM_MESSAGES

    return STATS_FORM_MESSAGES.get(key, fallback)


def _preventions(ledger: Ledger) -> list[tuple[Prevention, Source]]:
    """The 防激化 fields the vocabulary in force declares, with where each is kept."""
    out = []
    for name in PREVENTION_FIELDS:
        fdef = ledger.vocabulary.fields.get(name)
        source = ledger.projection.source(name)
        if fdef is None or source is None:
            continue  # a county's vocabulary without the field: the form leaves its columns out
        zh, en = fdef.title, fdef.title_en or fdef.title
        out.append((Prevention(name, _titles(f"sf_th_{name}_cases", (f"{zh}（件）", f"{en} (cases)")),
                               _titles(f"sf_th_{name}_persons", (zh, en))), source))
    return out


def compute_form(ledger: Ledger, *, period: str | None = None, unit: str | None = None,
                 user: User | None = None) -> StatsForm:
    """The form for the cases received in `period` (2026-10, 2026Q3, 2026; every case when None)
    held by `unit` and the units under it, as far as `user` may see."""
    span = parse_period(period) if period else None
    preventions = _preventions(ledger)
    width = len(preventions)
    category_enum = ledger.vocabulary.enums.get(CATEGORY)
    labels = dict(category_enum.labels) if category_enum else {}
    labels_en = dict(category_enum.labels_en or {}) if category_enum else {}

    def row(key: str, label: tuple[str, str]) -> FormRow:
        return FormRow(key, label, prevented=[[0, 0] for _ in range(width)])

    with ledger.uow() as uow:
        unit_ids = visible_units(ledger, uow, user, unit)
        units = {u.id: u for u in uow.units.list()}
        counts = form_counts(uow, received_between=(span.starts_on, span.ends_on) if span else None,
                             unit_ids=unit_ids, settled=SETTLED, failed=FAILED, escalated=ESCALATED,
                             fields=[source for _, source in preventions])
    unit_name = None
    if unit not in (None, ""):
        asked = next((u for u in units.values() if u.code == unit or str(u.id) == str(unit) or u.name == unit), None)
        unit_name = asked.name if asked else str(unit)
    categories = {key: row(key, (text, labels_en.get(key, text))) for key, text in labels.items()}
    per_unit: dict[int, FormRow] = {}
    total = row("total", (tr("sf_total", "zh"), tr("sf_total", "en")))
    unit_total = row("total", total.label)
    for count in counts:
        if count.category not in categories:  # kept under a category the vocabulary no longer has
            categories[count.category] = row(count.category, (count.category, count.category))
        u = units.get(count.unit_id)
        if count.unit_id not in per_unit:
            name = u.name if u else str(count.unit_id)
            per_unit[count.unit_id] = row(u.code if u else str(count.unit_id), (name, name))
        figures = (count.received, count.settled, count.failed, count.escalated, count.counted)
        for target in (categories[count.category], per_unit[count.unit_id], total, unit_total):
            target.add(*figures)
    if span is None:
        starts, ends = None, None
    else:
        starts, ends = span.starts_on, span.ends_on
    return StatsForm(
        period=span.key if span else None, starts_on=starts, ends_on=ends, unit=unit_name,
        preventions=[p for p, _ in preventions], by_category=[*categories.values(), total],
        by_unit=[*sorted(per_unit.values(), key=lambda r: r.key), unit_total],
    )


def form_title(form: StatsForm, lang: Lang) -> str:
    period = form.period or tr("sf_all_periods", lang)
    where = form.unit or tr("sf_all_units", lang)
    return tr("sf_title", lang, period=period, unit=where)


def form_header(form: StatsForm, lang: Lang, first: str = "sf_th_category") -> list[str]:
    i = 0 if lang == "zh" else 1
    head = [tr(k, lang) for k in (first, "sf_th_received", "sf_th_settled", "sf_th_rate", "sf_th_failed", "sf_th_escalated")]
    for p in form.preventions:
        head += [p.cases[i], p.persons[i]]
    return head


def shown_rate(rate: Decimal | None) -> str:
    return "—" if rate is None else str(rate)  # the heading says (%)


def form_rows(rows: list[FormRow], lang: Lang, *, rate_as_text: bool = True) -> list[list[object]]:
    """Rows as the screen and the sheet show them; the rate as text ('69.5%') or as the number."""
    i = 0 if lang == "zh" else 1
    out: list[list[object]] = []
    for r in rows:
        rate: object = shown_rate(r.rate) if rate_as_text else (r.rate if r.rate is not None else "—")
        out.append([r.label[i], r.received, r.settled, rate, r.failed, r.escalated, *(v for pair in r.prevented for v in pair)])
    return out


def write_form_xlsx(form: StatsForm, path: Path, lang: Lang = "zh") -> Path:
    """The form as FILE.xlsx: a sheet by category and a sheet by unit, each under the form's title
    and period, the headers in Chinese (English when `lang` is en); no cell holds a formula."""
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput("sf_bad_suffix", path=str(path))
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    span = (f"{form.starts_on.isoformat()} — {form.ends_on.isoformat()}"
            if form.starts_on and form.ends_on else tr("sf_all_periods", lang))
    for sheet_key, first, rows in (("sf_sheet_category", "sf_th_category", form.by_category),
                                   ("sf_sheet_unit", "sf_th_unit", form.by_unit)):
        sheet = book.create_sheet(tr(sheet_key, lang))
        append_row(sheet, [form_title(form, lang)])
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        append_row(sheet, [tr("sf_received_between", lang, span=span)])
        append_row(sheet, form_header(form, lang, first))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for values in form_rows(rows, lang, rate_as_text=False):
            append_row(sheet, values)
            rate = sheet.cell(sheet.max_row, 4)
            if isinstance(rate.value, (int, float, Decimal)):
                rate.number_format = "0.0"
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 18
        for index in range(2, len(form_header(form, lang)) + 1):
            sheet.column_dimensions[sheet.cell(3, index).column_letter].width = 14
    book.save(path)
    return path


__all__ = ["PREVENTION_FIELDS", "Prevention", "FormRow", "StatsForm", "compute_form", "form_title", "form_header",
           "form_rows", "shown_rate", "write_form_xlsx"]
