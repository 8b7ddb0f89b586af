"""Period statements: per payee and per unit, with the per-case lines, the adjustments and the
policy versions used; headers in the user's language (Chinese unless English was chosen, the words
in `export_words`); totals that balance to the fen. XLSX or CSV."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..i18n import Lang
from ..vocabulary import FieldDef
from .audit import head as audit_head
from .claim_statement import claim_tables
from .context import Ledger
from .errors import InvalidInput
from .export_words import word, words
from .exports import append_row, open_csv, write_csv_rows
from .periods import PeriodReport, show

ZERO = Decimal("0.00")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[object]]
    money_columns: set[int]


def statement_tables(ledger: Ledger, report: PeriodReport, lang: Lang = "zh") -> list[Table]:
    with ledger.uow() as uow:
        units = {u.id: u for u in uow.units.list()}
        case_ids = {line.case_id for line in report.lines} | {a.case_id for a in report.adjustments}
        cases = {case.id: case for case in uow.cases.get_many(sorted(case_ids))}
        periods = {p.id: p.key for p in uow.periods.list()}

    total = word("st_total", lang)
    by_payee = Table(word("st_sheet_by_payee", lang), words(lang, "st_payee", "st_unit_code", "st_unit", "st_cases",
                                                            "st_gross_before_cap", "st_paid", "st_adjustment",
                                                            "st_total"), [], {4, 5, 6, 7})
    for p in report.payees:
        unit = units.get(p.unit_id)
        by_payee.rows.append([p.payee, unit.code if unit else "", unit.name if unit else "", p.cases, p.gross, p.paid, p.adjustments, p.total])

    per_unit: dict[int, list] = {}  # unit id → [cases, paid, adjustments, total]
    for p in report.payees:
        row = per_unit.setdefault(p.unit_id, [0, ZERO, ZERO, ZERO])
        row[0] += p.cases
        row[1] += p.paid
        row[2] += p.adjustments
        row[3] += p.total
    by_unit = Table(word("st_sheet_by_unit", lang), words(lang, "st_unit_code", "st_unit", "st_cases", "st_paid",
                                                          "st_adjustment", "st_total"), [], {3, 4, 5})
    for unit_id in sorted(per_unit, key=lambda u: units[u].code if u in units else ""):
        unit = units.get(unit_id)
        by_unit.rows.append([unit.code if unit else "", unit.name if unit else "", *per_unit[unit_id]])

    read = _extra_fields_read(ledger, report)
    lines = Table(word("st_sheet_lines", lang), [*words(lang, "st_number", "st_unit", "st_payee", "st_settled_on",
                                                         "st_severity"), *(f.label(lang) for f in read),
                                                 *words(lang, "st_policy", "st_version", "st_gross", "st_paid",
                                                        "st_capped_by")], [], {7 + len(read), 8 + len(read)})
    for line in report.lines:
        case = cases[line.case_id]
        extra = ledger.projection.extra_values(case) if read else {}
        lines.rows.append([
            case.number, units[line.unit_id].name, line.payee, case.settled_on.isoformat() if case.settled_on else "",
            ledger.label("severity", case.severity, lang),
            *(f.show(extra[f.name], lang) if f.name in extra else "" for f in read),
            line.policy_id, line.version, line.gross, line.amount, line.capped_by or "",
        ])
    adjustments = Table(word("st_sheet_adjustments", lang), words(lang, "st_number", "st_payee", "st_amount",
                                                                  "st_original_period", "st_reason", "st_entered_by"),
                        [], {2})
    for adj in report.adjustments:
        adjustments.rows.append([
            cases[adj.case_id].number, adj.payee, adj.amount, periods.get(adj.original_period_id, ""), adj.reason, adj.by_user,
        ])
    versions = Table(word("st_sheet_versions", lang), words(lang, "st_policy", "st_version", "st_hash"),
                     [list(v) for v in report.versions], set())

    total_lines = sum((line.amount for line in report.lines), ZERO)
    total_adj = sum((a.amount for a in report.adjustments), ZERO)
    payee_total = sum((p.total for p in report.payees), ZERO)
    unit_total = sum((row[3] for row in per_unit.values()), ZERO)
    # The three ways of adding up must agree to the fen, or the statement is not issued.
    if not (payee_total == unit_total == total_lines + total_adj):
        raise AssertionError(f"statement does not balance: {payee_total} {unit_total} {total_lines + total_adj}")
    cases_counted = sum(p.cases for p in report.payees)
    by_payee.rows.append([total, "", "", cases_counted, sum((p.gross for p in report.payees), ZERO), total_lines, total_adj,
                          payee_total])
    by_unit.rows.append([total, "", cases_counted, total_lines, total_adj, unit_total])
    lines.rows.append([total, "", "", "", "", *([""] * len(read)), "", "", sum((line.gross for line in report.lines), ZERO),
                       total_lines, ""])
    adjustments.rows.append([total, "", total_adj, "", "", ""])
    return [by_payee, by_unit, lines, adjustments, versions]


def _extra_fields_read(ledger: Ledger, report: PeriodReport) -> list[FieldDef]:
    """The case fields kept outside the fixed columns that a paying policy version reads: the
    detail shows the values the money was decided on."""
    names: dict[str, None] = {}
    for policy_id, _version, content_hash in report.versions:
        policy = ledger.rules.book.by_hash(policy_id, content_hash)
        for name in policy.fields if policy is not None else ():
            if ledger.projection.is_extra(name):
                names.setdefault(name, None)
    return [ledger.vocabulary.fields[name] for name in names]


def export_statement(ledger: Ledger, key: str, path: Path | str, fmt: str | None = None, lang: Lang = "zh") -> Path:
    """Write the period's statement to `path` (XLSX or CSV), its sheet names and headers in `lang`."""
    report = show(ledger, key, with_lines=True)
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "xlsx").lower()
    tables = statement_tables(ledger, report, lang)
    tables[-1:-1] = [Table(s.title, s.header, s.rows, s.money_columns) for s in claim_tables(ledger, report, lang)]
    # With the content hashes of the policy versions: whoever holds the sheet holds the chain head
    # as of its export, and can check the ledger's audit log against it (`audit verify --head`).
    # Read after the figures, so it covers every entry behind them.
    tables[-1].rows.append([word("st_head", lang), word("st_head_when", lang), audit_head(ledger).text()])
    state = word("st_closed" if report.period.status == "closed" else "st_open", lang)
    title = word("st_title", lang, period=report.period.key, state=state)
    if fmt == "xlsx":
        write_tables_xlsx(path, title, tables)
    elif fmt == "csv":
        write_tables_csv(path, title, tables, lang)
    else:
        raise InvalidInput("imp_format", suffix=fmt)
    return path


def write_tables_csv(path: Path, title: str, tables: list[Table], lang: Lang = "zh") -> None:
    # One file, one table after another, each under its title row; utf-8-sig so Excel reads Chinese.
    fh, writer = open_csv(path)
    with fh:
        write_csv_rows(writer, [[title]])
        for table in tables:
            write_csv_rows(writer, [[], [word("st_csv_table", lang, title=table.title)], table.header, *table.rows])


def write_tables_xlsx(path: Path, title: str, tables: list[Table]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title)
        append_row(sheet, [title])
        sheet["A1"].font = Font(bold=True)
        append_row(sheet, table.header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            append_row(sheet, row, table.money_columns)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 10
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 2), 60)
    book.save(path)
