"""`tiaojie dividend …`: a collective's yearly dividend computed, shown and exported."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang, tr
from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..ledger.context import Ledger
    from ..models import DistributionRun

dividend_app = typer.Typer(help="集体经济组织分红 / collective dividends", no_args_is_help=True)


@dividend_app.command("run")
@handled
@utf8_args
def dividend_run(
    ctx: typer.Context,
    collective: str = typer.Argument(...),
    year: int = typer.Argument(...),
    policy: str = typer.Option(None, "--policy", help="只作核对：须与本集体绑定的分红政策一致 / a check only: must be the collective's own policy"),
    income: str = typer.Option("0", "--income", help="其他收入（元）"),
    costs: str = typer.Option("0", "--costs", help="成本（元）"),
    db: str = DB_OPTION,
    user: str = USER_OPTION,
) -> None:
    import datetime as dt

    from ..ledger import dividends
    from ..money import parse_yuan
    from .ledger_common import fail

    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        shown = str(year) if len(str(year)) <= 20 else f"{str(year)[:20]}…"
        fail(tr("year_out_of_range", chosen_lang(ctx), value=shown, low=dt.MINYEAR, high=dt.MAXYEAR))
    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    bound = dividends.collective(ledger, collective)
    dividends.bound_policy(bound, policy)  # refused naming both before anything is computed
    run = dividends.run_dividend(ledger, by, collective, year, policy_id=policy, income=parse_yuan(income), costs=parse_yuan(costs))
    # said with the result, not before it: a refused run stays one line, the refusal
    typer.echo(tr("cli_collective_policy", chosen_lang(ctx), collective=bound.code, name=bound.name, policy=dividends.policy_label(ledger, bound.policy_id, chosen_lang(ctx))))
    _print_run(ledger, run, chosen_lang(ctx))


def _print_run(ledger: Ledger, run: DistributionRun, lang: Lang) -> None:
    from ..ledger.dividends import members_by_id

    members = members_by_id(ledger, run.collective_id)
    typer.echo(tr("cli_dividend_run", lang, year=run.year, run=run.run_no, policy=run.policy_id, version=run.version,
                  income=f"{run.income:.2f}", retained=f"{run.retained:.2f}", pool=f"{run.pool:.2f}",
                  leftover=f"{run.leftover:.2f}"))
    for line in run.detail.get("explanation", []):
        typer.echo(f"  {line.get(lang, line.get('zh'))}")
    typer.echo(text_table(["th_member", "th_person", "th_shares", "th_dividend"],
                          [[members[a.member_id].member_no, members[a.member_id].name, a.weighted_shares, f"{a.amount:.2f}"] for a in run.allocations]
                          + [[tr("th_total", lang), "", "", f"{sum((a.amount for a in run.allocations), Decimal(0)):.2f}"]], lang=lang))


@dividend_app.command("show")
@handled
def dividend_show(
    ctx: typer.Context,
    collective: str = typer.Argument(None),
    year: int = typer.Option(None, "--year"),
    out: Path = typer.Option(None, "-o", "--output", help="导出 .xlsx 或 .csv"),
    db: str = DB_OPTION,
) -> None:
    from ..ledger import dividends

    ledger = ledger_for(ctx, db)
    runs = dividends.list_runs(ledger, collective, year)
    for run in runs:
        _print_run(ledger, run, chosen_lang(ctx))
    if out and runs:
        _export_run(ledger, runs[-1], out, chosen_lang(ctx))
        typer.echo(str(out))


def _export_run(ledger: Ledger, run: DistributionRun, out: Path, lang: Lang = "zh") -> None:
    from ..ledger.dividend_export import export_run
    from ..ledger.dividends import members_by_id

    export_run(run, members_by_id(ledger, run.collective_id), out, lang)
