"""`tiaojie banquet …`: banquet filings checked against the village rules, filed, and listed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang
from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..ledger.banquets import BanquetCheck

banquet_app = typer.Typer(help="酒席报备与检查 / banquet filings", no_args_is_help=True)


def _print_check(result: BanquetCheck, lang: Lang) -> None:
    f = result.filing
    verdict = "合规 compliant" if result.compliant else f"违规 {len(f.violations)} 项 violations"
    typer.echo(f"{f.household} {f.occasion} {f.held_on}  {verdict}  [{f.policy_id} {f.version}]")
    for line in result.explanation:
        typer.echo(f"  {line.get(lang, line['zh'])}")


def _banquet_command(store: bool) -> Callable[..., None]:
    @handled
    @utf8_args
    def command(
        ctx: typer.Context,
        household: str = typer.Argument(..., help="户主 / household"),
        occasion: str = typer.Option(..., "--occasion", help="婚嫁/丧事/寿宴…"),
        date: str = typer.Option(..., "--date", help="办酒日期"),
        days: int = typer.Option(1, "--days"),
        tables: int = typer.Option(..., "--tables"),
        gift: str = typer.Option(..., "--gift", help="每人礼金（元）"),
        filed_on: str = typer.Option(None, "--filed-on", help="报备日期（默认今天）"),
        host_age: int = typer.Option(None, "--host-age"),
        unit: str = typer.Option(None, "--unit"),
        db: str = DB_OPTION,
        user: str = USER_OPTION,
    ) -> None:
        from ..ledger import banquets

        _counts_in_range(chosen_lang(ctx), {"--days": days, "--tables": tables, "--host-age": host_age})
        ledger = ledger_for(ctx, db)
        filing = banquets.build_filing(ledger, unit=unit, household=household, occasion=occasion, held_on=date, days=days,
                                       tables=tables, gift=gift, filed_on=filed_on, host_age=host_age)
        if store:
            result = banquets.file_banquet(ledger, acting_user(ledger, user), filing)
        else:
            result = banquets.evaluate_filing(ledger, filing)
        _print_check(result, chosen_lang(ctx))
        if not result.compliant and not store:
            raise typer.Exit(3)

    command.__doc__ = "登记酒席报备并检查、保存违规项 / file a banquet" if store else "只检查，不保存 / check without storing"
    return command


def _counts_in_range(lang: Lang, counts: dict[str, int | None]) -> None:
    """A count beyond what the ledger's integer columns hold is refused by its option."""
    from ..i18n import Localized, tr
    from ..ledger.import_sheet import MAX_COUNT
    from .ledger_common import fail

    for option, value in counts.items():
        if value is not None and abs(value) > MAX_COUNT:
            shown = str(value) if len(str(value)) <= 20 else f"{str(value)[:20]}…"
            fail(tr("input_invalid", lang, field=option, detail=Localized("count_too_large", value=shown, max=MAX_COUNT)))


banquet_app.command("file")(_banquet_command(True))
banquet_app.command("check")(_banquet_command(False))


@banquet_app.command("list")
@handled
def banquet_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"), year: int = typer.Option(None, "--year"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本人单位及下属单位的酒席报备 / the filings of the user's unit and the units under it."""
    from ..ledger.banquets import list_filings

    ledger = ledger_for(ctx, db)
    rows = list_filings(ledger, user=acting_user(ledger, user), unit=unit, year=year)
    typer.echo(text_table(["th_household", "th_occasion", "th_date", "th_days", "th_tables", "th_gift", "th_violations"],
                          [[f.household, ledger.label("occasion", f.occasion), f.held_on, f.days, f.tables, f"{f.gift:.2f}",
                            "、".join(v["title"] for v in f.violations)] for f in rows], lang=chosen_lang(ctx)))
