"""`tiaojie period …` and `tiaojie statement`: rewards computed per payee, shown, paid and locked,
corrected by adjustments; a period's statement exported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang, tr
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..ledger.context import Ledger
    from ..ledger.period_rewards import PeriodReport

period_app = typer.Typer(help="期间：计算、查看、关闭（锁定）、调整 / periods", no_args_is_help=True)


def _print_report(report: PeriodReport, lang: Lang) -> None:
    status = tr(f"cli_period_{report.period.status}", lang)
    typer.echo(f"{report.period.key}  {report.period.starts_on} – {report.period.ends_on}  {status}")
    typer.echo(text_table(
        ["th_payee", "th_cases", "th_gross", "th_paid", "th_adjust", "th_total"],
        [[p.payee, p.cases, f"{p.gross:.2f}", f"{p.paid:.2f}", f"{p.adjustments:.2f}", f"{p.total:.2f}"] for p in report.payees]
        + [[tr("th_total", lang), sum(p.cases for p in report.payees), "", "", "", f"{report.total:.2f}"]], lang=lang
    ))
    for policy, version, digest in report.versions:
        typer.echo(f"  {policy} {version} {digest[:19]}")
    for case_id, reason in report.skipped:
        typer.echo(f"  ! case {case_id}: {reason}", err=True)


@period_app.command("compute")
@handled
def period_compute(ctx: typer.Context, period: str = typer.Argument(...), lines: bool = typer.Option(False, "--lines"), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """按领取人试算奖补（含封顶），关闭前不发放 / rewards per payee with caps; nothing is paid until close."""
    from ..ledger import periods

    ledger = ledger_for(ctx, db)
    report = periods.compute(ledger, acting_user(ledger, user), period, with_lines=lines)
    _print_report(report, chosen_lang(ctx))
    if lines:
        _print_lines(ledger, report, chosen_lang(ctx))


def _print_lines(ledger: Ledger, report: PeriodReport, lang: Lang) -> None:
    from ..ledger.views import case_numbers

    numbers = case_numbers(ledger, [line.case_id for line in report.lines])
    typer.echo(text_table(["th_payee", "th_number", "th_policy", "th_version", "th_gross", "th_paid", "th_capped"],
                          [[line.payee, numbers[line.case_id], line.policy_id, line.version, f"{line.gross:.2f}", f"{line.amount:.2f}", line.capped_by or ""]
                           for line in report.lines], lang=lang))


@period_app.command("show")
@handled
def period_show(ctx: typer.Context, period: str = typer.Argument(...), lines: bool = typer.Option(False, "--lines"), db: str = DB_OPTION) -> None:
    from ..ledger import periods

    ledger = ledger_for(ctx, db)
    report = periods.show(ledger, period, with_lines=lines)
    _print_report(report, chosen_lang(ctx))
    if lines:
        _print_lines(ledger, report, chosen_lang(ctx))


@period_app.command("close")
@handled
def period_close(ctx: typer.Context, period: str = typer.Argument(...), db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """发放并锁定：写入逐案发放明细，之后案件与发放不能再改 / pay and lock the period."""
    from ..ledger import periods
    from ..ledger.audit import head_line

    ledger = ledger_for(ctx, db)
    closed = periods.close(ledger, acting_user(ledger, user), period)
    typer.echo(tr("cli_closed_by", chosen_lang(ctx), period=closed.key, by=closed.closed_by, at=f"{closed.closed_at:%Y-%m-%d %H:%M}"))
    typer.echo(head_line(ledger, chosen_lang(ctx)))  # read after the close's commit: it covers the close's own entry


def _signed_amount(ctx: typer.Context, value: str) -> str:
    """With unknown options let through as arguments, an option typed in the amount's place
    (a misspelt `--reasn`) is still refused as an option, not read as an amount."""
    if value[:1] == "-" and not value[1:2].isdigit() and value[1:2] != ".":
        raise typer.BadParameter(tr("cli_amount_not_option", chosen_lang(ctx), value=value))
    return value


# A negative amount (`-30`) claws back: it is read as the amount, never as an unknown option.
@period_app.command("adjust", context_settings={"ignore_unknown_options": True})
@handled
def period_adjust(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="登记调整的（未关闭）期间 / the open period that books it"),
    case: str = typer.Argument(..., help="已在关闭期间发放的案件 UNIT/NUMBER 或 id / a case paid in a closed period"),
    amount: str = typer.Argument(..., help="元，可为负 / yuan, may be negative", callback=_signed_amount),
    reason: str = typer.Option(..., "--reason"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    """更正已关闭期间的案件：在未关闭期间登记调整并说明原因 / book a correction."""
    from ..ledger import periods
    from ..ledger.views import find_case_id

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    adj = periods.adjust(ledger, by, period, find_case_id(ledger, case, None), _adjustment_amount(amount), reason)
    typer.echo(f"{period}: {adj.payee} {adj.amount:.2f} — {adj.reason}")


@handled
def statement_cmd(
    ctx: typer.Context,
    period: str = typer.Argument(...),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx | csv"),
    out: Path = typer.Option(..., "-o", "--output"),
    db: str = DB_OPTION,
) -> None:
    """导出发放表：按领取人、按单位、明细、调整、政策版本 / export a period statement."""
    from ..ledger.audit import head_line
    from ..ledger.statements import export_statement

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    typer.echo(str(export_statement(ledger, period, out, fmt, lang)))
    typer.echo(head_line(ledger, lang))


def _adjustment_amount(text: str) -> Decimal:
    """The correction as typed, in yuan to the fen; negative claws back."""
    from ..ledger.errors import InvalidInput
    from ..money import exact_fen, parse_yuan

    amount = parse_yuan(text)  # MoneyError (not a number, beyond the ledger's range) is reported by `handled`
    if exact_fen(amount) is None:
        raise InvalidInput("adjust_places", amount=text)
    return amount
