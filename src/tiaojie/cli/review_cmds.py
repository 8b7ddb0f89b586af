"""`tiaojie review …`: the cadres' half-yearly satisfaction reviews (民意测评) — counts entered, the
review policy's decision stored, listed and exported."""

from __future__ import annotations

from pathlib import Path

import typer

from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

review_app = typer.Typer(help="干部民意测评（每半年）/ half-yearly satisfaction reviews", no_args_is_help=True)


@review_app.command("add")
@handled
@utf8_args
def review_add(ctx: typer.Context, cadre: str = typer.Argument(..., help="干部姓名 / cadre"),
               unit: str = typer.Option(..., "--unit", help="村（代码或名称）/ village"),
               date: str = typer.Option(..., "--date", help="测评日期 / review date"),
               respondents: int = typer.Option(..., "--respondents", help="参评人数"),
               dissatisfied: int = typer.Option(..., "--dissatisfied", help="不满意人数"),
               half: str = typer.Option(None, "--half", help="半年度，如 2026-H1（默认按测评日期）"),
               db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记一名干部的半年民意测评（再次登记即更正）/ record (or correct) a cadre's review."""
    from ..i18n import tr
    from ..ledger.reviews import record_review
    from ..ledger.reviews_export import shown

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    line = record_review(ledger, acting_user(ledger, user), unit=unit, cadre=cadre, review_on=date,
                         respondents=respondents, dissatisfied=dissatisfied, half=_half(half, lang))
    parts = [f"{t.render(lang)} {shown(v, lang)}" for t, v in [*line.derived, *line.outputs]]
    typer.echo(tr("review_recorded", lang, cadre=line.cadre, unit=line.unit, half=line.review.half,
                  decision="，".join(parts) if lang == "zh" else ", ".join(parts)))
    typer.echo(f"  [{line.review.policy_id} {line.review.version}]")


@review_app.command("import")
@handled
def review_import(ctx: typer.Context, file: Path = typer.Argument(..., help="CSV 或 XLSX：单位、干部、测评日期、参评人数、不满意人数"),
                  encoding: str = typer.Option(None, "--encoding", help="CSV 编码，如 gbk"),
                  db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """导入测评结果（有一行错误则全部不导入）/ import results (all or nothing)."""
    from ..i18n import tr
    from ..ledger.reviews_import import ReviewImportRefused, import_reviews
    from .ledger_common import fail

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    try:
        lines = import_reviews(ledger, acting_user(ledger, user), file, encoding)
    except ReviewImportRefused as refused:
        for problem in refused.problems:
            typer.echo(problem.render(lang), err=True)
        fail(refused.msg.render(lang))
    typer.echo(tr("review_imported", lang, count=len(lines)))


@review_app.command("list")
@handled
def review_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                half: str = typer.Option(None, "--half", help="如 2026-H1"),
                db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """测评结果 / stored results, per cadre."""
    from ..ledger.reviews import list_reviews
    from ..ledger.reviews_export import review_table

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    header, rows = review_table(list_reviews(ledger, acting_user(ledger, user), unit=unit, half=_half(half, lang)), lang)
    typer.echo(text_table(header, rows, lang=lang))


@review_app.command("export")
@handled
def review_export(ctx: typer.Context, out: Path = typer.Option(..., "-o", "--output", help="FILE.xlsx 或 FILE.csv"),
                  unit: str = typer.Option(None, "--unit"), half: str = typer.Option(None, "--half"),
                  db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """导出测评结果 / export the results."""
    from ..i18n import tr
    from ..ledger.reviews import list_reviews
    from ..ledger.reviews_export import export_reviews

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    lines = list_reviews(ledger, acting_user(ledger, user), unit=unit, half=_half(half, lang))
    export_reviews(lines, out, lang)
    typer.echo(tr("review_exported", lang, count=len(lines), path=out))


def _half(value: str | None, lang: str) -> str | None:
    import re

    from ..i18n import tr
    from .ledger_common import fail

    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{4}-H[12]", value.strip().upper()):
        fail(tr("review_half", lang, value=value))  # type: ignore[arg-type]
    return value.strip().upper()
