"""`tiaojie person …`: a village's cadres (村两委成员) and party members."""

from __future__ import annotations

import typer

from .evaluate_cmd import utf8_args
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

person_app = typer.Typer(help="村干部和党员 / a village's cadres and party members", no_args_is_help=True)


@person_app.command("add")
@handled
@utf8_args
def person_add(ctx: typer.Context, name: str = typer.Argument(..., help="姓名 / name"),
               unit: str = typer.Option(..., "--unit", help="所在村（代码或名称）/ village"),
               post: str = typer.Option("", "--post", help="职务，如 村党支部书记 / post"),
               committee: bool = typer.Option(True, "--committee/--no-committee", help="村两委成员 / on the committees"),
               party_member: bool = typer.Option(False, "--party-member/--no-party-member", help="党员 / party member"),
               db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记村干部或党员 / add a cadre or party member."""
    from ..i18n import tr
    from ..ledger.people import add_person, list_people

    ledger = ledger_for(ctx, db)
    person = add_person(ledger, acting_user(ledger, user), unit=unit, name=name, post=post, committee=committee,
                        party_member=party_member)
    unit_name = next(u for u, p in list_people(ledger, None) if p.id == person.id)
    typer.echo(tr("person_added", chosen_lang(ctx), person=person.name, unit=unit_name))


@person_app.command("list")
@handled
def person_list(ctx: typer.Context, unit: str = typer.Option(None, "--unit"),
                db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本人单位及下属单位的村干部和党员 / the cadres and party members of the user's units."""
    from ..i18n import tr
    from ..ledger.people import list_people

    lang = chosen_lang(ctx)
    ledger = ledger_for(ctx, db)
    rows = list_people(ledger, acting_user(ledger, user), unit)
    yes, no = tr("review_yes", lang), tr("review_no", lang)
    typer.echo(text_table(["th_unit", "th_person", "th_post", "th_committee", "th_party_member"],
                          [[u, p.name, p.post, yes if p.committee else no, yes if p.party_member else no]
                           for u, p in rows], lang=lang))
