"""`tiaojie claim …`: a unit claims a period's rewards and the claim goes through the review chain
of the rule files — accepted, a line rejected, returned; published with its objections; paid."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..i18n import Lang, tr
from .ledger_common import DB_OPTION, USER_OPTION, acting_user, chosen_lang, handled, ledger_for, text_table

if TYPE_CHECKING:
    from ..claim_models import Step
    from ..ledger.claims import ClaimView

claim_app = typer.Typer(help="奖补申报：申报、审核、公示、拨付 / claims through the review chain", no_args_is_help=True)

CLAIM = typer.Argument(..., help="申报编号，如 C-T1-V1-2026Q3 / the claim's number")


def _title(step: Step, lang: Lang) -> str:
    return step.title_en if lang == "en" and step.title_en else step.title


def _roles(step: Step, lang: Lang) -> str:
    return ("、" if lang != "en" else ", ").join(tr(f"role_{r}", lang) for r in step.roles)


def _heads(lang: Lang, *keys: str) -> list[str]:
    return [tr(f"claim_th_{key}", lang) if not key.startswith("th_") else key for key in keys]


def _due_line(view: ClaimView, lang: Lang) -> str:
    claim = view.claim
    if claim.status == "paid":
        return tr("claim_status_paid", lang)
    step = view.stage
    due = view.due_on
    text = (tr("claim_cli_due", lang, step=_title(step, lang), roles=_roles(step, lang), due=due.isoformat()) if due
            else tr("claim_cli_due_open", lang, step=_title(step, lang), roles=_roles(step, lang)))
    return f"{text}  {tr('claim_cli_overdue', lang)}" if view.overdue else text


@claim_app.command("submit")
@handled
def claim_submit(ctx: typer.Context, unit: str = typer.Argument(..., help="申报单位代码或名称 / the claiming unit"),
                 period: str = typer.Argument(..., help="2026-10 或 2026Q3 / a month or a quarter"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """申报一个月或一个季度的奖补（退回的申报重新提交）/ claim a period's rewards (or resubmit a returned claim)."""
    from ..ledger import claims

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    claim = claims.submit(ledger, acting_user(ledger, user), unit, period)
    view = claims.show(ledger, acting_user(ledger, user), claim.number)
    typer.echo(tr("claim_cli_submitted", lang, claim=claim.number, lines=len(view.accepted),
                  amount=f"{view.accepted_total:.2f}", step=_title(claim.current(), lang)))


