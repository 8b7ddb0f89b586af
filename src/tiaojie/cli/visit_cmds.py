"""`tiaojie household …` and `tiaojie visit …`: a village's households and its party members' linked
households, the visits paid to them, and who still owes which visits under the visit-duty rule file."""

from __future__ import annotations

from pathlib import Path

import typer

from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

household_app = typer.Typer(help="农户和党员联系户 / households and party members' linked households", no_args_is_help=True)
visit_app = typer.Typer(help="入户走访和走访任务 / household visits and visit duties", no_args_is_help=True)

_SHOWN_HOUSEHOLDS = 10  # unvisited households listed in a line before the rest are counted


@household_app.command("add")
@handled
@utf8_args
def household_add(ctx: typer.Context, code: str = typer.Argument(..., help="户号 / household code"),
                  unit: str = typer.Option(..., "--unit", help="所在村（代码或名称）/ village"),
                  head: str = typer.Option(..., "--head", help="户主姓名 / head of household"),
                  address: str = typer.Option("", "--address", help="住址或村民小组 / address or group"),
                  db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记一户农户 / add a household."""
    from ..i18n import tr
    from ..ledger.households import add_household, list_households

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    household = add_household(ledger, by, unit=unit, code=code, head=head, address=address)
    shown = next((h.unit for h in list_households(ledger, by, unit) if h.household.id == household.id), unit)
    typer.echo(tr("household_added", chosen_lang(ctx), code=household.code, head=household.head, unit=shown))


@household_app.command("link")
@handled
@utf8_args
def household_link(ctx: typer.Context, code: str = typer.Argument(..., help="户号 / household code"),
                   unit: str = typer.Option(..., "--unit", help="所在村 / village"),
                   person: str = typer.Option(..., "--person", help="联系党员姓名 / the party member"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """把一户定为某党员的联系户 / make a household one of a party member's linked households."""
    from ..i18n import tr
    from ..ledger.households import link_household

    ledger = ledger_for(ctx, db)
    link_household(ledger, acting_user(ledger, user), unit=unit, household=code, person=person)
    typer.echo(tr("link_added", chosen_lang(ctx), code=code, person=person))


@household_app.command("import")
@handled
def household_import(ctx: typer.Context,
                     file: Path = typer.Argument(..., help="CSV 或 XLSX：村、户号、户主、住址、在册、联系党员"),
                     encoding: str = typer.Option(None, "--encoding", help="CSV 编码，如 gbk"),
                     db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """导入农户及党员联系户（有一行错误则全部不导入）/ import households and links (all or nothing)."""
    from ..ledger.households import import_households

    ledger = ledger_for(ctx, db)
    result = import_households(ledger, acting_user(ledger, user), file, encoding)
    typer.echo(result.summary().render(chosen_lang(ctx)))


@household_app.command("list")
@handled
def household_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本人单位及下属单位的农户 / the households of the user's units."""
    from ..i18n import tr
    from ..ledger.households import list_households

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    yes, no = tr("review_yes", lang), tr("review_no", lang)
    rows = [[line.unit, line.household.code, line.household.head, line.household.address,
             yes if line.household.active else no, "、".join(line.linked)]
            for line in list_households(ledger, acting_user(ledger, user), unit)]
    typer.echo(text_table(["th_unit", "th_code", "th_head", "th_address", "th_active", "th_linked"], rows, lang=lang))


@visit_app.command("add")
@handled
@utf8_args
def visit_add(ctx: typer.Context, household: str = typer.Argument(..., help="户号 / household code"),
              unit: str = typer.Option(..., "--unit", help="所在村 / village"),
              person: str = typer.Option(..., "--person", help="走访人 / visitor"),
              on: str = typer.Option(..., "--date", help="走访日期 / date of the visit"),
              kind: str = typer.Option("走访", "--kind", help="走访 | 回访 | 集中工作日（fields.toml）"),
              note: str = typer.Option("", "--note", help="走访情况 / note"),
              db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记一次入户走访 / log a household visit."""
    from ..i18n import tr
    from ..ledger.households import list_households
    from ..ledger.visits import add_visit

    ledger = ledger_for(ctx, db)
    by = acting_user(ledger, user)
    visit = add_visit(ledger, by, unit=unit, person=person, household=household, visit_on=on, kind=kind, note=note)
    head = next((h.household.head for h in list_households(ledger, by, unit) if h.household.id == visit.household_id), "")
    typer.echo(tr("visit_added", chosen_lang(ctx), person=person, day=visit.visit_on.isoformat(),
                  code=household, head=head))


@visit_app.command("import")
@handled
def visit_import(ctx: typer.Context,
                 file: Path = typer.Argument(..., help="CSV 或 XLSX：村、户号、走访人、走访日期、走访类型、备注"),
                 encoding: str = typer.Option(None, "--encoding", help="CSV 编码，如 gbk"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """导入走访记录（有一行错误则全部不导入；已登记的不重复登记）/ import visits (all or nothing)."""
    from ..ledger.visits import import_visits

    ledger = ledger_for(ctx, db)
    result = import_visits(ledger, acting_user(ledger, user), file, encoding)
    typer.echo(result.summary().render(chosen_lang(ctx)))


@visit_app.command("list")
@handled
def visit_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
               since: str = typer.Option(None, "--since", help="起始日期 / from"),
               until: str = typer.Option(None, "--until", help="截止日期 / to"),
               db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本人单位及下属单位的走访记录 / the visits of the user's units."""
    from ..ledger.visit_sheets import given_date
    from ..ledger.visits import list_visits

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    lines = list_visits(ledger, acting_user(ledger, user), unit=unit,
                        since=given_date(since, "duty_as_of") if since else None,
                        until=given_date(until, "duty_as_of") if until else None)
    rows = [[v.unit, v.visit.visit_on.isoformat(), v.person, v.household, v.head, v.kind, v.visit.note] for v in lines]
    typer.echo(text_table(["th_unit", "th_visit_on", "th_visitor", "th_code", "th_head", "th_visit_kind", "th_note"],
                          rows, lang=lang))


@visit_app.command("duty")
@handled
def visit_duty_cmd(ctx: typer.Context,
                   as_of: str = typer.Option(None, "--as-of", help="考核日期（默认今天）/ as of (default today)"),
                   unit: str = typer.Option(None, "--unit", help="村或乡（含下属）/ unit and those under it"),
                   db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """走访任务完成情况：每人、每村的覆盖率，未走访户，尚需走访次数 / who still owes which visits."""
    from ..i18n import tr
    from ..ledger.visit_duty import visit_duty
    from ..ledger.visit_sheets import given_date

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    day = given_date(as_of, "duty_as_of") if as_of else ledger.date()
    report = visit_duty(ledger, acting_user(ledger, user), day, unit)
    stated = next((v.header for v in ledger.rules.book.versions(report.policy) if v.version == report.version), None)
    title = (stated.title_en or stated.title if lang == "en" else stated.title) if stated else report.policy
    typer.echo(tr("duty_heading", lang, day=day.isoformat(), policy=title, version=report.version))
    if not report.villages:
        typer.echo(tr("duty_none", lang))
        return
    header = ["th_duty", "th_duty_period", "th_households", "th_covered", "th_coverage", "th_done", "th_still_due",
              "th_missed", "th_unvisited"]

    def cells(line) -> list[object]:  # noqa: ANN001 — a DutyLine
        shown = "、".join(f"{h.code} {h.head}" for h in line.unvisited[:_SHOWN_HOUSEHOLDS])
        if len(line.unvisited) > _SHOWN_HOUSEHOLDS:
            shown += " " + tr("duty_more", lang, count=len(line.unvisited) - _SHOWN_HOUSEHOLDS)
        period = f"{line.duty.starts_on.isoformat()}~{line.duty.window_ends_on.isoformat()}"
        return [line.duty.title.render(lang), period, line.households, line.covered, f"{line.coverage:.0%}",
                line.done, line.due, line.missed, shown]

    typer.echo("\n" + tr("duty_villages", lang))
    typer.echo(text_table(["th_unit", *header], [[line.unit, *cells(line)] for line in report.villages], lang=lang))
    if report.people:
        typer.echo("\n" + tr("duty_people", lang))
        typer.echo(text_table(["th_unit", "th_person", *header],
                              [[line.unit, line.person, *cells(line)] for line in report.people], lang=lang))
