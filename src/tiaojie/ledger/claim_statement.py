"""A period's statement, for the claims made of it: the review chain each claim went through (who,
when, what decision), the lines rejected apart with their reasons, and — while the period is still
open — what payment (拨付) already wrote into it. Added to the sheets of `statements`, in the same
language: sheet names, headers, step titles and decisions; names and reasons as stored."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Lang, pick, tr
from .claims import ClaimView, of_period
from .context import Ledger
from .export_words import word, words
from .period_rewards import PeriodReport

ZERO = Decimal("0.00")


@dataclass
class Sheet:
    """A table of the statement: `statements.Table`'s fields, so that module can take it as one."""

    title: str
    header: list[str]
    rows: list[list[object]]
    money_columns: set[int]


def claim_tables(ledger: Ledger, report: PeriodReport, lang: Lang = "zh") -> list[Sheet]:
    """No sheet at all for a period nobody claimed: its statement stays as it was."""
    views = of_period(ledger, report.period.key)
    if not views:
        return []
    return [_chain(views, lang), _rejected(views, lang),
            *([_paid(views, lang)] if report.period.status != "closed" else [])]


def _title(view: ClaimView, step_id: str | None, lang: Lang) -> str:
    if not step_id:
        return ""
    step = view.claim.step_def(step_id)
    return pick(step.title, step.title_en, lang)


def _chain(views: list[ClaimView], lang: Lang) -> Sheet:
    table = Sheet(word("cs_sheet_chain", lang), words(lang, "cs_claim", "st_unit", "cs_step", "cs_decision", "st_number",
                                                      "cs_by", "cs_date", "cs_reason"), [], set())
    for view in views:
        for d in view.decisions:
            table.rows.append([view.claim.number, view.unit.name, _title(view, d.step, lang),
                               tr(f"claim_decision_{d.decision}", lang),
                               view.case_number(d.case_id), d.by_user, d.decided_on.isoformat(), d.reason])
    return table


def _rejected(views: list[ClaimView], lang: Lang) -> Sheet:
    table = Sheet(word("cs_sheet_rejected", lang), words(lang, "cs_claim", "st_number", "st_unit", "st_payee",
                                                         "cs_claimed", "cs_rejected_at", "cs_rejected_by",
                                                         "cs_reason"), [], {4})
    total = ZERO
    for view in views:
        for line, case in view.rejected:
            total += line.amount
            table.rows.append([view.claim.number, case.number, view.unit.name, line.payee, line.amount,
                               _title(view, line.decided_step, lang), line.decided_by or "", line.reason])
    table.rows.append([word("st_total", lang), "", "", "", total, "", "", ""])
    return table


def _paid(views: list[ClaimView], lang: Lang) -> Sheet:
    table = Sheet(word("cs_sheet_paid", lang), words(lang, "cs_claim", "st_number", "st_unit", "st_payee", "st_policy",
                                                     "st_version", "st_paid"), [], {6})
    total = ZERO
    for view in views:
        if view.claim.status != "paid":
            continue
        for line, case in view.accepted:
            total += line.amount
            table.rows.append([view.claim.number, case.number, view.unit.name, line.payee, line.policy_id,
                               line.version, line.amount])
    table.rows.append([word("st_total", lang), "", "", "", "", "", total])
    return table