@claim_app.command("list")
@handled
def claim_list(ctx: typer.Context, period: str = typer.Option(None, "--period", help="2026-10 / 2026Q3"),
               db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本人可见单位的申报、所在环节与期限 / the claims of the units you see, their step and due date."""
    from ..ledger import claims

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    views = claims.list_claims(ledger, acting_user(ledger, user), period=period)
    if not views:
        typer.echo(tr("claim_cli_none", lang))
        return
    rows = []
    for v in views:
        due = v.due_on.isoformat() if v.due_on else ""
        rows.append([v.claim.number, v.unit.name, v.claim.period_key, tr(f"claim_status_{v.claim.status}", lang),
                     _title(v.stage, lang) if v.claim.status != "paid" else "",
                     f"{due} {tr('claim_cli_overdue', lang)}" if v.overdue else due,
                     len(v.accepted), f"{v.accepted_total:.2f}"])
    typer.echo(text_table(_heads(lang, "claim", "th_unit", "period", "status", "step", "due", "th_cases", "amount"),
                          rows, lang=lang))


@claim_app.command("show")
@handled
def claim_show(ctx: typer.Context, claim: str = CLAIM, db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """申报的案件、审核记录、核减案件及理由、下一环节与期限 / lines, the chain so far, rejected lines and why, what is due next."""
    from ..ledger import claims

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    view = claims.show(ledger, acting_user(ledger, user), claim)
    c = view.claim
    typer.echo(tr("claim_cli_header", lang, claim=c.number, unit=view.unit.name, period=c.period_key,
                  status=tr(f"claim_status_{c.status}", lang), chain=c.chain_id, version=c.chain_version))
    typer.echo(_due_line(view, lang))
    if c.notice_ends_on:
        typer.echo(tr("claim_cli_notice", lang, end=c.notice_ends_on.isoformat()))
    typer.echo("")
    typer.echo(tr("claim_cli_accepted", lang, count=len(view.accepted), amount=f"{view.accepted_total:.2f}"))
    typer.echo(text_table(_heads(lang, "case", "th_payee", "th_gross", "amount", "th_capped"),
                          [[case.number, line.payee, f"{line.gross:.2f}", f"{line.amount:.2f}", line.capped_by or ""]
                           for line, case in view.accepted], lang=lang))
    noted = [(case.number, view.notes[case.id]) for _, case in view.lines if case.id in view.notes]
    if noted:
        typer.echo("")
        typer.echo(tr("claim_cli_notes", lang, count=len(noted)))
        for number, notes in noted:
            typer.echo(f"  {number}: " + "；".join(note.render(lang) for note in notes))
    if view.rejected:
        typer.echo("")
        typer.echo(tr("claim_cli_rejected_head", lang, count=len(view.rejected), amount=f"{view.rejected_total:.2f}"))
        typer.echo(text_table(_heads(lang, "case", "amount", "step", "by", "reason"),
                              [[case.number, f"{line.amount:.2f}",
                                _title(c.step_def(line.decided_step), lang) if line.decided_step else "",
                                line.decided_by or "", line.reason] for line, case in view.rejected], lang=lang))
    if view.objections:
        typer.echo("")
        typer.echo(tr("claim_cli_objections", lang))
        numbers = {line.id: case.number for line, case in view.lines}
        typer.echo(text_table(_heads(lang, "objection", "case", "raised_by", "on", "reason", "status"),
                              [[o.number, numbers.get(o.line_id, ""), o.raised_by, o.raised_on.isoformat(), o.text,
                                tr(f"claim_objection_{o.status}", lang) + (f"（{o.resolved_by}）" if o.resolved_by else "")]
                               for o in view.objections], lang=lang))
    typer.echo("")
    typer.echo(tr("claim_cli_chain", lang))
    typer.echo(text_table(_heads(lang, "step", "decision", "case", "by", "on", "reason"),
                          [[_title(c.step_def(d.step), lang), tr(f"claim_decision_{d.decision}", lang),
                            view.case_number(d.case_id), d.by_user, d.decided_on.isoformat(), d.reason]
                           for d in view.decisions], lang=lang))


@claim_app.command("accept")
@handled
def claim_accept(ctx: typer.Context, claim: str = CLAIM, db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """本环节审核通过，转下一环节 / pass the claim on to the next step."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    moved = claim_steps.accept(ledger, acting_user(ledger, user), claim)
    typer.echo(tr("claim_cli_moved", chosen_lang(ctx), claim=moved.number, step=_title(moved.current(), chosen_lang(ctx))))


@claim_app.command("reject-line")
@handled
def claim_reject_line(ctx: typer.Context, claim: str = CLAIM,
                      case: str = typer.Argument(..., help="卷号 / the case's number"),
                      reason: str = typer.Option(..., "--reason", help="核减理由，申报单位可见 / shown to the claimant"),
                      db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """核减一件案件（不予奖补）并写明理由 / reject a line: the case is not paid, the reason is kept."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    line = claim_steps.reject_line(ledger, acting_user(ledger, user), claim, case, reason)
    typer.echo(tr("claim_cli_rejected", chosen_lang(ctx), claim=claim, case=case, reason=line.reason))


@claim_app.command("return")
@handled
def claim_return(ctx: typer.Context, claim: str = CLAIM, reason: str = typer.Option(..., "--reason"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """整份退回申报单位，可修改后重新申报 / return the whole claim to the claimant."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    claim_steps.return_claim(ledger, acting_user(ledger, user), claim, reason)
    typer.echo(tr("claim_cli_returned", chosen_lang(ctx), claim=claim, reason=reason.strip()))


@claim_app.command("publish")
@handled
def claim_publish(ctx: typer.Context, claim: str = CLAIM, db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """公示：自今天起计公示期，期间受理异议 / publish the notice; objections are taken while it runs."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    published = claim_steps.publish(ledger, acting_user(ledger, user), claim)
    typer.echo(tr("claim_cli_published", chosen_lang(ctx), claim=published.number,
                  end=published.notice_ends_on.isoformat() if published.notice_ends_on else ""))


@claim_app.command("object")
@handled
def claim_object(ctx: typer.Context, claim: str = CLAIM, case: str = typer.Argument(..., help="卷号 / the case's number"),
                 by: str = typer.Option(..., "--by", help="异议人 / who raised it"),
                 text: str = typer.Option(..., "--text", help="异议内容 / what was said"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """登记公示期间收到的异议 / record an objection received during the notice."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    objection = claim_steps.object_to(ledger, acting_user(ledger, user), claim, case, by, text)
    typer.echo(tr("claim_cli_objection", chosen_lang(ctx), number=objection.number, by=objection.raised_by))


@claim_app.command("resolve")
@handled
def claim_resolve(ctx: typer.Context, objection: str = typer.Argument(..., help="异议编号 / the objection's number"),
                  upheld: bool = typer.Option(..., "--upheld/--dismissed",
                                              help="成立则核减该案件 / upheld rejects the line"),
                  db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """处理异议：成立（核减该案件）或不成立 / resolve an objection: upheld (the line is rejected) or dismissed."""
    from ..ledger import claim_steps

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    done = claim_steps.resolve(ledger, acting_user(ledger, user), objection, upheld=upheld)
    typer.echo(tr("claim_cli_resolved", lang, number=done.number, status=tr(f"claim_objection_{done.status}", lang)))


@claim_app.command("pay")
@handled
def claim_pay(ctx: typer.Context, claim: str = CLAIM, db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """拨付：通过的案件写入期间发放明细 / pay: the accepted lines become the period's payout lines."""
    from ..ledger import claims
    from ..ledger.audit import head_line

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    by = acting_user(ledger, user)
    paid = claims.pay(ledger, by, claim)
    view = claims.show(ledger, by, paid.number)
    typer.echo(tr("claim_cli_paid", lang, claim=paid.number, lines=len(view.accepted),
                  amount=f"{view.accepted_total:.2f}", period=paid.period_key))
    typer.echo(head_line(ledger, lang))


@claim_app.command("notice")
@handled
def claim_notice(ctx: typer.Context, claim: str = CLAIM,
                 out: Path = typer.Option(..., "-o", "--output", help="FILE.xlsx 或 FILE.html"),
                 db: str = DB_OPTION, user: str = USER_OPTION) -> None:
    """公示表（当事人隐名）：XLSX 或可打印的 HTML / the public notice, parties' names masked."""
    from ..ledger import claims

    ledger = ledger_for(ctx, db)
    lang = chosen_lang(ctx)
    path = claims.write_notice(ledger, acting_user(ledger, user), claim, out, lang)
    typer.echo(tr("claim_cli_notice_written", lang, path=str(path)))
