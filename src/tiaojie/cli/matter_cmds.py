"""`tiaojie matter …` and `tiaojie meeting …`: residents' matters (诉求事项) and the four parties'
meetings that decide them (四方共创 例会 / 紧急会议) — a matter raised and routed by the rules,
a meeting planned with its agenda, attendance, consensus and measures recorded, measures followed
to done or overdue, the minutes exported, and the resolution rate counted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, fail, handled, ledger_for, text_table

matter_app = typer.Typer(help="群众诉求事项 / residents' matters", no_args_is_help=True)
meeting_app = typer.Typer(help="四方共创 例会与紧急会议 / the four parties' meetings", no_args_is_help=True)


def _as_of(value: str | None) -> dt.date | None:
    from ..ledger.matters import day

    return day(value, "th_mt_as_of") if value else None


@matter_app.command("add")
@handled
@utf8_args
def matter_add(ctx: typer.Context,
               summary: str = typer.Argument(..., help="诉求内容 / what is asked"),
               unit: str = typer.Option(..., "--unit", help="所在单位（代码或名称）/ unit"),
               raised_by: str = typer.Option(..., "--by", help="提出人或群体 / the resident or group"),
               date: str = typer.Option(None, "--date", help="提出日期（默认今天）/ raised on (today)"),
               urgency: str = typer.Option("normal", "--urgency", help="紧急程度：一般 / 紧急"),
               party: list[str] = typer.Option(None, "--party", help="涉及方（可多次）：公司 村 政府 专家"),
               db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记群众诉求；按规则安排紧急会议或月度例会 / register a matter, routed to its meeting by the rules."""
    from ..i18n import tr
    from ..ledger.matters import add_matter

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    matter = add_matter(ledger, acting_user(ledger, user), unit=unit, raised_by=raised_by, summary=summary,
                        raised_on=date or ledger.date(), urgency=urgency, parties=party or ())
    typer.echo(tr("matter_added", lang, number=matter.number, kind=tr(f"meeting_{matter.meeting_kind}", lang),
                  date=matter.meeting_by.isoformat()))
    typer.echo(f"  [{matter.policy_id} {matter.version}]")


@matter_app.command("list")
@handled
def matter_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                status: str = typer.Option(None, "--status", help="open / resolved / unresolved"),
                db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """诉求事项 / the matters of the user's units."""
    from ..i18n import tr
    from ..ledger.matters import list_matters

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    rows = [[line.matter.number, line.unit, line.matter.raised_on.isoformat(), line.matter.raised_by,
             line.matter.summary, ledger.label("urgency", line.matter.urgency, lang),
             f"{tr('meeting_' + line.matter.meeting_kind, lang)} {line.matter.meeting_by.isoformat()}",
             tr(f"matter_{line.matter.status}", lang)]
            for line in list_matters(ledger, acting_user(ledger, user), unit=unit, status=status)]
    typer.echo(text_table(["th_mt_matter", "th_unit", "th_mt_raised_on", "th_mt_raised_by", "th_mt_summary",
                           "th_mt_urgency", "th_mt_meeting_by", "th_status"], rows, lang=lang))


