"""`tiaojie followup …`: the follow-up sample of a period's settled cases (回访抽查), each visit's
result with the reward it claws back, and the flags shown to reviewers (severity raised after
settlement, near-duplicate cases)."""

from __future__ import annotations

import typer

from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

follow_up_app = typer.Typer(help="回访抽查与审核提示 / follow-up checks and reviewers' flags", no_args_is_help=True)


@follow_up_app.command("draw")
@handled
@utf8_args
def follow_up_draw(ctx: typer.Context, period: str = typer.Argument(..., help="期间，如 2026-05、2026Q2 / period"),
                   unit: str = typer.Option(None, "--unit", help="为哪个单位及其下属单位抽样（默认本人单位）/ unit"),
                   seed: str = typer.Option(None, "--seed", help="随机种子（不填则自动生成并记录）/ seed, kept with the draw"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """抽取一个期间调解成功案件的回访样本（每个期间每个单位只抽一次）/ draw the follow-up sample."""
    from ..ledger.follow_ups import draw

    ledger = ledger_for(ctx, db)
    sample = draw(ledger, acting_user(ledger, user), period, unit=unit, seed=seed)
    _print_sample_with(ctx, ledger, sample)


@follow_up_app.command("show")
@handled
@utf8_args
def follow_up_show(ctx: typer.Context, period: str = typer.Argument(..., help="期间 / period"),
                   unit: str = typer.Option(None, "--unit", help="单位（默认本人单位）/ unit"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """已抽取的回访样本及各案回访结果 / the sample drawn and each case's follow-up."""
    from ..ledger.follow_ups import show

    ledger = ledger_for(ctx, db)
    _print_sample_with(ctx, ledger, show(ledger, acting_user(ledger, user), period, unit=unit))


def _print_sample_with(ctx: typer.Context, ledger, sample) -> None:  # noqa: ANN001
    from ..i18n import tr
    from ..ledger.follow_ups import RESULT_FIELD

    lang = chosen_lang(ctx)
    typer.echo(sample.heading().render(lang))
    pending = tr("follow_up_pending", lang)
    rows = []
    for line in sample.lines:
        visit = line.follow_up
        done = tr("follow_up_done_on", lang, result=ledger.label(RESULT_FIELD, visit.result, lang),
                  day=visit.visited_on.isoformat()) if visit else pending
        rows.append([line.position, line.unit_code, line.number,
                     line.settled_on.isoformat() if line.settled_on else "", done])
    typer.echo(text_table(["th_seed_pos", "th_unit", "th_number", "th_settled_on", "th_follow_up"], rows, lang=lang))


@follow_up_app.command("record")
@handled
@utf8_args
def follow_up_record(ctx: typer.Context,
                     case: str = typer.Argument(..., help="案件 UNIT/卷号 或 id / the case"),
                     result: str = typer.Option(..., "--result",
                                                help="fulfilled|unfulfilled|unreached（协议已履行/协议未履行/联系不到当事人）"),
                     note: str = typer.Option("", "--note", help="回访情况 / note"),
                     on: str = typer.Option(None, "--date", help="回访日期（默认今天）/ date of the visit"),
                     unit: str = typer.Option(None, "--unit", help="案件所属单位（卷号不带单位时）/ the case's unit"),
                     db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记回访结果；协议未履行或联系不到当事人时按奖补规则收回已发奖补 / record a follow-up's result."""
    from ..i18n import tr
    from ..ledger.follow_ups import record
    from ..ledger.views import find_case_id

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    done = record(ledger, by, find_case_id(ledger, case, unit, by), result, note, on=on)
    lang = chosen_lang(ctx)
    typer.echo(tr("follow_up_recorded", lang, number=done.number, unit=done.unit, result=done.result_label,
                  day=done.follow_up.visited_on.isoformat()))
    typer.echo(done.money.render(lang))


@follow_up_app.command("flags")
@handled
@utf8_args
def follow_up_flags(ctx: typer.Context, period: str = typer.Argument(..., help="期间 / period"),
                    unit: str = typer.Option(None, "--unit", help="单位（默认本人可见的全部）/ unit"),
                    db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """审核提示：调结后升级纠纷程度的案件、疑似重复登记的案件 / reviewers' flags for a period."""
    from ..ledger.claim_flags import period_flags
    from ..ledger.periods import parse_period
    from ..store.messages import Message

    ledger = ledger_for(ctx, db)
    flags = period_flags(ledger, acting_user(ledger, user), period, unit=unit)
    lang = chosen_lang(ctx)
    if not flags:
        typer.echo(Message("flags_none", period=parse_period(period).key).render(lang))
        return
    rows = [[flag.unit, flag.number, flag.title().render(lang), flag.message.render(lang)] for flag in flags]
    typer.echo(text_table(["th_unit", "th_number", "th_flag", "th_why"], rows, lang=lang))