@matter_app.command("close")
@handled
@utf8_args
def matter_close(ctx: typer.Context, number: str = typer.Argument(..., help="诉求编号，如 SQ-2026-0001"),
                 resolved: bool = typer.Option(..., "--resolved/--unresolved", help="已解决 / 未解决"),
                 reason: str = typer.Option("", "--reason", help="说明（未解决时必填）/ why (required if unresolved)"),
                 date: str = typer.Option(None, "--date", help="办结日期（默认今天）"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """办结诉求：已解决或未解决并说明理由 / close a matter, resolved or not."""
    from ..i18n import tr
    from ..ledger.matters import close_matter

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    matter = close_matter(ledger, acting_user(ledger, user), number, resolved=resolved, reason=reason, closed_on=date)
    typer.echo(tr("matter_closed", lang, number=matter.number, status=tr(f"matter_{matter.status}", lang),
                  date=str(matter.closed_on)))


@matter_app.command("stats")
@handled
def matter_stats_cmd(ctx: typer.Context, by: str = typer.Option("unit", "--by", help="unit / month"),
                     unit: str = typer.Option(None, "--unit"),
                     as_of: str = typer.Option(None, "--as-of", help="措施逾期按此日期判断（默认今天）"),
                     db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """诉求数、解决数、解决率与逾期措施 / raised, resolved, the rate and overdue measures."""
    from ..i18n import tr
    from ..ledger.matter_stats import matter_stats, shown_rate

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    rows, total = matter_stats(ledger, acting_user(ledger, user), by=by, unit=unit, as_of=_as_of(as_of))  # type: ignore[arg-type]
    table = [[r.key or tr("th_total", lang), r.raised, r.resolved, r.unresolved, r.open, shown_rate(r.rate),
              r.overdue_measures] for r in [*rows, total]]
    typer.echo(text_table(["th_unit" if by == "unit" else "th_mt_month", "th_mt_raised", "th_mt_resolved",
                           "th_mt_unresolved", "th_mt_open", "th_mt_rate", "th_mt_overdue"], table, lang=lang))


@meeting_app.command("plan")
@handled
def meeting_plan(ctx: typer.Context, unit: str = typer.Option(..., "--unit", help="单位（代码或名称）"),
                 date: str = typer.Option(..., "--date", help="会议日期 / meeting day"),
                 kind: str = typer.Option("monthly", "--kind", help="例会 monthly / 紧急会议 emergency"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """安排会议并按规则列出议题 / plan a meeting; its agenda is the matters routed to it."""
    from ..i18n import tr
    from ..ledger.meetings import meeting_detail, plan_meeting

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    acting = acting_user(ledger, user)
    meeting = plan_meeting(ledger, acting, unit=unit, held_on=date, kind=kind)
    detail = meeting_detail(ledger, acting, meeting.number)
    typer.echo(tr("meeting_planned", lang, number=meeting.number, kind=tr(f"meeting_{meeting.kind}", lang),
                  date=meeting.held_on.isoformat(), unit=detail.unit, count=len(detail.items)))
    for item in detail.items:
        typer.echo(f"  {item.matter.number}  {item.unit}  {item.matter.raised_by}：{item.matter.summary}")


@meeting_app.command("agenda")
@handled
def meeting_agenda(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """补充安排会议后新提交的诉求到议题 / add the matters routed to a meeting since it was planned."""
    from ..i18n import tr
    from ..ledger.meetings import refresh_agenda

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    added = refresh_agenda(ledger, acting_user(ledger, user), number)
    typer.echo(tr("meeting_agenda_added", lang, number=number.strip().upper(), count=len(added)))
    for matter in added:
        typer.echo(f"  {matter.number}  {matter.raised_by}：{matter.summary}")


@meeting_app.command("list")
@handled
def meeting_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """会议 / the meetings of the user's units."""
    from ..i18n import tr
    from ..ledger.meetings import list_meetings

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    rows = [[m.number, tr(f"meeting_{m.kind}", lang), m.held_on.isoformat(), name, count]
            for m, name, count in list_meetings(ledger, acting_user(ledger, user), unit=unit)]
    typer.echo(text_table(["th_mt_meeting", "th_mt_kind", "th_mt_held_on", "th_unit", "th_mt_agenda"], rows, lang=lang))


@meeting_app.command("show")
@handled
def meeting_show(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号，如 HY-2026-001"),
                 as_of: str = typer.Option(None, "--as-of", help="措施状态按此日期（默认会议当天）"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """会议的出席、议题、共识与措施 / a meeting's attendance, agenda, consensus and measures."""
    from ..ledger.meetings import meeting_detail
    from ..ledger.minutes import minutes_tables, minutes_title

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    detail = meeting_detail(ledger, acting_user(ledger, user), number, as_of=_as_of(as_of))
    typer.echo(minutes_title(detail, lang))
    for table in minutes_tables(ledger, detail, lang):
        typer.echo(f"\n【{table.title}】" if lang == "zh" else f"\n[{table.title}]")
        typer.echo(text_table(table.header, table.rows, lang=lang))


@meeting_app.command("attend")
@handled
@utf8_args
def meeting_attend(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号"),
                   name: str = typer.Argument(..., help="参会人 / attendee"),
                   party: str = typer.Option(..., "--party", help="代表方：公司 村 政府 专家"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记参会人及其代表方 / record an attendee and the party they speak for."""
    from ..i18n import tr
    from ..ledger.meetings import attend

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    who = attend(ledger, acting_user(ledger, user), number, name=name, party=party)
    typer.echo(tr("meeting_attended", lang, name=who.name, party=ledger.label("party", who.party, lang),
                  number=number.strip().upper()))


@meeting_app.command("decide")
@handled
@utf8_args
def meeting_decide(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号"),
                   matter: str = typer.Option(..., "--matter", help="诉求编号"),
                   consensus: str = typer.Option(..., "--consensus", help="达成的共识 / the consensus"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记会议就一项诉求达成的共识 / record the consensus on a matter of the agenda."""
    from ..i18n import tr
    from ..ledger.meetings import decide

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    decide(ledger, acting_user(ledger, user), number, matter=matter, consensus=consensus)
    typer.echo(tr("meeting_decided", lang, matter=matter.strip().upper(), number=number.strip().upper()))


@meeting_app.command("measure")
@handled
@utf8_args
def meeting_measure(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号"),
                    matter: str = typer.Option(..., "--matter", help="诉求编号"),
                    action: str = typer.Option(..., "--action", help="措施 / the measure"),
                    owner: str = typer.Option(..., "--owner", help="责任人 / who carries it out"),
                    due: str = typer.Option(..., "--due", help="完成期限 / due date"),
                    db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记措施、责任人与期限 / record a measure with its owner and due date."""
    from ..i18n import tr
    from ..ledger.meetings import add_measure

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    measure = add_measure(ledger, acting_user(ledger, user), number, matter=matter, action=action, owner=owner,
                          due_on=due)
    typer.echo(tr("measure_added", lang, ref=f"{number.strip().upper()}/{measure.seq}", owner=measure.owner,
                  date=measure.due_on.isoformat()))


@meeting_app.command("done")
@handled
def meeting_done(ctx: typer.Context, ref: str = typer.Argument(..., help="措施编号，如 HY-2026-001/2"),
                 date: str = typer.Option(None, "--date", help="完成日期（默认今天）"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记措施已落实 / record a measure as carried out."""
    from ..i18n import tr
    from ..ledger.meetings import mark_done

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    measure = mark_done(ledger, acting_user(ledger, user), ref, done_on=date)
    typer.echo(tr("measure_marked_done", lang, ref=ref.strip().upper(), date=str(measure.done_on)))


@meeting_app.command("measures")
@handled
def meeting_measures(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                     as_of: str = typer.Option(None, "--as-of", help="按此日期判断（默认今天）"),
                     state: str = typer.Option(None, "--state", help="done / overdue / open"),
                     db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """措施落实情况：已完成、逾期、进行中 / measures: done, overdue or open as of a date."""
    from ..i18n import tr
    from ..ledger.meetings import list_measures

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    lines = list_measures(ledger, acting_user(ledger, user), as_of=_as_of(as_of), unit=unit, state=state)
    rows = [[line.ref, line.matter, line.measure.action, line.measure.owner, line.measure.due_on.isoformat(),
             tr(f"measure_{line.state}", lang), str(line.measure.done_on or "")] for line in lines]
    typer.echo(text_table(["th_mt_measure_ref", "th_mt_matter", "th_mt_measure", "th_mt_owner", "th_mt_due_on",
                           "th_mt_state", "th_mt_done_on"], rows, lang=lang))


@meeting_app.command("minutes")
@handled
def meeting_minutes(ctx: typer.Context, number: str = typer.Argument(..., help="会议编号"),
                    out: Path = typer.Option(..., "-o", "--output", help="FILE.xlsx 或 FILE.html"),
                    as_of: str = typer.Option(None, "--as-of", help="措施状态按此日期（默认会议当天）"),
                    db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """导出会议纪要（XLSX 或可打印的 HTML）/ export the minutes."""
    from ..i18n import tr
    from ..ledger.meetings import meeting_detail
    from ..ledger.minutes import export_minutes

    lang = chosen_lang(ctx)
    if out.suffix.lower() not in (".xlsx", ".html", ".htm"):
        fail(tr("minutes_suffix", lang, path=out))
    ledger = ledger_for(ctx, db)
    detail = meeting_detail(ledger, acting_user(ledger, user), number, as_of=_as_of(as_of))
    export_minutes(ledger, detail, out, lang)
    typer.echo(tr("minutes_exported", lang, number=detail.meeting.number, path=out))
